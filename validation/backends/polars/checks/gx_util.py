"""Helpers shared by the native GX checks: bounds, value sets, Python predicates over unique values.

GX semantics these helpers reproduce (GX 1.24.1 on pandas):

- ``min_value``/``max_value``: a missing bound is open; ``strict_*`` makes it exclusive; both
  missing is an error.
- a column aggregate that is null/NaN (empty or all-null column) fails a "between" check.
- datetime aggregates compare with string bounds parsed by dateutil.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable, Iterable, Mapping

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


def _to_datetime_like(bound: Any, observed: Any) -> Any:
    if isinstance(bound, str) and isinstance(observed, (dt.date, dt.datetime)):
        from dateutil.parser import parse

        parsed = parse(bound)
        return parsed if isinstance(observed, dt.datetime) else parsed.date()
    return bound


def value_between(value: Any, min_value: Any, max_value: Any, strict_min: bool = False,
                  strict_max: bool = False) -> bool:
    """Scalar version of ``between_expr``; a null/NaN observed value fails (as in GX)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    lo, hi = _to_datetime_like(min_value, value), _to_datetime_like(max_value, value)
    if isinstance(value, dt.datetime) and isinstance(lo, dt.datetime):
        value, lo = _align_tz(value, lo)
    if isinstance(value, dt.datetime) and isinstance(hi, dt.datetime):
        value, hi = _align_tz(value, hi)
    ok = True
    if lo is not None:
        ok = ok and (value > lo if strict_min else value >= lo)
    if hi is not None:
        ok = ok and (value < hi if strict_max else value <= hi)
    return bool(ok)


def _align_tz(a: dt.datetime, b: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    # polars returns naive datetimes for naive columns; a tz-aware bound compares in UTC
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a, b


def between_evaluator(key: str, min_value: Any, max_value: Any, strict_min: bool = False,
                      strict_max: bool = False) -> Callable[[Mapping[str, Any]], tuple[bool, Any]]:
    """``AggResult.evaluate`` for "<aggregate> to be between" checks."""

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        v = values[key]
        if min_value is None and max_value is None:
            return True, v  # GX 1.24: an aggregate with no bounds is vacuously true
        return value_between(v, min_value, max_value, strict_min, strict_max), v

    return evaluate


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
