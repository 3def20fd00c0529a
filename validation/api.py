"""The library entry point for validation: one call from data to a report, on polars or Spark.

The backend follows the input: a path, a polars ``LazyFrame`` or ``DataFrame`` runs on polars
unless ``engine="spark"``; a pyspark ``DataFrame`` runs on Spark. pyspark is an optional extra
(``pip install 'dataqa[spark]'``), so the Spark backend is imported only when Spark is asked for.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Mapping, Sequence

import polars as pl

from dataqa.errors import InputError
from dataqa.io import Dataset, read_dataset
from dataqa.validation.drift import DriftConfig
from dataqa.validation.drift_checks import drift_results
from dataqa.validation.engine import run_suites
from dataqa.validation.plugins import load_plugins
from dataqa.validation.report import SuiteReport
from dataqa.validation.suites import load_suite

ENGINES = ("polars", "spark")


def is_spark_dataframe(data: Any) -> bool:
    """True for a pyspark (classic or Connect) DataFrame, without importing pyspark."""
    return any(c.__module__.startswith("pyspark.sql") and c.__name__ == "DataFrame"
               for c in type(data).__mro__)


def check_dataset(
    data: str | Path | pl.LazyFrame | pl.DataFrame | Any,
    suites: Sequence[str | Path],
    *,
    id_column: str | None = None,
    plugins: Sequence[str | Path] = (),
    reference: str | Path | None = None,
    label_column: str | None = None,
    drift: Mapping[str, Any] | None = None,
    engine: str | None = None,
    spark_master: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
    max_failures: int | None = None,
    failures_path: str | Path | None = None,
) -> SuiteReport:
    """Read ``data``, run every suite file on it, and return the report.

    Parameters
    ----------
    data:
        A CSV, Parquet or JSON Lines file, a directory or glob of Parquet files, a polars
        ``LazyFrame``/``DataFrame``, or a pyspark ``DataFrame`` (then the Spark backend runs).
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
    engine:
        ``polars`` or ``spark`` (default: by the input's type).
    spark_master, spark_conf:
        The Spark session to use (default ``local[*]``); see ``backends.spark.session.get_spark``.
    max_failures:
        Keep at most this many failing rows per check in the report; counts stay exact.
    failures_path:
        Also write every failing row (row id, suite, check, column, value) there as Parquet.

    Raises
    ------
    InputError
        The data cannot be read, or an unknown engine.
    SuiteError
        A suite file is invalid, or a check is not supported by the engine.

    Examples
    --------
    >>> report = check_dataset("sample_data/diamonds_dirty.csv", ["expectations/diamonds.gx.json"])  # doctest: +SKIP
    >>> report.raise_for_failures()  # doctest: +SKIP
    """
    if engine is not None and engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}; got '{engine}'")
    spark_input = is_spark_dataframe(data)
    if spark_input and engine == "polars":
        raise InputError("a Spark DataFrame runs on the spark engine, not polars")
    load_plugins(plugins)
    parsed = [load_suite(s) for s in suites]
    out = None if failures_path is None else str(failures_path)
    if spark_input or engine == "spark":
        # pyspark is an optional extra: the Spark backend is imported only when Spark is asked for
        spark_mod = importlib.import_module("dataqa.validation.backends.spark.run")
        spark_report: SuiteReport = spark_mod.check_on_spark(
            data, parsed, id_column=id_column, master=spark_master, conf=spark_conf,
            max_failures=max_failures, failures_path=out)
        if reference is not None:  # drift from the Spark profile (validation/drift_spark.py)
            drift_mod = importlib.import_module("dataqa.validation.drift_spark")
            spark_report.extend(*drift_mod.spark_drift_for(
                data, reference, id_column=id_column, master=spark_master, conf=spark_conf,
                label_column=label_column, drift=drift))
        return spark_report
    if isinstance(data, (pl.LazyFrame, pl.DataFrame)):
        dataset = Dataset("<DataFrame>", data.lazy(), id_column)
    else:
        dataset = read_dataset(data, id_column=id_column)
    report = run_suites(dataset, parsed, max_failures_per_check=max_failures, failures_path=out)
    if reference is not None:
        config = DriftConfig.from_mapping(drift) if drift else None
        results, failures = drift_results(dataset, reference, label_column=label_column, config=config)
        report.extend(results, failures)
    return report
