"""Functions the worker tests run in a spawned process (importable by name: tests/app is on sys.path)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from dataqa.errors import DataqaError, UnknownCheckError


class StaleRowsError(DataqaError):
    """An error whose constructor takes several arguments: pickle cannot rebuild it from its args."""

    def __init__(self, message: str, path: str, rows: list[int]) -> None:
        super().__init__(message)
        self.path, self.rows = path, rows


def fail_unknown_check(progress: Any) -> None:
    raise UnknownCheckError("expect_column_values_to_be_nul", ["expect_column_values_to_be_null"], "s.json[3]")


def fail_stale(progress: Any) -> None:
    raise StaleRowsError("rows changed under the job", "/data/t.parquet", [3, 50])


def fail_value(progress: Any) -> None:
    raise ValueError("not a number: 'x'")


def slow_steps(marker: str, steps: int, progress: Any) -> str:
    """``steps`` steps of 0.2 s; writes ``marker`` only at the very end (a job's output)."""
    for i in range(steps):
        progress(i + 1, steps, [i])
        time.sleep(0.2)
    Path(marker).write_text("done", encoding="utf-8")
    return "finished"
