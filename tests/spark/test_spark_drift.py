"""Drift checks on Spark give the polars backend's results (same bins, same statistics, same rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from dataqa.validation.api import check_dataset
from dataqa.validation.profile import profile


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("drift")
    rng = np.random.default_rng(4)
    ref = pl.DataFrame({"x": rng.normal(0, 1, 3000), "cat": rng.choice(["a", "b", "c"], 3000),
                        "label": rng.choice(["yes", "no"], 3000)})
    cur = pl.DataFrame({"x": rng.normal(0.6, 1.3, 2000),
                        "cat": rng.choice(["a", "b", "c", "zz"], 2000, p=[0.3, 0.3, 0.3, 0.1]),
                        "label": rng.choice(["yes", "no"], 2000, p=[0.8, 0.2])})
    profile(ref).save(root / "ref.json")
    (root / "cur").mkdir()
    cur.head(900).write_parquet(root / "cur" / "a.parquet")
    cur.tail(1100).write_parquet(root / "cur" / "b.parquet")
    return root / "cur", root / "ref.json"


def _results(report: Any) -> list[tuple[Any, ...]]:
    return [(r.check, r.columns, r.outcome, r.observed_value, r.unexpected_count, r.failing_row_ids)
            for r in report.checks]


def test_drift_on_spark_equals_polars(spark_target: tuple[str, dict[str, str]],
                                      drifted: tuple[Path, Path]) -> None:
    data, ref = drifted
    master, conf = spark_target
    on_polars = check_dataset(str(data), [], reference=str(ref), label_column="label")
    on_spark = check_dataset(str(data), [], reference=str(ref), label_column="label", engine="spark",
                             spark_master=master, spark_conf=conf)
    want = _results(on_polars)
    assert {r[2] for r in want} >= {"failed"}  # the data did drift
    assert _results(on_spark) == want
