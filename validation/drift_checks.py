"""Drift as checks: turns a ``DriftReport`` into ``CheckResult`` rows for ``SuiteReport``.

``check_dataset(..., reference=REF)`` calls ``drift_results`` so that ``dataqa check DATA
--reference REF`` closes the gate when drift passes a ``failed`` threshold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.io import Dataset, collect
from dataqa.validation.drift import DriftConfig, DriftReport, DriftResult, compare
from dataqa.validation.profile import load_reference, profile
from dataqa.validation.profile_model import Profile
from dataqa.validation.report import CheckResult

#: At most this many failing row ids are attached to an unseen-categories result.
MAX_ROW_IDS = 1000


def drift_results(
    dataset: Dataset,
    reference: str | Path | Profile,
    *,
    label_column: str | None = None,
    config: DriftConfig | None = None,
) -> tuple[list[CheckResult], pl.DataFrame | None]:
    """Drift checks of ``dataset`` against ``reference`` (a dataset file or profile JSON).

    Parameters
    ----------
    dataset:
        The current data.
    reference:
        Dataset file, saved profile JSON, or a ``Profile``.
    label_column:
        Label for ``drift.label`` (none: no label drift). The caller resolves it, e.g. from
        ``[dataset] label_column`` of ``dataqa.toml``: this module reads no configuration.
    config:
        Thresholds; default ``DriftConfig()``.

    Returns
    -------
    (results, failures)
        One ``CheckResult`` per drift check (outcome ``failed``/``warning`` by threshold,
        ``observed_value`` the statistic). Row ids with unseen categories are in the results'
        ``failing_row_ids``; ``failures`` is ``None``.

    Raises
    ------
    FileFormatError
        The reference cannot be read.
    """
    ref = reference if isinstance(reference, Profile) else load_reference(reference)
    cur = profile(dataset, reference=ref)
    report, results = compare_as_checks(cur, ref, reference_name(reference),
                                        label_column=label_column, config=config)
    _attach_unseen_rows(dataset, report, results)
    return results, None


def reference_name(reference: str | Path | Profile) -> str:
    """How the drift checks name their reference: the path given, or the profile's source."""
    return reference.source if isinstance(reference, Profile) else str(reference)


def compare_as_checks(cur: Profile, ref: Profile, ref_name: str, *, label_column: str | None,
                      config: DriftConfig | None) -> tuple[DriftReport, list[CheckResult]]:
    """The drift report of ``cur`` against ``ref`` and its check rows, whichever engine profiled
    ``cur``; the report's notes go on the first row."""
    report = compare(cur, ref, label_column=label_column, config=config)
    results = [to_check_result(r, ref_name, cur.rows) for r in report.results]
    if report.notes and results:
        results[0].note = "; ".join(report.notes)
    return report, results


def to_check_result(r: DriftResult, reference: str, rows: int) -> CheckResult:
    """One ``DriftResult`` as a ``CheckResult`` (``warning`` outcomes carry severity warning)."""
    kwargs: dict[str, Any] = {"reference": reference}
    if r.threshold is not None:
        kwargs |= {"warning_above": r.threshold.warning, "fail_above": r.threshold.failed}
    kwargs |= {k: v for k, v in r.details.items() if k != "unseen_rows"}
    return CheckResult(
        check=r.check,
        label=f"{r.check}({r.column})" if r.column else r.check,
        suite_file=reference,
        location=f"drift:{r.column or '*'}",
        columns=[r.column] if r.column else [],
        severity="warning" if r.outcome == "warning" else "critical",
        outcome=r.outcome,
        element_count=rows,
        unexpected_count=r.details.get("unseen_rows"),
        observed_value=None if r.value is None else round(float(r.value), 6),
        message=r.message,
    )


def _attach_unseen_rows(dataset: Dataset, report: DriftReport, results: list[CheckResult]) -> None:
    # (result, its column, check result); the column is always set for this per-column check
    flagged = [(r, r.column, res) for r, res in zip(report.results, results)
               if r.check == "drift.unseen_categories" and r.outcome != "passed" and r.column is not None]
    if not flagged:
        return
    base = dataset.with_row_id(ROW_ID)
    queries = [base.filter(pl.col(column).cast(pl.String).is_in(r.details["unseen"]))
               .select(ROW_ID).head(MAX_ROW_IDS) for r, column, _ in flagged]
    frames = [collect(q, dataset.path) for q in queries]
    for (_, _, res), frame in zip(flagged, frames):
        res.failing_row_ids = frame[ROW_ID].to_list()
