"""GX table expectations: row count, column count, column names and order, column existence.

Table checks receive the schema (resolved from the file header or Parquet metadata, no scan);
only the row count is computed in the engine's shared query.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import polars as pl

from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.checks import evaluators
from dataqa.validation.checks.evaluators import between_evaluator
from dataqa.validation.checks.evaluators import constant as _constant
from dataqa.validation.checks.evaluators import require_int as _require_int
from dataqa.validation.registry import AggResult


@polars_check("expect_table_row_count_to_equal")
def row_count_equal(schema: pl.Schema, value: int) -> AggResult:
    """The table has exactly ``value`` rows."""
    _require_int("value", value)

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        return values["rows"] == value, values["rows"]

    return AggResult(exprs={"rows": pl.len()}, evaluate=evaluate)


@polars_check("expect_table_row_count_to_be_between")
def row_count_between(schema: pl.Schema, min_value: int | None = None, max_value: int | None = None,
                      strict_min: bool = False, strict_max: bool = False) -> AggResult:
    """The row count is within the bounds (a missing bound is open)."""
    _require_int("min_value", min_value)
    _require_int("max_value", max_value)
    if min_value is not None and max_value is not None and min_value > max_value:
        raise ValueError("Minimum Threshold cannot be larger than Maximum Threshold")
    if min_value is None and max_value is None:
        return _constant(True, None)
    return AggResult(exprs={"rows": pl.len()},
                     evaluate=between_evaluator("rows", min_value, max_value, strict_min, strict_max))


@polars_check("expect_table_column_count_to_equal")
def column_count_equal(schema: pl.Schema, value: int) -> AggResult:
    """The table has exactly ``value`` columns."""
    _require_int("value", value)
    return _constant(len(schema) == value, len(schema))


@polars_check("expect_table_column_count_to_be_between")
def column_count_between(schema: pl.Schema, min_value: int | None = None,
                         max_value: int | None = None, strict_min: bool = False,
                         strict_max: bool = False) -> AggResult:
    """The column count is within the bounds."""
    _require_int("min_value", min_value)
    _require_int("max_value", max_value)
    if min_value is not None and max_value is not None and min_value > max_value:
        raise ValueError("min_value cannot be greater than max_value")
    return evaluators.column_count_between(len(schema), min_value, max_value, strict_min, strict_max)


@polars_check("expect_table_columns_to_match_set")
def columns_match_set(schema: pl.Schema, column_set: Sequence[str] | None = None,
                      exact_match: bool | None = True) -> AggResult:
    """The column names equal ``column_set`` (any order); with ``exact_match=False`` the set
    only has to be contained in the columns."""
    return evaluators.columns_match_set(list(schema.names()), column_set, exact_match)


@polars_check("expect_table_columns_to_match_ordered_list")
def columns_match_ordered_list(schema: pl.Schema, column_list: Sequence[str] | None = None) -> AggResult:
    """The column names, in order, equal ``column_list``."""
    return evaluators.columns_match_ordered_list(list(schema.names()), column_list)


@polars_check("expect_column_to_exist")
def column_to_exist(schema: pl.Schema, column: str, column_index: int | None = None) -> AggResult:
    """``column`` is in the table (at position ``column_index`` when given)."""
    return evaluators.column_exists(list(schema.names()), column, column_index)
