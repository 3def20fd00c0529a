"""The upload limit (``[app] max_upload_mb``) and the message for a file over it (no Streamlit here:
``dataqa app`` reads it to size the server's own limit)."""

from __future__ import annotations

#: Bytes in a MB, as Streamlit counts upload sizes.
MB = 1 << 20
#: Streamlit receives uploads up to this multiple of ``[app] max_upload_mb`` (``dataqa app`` sets the
#: server's limit to it), so that a file over the setting reaches the Data page and gets its message,
#: which points to opening the file by path, instead of Streamlit's generic refusal.
UPLOAD_GRACE = 4


def upload_too_big(name: str, size: int, limit_mb: int) -> str | None:
    """The message for an upload over ``[app] max_upload_mb``, else ``None``."""
    if size <= limit_mb * MB:
        return None
    return (f"{name} is {size / MB:,.0f} MB, over the upload limit of {limit_mb} MB "
            "([app] max_upload_mb in dataqa.toml). Open it by its path on this machine instead "
            "(a file, a folder or a glob of Parquet files), or raise the limit.")
