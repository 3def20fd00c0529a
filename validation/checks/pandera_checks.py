"""pandera's checks, declared once, engine-neutral: the built-in value checks and the schema checks.

The built-in value checks (``pandera.<name>``, plus ``pandera.<alias>`` for pandera's short aliases)
share one signature: ``column`` (``None`` = dataframe-level: every data column), ``ignore_na``,
``coerce_to`` (a dtype name: cast first, as pandera does with ``coerce: true``), ``nan_is_null``
(schemas written for pandera's pandas API) and the check's statistics, listed in
``pandera_params`` (``pandera_required``: those without a default), which the pandera parsers read.

``pandera.python_check`` is an arbitrary Python ``Check`` from a schema module: kept here by
reference (``remember``) and evaluated by pandera itself on a backend that can.
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

from dataqa.validation.checks import arguments as A
from dataqa.validation.registry import Validator, declare


def declare_pandera_builtin(name: str, *, aliases: tuple[str, ...], error: str,
                            params: tuple[str, ...], required: tuple[str, ...],
                            validate: Validator | None = None) -> None:
    """Declare the value check ``pandera.<name>`` taking the statistics ``params``."""

    def check(column: str | None = None, *, ignore_na: bool = True, coerce_to: str | None = None,
              nan_is_null: bool = False, **stats: Any) -> None:
        """A pandera built-in value check (see the module docstring)."""

    check.__name__ = check.__qualname__ = name
    check.pandera_params = params  # type: ignore[attr-defined]
    check.pandera_required = required  # type: ignore[attr-defined]

    def validate_stats(kw: A.Kwargs) -> None:
        missing = [p for p in required if p not in kw]
        if missing:
            raise TypeError(f"{name}() missing required argument {', '.join(map(repr, missing))}")
        known = {"column", "ignore_na", "coerce_to", "nan_is_null", *params}
        unknown = sorted(set(kw) - known)
        if unknown:
            raise TypeError(f"{name}() got an unexpected keyword argument {unknown[0]!r}")
        if validate is not None:
            validate(kw)

    declare(f"pandera.{name}", kind="map", error=error or name,
            aliases=tuple(f"pandera.{a}" for a in aliases), validate=validate_stats)(check)


declare_pandera_builtin('equal_to', aliases=('eq',), error='equal_to({value})',
                        params=('value',), required=('value',))
declare_pandera_builtin('not_equal_to', aliases=('ne',), error='not_equal_to({value})',
                        params=('value',), required=('value',))
declare_pandera_builtin('greater_than', aliases=('gt',), error='greater_than({min_value})',
                        params=('min_value',), required=('min_value',))
declare_pandera_builtin('greater_than_or_equal_to', aliases=('ge',), error='greater_than_or_equal_to({min_value})',
                        params=('min_value',), required=('min_value',))
declare_pandera_builtin('less_than', aliases=('lt',), error='less_than({max_value})',
                        params=('max_value',), required=('max_value',))
declare_pandera_builtin('less_than_or_equal_to', aliases=('le',), error='less_than_or_equal_to({max_value})',
                        params=('max_value',), required=('max_value',))
declare_pandera_builtin('in_range', aliases=('between',), error='in_range({min_value}, {max_value})',
                        params=('min_value', 'max_value', 'include_min', 'include_max'), required=('min_value', 'max_value'))
declare_pandera_builtin('isin', aliases=(), error='isin({allowed_values})',
                        params=('allowed_values',), required=('allowed_values',))
declare_pandera_builtin('notin', aliases=(), error='notin({forbidden_values})',
                        params=('forbidden_values',), required=('forbidden_values',))
declare_pandera_builtin('str_matches', aliases=(), error="str_matches('{pattern}')",
                        params=('pattern',), required=('pattern',))
declare_pandera_builtin('str_contains', aliases=(), error="str_contains('{pattern}')",
                        params=('pattern',), required=('pattern',))
declare_pandera_builtin('str_startswith', aliases=(), error="str_startswith('{string}')",
                        params=('string',), required=('string',))
declare_pandera_builtin('str_endswith', aliases=(), error="str_endswith('{string}')",
                        params=('string',), required=('string',))
declare_pandera_builtin('str_length', aliases=(), error='str_length',
                        params=('min_value', 'max_value', 'exact_value'), required=(),
                        validate=A.str_length)

@declare('pandera.python_check', kind="external", error='{check_name}')
def python_check(check_ref: str, check_name: str = '', column: str | None = None) -> None:
    """Evaluate a pandera polars ``Check`` with pandera on ``frame`` (index + the columns)."""


@declare('pandera.not_nullable', error="non-nullable column '{column}' contains null values")
def not_nullable(column: str, coerce_to: str | None = None) -> None:
    """No nulls; in a float column NaN counts as null too (pandera's ``check_nullable``)."""


@declare('pandera.field_uniqueness', error="column '{column}' not unique")
def field_uniqueness(column: str, coerce_to: str | None = None, report_duplicates: str | None = None, nulls_distinct: bool = False) -> None:
    """Duplicated values are failures. pandera's polars backend counts nulls as duplicates and
reports every copy; its pandas backend (``nulls_distinct``, ``report_duplicates``) skips
nulls and NaN and honours ``report_duplicates``."""


@declare('pandera.multiple_fields_uniqueness', error='columns {column_list} not unique')
def multiple_fields_uniqueness(column_list: Sequence[str], report_duplicates: str | None = None) -> None:
    """Dataframe-level ``unique: [a, b]``: rows whose combination of values repeats (nulls
compare equal, in both pandera backends)."""


@declare('pandera.coerce_dtype', error="could not coerce '{column}' to {dtype}")
def coerce_dtype(column: str, dtype: str) -> None:
    """``coerce: true``: rows whose non-null value does not cast to ``dtype``."""


@declare('pandera.dtype', kind="table", error="expected column '{column}' to have type {dtype}")
def dtype(column: str, dtype: str) -> None:
    """The column's polars dtype is ``dtype``; the observed value is the actual dtype."""


@declare('pandera.column_in_dataframe', kind="table", error='column not in dataframe')
def column_in_dataframe(required: Sequence[str]) -> None:
    """Every required column is present (pandera's ``COLUMN_NOT_IN_DATAFRAME``, one per missing
column). Observed: the missing columns."""


@declare('pandera.column_in_schema', kind="table", error='column not in schema')
def column_in_schema(allowed: Sequence[str]) -> None:
    """``strict: true``: no column outside the schema. Observed: every extra column (pandera
stops at the first)."""


@declare('pandera.column_ordered', kind="table", error='column out-of-order')
def column_ordered(order: Sequence[str]) -> None:
    """``ordered: true``: schema columns appear in the data in schema order. Observed: the first
column found out of order, as pandera reports it."""


@declare('pandera.unique_values_eq', kind="aggregate", error='unique_values_eq({values})')
def unique_values_eq(column: str, values: Sequence[Any], coerce_to: str | None = None, ignore_na: bool = True) -> None:
    """The set of non-null values equals ``values`` exactly."""


@declare('pandera.optional_column', kind="table", error='{check} on optional column {column}')
def optional_column(column: str, check: str, **kwargs: Any) -> None:
    """Run map check ``check`` on a ``required: false`` column, or pass when the column is absent
(pandera skips every check of an absent optional column)."""


#: Check objects from loaded Python suites, by reference (kwargs stay plain JSON).
_CHECKS: dict[str, Any] = {}
_ids = itertools.count()


def remember(check: Any, key: str | None = None) -> str:
    """Keep a pandera ``Check`` for later evaluation; returns the reference to put in kwargs.

    ``key`` (the check's location) makes re-loading the same suite replace its entry instead
    of adding one, so a long-running app that re-reads suites does not accumulate checks.
    """
    ref = key if key is not None else f"pycheck-{next(_ids)}"
    _CHECKS[ref] = check
    return ref


def remembered_check(ref: str) -> Any:
    """The pandera ``Check`` kept under ``ref`` by ``remember``."""
    return _CHECKS[ref]


