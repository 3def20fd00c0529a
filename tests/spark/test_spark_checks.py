"""The Spark check backend gives the polars backend's answers: identical reports and row ids, bad
input with the same one-line errors and exit codes, custom checks and GX types without a native
check. All on the one shared ``local[2]`` session (fixture ``spark``, ``tests/spark_fixtures.py``).

The GX conformance cases and the pandera parity tests run on both backends, parametrised, in
``tests/test_gx_conformance.py`` and ``tests/test_pandera_parity.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from spark_fixtures import TEST_CONF, spark_frame
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.errors import SuiteFileError
from dataqa.io import read_dataset
from dataqa.validation.api import check_dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.report import SuiteReport
from dataqa.validation.suite_spec import Suite

ROOT = Path(__file__).resolve().parents[2]


def run_spark(spark: Any, suite: Suite, df: pl.DataFrame) -> SuiteReport:
    from dataqa.validation.backends.spark.backend import SparkBackend

    return run_suites(SparkBackend(spark_frame(spark, df)), [suite])


SUITES = [str(ROOT / "expectations" / "diamonds.gx.json"), str(ROOT / "expectations" / "diamonds.pandera.yaml")]
DATA = str(ROOT / "sample_data" / "diamonds_dirty.csv")


def _comparable(report: SuiteReport) -> dict[str, Any]:
    doc = json.loads(report.to_json())
    for c in doc.get("checks", []):
        c.pop("note", None)
    doc.pop("dataset", None)
    return doc


def test_whole_report_equals_polars_on_sample_data(spark: Any, tmp_path: Path) -> None:
    """The shipped suites on the shipped data: the same outcomes, counts and failing row ids,
    and ``failures_path`` holds every failing row of every check."""
    from dataqa.validation.backends.spark.backend import SparkBackend
    from dataqa.validation.backends.spark.reader import read_spark_dataset
    from dataqa.validation.suites import load_suite

    suites = [load_suite(s) for s in SUITES if Path(s).exists()]
    polars_report = run_suites(read_dataset(DATA, id_column=None), suites)
    out = tmp_path / "failures"
    spark_report = run_suites(SparkBackend(read_spark_dataset(DATA, spark=spark)), suites,
                              failures_path=str(out))
    assert [c.outcome for c in spark_report.checks] == [c.outcome for c in polars_report.checks]
    assert ([(c.unexpected_count, c.failing_row_ids) for c in spark_report.checks]
            == [(c.unexpected_count, c.failing_row_ids) for c in polars_report.checks])
    written = pl.read_parquet(out / "*.parquet")
    assert written.columns == ["row_id", "suite_file", "check", "column", "failure_case", "check_index"]
    assert written.height == sum(c.unexpected_count or 0 for c in polars_report.checks
                                 if c.outcome in ("failed", "warning") and c.failing_row_ids)


def test_max_failures_keeps_first_rows_and_exact_counts(spark: Any) -> None:
    from dataqa.validation.backends.spark.backend import SparkBackend

    df = pl.DataFrame({"a": [None, 1, None, None, 2, None]})
    suite = parse_gx_suite({"expectations": [{"type": "expect_column_values_to_not_be_null",
                                              "kwargs": {"column": "a"}}]}, "s.json")
    res = run_suites(SparkBackend(spark_frame(spark, df)), [suite], max_failures_per_check=2).checks[0]
    assert res.unexpected_count == 4 and res.failing_row_ids == [0, 2]


def test_check_dataset_picks_spark_for_a_spark_dataframe(spark: Any) -> None:
    sdf = spark.createDataFrame([(1, "x"), (None, "y"), (3, None)], "a long, b string")
    suite = ROOT / "tests" / "_h1_tmp_suite.json"
    try:
        suite.write_text(json.dumps({"expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}]}))
        report = check_dataset(sdf, [suite])
    finally:
        suite.unlink(missing_ok=True)
    assert report.checks[0].outcome == "failed" and report.checks[0].failing_row_ids == [1]


def test_unknown_column_is_an_error_outcome_as_on_polars(spark: Any) -> None:
    suite = parse_gx_suite({"expectations": [{"type": "expect_column_values_to_not_be_null",
                                              "kwargs": {"column": "nope"}}]}, "s.json")
    df = pl.DataFrame({"a": [1]})
    on_spark = run_spark(spark, suite, df).checks[0]
    on_polars = run_suites(_polars_dataset(df), [suite]).checks[0]
    assert (on_spark.outcome, on_spark.message) == (on_polars.outcome, on_polars.message) == (
        "error", "column 'nope' is not in the data; columns are a")


def _polars_dataset(df: pl.DataFrame) -> Any:
    from dataqa.io import Dataset

    return Dataset("<case>", df.lazy())


def test_python_pandera_check_is_refused_on_spark_naming_check_and_engine(spark: Any) -> None:
    suite = Suite("s", "s.py", (gxc_spec("pandera.python_check", {"check_ref": "x"}),))
    with pytest.raises(SuiteFileError, match=r"pandera.python_check: not supported on the spark engine"):
        run_spark(spark, suite, pl.DataFrame({"a": [1]}))


def gxc_spec(name: str, kwargs: dict[str, Any]) -> Any:
    from dataqa.validation.suite_spec import CheckSpec, freeze

    return CheckSpec(name=name, kwargs=freeze(kwargs), suite_file="s.py", location="s.py[1]")


def _shared_session_args() -> list[str]:
    """CLI options naming the shared test session (another master or conf would replace it)."""
    args = ["--engine", "spark", "--spark-master", "local[2]"]
    for k, v in TEST_CONF.items():
        args += ["--spark-conf", f"{k}={v}"]
    return args


def test_cli_engine_spark_same_exit_codes_and_errors(spark: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    suite = ROOT / "expectations" / "diamonds.gx.json"
    on_spark = _shared_session_args()
    polars_run = runner.invoke(app, ["check", DATA, "--suite", str(suite), "--format", "json"])
    spark_run = runner.invoke(app, ["check", DATA, "--suite", str(suite), "--format", "json", *on_spark])
    for run in (polars_run, spark_run):  # exit code 1 is also what an uncaught exception gives
        assert run.exception is None or isinstance(run.exception, SystemExit), repr(run.exception)
    assert spark_run.exit_code == polars_run.exit_code == 1
    a, b = json.loads(spark_run.stdout), json.loads(polars_run.stdout)
    assert [(c["outcome"], c.get("unexpected_count")) for c in a["checks"]] == [
        (c["outcome"], c.get("unexpected_count")) for c in b["checks"]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"expectations": [{"type": "expect_column_values_to_be_nul",
                                                 "kwargs": {"column": "carat"}}]}))
    p = runner.invoke(app, ["check", DATA, "--suite", str(bad)])
    s = runner.invoke(app, ["check", DATA, "--suite", str(bad), *on_spark])
    assert s.exit_code == p.exit_code != 0
    assert s.stderr.strip().splitlines()[-1] == p.stderr.strip().splitlines()[-1]
    missing = runner.invoke(app, ["check", str(tmp_path / "nope.parquet"), "--suite", str(suite), *on_spark])
    missing_p = runner.invoke(app, ["check", str(tmp_path / "nope.parquet"), "--suite", str(suite)])
    assert missing.exit_code == missing_p.exit_code != 0
    assert "Traceback" not in missing.stderr


def test_custom_check_runs_on_spark_only_with_a_spark_implementation(spark: Any) -> None:
    from pyspark.sql import functions as F

    from dataqa.validation.custom import custom_check

    @custom_check("h1_spark_even", pandera=False, replace=True,
                  spark=lambda column: F.col(column) % 2 == 0)
    def h1_spark_even(column: str) -> pl.Expr:
        return pl.col(column) % 2 == 0

    @custom_check("h1_polars_only_even", pandera=False, replace=True)
    def h1_polars_only_even(column: str) -> pl.Expr:
        return pl.col(column) % 2 == 0

    df = pl.DataFrame({"v": [2, 3, None, 5, 8]})
    suite = parse_gx_suite({"expectations": [{"type": "h1_spark_even", "kwargs": {"column": "v"}}]}, "s.json")
    on_spark = run_spark(spark, suite, df).checks[0]
    on_polars = run_suites(_polars_dataset(df), [suite]).checks[0]
    assert (on_spark.outcome, on_spark.failing_row_ids) == (on_polars.outcome, on_polars.failing_row_ids) == (
        "failed", [1, 3])
    refused = parse_gx_suite({"expectations": [{"type": "h1_polars_only_even", "kwargs": {"column": "v"}}]},
                             "s.json")
    with pytest.raises(SuiteFileError, match="h1_polars_only_even: not supported on the spark engine"):
        run_spark(spark, refused, df)


def test_gx_type_without_native_check_runs_through_gx_on_spark(spark: Any) -> None:
    """A valid GX type dataqa has no native check for: GX on Spark (with the same failing ids
    as GX on pandas through the polars backend); a type GX cannot run on Spark is an error."""
    df = pl.DataFrame({"a": [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 50.0]})
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_value_z_scores_to_be_less_than",
         "kwargs": {"column": "a", "threshold": 2, "double_sided": True}},
        {"type": "expect_column_values_to_match_like_pattern",
         "kwargs": {"column": "a", "like_pattern": "1%"}}]}, "s.json")
    on_spark = run_spark(spark, suite, df).checks
    on_polars = run_suites(_polars_dataset(df), [suite]).checks[0]
    assert (on_spark[0].outcome, on_spark[0].failing_row_ids) == (on_polars.outcome, on_polars.failing_row_ids)
    assert on_spark[0].failing_row_ids == [7] and on_spark[0].note == "ran through Great Expectations on Spark"
    assert on_spark[1].outcome == "error"
    assert "cannot run expect_column_values_to_match_like_pattern on Spark" in (on_spark[1].message or "")
