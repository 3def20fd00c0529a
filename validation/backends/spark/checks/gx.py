"""The GX expectation types dataqa runs natively, as ``pyspark.sql.Column`` expressions.

Same semantics as the polars implementations (``validation/backends/polars/checks/gx_*.py``):
rows with a null value are not evaluated unless the check says otherwise, ``mostly`` is applied
by the orchestration, string bounds on date/timestamp columns are parsed with dateutil. Checks
that compare a row with others stay in the one pass: duplicates are a flag the backend plans
(``common.duplicated``: the keys grouped alone, the duplicated ones joined back), order is a
window (the last non-null value before the row by position).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Sequence

from pyspark.sql import Column, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from dataqa.columns import ROW_ID
from dataqa.validation.backends.spark.checks.common import all_of, any_of, between, col, dtype_of, duplicated, in_set
from dataqa.validation.backends.spark.checks.implement import SparkSchema, spark_check
from dataqa.validation.checks import evaluators
from dataqa.validation.checks.arguments import MULTI_IGNORE, PAIR_IGNORE
from dataqa.validation.checks.evaluators import as_set, between_evaluator
from dataqa.validation.checks.evaluators import constant as _constant
from dataqa.validation.checks.evaluators import require_int as _require_int
from dataqa.validation.registry import IDX, AggResult, MapResult


@spark_check("expect_column_values_to_not_be_null")
def not_null(column: str) -> MapResult:
    return MapResult(valid=col(column).isNotNull(), eligible=F.lit(True))


@spark_check("expect_column_values_to_be_null")
def be_null(column: str) -> MapResult:
    return MapResult(valid=col(column).isNull(), eligible=F.lit(True))


@spark_check("expect_column_values_to_be_between")
def values_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False,
                   strict_max: bool = False, schema: SparkSchema | None = None) -> MapResult:
    return MapResult(valid=between(col(column), min_value, max_value, strict_min, strict_max,
                                   dtype_of(schema, column)))


@spark_check("expect_column_values_to_be_in_set")
def values_in_set(column: str, value_set: Sequence[Any] | None = None,
                  schema: SparkSchema | None = None) -> MapResult:
    if value_set is None:
        return MapResult(valid=F.lit(True))
    return MapResult(valid=in_set(column, value_set, schema))


@spark_check("expect_column_values_to_not_be_in_set")
def values_not_in_set(column: str, value_set: Sequence[Any] | None = None,
                      schema: SparkSchema | None = None) -> MapResult:
    if value_set is None:
        raise ValueError("value_set is required (a list of forbidden values)")
    return MapResult(valid=~in_set(column, value_set, schema))


@spark_check("expect_column_values_to_be_unique")
def unique(column: str, schema: SparkSchema | None = None) -> MapResult:
    # every member of a duplicate group fails, as in GX (null rows are not evaluated)
    c = col(column)
    return MapResult(valid=~duplicated(schema, [c], within=c.isNotNull()))


def _length(column: str) -> Column:
    return F.char_length(col(column).cast("string"))


@spark_check("expect_column_value_lengths_to_be_between")
def lengths_between(column: str, min_value: int | None = None, max_value: int | None = None,
                    strict_min: bool = False, strict_max: bool = False) -> MapResult:
    return MapResult(valid=between(_length(column), min_value, max_value, strict_min, strict_max))


@spark_check("expect_column_value_lengths_to_equal")
def lengths_equal(column: str, value: int) -> MapResult:
    return MapResult(valid=_length(column) == int(value))


def _previous_non_null(column: str) -> Column:
    # GX diffs the non-null values only: the last non-null value before the row, by position
    w = Window.orderBy(F.col(IDX)).rowsBetween(Window.unboundedPreceding, -1)
    return F.last(col(column), ignorenulls=True).over(w)


@spark_check("expect_column_values_to_be_increasing")
def increasing(column: str, strictly: bool | None = None) -> MapResult:
    prev = _previous_non_null(column)
    cmp = col(column) > prev if strictly else col(column) >= prev
    return MapResult(valid=cmp | prev.isNull())


@spark_check("expect_column_values_to_be_decreasing")
def decreasing(column: str, strictly: bool | None = None) -> MapResult:
    prev = _previous_non_null(column)
    cmp = col(column) < prev if strictly else col(column) <= prev
    return MapResult(valid=cmp | prev.isNull())


def _regex(regex: str) -> str:
    if not isinstance(regex, str):
        raise ValueError(f"regex must be a string, got {regex!r}")
    return regex


@spark_check("expect_column_values_to_match_regex")
def match_regex(column: str, regex: str) -> MapResult:
    return MapResult(valid=col(column).cast("string").rlike(_regex(regex)))


@spark_check("expect_column_values_to_not_match_regex")
def not_match_regex(column: str, regex: str) -> MapResult:
    return MapResult(valid=~col(column).cast("string").rlike(_regex(regex)))


@spark_check("expect_column_values_to_match_regex_list")
def match_regex_list(column: str, regex_list: Sequence[str], match_on: str = "any") -> MapResult:
    hits = [col(column).cast("string").rlike(_regex(r)) for r in regex_list]
    return MapResult(valid=any_of(hits) if match_on == "any" else all_of(hits))


@spark_check("expect_column_values_to_not_match_regex_list")
def not_match_regex_list(column: str, regex_list: Sequence[str]) -> MapResult:
    hits = [col(column).cast("string").rlike(_regex(r)) for r in regex_list]
    return MapResult(valid=~any_of(hits))


def _stat(name: str, make: Any) -> None:
    def check(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False,
              strict_max: bool = False, schema: SparkSchema | None = None) -> AggResult:
        c = col(column)
        if isinstance(dtype_of(schema, column), T.BooleanType) and make not in (F.min, F.max):
            c = c.cast("int")  # pandas/polars take True as 1 in a mean or a sum
        return AggResult(exprs={"stat": make(c)},
                         evaluate=between_evaluator("stat", min_value, max_value, strict_min, strict_max))

    check.__name__ = name
    spark_check(name)(check)


_stat("expect_column_min_to_be_between", F.min)
_stat("expect_column_max_to_be_between", F.max)
_stat("expect_column_mean_to_be_between", F.avg)
_stat("expect_column_median_to_be_between", F.median)
_stat("expect_column_sum_to_be_between", F.sum)
_stat("expect_column_stdev_to_be_between", F.stddev_samp)
_stat("expect_column_unique_value_count_to_be_between", F.count_distinct)


@spark_check("expect_column_proportion_of_unique_values_to_be_between")
def proportion_unique(column: str, min_value: Any = None, max_value: Any = None,
                      strict_min: bool = False, strict_max: bool = False) -> AggResult:
    return AggResult(exprs={"distinct": F.count_distinct(col(column)), "nonnull": F.count(col(column))},
                     evaluate=evaluators.proportion_unique(min_value, max_value, strict_min, strict_max))


def _distinct(column: str) -> Column:
    return F.collect_set(col(column))  # nulls are skipped by collect_set


@spark_check("expect_column_distinct_values_to_be_in_set")
def distinct_in_set(column: str, value_set: Sequence[Any] | None,
                    schema: SparkSchema | None = None) -> AggResult:
    return AggResult(exprs={"distinct": _distinct(column)}, evaluate=evaluators.distinct_in_set(value_set),
                     unexpected=~in_set(column, list(as_set(value_set)), schema))


@spark_check("expect_column_distinct_values_to_contain_set")
def distinct_contain_set(column: str, value_set: Sequence[Any] | None) -> AggResult:
    return AggResult(exprs={"distinct": _distinct(column)},
                     evaluate=evaluators.distinct_contain_set(value_set))


@spark_check("expect_column_distinct_values_to_equal_set")
def distinct_equal_set(column: str, value_set: Sequence[Any] | None,
                       schema: SparkSchema | None = None) -> AggResult:
    return AggResult(exprs={"distinct": _distinct(column)}, evaluate=evaluators.distinct_equal_set(value_set),
                     unexpected=~in_set(column, list(as_set(value_set)), schema))


def _pair_eligible(a: str, b: str, ignore_row_if: str) -> Column:
    if ignore_row_if == "both_values_are_missing":
        return col(a).isNotNull() | col(b).isNotNull()
    if ignore_row_if == "either_value_is_missing":
        return col(a).isNotNull() & col(b).isNotNull()
    if ignore_row_if == "neither":
        return F.lit(True)
    raise ValueError(f"ignore_row_if must be one of {', '.join(PAIR_IGNORE)}; got {ignore_row_if!r}")


def _multi_eligible(columns: Sequence[str], ignore_row_if: str) -> Column:
    present = [col(c).isNotNull() for c in columns]
    if ignore_row_if == "all_values_are_missing":
        return any_of(present)
    if ignore_row_if == "any_value_is_missing":
        return all_of(present)
    if ignore_row_if == "never":
        return F.lit(True)
    raise ValueError(f"ignore_row_if must be one of {', '.join(MULTI_IGNORE)}; got {ignore_row_if!r}")


@spark_check("expect_column_pair_values_a_to_be_greater_than_b")
def a_greater_than_b(column_A: str, column_B: str, or_equal: bool | None = None,
                     ignore_row_if: str = "both_values_are_missing") -> MapResult:
    a, b = col(column_A), col(column_B)
    return MapResult(valid=F.coalesce(a >= b if or_equal else a > b, F.lit(False)),
                     eligible=_pair_eligible(column_A, column_B, ignore_row_if))


@spark_check("expect_column_pair_values_to_be_equal")
def pair_equal(column_A: str, column_B: str, ignore_row_if: str = "both_values_are_missing") -> MapResult:
    return MapResult(valid=F.coalesce(col(column_A) == col(column_B), F.lit(False)),
                     eligible=_pair_eligible(column_A, column_B, ignore_row_if))


@spark_check("expect_column_pair_values_to_be_in_set")
def pair_in_set(column_A: str, column_B: str, value_pairs_set: Sequence[Sequence[Any]] | None = None,
                ignore_row_if: str = "both_values_are_missing") -> MapResult:
    eligible = _pair_eligible(column_A, column_B, ignore_row_if)
    if value_pairs_set is None:
        return MapResult(valid=F.lit(True), eligible=eligible)
    pairs = [tuple(p) for p in value_pairs_set]
    conds = [col(column_A).eqNullSafe(F.lit(a)) & col(column_B).eqNullSafe(F.lit(b)) for a, b in pairs]
    return MapResult(valid=any_of(conds) if conds else F.lit(False), eligible=eligible)


@spark_check("expect_multicolumn_sum_to_equal")
def multicolumn_sum_equal(column_list: Sequence[str], sum_total: float,
                          ignore_row_if: str = "all_values_are_missing") -> MapResult:
    cols = list(column_list)
    total = col(cols[0])
    for c in cols[1:]:
        total = total + col(c)  # a null makes the sum null: it fails
    return MapResult(valid=F.coalesce(total == F.lit(sum_total), F.lit(False)),
                     eligible=_multi_eligible(cols, ignore_row_if))


@spark_check("expect_compound_columns_to_be_unique")
def compound_columns_unique(column_list: Sequence[str], ignore_row_if: str = "all_values_are_missing",
                            schema: SparkSchema | None = None) -> MapResult:
    cols = list(column_list)
    eligible = _multi_eligible(cols, ignore_row_if)
    # duplicates among the evaluated rows only (rows outside `eligible` never make duplicates)
    return MapResult(valid=~duplicated(schema, [col(c) for c in cols], within=eligible), eligible=eligible)


@spark_check("expect_select_column_values_to_be_unique_within_record")
def unique_within_record(column_list: Sequence[str],
                         ignore_row_if: str = "all_values_are_missing") -> MapResult:
    cols = list(column_list)
    pairs = [~col(a).eqNullSafe(col(b)) for a, b in combinations(cols, 2)]
    return MapResult(valid=all_of(pairs) if pairs else F.lit(True),
                     eligible=_multi_eligible(cols, ignore_row_if))


@spark_check("expect_table_row_count_to_equal")
def row_count_equal(schema: SparkSchema, value: int) -> AggResult:
    _require_int("value", value)
    return AggResult(exprs={"rows": F.count(F.lit(1))},
                     evaluate=lambda v: (v["rows"] == value, v["rows"]))


@spark_check("expect_table_row_count_to_be_between")
def row_count_between(schema: SparkSchema, min_value: int | None = None, max_value: int | None = None,
                      strict_min: bool = False, strict_max: bool = False) -> AggResult:
    if min_value is None and max_value is None:
        return _constant(True, None)
    return AggResult(exprs={"rows": F.count(F.lit(1))},
                     evaluate=between_evaluator("rows", min_value, max_value, strict_min, strict_max))


def _names(schema: SparkSchema) -> list[str]:
    return [c for c in schema if not c.startswith("__dataqa_") and c != ROW_ID]


@spark_check("expect_table_column_count_to_equal")
def column_count_equal(schema: SparkSchema, value: int) -> AggResult:
    n = len(_names(schema))
    return _constant(n == value, n)


@spark_check("expect_table_column_count_to_be_between")
def column_count_between(schema: SparkSchema, min_value: int | None = None, max_value: int | None = None,
                         strict_min: bool = False, strict_max: bool = False) -> AggResult:
    return evaluators.column_count_between(len(_names(schema)), min_value, max_value, strict_min, strict_max)


@spark_check("expect_table_columns_to_match_set")
def columns_match_set(schema: SparkSchema, column_set: Sequence[str] | None = None,
                      exact_match: bool | None = True) -> AggResult:
    return evaluators.columns_match_set(_names(schema), column_set, exact_match)


@spark_check("expect_table_columns_to_match_ordered_list")
def columns_match_ordered_list(schema: SparkSchema, column_list: Sequence[str] | None = None) -> AggResult:
    return evaluators.columns_match_ordered_list(_names(schema), column_list)


@spark_check("expect_column_to_exist")
def column_to_exist(schema: SparkSchema, column: str, column_index: int | None = None) -> AggResult:
    return evaluators.column_exists(_names(schema), column, column_index)
