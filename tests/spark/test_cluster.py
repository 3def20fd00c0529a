"""End to end on a real standalone cluster (a master and two workers on 127.0.0.1).

``dataqa check --engine spark --spark-master spark://...`` and ``dataqa profile --engine spark``
run as subprocesses, as a user runs them, on a folder of Parquet files; their JSON equals the
polars backend's on the same files. Also: the errors a user sees on Spark are the polars
backend's one-liners, with no JVM stack trace on the terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

SUITE = {
    "name": "cluster",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "i", "min_value": 0, "max_value": 40}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "cat", "value_set": ["red", "green", "blue"]}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "code", "regex": "^AB-[0-9]{5}$"}},
        {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "x", "min_value": 9, "max_value": 11}},
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1, "max_value": 100000}},
    ],
}
JVM_TRACE = ("\tat org.apache", "\tat scala.", "Py4JJavaError", "Traceback", "org.apache.spark.SparkException")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cluster")
    rng = np.random.default_rng(11)
    (root / "parts").mkdir()
    for part in range(3):
        n = 1500 + 250 * part
        x = rng.normal(10, 2, n)
        x[rng.random(n) < 0.01] = np.nan
        df = pl.DataFrame({
            "x": pl.Series(x).set(pl.Series(rng.random(n) < 0.02), None),
            "i": rng.integers(-3, 45, n),
            "cat": rng.choice(["red", "green", "blue", "pink"], n, p=[0.4, 0.3, 0.29, 0.01]),
            "code": [f"AB-{v:05d}" if v % 97 else f"ab{v}" for v in rng.integers(0, 99_999, n)],
        })
        df.write_parquet(root / "parts" / f"part-{part:05d}.parquet", row_group_size=500)
    (root / "parts" / "_SUCCESS").write_text("")
    (root / "suite.json").write_text(json.dumps(SUITE))
    return root


def dataqa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATAQA_WORKSPACE": str(cwd / "ws"), "PYSPARK_PYTHON": sys.executable}
    return subprocess.run([sys.executable, "-m", "dataqa", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=900)


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report without what may differ between engines (timings, the engine's name)."""
    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items()
                    if not any(w in k for w in ("time", "duration", "elapsed", "engine", "started"))}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    out: dict[str, Any] = strip(report)
    return out


def test_check_on_the_cluster_equals_polars(spark_cluster: str, project: Path) -> None:
    args = ["check", "parts", "--suite", "suite.json", "--format", "json"]
    on_spark = dataqa(*args, "--engine", "spark", "--spark-master", spark_cluster,
                      "--spark-conf", "spark.executor.memory=512m", "--spark-conf", "spark.sql.shuffle.partitions=4",
                      cwd=project)
    on_polars = dataqa(*args, cwd=project)
    assert on_polars.returncode == 1, on_polars.stderr
    assert on_spark.returncode == on_polars.returncode, on_spark.stderr[-2000:]
    assert not any(t in on_spark.stderr for t in JVM_TRACE), on_spark.stderr[-2000:]
    spark_report, polars_report = json.loads(on_spark.stdout), json.loads(on_polars.stdout)
    assert comparable(spark_report) == comparable(polars_report)
    # the workspace holds Spark's own log, the terminal none of it
    assert (project / "ws" / "logs" / "spark.log").exists()


def test_profile_on_the_cluster_equals_polars(spark_cluster: str, project: Path) -> None:
    ref = dataqa("profile", "parts", "--json", "polars.json", cwd=project)
    assert ref.returncode == 0, ref.stderr
    run = dataqa("profile", "parts", "--engine", "spark", "--spark-master", spark_cluster,
                 "--spark-conf", "spark.executor.memory=512m", "--json", "spark.json", cwd=project)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not any(t in run.stderr for t in JVM_TRACE)
    sp = json.loads((project / "spark.json").read_text())
    pp = json.loads((project / "polars.json").read_text())
    assert (sp["rows"], sp["duplicate_rows"]) == (pp["rows"], pp["duplicate_rows"])
    for s, p in zip(sp["columns"], pp["columns"], strict=True):
        for key in ("name", "dtype", "kind", "null_count", "distinct", "min", "max", "nan_count",
                    "top_values", "frequencies", "histogram"):
            assert s[key] == p[key], (s["name"], key)


def test_unreachable_master_is_exit_4_naming_it(project: Path) -> None:
    url = "spark://127.0.0.1:9"  # discard port: nothing listens
    run = dataqa("profile", "parts", "--engine", "spark", "--spark-master", url, cwd=project)
    assert run.returncode == 4
    assert run.stderr.strip() == (f"error: Spark master {url} is unreachable (Connection refused); "
                                  "is the cluster running? (--spark-master, [engine] master)")
