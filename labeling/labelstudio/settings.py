"""Where dataqa finds Label Studio: URL, token and the embedded server's files.

Resolution order, first hit wins:

* URL: explicit argument, ``DATAQA_LABEL_STUDIO_URL``, ``[label_studio] url`` in ``dataqa.toml``,
  the running embedded server's state file, ``http://127.0.0.1:<[label_studio] port>``.
* token: explicit argument, ``LABEL_STUDIO_API_KEY``, the embedded server's token file
  (``<workspace>/labelstudio/token``, mode 0600; only when the URL is the embedded server's).

The token is wrapped in :class:`Secret` as soon as it is read, so that ``repr``/``str`` of any
object holding it never shows it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from dataqa.config import ProjectConfig, load_config
from dataqa.errors import LabelStudioAuthError

ENV_URL = "DATAQA_LABEL_STUDIO_URL"
ENV_TOKEN = "LABEL_STUDIO_API_KEY"
ADMIN_EMAIL = "admin@dataqa.local"


class Secret:
    """A string that never prints itself (``str``, ``repr`` and f-strings show ``***``)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself; pass it only to the HTTP client."""
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the secret replaced by ``***``."""
        return text.replace(self._value, "***") if self._value else text

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class ServerPaths:
    """Files of the embedded server under ``<workspace>/labelstudio/``."""

    root: Path

    @property
    def data_dir(self) -> Path:
        """Label Studio's data folder (SQLite database, media, its SECRET_KEY in ``.env``)."""
        return self.root / "data"

    @property
    def token_file(self) -> Path:
        """The admin's legacy API token (mode 0600)."""
        return self.root / "token"

    @property
    def credentials_file(self) -> Path:
        """Admin e-mail and password for the web UI (mode 0600)."""
        return self.root / "credentials"

    @property
    def state_file(self) -> Path:
        """pid, port and URL of the running embedded server."""
        return self.root / "server.json"

    @property
    def log_file(self) -> Path:
        """The server's stdout/stderr."""
        return self.root / "server.log"

    @property
    def initialised_marker(self) -> Path:
        """Written once the database is migrated and the admin exists."""
        return self.root / "initialised"


def server_paths(workspace: str | Path) -> ServerPaths:
    """The embedded server's files for a dataqa workspace folder."""
    return ServerPaths(Path(workspace) / "labelstudio")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable and writable only by the user (0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)  # in case the file pre-existed with wider permissions
    os.replace(tmp, path)


def read_token_file(path: Path) -> Secret | None:
    """The token stored in ``path``, or ``None`` when there is no such file."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return Secret(value) if value else None


@dataclass(frozen=True)
class Connection:
    """How to reach one Label Studio: its base URL and a token (legacy or personal access)."""

    url: str
    token: Secret = field(repr=False)
    source: str = "environment"
    """Where the token came from (for messages): ``argument``, ``environment`` or a file path."""


def _state_url(paths: ServerPaths) -> str | None:
    try:
        state = json.loads(paths.state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = state.get("url")
    return url if isinstance(url, str) else None


def resolve_connection(
    cfg: ProjectConfig | None = None,
    *,
    url: str | None = None,
    token: str | Secret | None = None,
) -> Connection:
    """Find the Label Studio URL and token (see the module docstring for the order).

    Raises
    ------
    LabelStudioAuthError
        No token anywhere: says which variable to set or to run ``dataqa labelstudio serve``.
    """
    cfg = cfg or load_config()
    paths = server_paths(cfg.workspace_path)
    embedded_url = _state_url(paths) or f"http://127.0.0.1:{cfg.label_studio.port}"
    chosen = url or os.environ.get(ENV_URL) or cfg.label_studio.url or embedded_url
    chosen = chosen.rstrip("/")
    if token is not None:
        secret = token if isinstance(token, Secret) else Secret(token)
        return Connection(chosen, secret, "argument")
    env_token = os.environ.get(ENV_TOKEN)
    if env_token:
        return Connection(chosen, Secret(env_token), ENV_TOKEN)
    if chosen == embedded_url.rstrip("/"):
        stored = read_token_file(paths.token_file)
        if stored is not None:
            return Connection(chosen, stored, str(paths.token_file))
    raise LabelStudioAuthError(
        f"no Label Studio token for {chosen}: set {ENV_TOKEN} (and {ENV_URL} for your own server) "
        "or start the embedded server with `dataqa labelstudio serve`"
    )
