"""Incremental re-validation of a version: only the rows the fixes since the last report touched.

``check_version_incremental(store, "v5", suites)`` starts from the nearest earlier version P with
a stored report of the same checks, and the rows and columns the fixes after P changed
(``VersionStore.changes``). Per check:

- **reused**: none of its columns changed and no row was dropped or restored: its stored result
  and failing rows are the new ones (any kind of check; a check with a ``row_condition`` or a
  check reading no declared column never qualifies).
- **updated** (row-by-row checks): the suites run on the touched rows only, in P and in the
  version; counts are P's minus the touched rows' in P plus the touched rows' now (exact, since
  a row-by-row verdict depends on its own row only); failing rows are P's outside the touched
  rows plus the touched rows failing now.
- **recomputed**: every other check whose input changed (aggregates, table checks, whole-column
  checks such as uniqueness, checks run by another library) runs on the whole version, in one
  query over just those checks. Counts, sums and null counts could be merged from stored
  states, but the declared aggregate checks store only their final value (a mean, a quantile),
  which does not merge; so they are recomputed. The report says which, per check (``note``).

The result equals a full check of the version (``tests/test_check_incremental.py``): outcomes,
counts and every failing row id; failing rows are listed in row-id order.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Sequence

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.io import Dataset
from dataqa.validation.backends.base import Compiled
from dataqa.validation.backends.polars import PolarsBackend
from dataqa.validation.backends.polars.query import needs_whole_column
from dataqa.validation.compare import Baseline, check_keys, compare_reports, failing_rows
from dataqa.validation.engine import compile_check, result, run_suites
from dataqa.validation.plugins import load_plugins
from dataqa.validation.report import CHECK_INDEX, FAILURE_COLUMNS, CheckResult, SuiteReport
from dataqa.validation.report_store import ReportStore
from dataqa.validation.suite_spec import CheckSpec, Suite
from dataqa.validation.suites import load_suite
from dataqa.validation.version_check import report_store_for, version_dataset
from dataqa.versions import VersionRecord, VersionStore


def _mostly_ok(unexpected: int, evaluated: int, mostly: float | None) -> bool:
    """GX's ``mostly`` rule, as the engine applies it."""
    if mostly is None:
        return unexpected == 0
    if evaluated == 0:
        return True
    return (float(evaluated) - float(unexpected)) / float(evaluated) >= float(mostly)


def nearest_reported(store: VersionStore, ref: str, reports: ReportStore) -> VersionRecord | None:
    """The newest version before ``ref`` (in its history) that has a stored report."""
    chain = store.chain(ref)
    return next((r for r in reversed(chain[:-1]) if reports.has(r.id)), None)


def touched_since(store: VersionStore, since: VersionRecord, ref: str) -> tuple[pl.Series, set[str], bool]:
    """Row ids and columns changed by the versions after ``since`` up to ``ref``, and whether
    any row was dropped or restored."""
    later = [r for r in store.chain(ref) if r.seq > since.seq]
    changes = [store.changes(r.id) for r in later]
    if not changes:
        return pl.Series(ROW_ID, []), set(), False
    allc = pl.concat(changes)
    columns = set(allc.filter(pl.col("column") != "*")["column"].unique().to_list())
    return allc[ROW_ID].unique().sort(), columns, bool((allc["column"] == "*").any())


def _subset(dataset: Dataset, store: VersionStore, ref: str, ids: pl.Series) -> Dataset:
    """The same version, restricted to the rows ``ids`` (cheap: the base is filtered first)."""
    lf = store.checkout(ref, row_ids=ids)
    if dataset.id_column != ROW_ID:
        lf = lf.drop(ROW_ID)
    return Dataset(f"{dataset.path}[touched]", lf, id_column=dataset.id_column, format="parquet")


def check_version_incremental(
    store: VersionStore,
    ref: str,
    suites: Sequence[Suite],
    *,
    reports: ReportStore | None = None,
    max_failures: int | None = None,
    save: bool = True,
    failures_path: str | Path | None = None,
) -> SuiteReport:
    """Check version ``ref`` re-validating only what changed since the nearest stored report.

    Falls back to a full check (with a note) when no earlier version has a report of the same
    checks. The report is stored with the version unless ``save=False``; every failing row is
    also written to ``failures_path`` when given (the failure table, ``FAILURE_COLUMNS``).
    """
    reports = reports or report_store_for(store)
    rec = store.resolve(ref)
    dataset, _ = version_dataset(store, rec.id)
    prev = nearest_reported(store, rec.id, reports)
    with tempfile.TemporaryDirectory(prefix="dataqa-incr-") as scratch:
        every = Path(failures_path) if failures_path is not None else Path(scratch) / "failures.parquet"
        if prev is None:
            report = run_suites(dataset, suites, max_failures_per_check=max_failures, failures_path=str(every))
            report.notes.append("incremental: no earlier version has a stored report; checked in full")
            if save:
                reports.save(rec.id, report, pl.scan_parquet(every))
            return report
        stored = reports.load(prev.id)
        ids, columns, row_ops = touched_since(store, prev, rec.id)
        prev_ds, _ = version_dataset(store, prev.id)
        specs = [s for suite in suites for s in suite.checks]
        if check_keys([result(s, "passed") for s in specs]) != check_keys(stored.report.checks):
            report = run_suites(dataset, suites, max_failures_per_check=max_failures, failures_path=str(every))
            report.notes.append(f"incremental: the stored report of {prev.id} has other checks; checked in full")
            if save:
                reports.save(rec.id, report, pl.scan_parquet(every))
            return report
        rowwise = _row_by_row(dataset, suites)
        update = [i for i, s in enumerate(specs)
                  if rowwise[i] and (row_ops or not s.columns or set(s.columns) & columns)]
        # only the row-by-row checks whose input changed run on the touched rows: reading just
        # their columns of just those rows
        now_t = _run_subset(_subset(dataset, store, rec.id, ids), specs, update)
        prev_t = _run_subset(_subset(prev_ds, store, prev.id, ids), specs, update)
        report = _merge(dataset, suites, stored.report, stored.failures, prev_t, now_t, ids, columns,
                        row_ops, prev.id, max_failures, every, rowwise)
        if save:
            reports.save(rec.id, report, pl.scan_parquet(every))
        return report


def _run_subset(dataset: Dataset, specs: Sequence[CheckSpec], update: list[int]) -> SuiteReport:
    """The checks ``update`` on a small dataset; the report keeps every check's position
    (the others are placeholders, never read)."""
    report = run_suites(PolarsBackend(dataset, spill_rows=None),
                        [Suite("touched", "", tuple(specs[i] for i in update))])
    checks = [result(s, "passed") for s in specs]
    for j, i in enumerate(update):
        checks[i] = report.checks[j]
    remap = pl.DataFrame({CHECK_INDEX: list(range(len(update))), "__to": update},
                         schema={CHECK_INDEX: pl.Int64, "__to": pl.Int64})
    failures = report.failures
    if failures.height:
        failures = failures.join(remap, on=CHECK_INDEX).drop(CHECK_INDEX).rename({"__to": CHECK_INDEX})
    return dataclasses.replace(report, checks=checks, failures=failures)


def _row_by_row(dataset: Dataset, suites: Sequence[Suite]) -> list[bool]:
    """Per check: is its verdict for a row a function of that row alone?"""
    backend = PolarsBackend(dataset)
    columns = backend.columns()
    specs = [s for suite in suites for s in suite.checks]
    out = []
    for i, spec in enumerate(specs):
        c = compile_check(backend, spec, i, columns)
        out.append(isinstance(c, Compiled) and c.kind == "map" and not needs_whole_column(c)
                   and spec.kwargs.get("row_condition") is None)
    return out


def _merge(dataset: Dataset, suites: Sequence[Suite], prev: SuiteReport, prev_failures: pl.LazyFrame | None,
           prev_t: SuiteReport, now_t: SuiteReport, ids: pl.Series, columns: set[str], row_ops: bool,
           prev_id: str, max_failures: int | None, every: Path, rowwise: list[bool]) -> SuiteReport:
    specs = [s for suite in suites for s in suite.checks]
    untouched = [bool(s.columns) and not row_ops and not (set(s.columns) & columns)
                 and s.kwargs.get("row_condition") is None for s in specs]
    redo = [i for i in range(len(specs)) if not untouched[i] and not rowwise[i]]
    full = None
    if redo:  # one query over just the checks that must see the whole version
        sub = [Suite(s.name, s.path, tuple(c for c in s.checks if id(c) in {id(specs[i]) for i in redo}))
               for s in suites]
        full = run_suites(dataset, sub)
    row_count = int(prev.row_count or 0) - int(prev_t.row_count or 0) + int(now_t.row_count or 0)
    old_rows = failing_rows(prev, prev_failures, values=True)
    id_dtype = old_rows.collect_schema()[ROW_ID]
    touched = ids.cast(id_dtype).implode()
    now_rows = failing_rows(now_t, values=True).with_columns(pl.col(ROW_ID).cast(id_dtype))
    checks: list[CheckResult] = []
    parts: list[pl.LazyFrame] = []
    for i, spec in enumerate(specs):
        if untouched[i]:
            res = dataclasses.replace(prev.checks[i], element_count=row_count if prev.checks[i].element_count
                                      is not None else None, note=f"incremental: reused from {prev_id}")
            parts.append(old_rows.filter(pl.col(CHECK_INDEX) == i))
        elif rowwise[i]:
            p, pt, nt = prev.checks[i], prev_t.checks[i], now_t.checks[i]
            if nt.outcome == "error" or p.outcome == "error":
                res = dataclasses.replace(nt, note="incremental: error on the touched rows")
            else:
                un = (p.unexpected_count or 0) - (pt.unexpected_count or 0) + (nt.unexpected_count or 0)
                ev = (p.evaluated_count or 0) - (pt.evaluated_count or 0) + (nt.evaluated_count or 0)
                ok = _mostly_ok(un, ev, spec.kwargs.get("mostly"))
                res = dataclasses.replace(
                    nt, outcome="passed" if ok else ("failed" if spec.severity == "critical" else "warning"),
                    element_count=row_count, evaluated_count=ev, unexpected_count=un,
                    note=f"incremental: updated from {prev_id} on {ids.len()} touched rows")
            parts.append(pl.concat([
                old_rows.filter((pl.col(CHECK_INDEX) == i) & ~pl.col(ROW_ID).is_in(touched)),
                now_rows.filter(pl.col(CHECK_INDEX) == i)]))
        else:
            assert full is not None
            j = redo.index(i)
            res = dataclasses.replace(full.checks[j], note="incremental: recomputed on the whole version "
                                      "(its verdict depends on other rows)")
            parts.append(failing_rows(full, values=True).filter(pl.col(CHECK_INDEX) == j)
                         .with_columns(pl.lit(i, pl.Int64).alias(CHECK_INDEX), pl.col(ROW_ID).cast(id_dtype)))
        res.failing_row_ids = []
        checks.append(res)
    meta = pl.LazyFrame({CHECK_INDEX: list(range(len(specs))), "suite_file": [s.suite_file for s in specs],
                         "check": [s.display for s in specs], "column": [",".join(s.columns) for s in specs]},
                        schema_overrides={CHECK_INDEX: pl.Int64})
    failing = pl.concat(parts).sort(CHECK_INDEX, ROW_ID).join(meta, on=CHECK_INDEX, maintain_order="left")
    failing.select(FAILURE_COLUMNS).sink_parquet(
        every, engine="streaming")
    shown = pl.scan_parquet(every).group_by(CHECK_INDEX, maintain_order=True).head(
        max_failures if max_failures is not None else 2**31).collect(engine="streaming")
    for i, c in enumerate(checks):
        if c.outcome in ("failed", "warning") or (c.unexpected_count or 0) > 0:
            c.failing_row_ids = shown.filter(pl.col(CHECK_INDEX) == i)[ROW_ID].to_list()
    failures = shown.select(FAILURE_COLUMNS)
    notes = list(prev.notes) + [f"incremental: re-validated {ids.len()} touched rows since {prev_id}; "
                                f"{sum(untouched)} checks reused, {sum(1 for i in range(len(specs)) if rowwise[i] and not untouched[i])} "
                                f"updated, {len(redo)} recomputed"]
    return SuiteReport(dataset=dataset.path, id_column=dataset.id_column, checks=checks, failures=failures,
                       row_count=row_count, notes=notes)


def check_version_files_incremental(
    store: VersionStore,
    ref: str,
    suites: Sequence[str | Path],
    *,
    plugins: Sequence[str | Path] = (),
    baseline: Baseline | None = None,
    max_failures: int | None = None,
    failures_path: str | Path | None = None,
) -> SuiteReport:
    """``dataqa check --version REF --incremental``: from suite and plugin files, compared with
    ``baseline`` if given, stored with the version."""
    load_plugins(plugins)
    parsed = [load_suite(s) for s in suites]
    with tempfile.TemporaryDirectory(prefix="dataqa-incr-") as scratch:
        every = Path(failures_path) if failures_path is not None else Path(scratch) / "all.parquet"
        report = check_version_incremental(store, ref, parsed, max_failures=max_failures, save=baseline is None,
                                           failures_path=every)
        if baseline is not None:
            compare_reports(report, baseline, current_failures=pl.scan_parquet(every))
            report_store_for(store).save(store.resolve(ref).id, report, pl.scan_parquet(every))
    return report
