"""Process and port helpers for the embedded server (POSIX)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import IO

import httpx

HOST = "127.0.0.1"


def port_in_use(port: int, host: str = HOST) -> bool:
    """Whether something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex((host, port)) == 0


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie child is reaped and counts as gone)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # reaps it if it is our exited child
        if done == pid:
            return False
    except ChildProcessError:
        pass  # not our child: fall through to a signal-0 probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False
    return True


def runs_with(pid: int, marker: str) -> bool:
    """Whether process ``pid``'s command line contains ``marker`` (True without ``/proc``)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return marker.encode() in cmdline.read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()  # no /proc (macOS): trust the state file
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (after reaping our own exited leader)."""
    alive(pgid)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_port_free(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while port_in_use(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def open_log(path: Path) -> IO[bytes]:
    """Open the server log for appending, readable only by the user."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(fd, "ab")
