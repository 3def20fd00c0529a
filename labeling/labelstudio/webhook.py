"""Optional loopback webhook receiver: re-pull the changeset as soon as reviewers annotate.

Label Studio calls ``http://127.0.0.1:<port>/dataqa-webhook`` on annotation create/update/delete;
each call only *triggers* a pull through the API (the API stays the source of truth, so the
changeset is the same as ``pull_reviews`` would give). The webhook carries a random header
secret, so other local programs cannot trigger pulls, and is deleted again on exit.

Label Studio refuses webhooks to local URLs unless started with ``SSRF_PROTECTION_ENABLED=false``;
the embedded server (loopback only) is started that way. For your own server, use ``dataqa
label pull`` instead, or set that variable there if it, too, is private.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from dataqa.io import Dataset
from dataqa.labeling.labelstudio.changeset import Changeset
from dataqa.labeling.labelstudio.client import LabelStudioSession, connect
from dataqa.labeling.labelstudio.projects import require_project
from dataqa.labeling.labelstudio.pull import pull_reviews
from dataqa.labeling.labelstudio.settings import Connection, resolve_connection

ACTIONS = ["ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED"]
PATH = "/dataqa-webhook"
SECRET_HEADER = "X-Dataqa-Webhook-Secret"


class ReviewWatcher:
    """Receive Label Studio's annotation webhooks on 127.0.0.1 and re-pull on each.

    Use as a context manager; call :meth:`wait` for the next changeset.

    Examples
    --------
    >>> with ReviewWatcher("dataqa: diamonds_dirty") as w:   # doctest: +SKIP
    ...     cs = w.wait(timeout=600)
    """

    def __init__(self, project: str, *, connection: Connection | None = None,
                 dataset: str | Path | Dataset | None = None, id_column: str | None = None,
                 port: int = 0, out: str | Path | None = None) -> None:
        self.project = project
        self.conn = connection or resolve_connection()
        self.dataset, self.id_column, self.out = dataset, id_column, out
        self._port = port
        self._secret = secrets.token_hex(16)
        self._event = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._hook_id: int | None = None
        self._session: LabelStudioSession | None = None

    @property
    def url(self) -> str:
        """Where Label Studio posts (valid once entered)."""
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{PATH}"

    def __enter__(self) -> ReviewWatcher:
        session = connect(self.conn)
        pid = require_project(session, self.project)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), _handler(self._secret, self._event))
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        try:
            hook = session.request("POST", "api/webhooks/", what=f"registering a webhook for '{self.project}'",
                                   json={"project": pid, "url": self.url, "send_payload": False,
                                         "send_for_all_actions": False, "actions": ACTIONS,
                                         "headers": {SECRET_HEADER: self._secret}, "is_active": True})
        except BaseException:
            self._httpd.shutdown()
            raise
        self._hook_id, self._session = int(hook["id"]), session
        return self

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self._session is not None and self._hook_id is not None:
                self._session.request("DELETE", f"api/webhooks/{self._hook_id}/",
                                      what="deleting dataqa's webhook")
        finally:
            if self._httpd is not None:
                self._httpd.shutdown()
                self._httpd.server_close()

    def wait(self, timeout: float | None = None) -> Changeset | None:
        """Block until the next annotation event, then pull (and write ``out``). ``None`` on timeout."""
        if not self._event.wait(timeout):
            return None
        self._event.clear()
        cs = pull_reviews(self.project, dataset=self.dataset, id_column=self.id_column,
                          connection=self.conn)
        if self.out is not None:
            cs.write(self.out)
        return cs

    def run(self, on_change: Callable[[Changeset], Any]) -> None:
        """Pull on every event until interrupted (Ctrl-C)."""
        while True:
            cs = self.wait(timeout=1.0)
            if cs is not None:
                on_change(cs)


def _handler(secret: str, event: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(min(length, 1_000_000))
            ok = self.path == PATH and secrets.compare_digest(self.headers.get(SECRET_HEADER, ""), secret)
            self.send_response(200 if ok else 403)
            self.end_headers()
            if ok:
                event.set()  # answer at once: Label Studio waits for us inside the reviewer's request

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: request lines would clutter the CLI

    return Handler
