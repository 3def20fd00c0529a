"""Pure argument validators: what the GX and pandera parsers run at parse time.

No engine here (no polars, no Spark): each validator looks at a check's keyword arguments only and
raises ``ValueError``/``TypeError`` with GX's or pandera's wording for arguments no engine could
run, so a bad suite entry fails when the suite is read (exit 3), on every backend alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping, Sequence

Kwargs = Mapping[str, Any]

PAIR_IGNORE = ("both_values_are_missing", "either_value_is_missing", "neither")
MULTI_IGNORE = ("all_values_are_missing", "any_value_is_missing", "never")
#: Interpolations the engines reproduce for ``allow_relative_error`` (pandas' ``nearest`` default).
INTERPOLATIONS = ("nearest", "higher", "lower", "midpoint", "linear")


def bounds(kw: Kwargs) -> None:
    """GX rejects a column map "between" expectation with neither bound.

    (``min_value > max_value`` is not an error in GX 1.24: nothing can pass, so it fails.)
    """
    if kw.get("min_value") is None and kw.get("max_value") is None:
        raise ValueError("min_value and max_value cannot both be None")
    for name in ("min_value", "max_value"):
        v = kw.get(name)
        # GX's pydantic model rejects a list or a plain object as a bound ($PARAMETER aside)
        if isinstance(v, (list, tuple)) or (isinstance(v, Mapping) and "$PARAMETER" not in v):
            raise ValueError(f"{name} must be a number, a date or a $PARAMETER reference, got {v!r}")


def _integral(name: str, v: Any, suffix: str = "an integer") -> None:
    if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or float(v) != int(v)):
        raise ValueError(f"{name} must be {suffix}, got {v!r}")


def length_bounds(kw: Kwargs) -> None:
    """Lengths: at least one bound, both integers."""
    bounds(kw)
    for name in ("min_value", "max_value"):
        _integral(name, kw.get(name))


def length_value(kw: Kwargs) -> None:
    """``value`` is an integer length."""
    v = kw.get("value")
    if v is None:
        raise ValueError(f"value must be an integer, got {v!r}")
    _integral("value", v)


def forbidden_set(kw: Kwargs) -> None:
    """``not_be_in_set`` needs its value set (GX raises without it)."""
    if kw.get("value_set") is None:
        raise ValueError("value_set is required (a list of forbidden values)")


def quantile_ranges(kw: Kwargs) -> None:
    """As many value ranges as quantiles, each ordered; a supported interpolation."""
    qr = kw.get("quantile_ranges")
    if not isinstance(qr, Mapping) or "quantiles" not in qr or "value_ranges" not in qr:
        raise KeyError("quantile_ranges must have 'quantiles' and 'value_ranges'")
    quantiles, ranges = list(qr["quantiles"]), [list(r) for r in qr["value_ranges"]]
    if len(quantiles) != len(ranges):
        raise ValueError("quantile_ranges must have as many value_ranges as quantiles")
    for lo, hi in ranges:
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"quantile range [{lo}, {hi}] has its lower bound above the upper one")
    method = kw.get("allow_relative_error") or "nearest"
    if method not in INTERPOLATIONS:
        raise ValueError(f"allow_relative_error must be one of {INTERPOLATIONS} for this engine")


def regex(kw: Kwargs) -> None:
    """``regex`` is a string."""
    if not isinstance(kw.get("regex"), str):
        raise ValueError(f"regex must be a string, got {kw.get('regex')!r}")


def regex_list(kw: Kwargs) -> None:
    """A non-empty list of regexes; ``match_on`` is ``any`` or ``all``."""
    rl = kw.get("regex_list")
    if isinstance(rl, str) or not rl:
        raise ValueError("regex_list must be a non-empty list of regexes")
    if kw.get("match_on", "any") not in ("any", "all"):
        raise ValueError("match_on must be either 'any' or 'all'")


def strftime_format(kw: Kwargs) -> None:
    """GX: a format that cannot round-trip "now" is unusable."""
    fmt = kw.get("strftime_format")
    if not isinstance(fmt, str):
        raise ValueError(f"strftime_format must be a string, got {fmt!r}")
    try:
        dt.datetime.strptime(dt.datetime.now().strftime(fmt), fmt)
    except ValueError as exc:
        raise ValueError(f"Unable to use provided strftime_format: {exc}") from None


def pair_ignore(kw: Kwargs) -> None:
    """``ignore_row_if`` of a column pair expectation."""
    v = kw.get("ignore_row_if", PAIR_IGNORE[0])
    if v not in PAIR_IGNORE:
        raise ValueError(f"ignore_row_if must be one of {', '.join(PAIR_IGNORE)}; got {v!r}")


def pair_set(kw: Kwargs) -> None:
    """``value_pairs_set`` is a list of pairs."""
    pair_ignore(kw)
    pairs = kw.get("value_pairs_set")
    if pairs is None:
        return
    if any(len(tuple(p)) != 2 for p in pairs):
        raise ValueError("value_pairs_set must be a list of [a, b] pairs")


def column_list(kw: Kwargs) -> None:
    """A non-empty ``column_list`` and a multicolumn ``ignore_row_if``."""
    cols = kw.get("column_list")
    if isinstance(cols, str) or not cols:
        raise ValueError("column_list must be a non-empty list of column names")
    v = kw.get("ignore_row_if", MULTI_IGNORE[0])
    if v not in MULTI_IGNORE:
        raise ValueError(f"ignore_row_if must be one of {', '.join(MULTI_IGNORE)}; got {v!r}")


def table_count_equal(kw: Kwargs) -> None:
    """Row and column counts are integers (GX writes them as ``1.0``: integral floats pass)."""
    _integral("value", kw.get("value"), "integers")


def _count_between(message: str) -> Callable[[Kwargs], None]:
    def check(kw: Kwargs) -> None:
        lo, hi = kw.get("min_value"), kw.get("max_value")
        _integral("min_value", lo, "integers")
        _integral("max_value", hi, "integers")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(message)

    return check


row_count_between = _count_between("Minimum Threshold cannot be larger than Maximum Threshold")
column_count_between = _count_between("min_value cannot be greater than max_value")


def str_length(kw: Kwargs) -> None:
    """pandera's ``str_length``: an exact value or at least one bound."""
    if kw.get("exact_value") is None and kw.get("min_value") is None and kw.get("max_value") is None:
        raise ValueError("Must provide at least one of 'min_value' and 'max_value'")


def all_of(*validators: Callable[[Kwargs], None]) -> Callable[[Kwargs], None]:
    """A validator running ``validators`` in order."""
    def check(kw: Kwargs) -> None:
        for v in validators:
            v(kw)

    return check


__all__: Sequence[str] = [
    "bounds", "length_bounds", "length_value", "forbidden_set", "quantile_ranges", "regex",
    "regex_list", "strftime_format", "pair_ignore", "pair_set", "column_list", "table_count_equal",
    "row_count_between", "column_count_between", "str_length", "all_of",
]
