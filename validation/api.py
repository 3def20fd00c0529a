"""The library entry point for validation: one call from file paths to a report."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from dataqa.io import read_dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.plugins import load_plugins
from dataqa.validation.report import SuiteReport
from dataqa.validation.suites import load_suite


def check_dataset(
    data: str | Path,
    suites: Sequence[str | Path],
    *,
    id_column: str | None = None,
    plugins: Sequence[str | Path] = (),
    reference: str | Path | None = None,
    label_column: str | None = None,
    drift: Mapping[str, Any] | None = None,
) -> SuiteReport:
    """Read ``data``, run every suite file on it, and return the report.

    Parameters
    ----------
    data:
        CSV, Parquet or JSON Lines file.
    suites:
        Suite files (GX JSON, pandera YAML or Python).
    id_column:
        Key column identifying rows (default: row position).
    plugins:
        Python files or modules registering custom checks, loaded before the suites are parsed.
    reference:
        A reference dataset or saved profile JSON; adds drift checks to the report.
    label_column:
        The label, for label-distribution drift.
    drift:
        Drift thresholds (``[drift]`` of ``dataqa.toml``); defaults otherwise.

    Raises
    ------
    InputError
        The data cannot be read.
    SuiteError
        A suite file is invalid.

    Examples
    --------
    >>> report = check_dataset("sample_data/diamonds_dirty.csv", ["expectations/diamonds.gx.json"])  # doctest: +SKIP
    >>> report.raise_for_failures()  # doctest: +SKIP
    """
    load_plugins(plugins)
    parsed = [load_suite(s) for s in suites]
    dataset = read_dataset(data, id_column=id_column)
    report = run_suites(dataset, parsed)
    if reference is not None:
        from dataqa.validation.drift import DriftConfig
        from dataqa.validation.drift_checks import drift_results

        config = DriftConfig.from_mapping(drift) if drift else None
        results, failures = drift_results(dataset, reference, label_column=label_column, config=config)
        report.extend(results, failures)
    return report
