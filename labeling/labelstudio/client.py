"""Connecting to Label Studio with label-studio-sdk 2.x, and turning its errors into dataqa's.

label-studio-sdk 2.x decides the token kind itself: a JWT (a personal access token, i.e. a
refresh token) is exchanged for short-lived access tokens at ``/api/token/refresh/`` and sent as
``Authorization: Bearer``; anything else is a legacy token sent as ``Authorization: Token``.

Every call goes through :func:`translate_errors`, which maps:

* no answer (connection refused, DNS, timeout) -> ``ServiceUnreachable`` (CLI exit 4)
* HTTP 401/403, or an expired personal access token -> ``LabelStudioAuthError`` (exit 6)
* HTTP 404 on a project -> ``ProjectNotFound`` (exit 6)
* any other HTTP error, or an answer that is not Label Studio's -> ``LabelStudioError`` (exit 6)

Messages carry the URL and the HTTP status, never the token, request headers or cookies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from dataqa.errors import LabelStudioAuthError, LabelStudioError, ProjectNotFound, ServiceUnreachable
from dataqa.labeling.labelstudio.settings import Connection

_NOT_LS = ("{url} gave an answer Label Studio would not give while {what}; is "
           "DATAQA_LABEL_STUDIO_URL the address of a Label Studio server?")


def _detail(exc: ApiError) -> str:
    body = exc.body
    if isinstance(body, dict):
        detail = body.get("validation_errors") or body.get("detail") or body
        return str(detail)
    return str(body)[:300]


@contextmanager
def translate_errors(conn: Connection, what: str, project: str | None = None) -> Iterator[None]:
    """Re-raise SDK/httpx errors raised while doing ``what`` as dataqa's typed errors.

    ``project`` names the project for a 404 message. The original exception is not chained
    (``from None``): its text can contain response headers such as session cookies.
    """
    try:
        yield
    except ApiError as exc:
        status = exc.status_code or 0
        detail = conn.token.redact(_detail(exc))
        if status < 400:  # the SDK could not parse a successful answer: not Label Studio
            raise LabelStudioError(_NOT_LS.format(url=conn.url, what=what)) from None
        if status in (401, 403):
            raise LabelStudioAuthError(
                f"Label Studio at {conn.url} refused the token while {what} (HTTP {status}); "
                f"check the token from {conn.source}"
            ) from None
        if status == 404 and project is not None:
            raise ProjectNotFound(
                f"Label Studio project {project} not found at {conn.url} while {what} "
                "(deleted?); push the suspects again to recreate it"
            ) from None
        raise LabelStudioError(
            f"Label Studio at {conn.url} answered HTTP {status} while {what}: {detail}"
        ) from None
    except ValueError:  # JSON or pydantic errors: something else answers at that URL
        raise LabelStudioError(_NOT_LS.format(url=conn.url, what=what)) from None
    except (httpx.TransportError, OSError) as exc:
        raise ServiceUnreachable(
            f"Label Studio at {conn.url} is unreachable while {what} ({type(exc).__name__}); start "
            "it with `dataqa labelstudio serve` or set DATAQA_LABEL_STUDIO_URL to your server"
        ) from None


@dataclass
class LabelStudioSession:
    """A verified connection: the SDK client plus the :class:`Connection` it was made from."""

    conn: Connection
    sdk: LabelStudio
    user_email: str

    def call(self, what: str, fn: Any, *args: Any, project: str | None = None, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` under :func:`translate_errors`."""
        with translate_errors(self.conn, what, project):
            return fn(*args, **kwargs)

    def request(self, method: str, path: str, *, what: str, project: str | None = None,
                **kwargs: Any) -> Any:
        """A raw JSON API call through the SDK's authenticated HTTP client."""
        with translate_errors(self.conn, what, project):
            resp = self.sdk._client_wrapper.httpx_client.request(path, method=method, **kwargs)
            if resp.status_code >= 400:
                try:
                    body = resp.json()
                except ValueError:
                    body = resp.text
                raise ApiError(status_code=resp.status_code, body=body)
            return resp.json() if resp.content else None


def connect(conn: Connection, *, timeout: float = 60.0) -> LabelStudioSession:
    """Open and verify a connection (one ``whoami`` call).

    Raises
    ------
    ServiceUnreachable
        Nothing answers at ``conn.url``.
    LabelStudioAuthError
        The token is refused (or is an expired personal access token).
    """
    with translate_errors(conn, "connecting"):
        # max_retries=0: an unreachable server fails at once instead of backing off.
        sdk = LabelStudio(  # type: ignore[no-untyped-call]
            base_url=conn.url, api_key=conn.token.reveal(), timeout=timeout,
            max_retries=0)
        me = sdk.users.whoami()
    return LabelStudioSession(conn=conn, sdk=sdk, user_email=str(me.email or me.id))
