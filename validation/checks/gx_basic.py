"""GX column map expectations: nullness and ranges (first of the native GX checks)."""

from __future__ import annotations

from typing import Any

import polars as pl

from dataqa.validation.registry import MapResult, register_check


@register_check("expect_column_values_to_not_be_null", error="values of {column} must not be null")
def not_null(column: str) -> MapResult:
    """Every row's value is present; nulls are the failures (so every row is evaluated)."""
    return MapResult(valid=pl.col(column).is_not_null(), eligible=pl.lit(True))


@register_check("expect_column_values_to_be_null", error="values of {column} must be null")
def be_null(column: str) -> MapResult:
    """Every row's value is null."""
    return MapResult(valid=pl.col(column).is_null(), eligible=pl.lit(True))


@register_check("expect_column_values_to_be_between", error="{column} between {min_value} and {max_value}")
def between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False,
            strict_max: bool = False, parse_strings_as_datetimes: bool = False) -> MapResult:
    """``min_value <= value <= max_value`` (``<`` when strict); a missing bound is open."""
    if min_value is None and max_value is None:
        raise ValueError("min_value and max_value cannot both be None")
    col = pl.col(column)
    cond = pl.lit(True)
    if min_value is not None:
        cond = cond & (col > min_value if strict_min else col >= min_value)
    if max_value is not None:
        cond = cond & (col < max_value if strict_max else col <= max_value)
    return MapResult(valid=cond)
