"""Helpers shared by the native GX checks: bounds, value sets, Python predicates over unique values.

GX semantics these helpers reproduce (GX 1.24.1 on pandas):

- ``min_value``/``max_value``: a missing bound is open; ``strict_*`` makes it exclusive; both
  missing is an error.
- datetime columns compare with string bounds parsed by dateutil.

The scalar side (an aggregate's value against bounds) is engine-neutral, in
``validation/checks/evaluators``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

import polars as pl


def require_bounds(min_value: Any, max_value: Any) -> None:
    """GX rejects a column map "between" expectation with neither bound.

    (``min_value > max_value`` is not an error in GX 1.24: nothing can pass, so it fails.)
    """
    if min_value is None and max_value is None:
        raise ValueError("min_value and max_value cannot both be None")


def temporal_literal(value: Any, dtype: pl.DataType | None) -> Any:
    """A string bound/member for a date or datetime column, parsed with dateutil as GX does
    (aligned to the column's time zone: naive columns compare in UTC wall time)."""
    if not isinstance(value, str) or dtype is None or not dtype.is_temporal():
        return value
    from dateutil.parser import parse

    parsed = parse(value)
    if isinstance(dtype, pl.Date):
        return parsed.date()
    tz = getattr(dtype, "time_zone", None)
    if tz is None and parsed.tzinfo is not None:
        return parsed.astimezone(dt.UTC).replace(tzinfo=None)
    if tz is not None and parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed


def between_expr(expr: pl.Expr, min_value: Any, max_value: Any, strict_min: bool = False,
                 strict_max: bool = False, dtype: pl.DataType | None = None) -> pl.Expr:
    """Row-wise ``min <(=) expr <(=) max`` with open missing bounds."""
    min_value, max_value = temporal_literal(min_value, dtype), temporal_literal(max_value, dtype)
    cond = pl.lit(True)
    if min_value is not None:
        cond = cond & (expr > min_value if strict_min else expr >= min_value)
    if max_value is not None:
        cond = cond & (expr < max_value if strict_max else expr <= max_value)
    return cond


def literal_series(values: Iterable[Any], like: pl.DataType | None = None) -> pl.Series:
    """The value set as a Series (strict=False: mixed ints and floats become floats)."""
    s = pl.Series(list(values), strict=False)
    if like is not None and s.dtype != like and s.dtype != pl.Null:
        try:
            return s.cast(like, strict=True)
        except Exception:
            return s
    return s


def python_predicate(expr: pl.Expr, fn: Callable[[Any], bool]) -> pl.Expr:
    """Row-wise boolean from a Python predicate, evaluated once per UNIQUE non-null value.

    Used where polars has no native equivalent (json parsing, Python ``strptime``, dateutil,
    Python-only regex features). Never loops over rows: the predicate sees each distinct value once
    and the answers are mapped back with ``replace_strict``.
    """

    def batch(s: pl.Series) -> pl.Series:
        uniq = s.drop_nulls().unique()
        if uniq.len() == 0:
            return pl.Series(s.name, [None] * s.len(), dtype=pl.Boolean)
        answers = pl.Series([bool(fn(v)) for v in uniq.to_list()], dtype=pl.Boolean)
        return s.replace_strict(uniq, answers, default=None, return_dtype=pl.Boolean)

    return expr.map_batches(batch, return_dtype=pl.Boolean)
