"""pandera's built-in value checks, with pandera's semantics, as polars expressions.

Each is registered as ``pandera.<name>`` (plus ``pandera.<alias>`` for pandera's short aliases)
and mirrors ``pandera/backends/polars/builtin_checks.py`` expression for expression, so dataqa
flags exactly the rows pandera flags. Null handling follows pandera's check backend
(``backends/polars/checks.py``): a row whose check output is null passes when ``ignore_na``
(the default) and fails otherwise; NaN is a value, not a null.

Every check takes ``column`` (``None`` = dataframe-level: the check applies to every data column
and a row passes when all of them pass, like pandera's fold over ``pl.col("*")``) and
``coerce_to`` (a dtype name: the column is cast first, as pandera does with ``coerce: true``).
Schemas written for pandera's pandas API pass ``nan_is_null``: pandas treats NaN as missing.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Collection

import polars as pl

from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.pandera_dtypes import parse_dtype
from dataqa.validation.registry import IDX, ROW_ID, MapResult

#: Engine-internal columns that are not data (see validation.engine).
_NOT_DATA = (ROW_ID, IDX)


def target(column: str | None, coerce_to: str | None = None) -> pl.Expr:
    """The expression a pandera check reads: one column (cast when coercing) or all data columns."""
    expr = pl.col(column) if column is not None else pl.exclude(*_NOT_DATA)
    if coerce_to is not None:
        expr = expr.cast(parse_dtype(coerce_to), strict=False)
    return expr


def is_nan(column: str) -> pl.Expr:
    """NaN in a float column; False for any other dtype (the selector is then empty), so the
    expression needs no knowledge of the data's schema."""
    import polars.selectors as cs

    return pl.any_horizontal(pl.lit(False), (cs.by_name(column) & cs.float()).is_nan())


def row_value() -> pl.Expr:
    """A failing row as JSON, the failure value of dataframe-level checks (as pandera shows it)."""
    return pl.struct(pl.exclude(*_NOT_DATA)).struct.json_encode()


def pandera_map(valid: pl.Expr, *, frame_level: bool, ignore_na: bool = True,
                row: bool | None = None) -> MapResult:
    """Wrap a check output the way pandera's check backend post-processes it.

    ``ignore_na=True``: rows whose output is null are not evaluated (pandera counts them as
    passing). ``ignore_na=False``: a null output is a failure. ``row``: report the whole row as
    the failing value (default: for dataframe-level checks).
    """
    if frame_level:  # pandera folds a multi-column output with `acc & x` (Kleene logic)
        valid = pl.all_horizontal(valid)
    value = row_value() if (frame_level if row is None else row) else None
    if ignore_na:
        return MapResult(valid=valid, eligible=valid.is_not_null(), value=value)
    return MapResult(valid=valid.fill_null(False), eligible=pl.lit(True), value=value)


def _builtin(name: str) -> Callable[..., Any]:
    """Register ``fn(col_expr, **stats) -> pl.Expr`` as the polars implementation of ``pandera.<name>``
    (declared, with its aliases and error template, in ``validation/checks/pandera_checks.py``)."""

    def deco(build: Callable[..., pl.Expr]) -> Callable[..., Any]:
        def check(column: str | None = None, *, ignore_na: bool = True, coerce_to: str | None = None,
                  nan_is_null: bool = False, **stats: Any) -> MapResult:
            valid = build(target(column, coerce_to), **stats)
            if nan_is_null and column is not None:  # pandas API: NaN is a missing value
                valid = pl.when(is_nan(column)).then(None).otherwise(valid)
            return pandera_map(valid, frame_level=column is None, ignore_na=ignore_na)

        check.__name__ = check.__qualname__ = name
        check.__doc__ = build.__doc__
        polars_check(f"pandera.{name}")(check)
        return build

    return deco



@_builtin("equal_to")
def equal_to(col: pl.Expr, value: Any) -> pl.Expr:
    """Values equal ``value``."""
    return col.eq(value)


@_builtin("not_equal_to")
def not_equal_to(col: pl.Expr, value: Any) -> pl.Expr:
    """No value equals ``value``."""
    return col.ne(value)


@_builtin("greater_than")
def greater_than(col: pl.Expr, min_value: Any) -> pl.Expr:
    """Values are strictly greater than ``min_value``."""
    return col.gt(min_value)


@_builtin("greater_than_or_equal_to")
def greater_than_or_equal_to(col: pl.Expr, min_value: Any) -> pl.Expr:
    """Values are at least ``min_value``."""
    return col.ge(min_value)


@_builtin("less_than")
def less_than(col: pl.Expr, max_value: Any) -> pl.Expr:
    """Values are strictly less than ``max_value``."""
    return col.lt(max_value)


@_builtin("less_than_or_equal_to")
def less_than_or_equal_to(col: pl.Expr, max_value: Any) -> pl.Expr:
    """Values are at most ``max_value``."""
    return col.le(max_value)


@_builtin("in_range")
def in_range(col: pl.Expr, min_value: Any, max_value: Any, include_min: bool = True,
             include_max: bool = True) -> pl.Expr:
    """``min_value <= value <= max_value``; an endpoint is excluded when ``include_*`` is false."""
    lo = col.ge(min_value) if include_min else col.gt(min_value)
    hi = col.le(max_value) if include_max else col.lt(max_value)
    return lo.and_(hi)


@_builtin("isin")
def isin(col: pl.Expr, allowed_values: Collection[Any]) -> pl.Expr:
    """Values are in ``allowed_values`` (a string is a set of characters, as in pandera)."""
    return col.is_in(list(allowed_values))


@_builtin("notin")
def notin(col: pl.Expr, forbidden_values: Collection[Any]) -> pl.Expr:
    """No value is in ``forbidden_values``."""
    return col.is_in(list(forbidden_values)).not_()


def _pattern(pattern: Any) -> str:
    return pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)


@_builtin("str_matches")
def str_matches(col: pl.Expr, pattern: Any) -> pl.Expr:
    """The value starts with a match of ``pattern`` (anchored at the start: ``re.match``)."""
    p = _pattern(pattern)
    return col.str.contains(p if p.startswith("^") else f"^{p}")


@_builtin("str_contains")
def str_contains(col: pl.Expr, pattern: Any) -> pl.Expr:
    """``pattern`` is found somewhere in the value (``re.search``)."""
    return col.str.contains(_pattern(pattern), literal=False)


@_builtin("str_startswith")
def str_startswith(col: pl.Expr, string: str) -> pl.Expr:
    """The value starts with ``string``."""
    return col.str.starts_with(string)


@_builtin("str_endswith")
def str_endswith(col: pl.Expr, string: str) -> pl.Expr:
    """The value ends with ``string``."""
    return col.str.ends_with(string)


@_builtin("str_length")
def str_length(col: pl.Expr, min_value: int | None = None, max_value: int | None = None,
               exact_value: int | None = None) -> pl.Expr:
    """Length in characters is ``exact_value``, or within ``[min_value, max_value]``."""
    n = col.str.len_chars()
    if exact_value is not None:
        return n.eq(exact_value)
    if min_value is None and max_value is None:
        raise ValueError("Must provide at least one of 'min_value' and 'max_value'")
    if min_value is None:
        return n.le(max_value)
    if max_value is None:
        return n.ge(min_value)
    return n.is_between(min_value, max_value)
