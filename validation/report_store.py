"""Reports stored with versions: ``<workspace>/reports/<version>.json`` plus every failing row.

``dataqa check --version vN`` stores its report here; ``--since vN`` compares against it and
``--incremental`` starts from the nearest version that has one. The version store itself is
never written (it belongs to ``dataqa.versions``); a report names the store's base hash so a
report of another store is refused.

Files per version::

    <version>.json                      the JSON report, with "failures_file" and "store" (no
                                        failing rows: the Parquet file holds them all)
    <version>.<token>.failures.parquet  every failing row (the failure table, ``FAILURE_COLUMNS``)

The Parquet file is written first under a fresh name, then the JSON is replaced atomically (the
commit point), then the previous failures file is removed: a crash leaves the previous report
whole, never a report pointing at a half-written file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
from pathlib import Path

import polars as pl

from dataqa.errors import BaselineError
from dataqa.validation.compare import Baseline, baseline_from_data, failing_rows, load_report
from dataqa.validation.report import FAILURE_COLUMNS, SuiteReport


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ReportStore:
    """The folder of reports stored with versions.

    Parameters
    ----------
    path:
        The folder (``<workspace>/reports``); created on the first ``save``.
    store_hash:
        The version store's base hash (``store.json`` ``base_sha256``): reports of another store
        are refused on ``load``.
    """

    def __init__(self, path: str | Path, store_hash: str | None = None) -> None:
        self.path = Path(path)
        self.store_hash = store_hash

    def report_file(self, version: str) -> Path:
        """Where the report of ``version`` (an id such as ``v3``) is stored."""
        return self.path / f"{version}.json"

    def has(self, version: str) -> bool:
        """True when ``version`` has a stored report."""
        return self.report_file(version).exists()

    def save(self, version: str, report: SuiteReport, failures: pl.LazyFrame | None = None) -> Path:
        """Store ``report`` for ``version`` with every failing row (``failures``: a failures
        file as ``--failures`` writes it, scanned lazily; else the report's own table, which must
        then hold every row); returns the JSON path."""
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.report_file(version)
        old = self._failures_name(target)
        name = f"{version}.{secrets.token_hex(4)}.failures.parquet"
        # the Parquet file holds every failing row of every check (a failures file misses the
        # rows of checks added after the run, such as drift: they come from the report's table)
        src = failing_rows(report, failures, values=True) if failures is not None else report.failures.lazy()
        cols = [c for c in FAILURE_COLUMNS if c in src.collect_schema().names()]
        tmp = self.path / f".{name}.tmp"
        tmp_json = self.path / f".{version}.{secrets.token_hex(4)}.json.tmp"
        try:
            src.select(cols).sink_parquet(tmp, engine="streaming")
            os.replace(tmp, self.path / name)
            # the JSON is the summary only: listing the failing rows again (ids and values) made
            # writing and reading it cost more than re-validating the rows a fix touched
            data = dataclasses.replace(
                report, failures=report.failures.head(0),
                checks=[dataclasses.replace(c, failing_row_ids=[]) for c in report.checks]).to_dict()
            data["failures_file"] = name  # relative: the folder can move
            data["store"] = self.store_hash
            with open(tmp_json, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data, default=str))  # dumps: the C encoder (dump streams in Python)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_json, target)
            _fsync_dir(self.path)
        except BaseException:
            if not self.has(version) or self._failures_name(target) != name:
                (self.path / name).unlink(missing_ok=True)
            raise
        finally:  # nothing half-written is left behind
            tmp.unlink(missing_ok=True)
            tmp_json.unlink(missing_ok=True)
        if old and old != name:
            (self.path / old).unlink(missing_ok=True)
        return target

    @staticmethod
    def _failures_name(target: Path) -> str | None:
        try:
            value = json.loads(target.read_text(encoding="utf-8")).get("failures_file")
            return str(value) if value else None
        except (OSError, ValueError):
            return None

    def load(self, version: str) -> Baseline:
        """The stored report of ``version`` as a baseline.

        Raises
        ------
        BaselineError
            ``version`` has no stored report, or it belongs to another version store.
        """
        target = self.report_file(version)
        if not target.exists():
            raise BaselineError(
                f"version {version} has no stored report; check it first: dataqa check --version {version}")
        try:  # parsed once: a stored report lists every failing row and is the slow part to read
            data = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None
        baseline = load_report(target) if not isinstance(data, dict) else baseline_from_data(target, data)
        stored = data.get("store") if isinstance(data, dict) else None
        if self.store_hash and stored and stored != self.store_hash:
            raise BaselineError(f"{target}: the stored report belongs to another version store")
        return Baseline(f"version {version}", baseline.report, baseline.failures)
