"""Crash-safe file writes and the store's writer lock.

A version becomes visible only when the ``HEAD`` pointer is replaced, and that replacement is an
``os.replace`` of a fully written and fsynced temporary file: a ``kill -9`` at any earlier moment
leaves ``HEAD`` (and therefore the store) at the last complete version. Files written for a version
that never reached ``HEAD`` are orphans that no reader ever opens; the next writer overwrites them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import polars as pl

#: Test hook: seconds to sleep after a version's files are written and before HEAD is replaced,
#: so that a test can SIGKILL the writer at exactly that moment (see tests/test_versions_safety.py).
PAUSE_ENV = "DATAQA_VERSIONS_PAUSE_BEFORE_COMMIT"
#: Test hook: a file created when the writer reaches the pause (tells the test when to kill).
PAUSE_MARKER_ENV = "DATAQA_VERSIONS_PAUSE_MARKER"


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (POSIX needs the folder itself fsynced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    fsync_dir(path.parent)


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file, fsync, rename)."""
    text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    _atomic(path, write)


def write_parquet(path: Path, df: pl.DataFrame) -> None:
    """Write a Parquet file atomically (temp file, fsync, rename)."""
    _atomic(path, lambda p: df.write_parquet(p, statistics=True))


def sink_parquet(path: Path, lf: pl.LazyFrame) -> None:
    """Stream a lazy query to a Parquet file atomically (for the large base snapshot)."""
    _atomic(path, lambda p: lf.sink_parquet(p, statistics=True))


def pause_for_tests() -> None:
    """Honour the kill-test hook: mark, then sleep, between data files and the commit."""
    delay = os.environ.get(PAUSE_ENV)
    if not delay:
        return
    marker = os.environ.get(PAUSE_MARKER_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(delay))


@contextlib.contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """Exclusive ``fcntl`` lock held for a whole write: writers run one after the other.

    The kernel drops the lock when its process dies, so a killed writer never blocks the store.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
