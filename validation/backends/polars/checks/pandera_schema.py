"""pandera's column and schema properties as checks: dtype, nullable, unique, required, strict,
ordered, dataframe-level unique, unique_values_eq, coercion, and optional columns.

Names follow the ``check`` identifiers pandera puts in ``SchemaErrors.failure_cases``
(``not_nullable``, ``field_uniqueness``, ``dtype('Int64')``, ``column_in_dataframe``,
``column_in_schema``, ``column_ordered``, ``multiple_fields_uniqueness``, ``coerce_dtype``), so
a report reads like pandera's. Semantics follow ``pandera/backends/polars/components.py`` and
``container.py``.
"""

from __future__ import annotations

from typing import Any, Sequence

import polars as pl
import polars.selectors as cs

from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.backends.polars.checks.pandera_builtin import target
from dataqa.validation.checks import evaluators
from dataqa.validation.pandera_dtypes import dtype_matches, parse_dtype
from dataqa.validation.registry import POLARS, AggResult, MapResult, get_check, implementation


@polars_check("pandera.not_nullable")
def not_nullable(column: str, coerce_to: str | None = None) -> MapResult:
    """No nulls; in a float column NaN counts as null too (pandera's ``check_nullable``)."""
    col = target(column, coerce_to)
    if coerce_to is not None:
        is_float = parse_dtype(coerce_to) in (pl.Float32, pl.Float64)
        nan = col.is_nan() if is_float else pl.lit(False)
    else:  # the selector is empty unless the column is a float: no dtype needed up front
        nan = (cs.by_name(column) & cs.float()).is_nan()
    return MapResult(valid=pl.any_horizontal(col.is_null(), nan).not_(), eligible=pl.lit(True))


def _duplicated(expr: pl.Expr, report_duplicates: str | None) -> pl.Expr:
    """pandas' ``duplicated(keep=...)``: ``all`` flags every copy, ``exclude_first`` all but the
    first, ``exclude_last`` all but the last; ``None`` = polars API (always every copy)."""
    dup = expr.is_duplicated()
    if report_duplicates == "exclude_first":
        return dup & expr.is_first_distinct().not_()
    if report_duplicates == "exclude_last":
        return dup & expr.is_last_distinct().not_()
    return dup


@polars_check("pandera.field_uniqueness")
def field_uniqueness(column: str, coerce_to: str | None = None,
                     report_duplicates: str | None = None, nulls_distinct: bool = False) -> MapResult:
    """Duplicated values are failures. pandera's polars backend counts nulls as duplicates and
    reports every copy; its pandas backend (``nulls_distinct``, ``report_duplicates``) skips
    nulls and NaN and honours ``report_duplicates``."""
    col = target(column, coerce_to)
    valid = _duplicated(col, report_duplicates).not_()
    if nulls_distinct:
        missing = pl.any_horizontal(col.is_null(), (cs.by_name(column) & cs.float()).is_nan())
        return MapResult(valid=valid, eligible=missing.not_())
    return MapResult(valid=valid, eligible=pl.lit(True))


@polars_check("pandera.multiple_fields_uniqueness")
def multiple_fields_uniqueness(column_list: Sequence[str], report_duplicates: str | None = None) -> MapResult:
    """Dataframe-level ``unique: [a, b]``: rows whose combination of values repeats (nulls
    compare equal, in both pandera backends)."""
    row = pl.struct([pl.col(c) for c in column_list])
    return MapResult(valid=_duplicated(row, report_duplicates).not_(), eligible=pl.lit(True))


@polars_check("pandera.coerce_dtype")
def coerce_dtype(column: str, dtype: str) -> MapResult:
    """``coerce: true``: rows whose non-null value does not cast to ``dtype``."""
    cast = pl.col(column).cast(parse_dtype(dtype), strict=False)
    return MapResult(valid=cast.is_not_null() | pl.col(column).is_null(), eligible=pl.lit(True))


def _const(ok: bool, observed: Any) -> AggResult:
    return AggResult(exprs={}, evaluate=lambda _values: (ok, observed))


@polars_check("pandera.dtype")
def dtype(schema: pl.Schema, column: str, dtype: str) -> AggResult:
    """The column's polars dtype is ``dtype``; the observed value is the actual dtype."""
    if column not in schema:
        raise KeyError(f"column '{column}' is not in the data")
    actual = schema[column]
    return _const(dtype_matches(parse_dtype(dtype), actual), str(actual))


@polars_check("pandera.column_in_dataframe")
def column_in_dataframe(schema: pl.Schema, required: Sequence[str]) -> AggResult:
    """Every required column is present (pandera's ``COLUMN_NOT_IN_DATAFRAME``, one per missing
    column). Observed: the missing columns."""
    missing = [c for c in required if c not in schema]
    return _const(not missing, missing)


@polars_check("pandera.column_in_schema")
def column_in_schema(schema: pl.Schema, allowed: Sequence[str]) -> AggResult:
    """``strict: true``: no column outside the schema. Observed: every extra column (pandera
    stops at the first)."""
    extra = [c for c in schema.names() if c not in set(allowed)]
    return _const(not extra, extra)


@polars_check("pandera.column_ordered")
def column_ordered(schema: pl.Schema, order: Sequence[str]) -> AggResult:
    """``ordered: true``: schema columns appear in the data in schema order. Observed: the first
    column found out of order, as pandera reports it."""
    known = set(order)
    expected = iter([c for c in order if c in schema])  # absent columns don't count (pandera)
    for name in schema.names():
        if name in known and next(expected, None) != name:
            return _const(False, name)
    return _const(True, None)


@polars_check("pandera.unique_values_eq")
def unique_values_eq(column: str, values: Sequence[Any], coerce_to: str | None = None,
                     ignore_na: bool = True) -> AggResult:
    """The set of non-null values equals ``values`` exactly."""
    return AggResult(exprs={"unique": target(column, coerce_to).drop_nulls().unique().implode()},
                     evaluate=evaluators.unique_values_eq(values))


@polars_check("pandera.optional_column")
def optional_column(schema: pl.Schema, column: str, check: str, **kwargs: Any) -> AggResult:
    """Run map check ``check`` on a ``required: false`` column, or pass when the column is absent
    (pandera skips every check of an absent optional column)."""
    if column not in schema:
        return _const(True, "column absent (required: false)")
    cdef = get_check(check)
    fn = implementation(POLARS, cdef.name)
    if fn is None:
        raise ValueError(f"check '{check}' has no polars implementation")
    if cdef.kind == "table":
        return fn(schema, column=column, **kwargs)  # type: ignore[no-any-return]
    if cdef.kind == "aggregate":
        return fn(column=column, **kwargs)  # type: ignore[no-any-return]
    m: MapResult = fn(column=column, **kwargs)
    eligible = m.eligible if m.eligible is not None else pl.col(column).is_not_null()
    bad = eligible & m.valid.not_().fill_null(False)
    return AggResult(exprs={"unexpected": bad.sum(), "evaluated": eligible.sum()},
                     evaluate=lambda v: (v["unexpected"] == 0, {"unexpected": v["unexpected"],
                                                                 "evaluated": v["evaluated"]}),
                     unexpected=bad)
