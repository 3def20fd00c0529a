"""Check a version of the store, keep its report with it, and compare with earlier versions.

``check_version(store, "v3", suites)`` validates the content of version v3 (read lazily from the
store through ``VersionStore.checkout``) and stores the report in ``<workspace>/reports``
(``ReportStore``), so that ``since="v2"`` (``dataqa check --since v2``) can split failing rows
into new / still failing / fixed against v2's stored report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.errors import BaselineError
from dataqa.io import Dataset
from dataqa.validation.compare import Baseline, compare_reports, load_report
from dataqa.validation.engine import run_suites
from dataqa.validation.plugins import load_plugins
from dataqa.validation.report import SuiteReport
from dataqa.validation.report_store import ReportStore
from dataqa.validation.suite_spec import Suite
from dataqa.validation.suites import load_suite
from dataqa.versions import VersionRecord, VersionStore


def report_store_for(store: VersionStore, folder: str | Path | None = None) -> ReportStore:
    """The reports folder of ``store``: ``folder``, else ``reports/`` next to the store folder."""
    return ReportStore(folder or store.path.parent / "reports", store.meta.get("base_sha256"))


def version_dataset(store: VersionStore, ref: str) -> tuple[Dataset, VersionRecord]:
    """A version's content as a ``Dataset``, rows identified by the store's ``row_id``.

    With a key column, the data is the version's own columns and rows are identified by the
    key; without one, rows keep the position they had at import (``row_id``, a column of the
    data then), so dropping rows never renumbers the others.
    """
    rec = store.resolve(ref)
    lf = store.checkout(rec.id)
    id_column = store.meta.get("id_column")
    name = f"{store.path}@{rec.id}"
    if id_column:
        return Dataset(name, lf.drop(ROW_ID), id_column=id_column, format="parquet"), rec
    return Dataset(name, lf, id_column=ROW_ID, format="parquet"), rec


def check_version(
    store: VersionStore,
    ref: str,
    suites: Sequence[Suite],
    *,
    reports: ReportStore | None = None,
    save: bool = True,
    max_failures: int | None = None,
    failures_path: str | Path | None = None,
) -> SuiteReport:
    """Run ``suites`` on version ``ref`` and store the report with it.

    Parameters
    ----------
    store:
        The version store.
    ref:
        ``v3``, ``3``, ``head`` or ``head~K``.
    suites:
        Parsed suites.
    reports:
        Where reports are stored (default ``report_store_for(store)``).
    save:
        Store the report (``False``: just return it).
    max_failures, failures_path:
        As for ``run_suites``: the first rows per check in the report, every failing row in a
        Parquet file (stored with the report too).

    Raises
    ------
    VersionNotFound
        No such version.
    """
    dataset, rec = version_dataset(store, ref)
    if save and max_failures is not None and failures_path is None:
        raise BaselineError("a report stored with a version keeps every failing row: pass a failures "
                            "path with max_failures")
    out = None if failures_path is None else str(failures_path)
    report = run_suites(dataset, suites, max_failures_per_check=max_failures, failures_path=out)
    if save:
        (reports or report_store_for(store)).save(
            rec.id, report, None if out is None else pl.scan_parquet(out))
    return report


def load_baseline(*, report: str | Path | None = None, since: str | None = None,
                  store: VersionStore | None = None) -> Baseline:
    """The baseline named by ``--baseline-report FILE`` or ``--since VERSION`` (exactly one).

    Raises
    ------
    BaselineError
        Both or neither given, the file is not a report, or the version has no stored report.
    VersionNotFound
        ``since`` is not a version of ``store``.
    """
    if (report is None) == (since is None):
        raise BaselineError("give one baseline: --baseline-report FILE or --since VERSION")
    if report is not None:
        return load_report(report)
    assert since is not None
    if store is None:
        raise BaselineError("--since needs a version store")
    rec = store.resolve(since)
    return report_store_for(store).load(rec.id)


def check_version_files(
    store: VersionStore,
    ref: str,
    suites: Sequence[str | Path],
    *,
    plugins: Sequence[str | Path] = (),
    baseline: Baseline | None = None,
    max_failures: int | None = None,
    failures_path: str | Path | None = None,
) -> SuiteReport:
    """``check_version`` from suite and plugin files, compared with ``baseline`` if given, then
    stored (with its comparison and every failing row) for later ``--since`` runs."""
    load_plugins(plugins)
    parsed = [load_suite(s) for s in suites]
    report = check_version(store, ref, parsed, save=False, max_failures=max_failures,
                           failures_path=failures_path)
    every = None if failures_path is None else pl.scan_parquet(failures_path)
    if baseline is not None:
        compare_reports(report, baseline, current_failures=every)
    report_store_for(store).save(store.resolve(ref).id, report, every)
    return report
