"""Drift checks on Spark: ``drift_checks.drift_results`` with the Spark profile.

The current data is profiled by ``profile_spark`` on the reference's drift breaks, compared by
the engine-neutral ``drift.compare``, and the rows with unseen categories are fetched by one
filtered Spark job (at most ``MAX_ROW_IDS`` per check, first by position).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pyspark.sql.functions as F

from dataqa.columns import ROW_ID
from dataqa.validation.backends.spark.profile import profile_spark
from dataqa.validation.backends.spark.reader import (
    POSITION_COLUMN,
    SparkDataset,
    read_spark_dataset,
    spark_errors,
)
from dataqa.validation.backends.spark.session import get_spark
from dataqa.validation.drift import DriftConfig, DriftReport
from dataqa.validation.drift_checks import MAX_ROW_IDS, compare_as_checks, reference_name
from dataqa.validation.profile import load_reference
from dataqa.validation.profile_model import Profile
from dataqa.validation.report import CheckResult


def spark_drift_results(
    dataset: SparkDataset,
    reference: str | Path | Profile,
    *,
    label_column: str | None = None,
    config: DriftConfig | None = None,
) -> tuple[list[CheckResult], None]:
    """Drift checks of a Spark dataset against ``reference`` (dataset file, profile JSON or ``Profile``).

    Same results as ``drift_checks.drift_results`` on polars: one ``CheckResult`` per drift
    check, row ids with unseen categories in ``failing_row_ids``; ``failures`` is ``None``.
    A reference given as a dataset file is profiled with polars (it is the machine-local side).

    Raises
    ------
    FileFormatError
        The reference or the data cannot be read.
    """
    ref = reference if isinstance(reference, Profile) else load_reference(reference)
    cur = profile_spark(dataset, spark=dataset.df.sparkSession, reference=ref)
    report, results = compare_as_checks(cur, ref, reference_name(reference),
                                        label_column=label_column, config=config)
    _attach_unseen_rows(dataset, report, results)
    return results, None


def spark_drift_for(data: str | Path | Any, reference: str | Path | Profile, *,
                    id_column: str | None = None, master: str | None = None,
                    conf: Mapping[str, str] | None = None, label_column: str | None = None,
                    drift: Mapping[str, Any] | None = None) -> tuple[list[CheckResult], None]:
    """``spark_drift_results`` from what ``check_dataset`` has: a path or DataFrame and the session."""
    spark = getattr(data, "sparkSession", None) or get_spark(master, conf)
    dataset = read_spark_dataset(data, spark=spark, id_column=id_column, check_ids=False)
    config = DriftConfig.from_mapping(drift) if drift else None
    return spark_drift_results(dataset, reference, label_column=label_column, config=config)


def _attach_unseen_rows(dataset: SparkDataset, report: DriftReport, results: list[CheckResult]) -> None:
    flagged = [(r, res) for r, res in zip(report.results, results)
               if r.check == "drift.unseen_categories" and r.outcome != "passed"]
    if not flagged:
        return
    rid = dataset.row_id().alias(ROW_ID)
    for r, res in flagged:  # one job per flagged column (rare: a drift failure)
        hit = F.col(f"`{r.column}`").cast("string").isin(list(r.details["unseen"]))
        with spark_errors(dataset.path):
            rows = (dataset.df.where(hit).orderBy(POSITION_COLUMN).select(rid)
                    .limit(MAX_ROW_IDS).collect())
        res.failing_row_ids = [row[0] for row in rows]


__all__ = ["spark_drift_results", "spark_drift_for"]
