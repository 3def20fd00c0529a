"""Start, watch and stop the embedded Label Studio server (loopback only).

The server runs from its own virtual environment (its pins conflict with dataqa's), found via
``DATAQA_LABEL_STUDIO_BIN``, else ``~/.cache/dataqa/label-studio-venv/bin/label-studio``, else
``label-studio`` on ``PATH``. Its files live in ``<workspace>/labelstudio/`` (see
:class:`~dataqa.labeling.labelstudio.settings.ServerPaths`).

The first start of a fresh folder runs ``label-studio init`` (database migrations, ~30 s+), which
creates the admin user and its legacy API token non-interactively; both are generated here and
written to 0600 files, and passed to Label Studio through its environment (never on the command
line, where ``ps`` would show them). Later starts reuse the initialised folder and take seconds.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from dataqa.errors import LabelStudioError
from dataqa.labeling.labelstudio._process import (
    HOST,
    alive,
    free_port,
    group_alive,
    healthy,
    open_log,
    port_in_use,
    runs_with,
    wait_port_free,
)

__all__ = ["EmbeddedServer", "ServerStatus", "find_binary", "free_port", "port_in_use", "HOST"]
from dataqa.labeling.labelstudio.settings import (
    ADMIN_EMAIL,
    Secret,
    ServerPaths,
    read_token_file,
    write_private,
)

ENV_BIN = "DATAQA_LABEL_STUDIO_BIN"
DEFAULT_BIN = Path.home() / ".cache" / "dataqa" / "label-studio-venv" / "bin" / "label-studio"


def find_binary() -> str:
    """The ``label-studio`` executable (see the module docstring for the search order).

    Raises
    ------
    LabelStudioError
        None found; the message says how to create its virtual environment.
    """
    env = os.environ.get(ENV_BIN)
    if env:
        if not Path(env).is_file():
            raise LabelStudioError(f"{ENV_BIN}={env}: no such file")
        return env
    if DEFAULT_BIN.is_file():
        return str(DEFAULT_BIN)
    found = shutil.which("label-studio")
    if found:
        return found
    raise LabelStudioError(
        "label-studio is not installed: run `python -m venv ~/.cache/dataqa/label-studio-venv && "
        "~/.cache/dataqa/label-studio-venv/bin/pip install label-studio==1.23.2`, or set "
        f"{ENV_BIN}, or use your own server via DATAQA_LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY"
    )


@dataclass(frozen=True)
class ServerStatus:
    """What ``dataqa labelstudio status`` reports."""

    running: bool
    ready: bool
    url: str | None
    pid: int | None
    data_dir: Path
    initialised: bool


class EmbeddedServer:
    """The loopback Label Studio of one folder (``<workspace>/labelstudio``).

    Examples
    --------
    >>> srv = EmbeddedServer(server_paths(".dataqa"), port=8089)   # doctest: +SKIP
    >>> srv.start().url                                            # doctest: +SKIP
    'http://127.0.0.1:8089'
    >>> srv.stop()                                                 # doctest: +SKIP
    True
    """

    def __init__(self, paths: ServerPaths, port: int = 8089, binary: str | None = None) -> None:
        self.paths = paths
        self.port = port
        self._binary = binary

    @property
    def url(self) -> str:
        """Base URL on loopback."""
        return f"http://{HOST}:{self.port}"

    @property
    def binary(self) -> str:
        """The ``label-studio`` executable."""
        if self._binary is None:
            self._binary = find_binary()
        return self._binary

    @property
    def initialised(self) -> bool:
        """Whether the data folder holds a migrated database, the admin and its token file."""
        p = self.paths
        return bool(p.initialised_marker.is_file() and p.token_file.is_file() and p.data_dir.is_dir())

    def _env(self, admin: tuple[str, str, Secret] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LABEL_STUDIO_", "HEARTEX_", "DATAQA_"))}
        env.update({
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.paths.data_dir.resolve()),
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",  # our stored token is a legacy token
            "LATEST_VERSION_CHECK": "false",  # no network at run time
            "COLLECT_ANALYTICS": "false",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",  # other local users cannot sign up
            # Webhooks to dataqa's loopback receiver (webhook.py) are local URLs; acceptable only
            # because this server itself listens on 127.0.0.1 alone.
            "SSRF_PROTECTION_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        })
        if admin is not None:
            email, password, token = admin
            env.update({"LABEL_STUDIO_USERNAME": email, "LABEL_STUDIO_PASSWORD": password,
                        "LABEL_STUDIO_USER_TOKEN": token.reveal()})
        return env

    def initialise(self, timeout: float = 600.0) -> None:
        """Migrate a fresh data folder and create the admin user and token (slow: ~30 s+).

        Raises
        ------
        LabelStudioError
            ``label-studio init`` failed or timed out; the message has the log's tail.
        """
        p = self.paths
        p.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(p.root, 0o700)
        # A retry after a failed init reuses the first attempt's secrets: the admin may exist already.
        token = read_token_file(p.token_file) or Secret(secrets.token_hex(20))
        password = _stored_password(p.credentials_file) or secrets.token_urlsafe(18)
        write_private(p.token_file, token.reveal() + "\n")
        write_private(p.credentials_file, json.dumps({"email": ADMIN_EMAIL, "password": password}))
        with open_log(p.log_file) as log:
            try:
                proc = subprocess.run(
                    [self.binary, "init", "--quiet", "--no-browser", "--data-dir", str(p.data_dir)],
                    env=self._env((ADMIN_EMAIL, password, token)), stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, timeout=timeout, check=False,
                )
            except subprocess.TimeoutExpired:
                raise LabelStudioError(
                    f"label-studio init did not finish in {timeout:.0f} s; see {p.log_file}"
                ) from None
        if proc.returncode != 0:
            raise LabelStudioError(
                f"label-studio init failed (exit {proc.returncode}):\n{self.log_tail(token)}"
            )
        p.initialised_marker.write_text("label-studio init done\n", encoding="utf-8")

    def start(self, timeout: float = 180.0) -> ServerStatus:
        """Start the server in the background (initialising the folder first if needed).

        Returns at once if this folder's server already runs. Waits until ``/health`` answers.

        Raises
        ------
        LabelStudioError
            The port is taken by another program, or the server exited or did not become ready
            within ``timeout`` seconds (the message has the log's tail, tokens redacted).
        """
        current = self.status()
        if current.running and current.ready:
            return current
        if current.running and current.pid is not None:
            self.port = int(str(current.url).rsplit(":", 1)[1])
            return self._wait_ready(current.pid, timeout)
        if not wait_port_free(self.port, 10.0):  # a just-stopped server may still hold it
            raise LabelStudioError(
                f"port {self.port} on {HOST} is already in use; pass --port or set "
                "[label_studio] port in dataqa.toml"
            )
        if not self.initialised:
            self.initialise()
        pid = self._spawn()
        write_private(self.paths.state_file, json.dumps(
            {"pid": pid, "port": self.port, "url": self.url, "data_dir": str(self.paths.data_dir)}))
        return self._wait_ready(pid, timeout)

    def _spawn(self) -> int:
        p = self.paths
        argv = [self.binary, "start", "--no-browser", "--data-dir", str(p.data_dir.resolve()),
                "--internal-host", HOST, "--port", str(self.port), "--host", self.url]
        fd = os.open(p.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            # posix_spawn + setsid: its own process group (stopped as a group), no Popen to reap.
            return os.posix_spawn(
                self.binary, argv, self._env(),
                file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2),
                              (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)],
                setsid=True,
            )
        finally:
            os.close(fd)

    def _wait_ready(self, pid: int, timeout: float) -> ServerStatus:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not alive(pid):
                self.paths.state_file.unlink(missing_ok=True)
                raise LabelStudioError(
                    f"Label Studio exited during start-up; log {self.paths.log_file}:\n{self.log_tail()}"
                )
            if healthy(self.url):
                return self.status()
            time.sleep(0.5)
        self.stop()
        raise LabelStudioError(
            f"Label Studio was not ready after {timeout:.0f} s; log {self.paths.log_file}:\n{self.log_tail()}"
        )

    def status(self) -> ServerStatus:
        """Whether this folder's server runs (per its state file) and answers ``/health``."""
        pid, url = None, None
        try:
            state = json.loads(self.paths.state_file.read_text(encoding="utf-8"))
            pid, url = int(state["pid"]), str(state["url"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        # A stale state file (after a reboot) may name a pid now used by another program: never
        # report, or later kill, a process that is not this folder's label-studio.
        running = pid is not None and alive(pid) and runs_with(pid, str(self.paths.data_dir.resolve()))
        return ServerStatus(running=running, ready=bool(running and url and healthy(url)),
                            url=url if running else None, pid=pid if running else None,
                            data_dir=self.paths.data_dir, initialised=self.initialised)

    def stop(self, timeout: float = 20.0) -> bool:
        """Stop the server's whole process group (TERM, then KILL). ``False`` if none ran."""
        st = self.status()
        self.paths.state_file.unlink(missing_ok=True)
        if not st.running or st.pid is None:
            return False
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(st.pid, sig)
            except ProcessLookupError:
                return True
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if not group_alive(st.pid):
                    return True
                time.sleep(0.2)
        return not group_alive(st.pid)

    def log_tail(self, token: Secret | None = None, lines: int = 40) -> str:
        """The last lines of the server log, with the admin token redacted."""
        try:
            text = self.paths.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        token = token or read_token_file(self.paths.token_file)
        tail = "\n".join(text.splitlines()[-lines:])
        return token.redact(tail) if token else tail


def _stored_password(path: Path) -> str | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("password")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None
