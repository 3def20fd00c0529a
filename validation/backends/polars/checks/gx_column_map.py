"""GX column map expectations: nullness, ranges, sets, lengths, uniqueness, order.

Each returns a ``MapResult`` whose ``valid`` is evaluated on non-null rows only (the engine's
default ``eligible``), except not_null / null which see every row. ``mostly`` divides by the
evaluated (non-null) count, as in GX.
"""

from __future__ import annotations

from typing import Any, Sequence

import polars as pl

from dataqa.validation.backends.polars.checks.gx_util import (
    between_expr,
    literal_series,
    require_bounds,
    temporal_literal,
)
from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.registry import MapResult

_STRINGY = (pl.String, pl.Categorical, pl.Enum)


def _is_stringy(dtype: pl.DataType | None) -> bool:
    return dtype is not None and isinstance(dtype, _STRINGY)


def _compatible_members(dtype: pl.DataType | None, value_set: Sequence[Any]) -> list[Any]:
    """Members of ``value_set`` that can equal a value of ``dtype`` (pandas ``isin`` semantics:
    the string "1" never equals the number 1, so a mixed set keeps only the column's kind)."""
    if dtype is None:
        return list(value_set)
    if _is_stringy(dtype):
        return [v for v in value_set if isinstance(v, str)]
    if dtype.is_numeric():
        return [v for v in value_set if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if dtype.is_temporal():
        return [temporal_literal(v, dtype) for v in value_set]
    if dtype == pl.Boolean:
        return [v for v in value_set if isinstance(v, bool)]
    return list(value_set)


def in_set_expr(column: str, value_set: Sequence[Any], schema: pl.Schema | None) -> pl.Expr:
    """``column`` is one of ``value_set`` (row-wise; null stays null)."""
    dtype = schema.get(column) if schema is not None else None
    members = _compatible_members(dtype, value_set)
    if not members:
        return pl.col(column).is_null()  # nothing can match; null rows are not evaluated anyway
    col = pl.col(column)
    if dtype is not None and isinstance(dtype, (pl.Categorical, pl.Enum)):
        col = col.cast(pl.String)
    like = pl.String() if _is_stringy(dtype) else dtype if dtype is not None and dtype.is_numeric() else None
    return col.is_in(literal_series(members, like).implode())


@polars_check("expect_column_values_to_not_be_null")
def not_null(column: str) -> MapResult:
    """Every row's value is present; nulls are the failures (so every row is evaluated)."""
    return MapResult(valid=pl.col(column).is_not_null(), eligible=pl.lit(True))


@polars_check("expect_column_values_to_be_null")
def be_null(column: str) -> MapResult:
    """Every row's value is null."""
    return MapResult(valid=pl.col(column).is_null(), eligible=pl.lit(True))


@polars_check("expect_column_values_to_be_between")
def between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False,
            strict_max: bool = False, schema: pl.Schema | None = None) -> MapResult:
    """``min_value <= value <= max_value`` (``<`` when strict); a missing bound is open.
    String bounds on a date/datetime column are parsed as dates (as GX does on pandas)."""
    require_bounds(min_value, max_value)
    dtype = schema.get(column) if schema is not None else None
    return MapResult(valid=between_expr(pl.col(column), min_value, max_value, strict_min, strict_max, dtype))


@polars_check("expect_column_values_to_be_in_set")
def in_set(column: str, value_set: Sequence[Any] | None = None,
           schema: pl.Schema | None = None) -> MapResult:
    """Each value is one of ``value_set`` (``None``: vacuously true)."""
    if value_set is None:
        return MapResult(valid=pl.lit(True))
    return MapResult(valid=in_set_expr(column, value_set, schema))


@polars_check("expect_column_values_to_not_be_in_set")
def not_in_set(column: str, value_set: Sequence[Any] | None = None,
               schema: pl.Schema | None = None) -> MapResult:
    """No value is one of ``value_set`` (required: GX raises without it)."""
    if value_set is None:
        raise ValueError("value_set is required (a list of forbidden values)")
    return MapResult(valid=in_set_expr(column, value_set, schema).not_())


@polars_check("expect_column_values_to_be_unique")
def unique(column: str) -> MapResult:
    """No non-null value occurs twice; every member of a duplicate group fails (as in GX)."""
    return MapResult(valid=pl.col(column).is_duplicated().not_())


def _length(column: str, schema: pl.Schema | None) -> pl.Expr:
    col = pl.col(column)
    if schema is not None and isinstance(schema.get(column), (pl.Categorical, pl.Enum)):
        col = col.cast(pl.String)
    return col.str.len_chars()


@polars_check("expect_column_value_lengths_to_be_between")
def value_lengths_between(column: str, min_value: int | None = None, max_value: int | None = None,
                          strict_min: bool = False, strict_max: bool = False,
                          schema: pl.Schema | None = None) -> MapResult:
    """String length within bounds (characters, like Python ``len``)."""
    require_bounds(min_value, max_value)
    for name, v in (("min_value", min_value), ("max_value", max_value)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                              or float(v) != int(v)):
            raise ValueError(f"{name} must be an integer, got {v!r}")
    return MapResult(valid=between_expr(_length(column, schema), min_value, max_value, strict_min, strict_max))


@polars_check("expect_column_value_lengths_to_equal")
def value_lengths_equal(column: str, value: int, schema: pl.Schema | None = None) -> MapResult:
    """String length equals ``value``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) != int(value):
        raise ValueError(f"value must be an integer, got {value!r}")
    return MapResult(valid=_length(column, schema) == int(value))


def _previous_non_null(column: str) -> pl.Expr:
    # GX diffs the non-null values only: compare each value with the last non-null one before it
    return pl.col(column).shift(1).forward_fill()


@polars_check("expect_column_values_to_be_increasing")
def increasing(column: str, strictly: bool | None = None) -> MapResult:
    """Each non-null value is >= (``strictly``: >) the previous non-null value."""
    prev = _previous_non_null(column)
    cmp = pl.col(column) > prev if strictly else pl.col(column) >= prev
    return MapResult(valid=cmp | prev.is_null())


@polars_check("expect_column_values_to_be_decreasing")
def decreasing(column: str, strictly: bool | None = None) -> MapResult:
    """Each non-null value is <= (``strictly``: <) the previous non-null value."""
    prev = _previous_non_null(column)
    cmp = pl.col(column) < prev if strictly else pl.col(column) <= prev
    return MapResult(valid=cmp | prev.is_null())
