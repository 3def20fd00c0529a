"""The engine-neutral halves of the checks: plain Python values in, ``(ok, observed)`` out.

A backend computes a check's aggregates (a polars expression, a Spark column) or reads its schema;
what turns those values into an outcome is the same on every engine, so it lives here once and
both backends call it. No engine import (no polars, no Spark), like ``arguments``.

GX semantics reproduced (GX 1.24.1 on pandas):

- ``min_value``/``max_value``: a missing bound is open; ``strict_*`` makes it exclusive; an
  aggregate with neither bound is vacuously true.
- a column aggregate that is null/NaN (empty or all-null column) fails a "between" check.
- datetime aggregates compare with string bounds parsed by dateutil.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any, Callable, Mapping, Sequence

from dataqa.validation.registry import AggResult

#: ``AggResult.evaluate``: the aggregate values by key → (passed, observed value).
Evaluate = Callable[[Mapping[str, Any]], tuple[bool, Any]]


# -- bounds -------------------------------------------------------------------------------------

def _to_datetime_like(bound: Any, observed: Any) -> Any:
    if isinstance(bound, str) and isinstance(observed, (dt.date, dt.datetime)):
        from dateutil.parser import parse

        parsed = parse(bound)
        return parsed if isinstance(observed, dt.datetime) else parsed.date()
    return bound


def _align_tz(a: dt.datetime, b: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    # engines return naive datetimes for naive columns; a tz-aware bound compares in UTC
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a, b


def value_between(value: Any, min_value: Any, max_value: Any, strict_min: bool = False,
                  strict_max: bool = False) -> bool:
    """Scalar ``min <(=) value <(=) max``; a null/NaN observed value fails (as in GX)."""
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


def between_evaluator(key: str, min_value: Any, max_value: Any, strict_min: bool = False,
                      strict_max: bool = False) -> Evaluate:
    """``AggResult.evaluate`` for "<aggregate> to be between" checks."""

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        v = values[key]
        if min_value is None and max_value is None:
            return True, v  # GX 1.24: an aggregate with no bounds is vacuously true
        return value_between(v, min_value, max_value, strict_min, strict_max), v

    return evaluate


def proportion_unique(min_value: Any, max_value: Any, strict_min: bool = False,
                      strict_max: bool = False) -> Evaluate:
    """Reads ``distinct`` and ``nonnull`` counts: their ratio (0 for an all-null column, as in GX)
    within the bounds."""
    inner = between_evaluator("p", min_value, max_value, strict_min, strict_max)

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        nonnull = values["nonnull"]
        return inner({"p": values["distinct"] / nonnull if nonnull else 0.0})

    return evaluate


# -- distinct values ----------------------------------------------------------------------------

def as_set(values: Sequence[Any] | None) -> set[Any]:
    """A value set or a collected list of distinct values (None: empty) as a set."""
    return set(values or [])


def sorted_values(values: Sequence[Any] | set[Any]) -> list[Any]:
    """Sorted for the report; mixed types that do not compare sort by their text."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def distinct_in_set(value_set: Sequence[Any] | None) -> Evaluate:
    """Reads ``distinct`` (the column's distinct non-null values): every one is in ``value_set``."""
    expected = as_set(value_set)

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        got = as_set(values["distinct"])
        extra = got - expected
        return not extra, {"distinct_values": sorted_values(got), "not_in_set": sorted_values(extra)}

    return evaluate


def distinct_contain_set(value_set: Sequence[Any] | None) -> Evaluate:
    """Reads ``distinct``: every member of ``value_set`` occurs."""
    expected = as_set(value_set)

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        got = as_set(values["distinct"])
        missing = expected - got
        return not missing, {"distinct_values": sorted_values(got), "missing": sorted_values(missing)}

    return evaluate


def distinct_equal_set(value_set: Sequence[Any] | None) -> Evaluate:
    """Reads ``distinct``: the distinct values are exactly ``value_set``."""
    expected = as_set(value_set)

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        got = as_set(values["distinct"])
        return got == expected, {"distinct_values": sorted_values(got),
                                 "not_in_set": sorted_values(got - expected),
                                 "missing": sorted_values(expected - got)}

    return evaluate


def unique_values_eq(values: Sequence[Any]) -> Evaluate:
    """pandera's ``unique_values_eq``, reading ``unique`` (the distinct non-null values)."""
    want = set(values)

    def evaluate(v: Mapping[str, Any]) -> tuple[bool, Any]:
        got = set(v["unique"] or [])
        return got == want, sorted(got, key=str)

    return evaluate


# -- quantiles and modes ------------------------------------------------------------------------

def quantiles_between(quantile_ranges: Mapping[str, Sequence[Any]]) -> Evaluate:
    """Reads ``q0``, ``q1``... (the requested quantiles): each within its value range, a bound
    matching at ``rtol=1e-4`` as in GX; a null/NaN quantile fails."""
    quantiles = list(quantile_ranges["quantiles"])
    ranges = [list(r) for r in quantile_ranges["value_ranges"]]

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        got = [values[f"q{i}"] for i in range(len(quantiles))]
        ok = True
        for v, (lo, hi) in zip(got, ranges):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                ok = False
                continue
            lo_f = -math.inf if lo is None else lo
            hi_f = math.inf if hi is None else hi
            close = math.isclose(v, lo_f, rel_tol=1e-4) or math.isclose(v, hi_f, rel_tol=1e-4)
            ok = ok and (close or lo_f <= v <= hi_f)
        return ok, {"quantiles": quantiles, "values": got}

    return evaluate


def most_common_in_set(value_set: Sequence[Any] | None, ties_okay: bool | None) -> Evaluate:
    """Reads ``modes`` (every value tied for the most frequent, nulls ignored): the mode is in
    ``value_set``; a tie fails unless ``ties_okay``, then one tied mode in the set is enough (GX)."""
    expected = as_set(value_set)

    def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
        modes = list(values["modes"] or [])
        hits = len(expected.intersection(modes))
        ok = hits > 0 if ties_okay else (len(modes) == 1 and hits == 1)
        return ok, sorted_values(modes)

    return evaluate


# -- table checks: on the list of the table's column names -------------------------------------

def constant(ok: bool, observed: Any) -> AggResult:
    """A check whose answer is known without a scan (the schema decides it)."""
    return AggResult(exprs={}, evaluate=lambda _values: (ok, observed))


def require_int(name: str, value: Any) -> None:
    # GX writes its float-typed bounds as 1.0: an integral float is an integer here
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or (isinstance(value, float) and not value.is_integer())):
        raise ValueError(f"{name} must be integers, got {value!r}")


def column_count_between(n: int, min_value: int | None, max_value: int | None, strict_min: bool,
                         strict_max: bool) -> AggResult:
    """``n`` columns within the bounds (vacuously true without bounds, as in GX 1.24)."""
    if min_value is None and max_value is None:
        return constant(True, n)
    return constant(value_between(n, min_value, max_value, strict_min, strict_max), n)


def columns_match_set(actual: list[str], column_set: Sequence[str] | None,
                      exact_match: bool | None) -> AggResult:
    """The column names equal ``column_set`` (any order); with ``exact_match=False`` the set
    only has to be contained in the columns."""
    expected = set(column_set or ())  # GX: a null set is the empty set
    ok = set(actual) == expected if exact_match or exact_match is None else expected <= set(actual)
    return constant(ok, actual)


def columns_match_ordered_list(actual: list[str], column_list: Sequence[str] | None) -> AggResult:
    """The column names, in order, equal ``column_list``."""
    return constant(column_list is None or actual == list(column_list), actual)


def column_exists(actual: list[str], column: str, column_index: int | None) -> AggResult:
    """``column`` is in the table (at position ``column_index`` when given)."""
    if column_index:  # GX treats index 0 like "no index"
        ok = column_index < len(actual) and actual[column_index] == column
    else:
        ok = column in actual
    return constant(ok, actual)


# -- Python parsers: the predicates of the GX types no engine can express ------------------------

def is_json(value: str) -> bool:
    """``json.loads`` accepts the value."""
    try:
        json.loads(value)
        return True
    except ValueError:
        return False


def dateutil_parses(value: str) -> bool:
    """dateutil's parser accepts the value."""
    from dateutil.parser import parse

    try:
        parse(value)
        return True
    except (ValueError, OverflowError):
        return False


def strptime_parses(strftime_format: str) -> Callable[[str], bool]:
    """The predicate ``datetime.strptime(value, strftime_format)`` succeeds."""

    def parses(value: str) -> bool:
        try:
            dt.datetime.strptime(value, strftime_format)
            return True
        except ValueError:
            return False

    return parses
