"""Quantiles and modes on Spark (``validation/backends/spark/checks/stats``) give the polars
backend's answers: the same outcome and the same observed value, for every interpolation, on
seeded random data with ties, nulls and NaN, and for tied modes."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest
from spark_fixtures import spark_frame

from dataqa.io import Dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.suite_spec import CheckSpec, Suite, freeze

METHODS = ("nearest", "lower", "higher", "midpoint", "linear")
# k + 0.5 positions (q(n - 1) = 1.5, 2.5...) on 5 and 7 values, and irregular ones
QUANTILES = [0.0, 0.1, 0.125, 0.25, 0.3, 1 / 3, 0.375, 0.5, 0.625, 0.7, 0.75, 0.875, 0.9, 0.99, 1.0]


def _spec(i: int, name: str, kwargs: dict[str, Any]) -> CheckSpec:
    return CheckSpec(name=name, kwargs=freeze(kwargs), suite_file="s.json", location=f"s.json[{i}]")


def _frame(rows: int = 240) -> pl.DataFrame:
    rng = random.Random(7)

    def some_nulls(values: list[Any], share: float) -> list[Any]:
        return [None if rng.random() < share else v for v in values]

    base = [rng.choice([rng.randint(-20, 20) * 0.5, rng.uniform(-1e3, 1e3)]) for _ in range(rows)]
    with_nan = some_nulls([float("nan") if rng.random() < 0.05 else v for v in base], 0.1)
    small = [None] * rows
    for k, v in zip(rng.sample(range(rows), 5), [3.25, -1.0, 7.5, 7.5, 0.1]):
        small[k] = v
    seven = [None] * rows
    for k, v in zip(rng.sample(range(rows), 7), [2.0, 11.0, -4.5, 0.3, 0.3, 9.75, 5.0]):
        seven[k] = v
    return pl.DataFrame({
        "f64": some_nulls(base, 0.2),
        "i64": some_nulls([rng.randint(-50, 50) for _ in range(rows)], 0.3),
        "f32": pl.Series(some_nulls([rng.uniform(-10, 10) for _ in range(rows)], 0.15), dtype=pl.Float32),
        "nan": with_nan,
        "small": small,
        "seven": seven,
        "allnull": pl.Series([None] * rows, dtype=pl.Float64),
        "tie": some_nulls([rng.choice(["a", "b", "c", "d"]) for _ in range(rows)], 0.4),
        "mode_int": some_nulls([rng.choice([1, 2, 2, 3]) for _ in range(rows)], 0.5),
        "distinct": list(range(rows)),
    }).with_columns(  # two values tied for the mode, nulls (more of them) ignored
        pl.when(pl.int_range(pl.len()) < 60).then(pl.lit("x"))
        .when(pl.int_range(pl.len()) < 120).then(pl.lit("y"))
        .when(pl.int_range(pl.len()) < 140).then(pl.lit("z")).otherwise(None).alias("tie"))


def _quantile_specs() -> list[CheckSpec]:
    rng = random.Random(11)
    specs = []
    for column in ("f64", "i64", "f32", "nan", "small", "seven", "allnull"):
        for method in METHODS:
            ranges = [sorted([rng.uniform(-40, 40), rng.uniform(-40, 40)]) for _ in QUANTILES]
            specs.append(_spec(len(specs), "expect_column_quantile_values_to_be_between", {
                "column": column, "allow_relative_error": method,
                "quantile_ranges": {"quantiles": QUANTILES, "value_ranges": ranges}}))
    specs.append(_spec(len(specs), "expect_column_quantile_values_to_be_between", {  # default: nearest
        "column": "seven", "quantile_ranges": {"quantiles": [0.25, 0.75], "value_ranges": [[0, 1], [4, 10]]}}))
    return specs


def _mode_specs() -> list[CheckSpec]:
    cases: list[dict[str, Any]] = [
        {"column": "tie", "value_set": ["x"]},
        {"column": "tie", "value_set": ["x"], "ties_okay": True},
        {"column": "tie", "value_set": ["z"], "ties_okay": True},
        {"column": "mode_int", "value_set": [2]},
        {"column": "mode_int", "value_set": [1, 3]},
        {"column": "distinct", "value_set": [5], "ties_okay": True},
        {"column": "allnull", "value_set": [1.0], "ties_okay": True},
    ]
    return [_spec(i, "expect_column_most_common_value_to_be_in_set", kw) for i, kw in enumerate(cases)]


def _both(spark: Any, specs: list[CheckSpec]) -> list[tuple[Any, Any]]:
    from dataqa.validation.backends.spark.backend import SparkBackend

    df = _frame()
    suite = Suite("s", "s.json", tuple(specs))
    on_polars = run_suites(Dataset("<case>", df.lazy()), [suite]).checks
    on_spark = run_suites(SparkBackend(spark_frame(spark, df)), [suite]).checks
    return list(zip(on_polars, on_spark))


def test_quantiles_equal_polars_for_every_interpolation(spark: Any) -> None:
    pairs = _both(spark, _quantile_specs())
    for p, s in pairs:
        where = (p.kwargs["column"], p.kwargs.get("allow_relative_error"))
        assert s.outcome == p.outcome, (where, s.message)
        assert s.observed_value == p.observed_value, where
    outcomes = {p.outcome for p, _ in pairs}
    assert outcomes == {"passed", "failed"}
    # q = 0.75 of 7 values is position 4.5, between 5.0 and 9.75: nearest rounds half up there
    seven = {p.kwargs["allow_relative_error"]: p.observed_value["values"][QUANTILES.index(0.75)]
             for p, _ in pairs if p.kwargs["column"] == "seven" and p.kwargs.get("allow_relative_error")}
    assert seven == {"lower": 5.0, "higher": 9.75, "nearest": 9.75, "midpoint": 7.375, "linear": 7.375}


def test_modes_equal_polars_with_ties_and_nulls(spark: Any) -> None:
    pairs = _both(spark, _mode_specs())
    got = [(s.outcome, s.observed_value) for _, s in pairs]
    assert got == [(p.outcome, p.observed_value) for p, _ in pairs]
    assert got[:4] == [("failed", ["x", "y"]), ("passed", ["x", "y"]), ("failed", ["x", "y"]), ("passed", [2])]
    assert got[4][0] == "failed" and got[5:] == [("passed", list(range(240))), ("failed", [])]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("float32", [False, True])
def test_quantile_positions_reproduce_polars(method: str, float32: bool) -> None:
    """The index rule alone, on every small size and null count, against polars itself."""
    from dataqa.validation.backends.spark.checks.stats import interpolate, quantile_positions

    rng = random.Random(3)
    dtype = pl.Float32 if float32 else pl.Float64
    for n in range(1, 14):
        for nulls in range(4):
            drawn = pl.Series([rng.choice([rng.randint(0, 4) * 1.0, rng.uniform(-5, 5)]) for _ in range(n)],
                              dtype=dtype)
            values = sorted(drawn.to_list())
            series = pl.concat([drawn, pl.Series([None] * nulls, dtype=dtype)])
            for q in QUANTILES + [rng.random() for _ in range(5)]:
                lo, hi, index = quantile_positions(q, n, nulls, method)
                got = interpolate(method, values[lo], values[hi], lo + nulls, index, float32)
                assert got == series.quantile(q, method), (n, nulls, q)  # type: ignore[arg-type]
