"""GX column pair and multicolumn map expectations.

Which rows are evaluated follows GX's ``ignore_row_if``: pairs skip rows where both values are
missing (default), either is missing, or neither; multicolumn checks skip rows where all values
are missing (default), any is, or never. Within evaluated rows a missing value compares as GX's
pandas engine does (NaN is never equal or greater, and counts as a value for uniqueness).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Sequence

import polars as pl

from dataqa.validation.backends.polars.checks.gx_util import literal_series
from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.registry import MapResult

_PAIR_IGNORE = ("both_values_are_missing", "either_value_is_missing", "neither")
_MULTI_IGNORE = ("all_values_are_missing", "any_value_is_missing", "never")


def _pair_eligible(a: str, b: str, ignore_row_if: str) -> pl.Expr:
    if ignore_row_if == "both_values_are_missing":
        return pl.col(a).is_not_null() | pl.col(b).is_not_null()
    if ignore_row_if == "either_value_is_missing":
        return pl.col(a).is_not_null() & pl.col(b).is_not_null()
    if ignore_row_if == "neither":
        return pl.lit(True)
    raise ValueError(f"ignore_row_if must be one of {', '.join(_PAIR_IGNORE)}; got {ignore_row_if!r}")


def _multi_eligible(columns: Sequence[str], ignore_row_if: str) -> pl.Expr:
    if ignore_row_if == "all_values_are_missing":
        return pl.any_horizontal([pl.col(c).is_not_null() for c in columns])
    if ignore_row_if == "any_value_is_missing":
        return pl.all_horizontal([pl.col(c).is_not_null() for c in columns])
    if ignore_row_if == "never":
        return pl.lit(True)
    raise ValueError(f"ignore_row_if must be one of {', '.join(_MULTI_IGNORE)}; got {ignore_row_if!r}")


def _column_list(column_list: Sequence[str]) -> list[str]:
    if isinstance(column_list, str) or not column_list:
        raise ValueError("column_list must be a non-empty list of column names")
    return list(column_list)


@polars_check("expect_column_pair_values_a_to_be_greater_than_b")
def a_greater_than_b(column_A: str, column_B: str, or_equal: bool | None = None,
                     ignore_row_if: str = "both_values_are_missing") -> MapResult:
    """``column_A > column_B`` (``>=`` with ``or_equal``); a missing side fails."""
    a, b = pl.col(column_A), pl.col(column_B)
    return MapResult(valid=(a >= b if or_equal else a > b).fill_null(False),
                     eligible=_pair_eligible(column_A, column_B, ignore_row_if))


@polars_check("expect_column_pair_values_to_be_equal")
def pair_equal(column_A: str, column_B: str,
               ignore_row_if: str = "both_values_are_missing") -> MapResult:
    """``column_A == column_B``; a missing side fails."""
    return MapResult(valid=(pl.col(column_A) == pl.col(column_B)).fill_null(False),
                     eligible=_pair_eligible(column_A, column_B, ignore_row_if))


@polars_check("expect_column_pair_values_to_be_in_set")
def pair_in_set(column_A: str, column_B: str, value_pairs_set: Sequence[Sequence[Any]] | None = None,
                ignore_row_if: str = "both_values_are_missing") -> MapResult:
    """The pair ``(column_A, column_B)`` is one of ``value_pairs_set`` (None matches null)."""
    eligible = _pair_eligible(column_A, column_B, ignore_row_if)
    if value_pairs_set is None:
        return MapResult(valid=pl.lit(True), eligible=eligible)
    pairs = [tuple(p) for p in value_pairs_set]
    if any(len(p) != 2 for p in pairs):
        raise ValueError("value_pairs_set must be a list of [a, b] pairs")
    firsts = literal_series([p[0] for p in pairs])
    seconds = literal_series([p[1] for p in pairs])
    conds = [pl.col(column_A).eq_missing(pl.lit(firsts[i], dtype=firsts.dtype))
             & pl.col(column_B).eq_missing(pl.lit(seconds[i], dtype=seconds.dtype))
             for i in range(len(pairs))]
    return MapResult(valid=pl.any_horizontal(conds) if conds else pl.lit(False), eligible=eligible)


@polars_check("expect_multicolumn_sum_to_equal")
def multicolumn_sum_equal(column_list: Sequence[str], sum_total: float,
                          ignore_row_if: str = "all_values_are_missing") -> MapResult:
    """The row-wise sum equals ``sum_total``; a missing value makes the sum missing (fails)."""
    cols = _column_list(column_list)
    total = pl.sum_horizontal([pl.col(c) for c in cols], ignore_nulls=False)
    return MapResult(valid=(total == sum_total).fill_null(False),
                     eligible=_multi_eligible(cols, ignore_row_if))


@polars_check("expect_compound_columns_to_be_unique")
def compound_columns_unique(column_list: Sequence[str],
                            ignore_row_if: str = "all_values_are_missing") -> MapResult:
    """No two evaluated rows share the same combination of values (missing equals missing)."""
    cols = _column_list(column_list)
    eligible = _multi_eligible(cols, ignore_row_if)
    # rows outside `eligible` must not make evaluated rows duplicates: count within eligible only
    dup = pl.struct(cols).is_duplicated() if ignore_row_if == "never" else (
        pl.len().over(pl.struct(cols), eligible) > 1)
    return MapResult(valid=dup.not_(), eligible=eligible)


@polars_check("expect_select_column_values_to_be_unique_within_record")
def unique_within_record(column_list: Sequence[str],
                         ignore_row_if: str = "all_values_are_missing") -> MapResult:
    """All values of a row differ from each other (two missing values count as equal)."""
    cols = _column_list(column_list)
    pairs = [pl.col(a).ne_missing(pl.col(b)) for a, b in combinations(cols, 2)]
    return MapResult(valid=pl.all_horizontal(pairs) if pairs else pl.lit(True),
                     eligible=_multi_eligible(cols, ignore_row_if))
