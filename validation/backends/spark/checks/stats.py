"""The two GX aggregates Spark has no one-expression answer for: exact quantiles and all tied modes.

Both are external runners (``run(frame, **kwargs) -> ExternalOutcome`` on the check's column plus
``IDX``), each a couple of small jobs; the comparison is the polars backend's own evaluator
(``validation/checks/evaluators``), so the verdict and the observed value are the same on both engines.

- quantiles: polars' rule, reproduced exactly (``polars-core``'s ``quantile_idx``): over the
  nulls-first order, ``i = (n - 1) * q + nulls`` (``n`` the non-null count); ``lower`` takes
  ``int(i)``, ``higher`` ``ceil(i)``, ``nearest`` ``i`` rounded half away from zero;
  ``midpoint``/``linear`` interpolate between ``int(i)`` and ``ceil(i)`` in float64 (rounded to
  float32 for a float32 column, as polars does). Spark has no such interpolation, and
  ``percentile_approx`` is a sketch, so job 1 counts and job 2 reads each needed order statistic
  exactly with SQL ``percentile_disc(p)`` (the first value whose cumulative share reaches ``p``): the
  0-based ``k``-th of ``n`` sorted values is ``p = (k + 0.5) / n``, half a rank from either neighbour.
- modes: the non-null values grouped and counted, the groups with the highest count kept (one
  job: the grouping's shuffle is reused by the join with its maximum). Every tied mode comes back
  to the driver, as polars implodes them all.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from dataqa.validation.backends.spark.checks.common import col
from dataqa.validation.backends.spark.checks.implement import spark_check
from dataqa.validation.checks import evaluators
from dataqa.validation.registry import ExternalOutcome


def _external(fn: Callable[..., ExternalOutcome]) -> Callable[..., ExternalOutcome]:
    fn.external_runner = True  # type: ignore[attr-defined]
    return fn


def _round_half_away(x: float) -> int:
    # Rust's f64::round (x >= 0 here); floor(x + 0.5) would round 0.49999999999999994 up
    lo = math.floor(x)
    return lo + 1 if x - lo >= 0.5 else lo


def quantile_positions(q: float, n: int, nulls: int, method: str) -> tuple[int, int, float]:
    """(lower, upper) 0-based positions among the ``n`` sorted non-null values that polars reads
    for quantile ``q``, and its fractional index over the nulls-first order (for ``linear``)."""
    i = (n - 1) * q + nulls
    if method == "nearest":
        k = _round_half_away(i) - nulls
        return k, k, i
    top = math.ceil(i)
    base = top if method == "higher" else int(i)
    base = min(max(base, 0), n + nulls - 1)
    return base - nulls, top - nulls, i


def interpolate(method: str, lower: Any, upper: Any, base: int, index: float, float32: bool) -> Any:
    """polars' value from the two order statistics (``base`` the lower one's nulls-first index)."""
    if method in ("lower", "higher", "nearest") or lower == upper:
        return lower
    lo, hi = float(lower), float(upper)
    value = (lo + hi) / 2.0 if method == "midpoint" else (index - base) * (hi - lo) + lo
    # polars interpolates a float32 column in float64 and rounds the result to float32
    return float(np.float32(value)) if float32 else value


def _disc(k: int, n: int) -> Any:
    return F.expr(f"percentile_disc({(k + 0.5) / n!r}) WITHIN GROUP (ORDER BY v)")


@spark_check("expect_column_quantile_values_to_be_between")
@_external
def quantiles_between(frame: DataFrame, column: str, quantile_ranges: Mapping[str, Sequence[Any]],
                      allow_relative_error: bool | str = False) -> ExternalOutcome:
    """Each requested quantile within its range (polars' interpolations, ``nearest`` by default)."""
    method = str(allow_relative_error or "nearest")
    quantiles = [float(q) for q in quantile_ranges["quantiles"]]
    values = frame.select(col(column).alias("v"))
    counted = values.agg(F.count("v").alias("n"), F.count(F.lit(1)).alias("rows")).first()
    assert counted is not None
    n, nulls = int(counted["n"]), int(counted["rows"]) - int(counted["n"])
    got: dict[str, Any] = {f"q{i}": None for i in range(len(quantiles))}
    if n:
        positions = [quantile_positions(q, n, nulls, method) for q in quantiles]
        needed = sorted({k for lo, hi, _ in positions for k in (lo, hi)})
        row = values.agg(*[_disc(k, n).alias(f"k{k}") for k in needed]).first()
        assert row is not None
        at = {k: _number(row[f"k{k}"]) for k in needed}
        float32 = isinstance(frame.schema[column].dataType, T.FloatType)
        for i, (lo, hi, index) in enumerate(positions):
            got[f"q{i}"] = interpolate(method, at[lo], at[hi], lo + nulls, index, float32)
    ok, observed = evaluators.quantiles_between(quantile_ranges)(got)
    return ExternalOutcome(success=ok, observed_value=observed)


def _number(v: Any) -> Any:
    # polars answers a float for every numeric column (a decimal's quantile too)
    return None if v is None else float(v)


@spark_check("expect_column_most_common_value_to_be_in_set")
@_external
def most_common_in_set(frame: DataFrame, column: str, value_set: Sequence[Any] | None,
                       ties_okay: bool | None = None) -> ExternalOutcome:
    """The mode (nulls ignored) is in ``value_set``; a tie fails unless ``ties_okay``."""
    c = col(column)
    counts = frame.where(c.isNotNull()).groupBy(c.alias("v")).agg(F.count(F.lit(1)).alias("n"))
    top = counts.agg(F.max("n").alias("n"))
    modes = [r["v"] for r in counts.join(F.broadcast(top), "n").select("v").collect()]
    ok, observed = evaluators.most_common_in_set(value_set, ties_okay)({"modes": modes})
    return ExternalOutcome(success=ok, observed_value=observed)
