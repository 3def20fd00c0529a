"""GX column aggregate expectations: statistics between bounds, distinct values, modes.

Every statistic is one polars aggregate computed in the engine's shared query; the pure
``evaluate`` functions then apply GX's comparison rules (null/NaN statistic fails, string bounds
on datetime statistics are parsed with dateutil, quantiles compare with ``rtol=1e-4``). The
evaluators both engines share are in ``validation/checks/evaluators``.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import polars as pl

from dataqa.validation.backends.polars.checks.gx_column_map import in_set_expr
from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.checks import evaluators
from dataqa.validation.checks.evaluators import as_set, between_evaluator
from dataqa.validation.registry import AggResult


def _stat_check(stat: pl.Expr, min_value: Any, max_value: Any, strict_min: bool,
                strict_max: bool) -> AggResult:
    return AggResult(exprs={"stat": stat},
                     evaluate=between_evaluator("stat", min_value, max_value, strict_min, strict_max))


def _register_stat(name: str, label: str, make: Any) -> None:
    def check(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False,
              strict_max: bool = False) -> AggResult:
        return _stat_check(make(pl.col(column)), min_value, max_value, strict_min, strict_max)

    check.__name__ = f"column_{label}_between"
    check.__doc__ = f"The column's {label} (nulls ignored) is between the bounds."
    polars_check(name)(check)


_register_stat("expect_column_min_to_be_between", "min", lambda c: c.min())
_register_stat("expect_column_max_to_be_between", "max", lambda c: c.max())
_register_stat("expect_column_mean_to_be_between", "mean", lambda c: c.mean())
_register_stat("expect_column_median_to_be_between", "median", lambda c: c.median())
_register_stat("expect_column_sum_to_be_between", "sum", lambda c: c.sum())
_register_stat("expect_column_stdev_to_be_between", "stdev", lambda c: c.std(ddof=1))
_register_stat("expect_column_unique_value_count_to_be_between", "unique value count",
               lambda c: c.drop_nulls().n_unique())


@polars_check("expect_column_proportion_of_unique_values_to_be_between")
def proportion_unique(column: str, min_value: Any = None, max_value: Any = None,
                      strict_min: bool = False, strict_max: bool = False) -> AggResult:
    """Distinct non-null values / non-null values (0 for an all-null column, as in GX)."""
    col = pl.col(column)
    return AggResult(exprs={"distinct": col.drop_nulls().n_unique(), "nonnull": col.count()},
                     evaluate=evaluators.proportion_unique(min_value, max_value, strict_min, strict_max))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


@polars_check("expect_column_quantile_values_to_be_between")
def quantiles_between(column: str, quantile_ranges: Mapping[str, Sequence[Any]],
                      allow_relative_error: bool | str = False) -> AggResult:
    """Each requested quantile within its range (pandas' ``nearest`` interpolation by default)."""
    quantiles = list(quantile_ranges["quantiles"])
    ranges = [list(r) for r in quantile_ranges["value_ranges"]]
    if len(quantiles) != len(ranges):
        raise ValueError("quantile_ranges must have as many value_ranges as quantiles")
    for lo, hi in ranges:
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"quantile range [{lo}, {hi}] has its lower bound above the upper one")
    method = allow_relative_error or "nearest"
    if method not in _INTERPOLATIONS:
        raise ValueError(f"allow_relative_error must be one of {_INTERPOLATIONS} for this engine")
    col = pl.col(column)
    exprs = {f"q{i}": col.quantile(q, interpolation=method) for i, q in enumerate(quantiles)}  # type: ignore[arg-type]
    return AggResult(exprs=exprs, evaluate=evaluators.quantiles_between(quantile_ranges))


def _distinct(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls().unique().implode()


@polars_check("expect_column_distinct_values_to_be_in_set")
def distinct_in_set(column: str, value_set: Sequence[Any] | None,
                    schema: pl.Schema | None = None) -> AggResult:
    """Every distinct non-null value is in ``value_set``; offending rows are reported."""
    return AggResult(exprs={"distinct": _distinct(column)}, evaluate=evaluators.distinct_in_set(value_set),
                     unexpected=in_set_expr(column, list(as_set(value_set)), schema).not_())


@polars_check("expect_column_distinct_values_to_contain_set")
def distinct_contain_set(column: str, value_set: Sequence[Any] | None) -> AggResult:
    """Every member of ``value_set`` occurs in the column."""
    return AggResult(exprs={"distinct": _distinct(column)},
                     evaluate=evaluators.distinct_contain_set(value_set))


@polars_check("expect_column_distinct_values_to_equal_set")
def distinct_equal_set(column: str, value_set: Sequence[Any] | None,
                       schema: pl.Schema | None = None) -> AggResult:
    """The distinct non-null values are exactly ``value_set``."""
    return AggResult(exprs={"distinct": _distinct(column)}, evaluate=evaluators.distinct_equal_set(value_set),
                     unexpected=in_set_expr(column, list(as_set(value_set)), schema).not_())


@polars_check("expect_column_most_common_value_to_be_in_set")
def most_common_in_set(column: str, value_set: Sequence[Any] | None,
                       ties_okay: bool | None = None) -> AggResult:
    """The mode (nulls ignored) is in ``value_set``. A tie for the mode fails unless
    ``ties_okay``, in which case one tied mode in the set is enough (as in GX)."""
    return AggResult(exprs={"modes": pl.col(column).drop_nulls().mode().implode()},
                     evaluate=evaluators.most_common_in_set(value_set, ties_okay))
