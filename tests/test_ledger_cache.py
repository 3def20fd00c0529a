"""The ledger's retrain cache: a writer killed mid-save (a cancelled job) leaves nothing behind for long."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from dataqa.ledger import ledger


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_save_clears_the_temp_files_of_killed_writers_and_keeps_live_ones(tmp_path: Path) -> None:
    folder = tmp_path / "ledger_cache"
    folder.mkdir()
    orphan = folder / f".k1.{_dead_pid()}.npz"
    live = folder / f".k2.{os.getpid()}.npz"
    for p in (orphan, live):
        p.write_bytes(b"partial")
    store = SimpleNamespace(path=tmp_path)
    ledger._cache_save(store, "k3", np.array([[0.25, 0.75]]), 10)  # type: ignore[arg-type]
    assert not orphan.exists()
    assert live.exists()
    proba, n_train = ledger._cache_load(store, "k3")  # type: ignore[arg-type,misc]
    assert n_train == 10 and proba.tolist() == [[0.25, 0.75]]
    assert sorted(p.name for p in folder.iterdir()) == [live.name, "k3.npz"]
