"""``check_dataset`` on Spark: session, reader and backend in one call."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from dataqa.validation.backends.spark.backend import SparkBackend
from dataqa.validation.backends.spark.reader import read_spark_dataset
from dataqa.validation.backends.spark.session import get_spark
from dataqa.validation.engine import run_suites
from dataqa.validation.report import SuiteReport
from dataqa.validation.suite_spec import Suite


def check_on_spark(data: str | Path | Any, suites: Sequence[Suite], *, id_column: str | None = None,
                   master: str | None = None, conf: Mapping[str, str] | None = None,
                   max_failures: int | None = None, failures_path: str | None = None) -> SuiteReport:
    """Run parsed ``suites`` on ``data`` (a path or a pyspark DataFrame) with the Spark backend.

    A DataFrame runs on its own session; a path on ``get_spark(master, conf)``.
    """
    spark = getattr(data, "sparkSession", None) or get_spark(master, conf)
    dataset = read_spark_dataset(data, spark=spark, id_column=id_column)
    return run_suites(SparkBackend(dataset), suites, max_failures_per_check=max_failures,
                      failures_path=failures_path)
