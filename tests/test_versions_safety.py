"""Crash safety and concurrent writers, with real processes (SIGKILL, two writers at once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from dataqa.errors import ConcurrentWriteError
from dataqa.io import read_dataset
from dataqa.versions import VersionStore
from dataqa.versions._atomic import PAUSE_ENV, PAUSE_MARKER_ENV

CSV = "name,label\n" + "".join(f"r{i},{'ab'[i % 2]}\n" for i in range(20))

# A writer process: one cell edit (train rows only) with an optional expected parent.
WRITER = """
import sys, polars as pl
from dataqa.errors import ConcurrentWriteError
from dataqa.versions import VersionStore
s = VersionStore(sys.argv[1])
row, value, parent = int(sys.argv[2]), sys.argv[3], (sys.argv[4] if len(sys.argv) > 4 else None)
try:
    rec = s.edit_cells(pl.DataFrame({"row_id": [row], "column": ["name"], "new": [value]}),
                       message=value, expected_parent=parent)
    print(rec.id)
except ConcurrentWriteError as exc:
    print("refused:", exc)
    sys.exit(5)
"""


@pytest.fixture()
def store(tmp_path: Path) -> VersionStore:
    (tmp_path / "d.csv").write_text(CSV)
    s = VersionStore(tmp_path / "store")
    s.add(read_dataset(tmp_path / "d.csv"), "d", label_column="label", eval_fraction=0.2, seed=1)
    return s


def _train(s: VersionStore) -> list[int]:
    ev = set(s.eval_row_ids().to_list())
    return [i for i in range(20) if i not in ev]


def _writer(s: VersionStore, row: int, value: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(s.path), str(row), value, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "writer never reached the commit point"
        time.sleep(0.05)


def test_kill_9_before_commit_leaves_the_last_complete_version(store: VersionStore, tmp_path: Path) -> None:
    before = store.checkout().collect()
    marker = tmp_path / "paused"
    proc = _writer(store, _train(store)[0], "KILLED", env={PAUSE_ENV: "60", PAUSE_MARKER_ENV: str(marker)})
    _wait_for(marker, proc)
    # the version's data files and record are on disk; HEAD is not moved yet
    assert (store.path / "changes" / "v2.cells.parquet").exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    fresh = VersionStore(store.path)
    assert [r.id for r in fresh.list()] == ["v1"]
    assert fresh.checkout().collect().equals(before)
    # the orphan is never read, and the next writer takes its place (lock released by the kernel)
    rec = fresh.edit_cells(pl.DataFrame({"row_id": [_train(store)[1]], "column": ["name"], "new": ["OK"]}), message="next")
    assert rec.id == "v2" and "KILLED" not in fresh.checkout().collect()["name"].to_list()
    assert fresh.changes("v2")["new"].to_list() == ["OK"]


def test_kill_9_during_import_leaves_an_empty_store(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(CSV)
    marker, path = tmp_path / "paused", tmp_path / "s"
    code = ("import sys; from dataqa.io import read_dataset; from dataqa.versions import VersionStore; "
            "VersionStore(sys.argv[1]).add(read_dataset(sys.argv[2]), 'd', label_column='label')")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(tmp_path / "d.csv")],
                            env={**os.environ, PAUSE_ENV: "60", PAUSE_MARKER_ENV: str(marker)})
    _wait_for(marker, proc)  # type: ignore[arg-type]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    s = VersionStore(path)
    assert not (path / "HEAD").exists()
    s.add(read_dataset(tmp_path / "d.csv"), "d", label_column="label")  # a clean retry works
    assert [r.id for r in s.list()] == ["v1"]


def test_two_writers_at_once_are_both_kept_in_order(store: VersionStore, tmp_path: Path) -> None:
    a, b = _train(store)[:2]
    marker = tmp_path / "paused"
    first = _writer(store, a, "FIRST", env={PAUSE_ENV: "1.5", PAUSE_MARKER_ENV: str(marker)})
    _wait_for(marker, first)  # the first writer holds the lock, mid-commit
    second = _writer(store, b, "SECOND")
    out1, out2 = first.communicate(timeout=60), second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), (out1, out2)
    assert (out1[0].strip(), out2[0].strip()) == ("v2", "v3")
    recs = store.list()
    assert [(r.id, r.parent, r.message) for r in recs] == [("v1", None, "import " + str(tmp_path / "d.csv")),
                                                          ("v2", "v1", "FIRST"), ("v3", "v2", "SECOND")]
    names = store.checkout().collect()["name"]
    assert (names[a], names[b]) == ("FIRST", "SECOND")  # no lost fix


def test_a_writer_whose_parent_moved_is_refused(store: VersionStore, tmp_path: Path) -> None:
    a, b = _train(store)[:2]
    marker = tmp_path / "paused"
    first = _writer(store, a, "FIRST", "v1", env={PAUSE_ENV: "1.5", PAUSE_MARKER_ENV: str(marker)})
    _wait_for(marker, first)
    second = _writer(store, b, "SECOND", "v1")
    out1, out2 = first.communicate(timeout=60), second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 5), (out1, out2)
    assert "refused: " in out2[0] and "another writer committed v2 after v1; nothing was written" in out2[0]
    assert [r.id for r in store.list()] == ["v1", "v2"]
    with pytest.raises(ConcurrentWriteError):
        store.drop_rows([b], "x", expected_parent="v1")
