"""Helpers shared by the Spark implementations: typed literals, GX value-set semantics, pandera folds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, Protocol, Sequence

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

from dataqa.validation.backends.spark.checks.implement import SparkSchema
from dataqa.validation.registry import IDX, ROW_ID, MapResult

#: Engine-internal columns that are not data.
NOT_DATA = (ROW_ID, IDX)


def col(name: str) -> Column:
    """A column by name, whatever characters it holds (backquoted)."""
    return F.col("`" + name.replace("`", "``") + "`")


def dtype_of(schema: SparkSchema | None, column: str) -> T.DataType | None:
    return None if schema is None else schema.get(column)


def is_stringy(dtype: T.DataType | None) -> bool:
    return isinstance(dtype, T.StringType)


def is_numeric(dtype: T.DataType | None) -> bool:
    return isinstance(dtype, T.NumericType)


def is_temporal(dtype: T.DataType | None) -> bool:
    return isinstance(dtype, (T.DateType, T.TimestampType, T.TimestampNTZType))


def temporal_literal(value: Any, dtype: T.DataType | None) -> Any:
    """A string bound/member for a date or timestamp column, parsed with dateutil as GX does
    (the session time zone is UTC, so naive timestamps compare in UTC wall time)."""
    if not isinstance(value, str) or not is_temporal(dtype):
        return value
    from dateutil.parser import parse  # dateutil is imported by GX anyway; only for string bounds

    parsed = parse(value)
    if isinstance(dtype, T.DateType):
        return parsed.date()
    if parsed.tzinfo is not None:
        return parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def between(expr: Column, min_value: Any, max_value: Any, strict_min: bool = False,
            strict_max: bool = False, dtype: T.DataType | None = None) -> Column:
    """Row-wise ``min <(=) expr <(=) max`` with open missing bounds."""
    lo, hi = temporal_literal(min_value, dtype), temporal_literal(max_value, dtype)
    cond = F.lit(True)
    if lo is not None:
        cond = cond & (expr > F.lit(lo) if strict_min else expr >= F.lit(lo))
    if hi is not None:
        cond = cond & (expr < F.lit(hi) if strict_max else expr <= F.lit(hi))
    return cond


def compatible_members(dtype: T.DataType | None, value_set: Sequence[Any]) -> list[Any]:
    """Members that can equal a value of ``dtype`` (pandas ``isin``: "1" never equals 1)."""
    if dtype is None:
        return list(value_set)
    if is_stringy(dtype):
        return [v for v in value_set if isinstance(v, str)]
    if is_numeric(dtype):
        return [v for v in value_set if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if is_temporal(dtype):
        return [temporal_literal(v, dtype) for v in value_set]
    if isinstance(dtype, T.BooleanType):
        return [v for v in value_set if isinstance(v, bool)]
    return list(value_set)


def in_set(column: str, value_set: Sequence[Any], schema: SparkSchema | None) -> Column:
    """``column`` is one of ``value_set`` (row-wise; null stays null)."""
    dtype = dtype_of(schema, column)
    members = compatible_members(dtype, value_set)
    if not members:
        return col(column).isNull()
    if is_numeric(dtype) and any(isinstance(m, float) for m in members):
        members = [float(m) for m in members]
    return col(column).isin(members)


def data_columns(schema: SparkSchema) -> list[str]:
    return [c for c in schema if c not in NOT_DATA]


def all_of(exprs: Sequence[Column]) -> Column:
    """Kleene AND of ``exprs`` (pandera folds a multi-column output with ``acc & x``)."""
    out = exprs[0]
    for e in exprs[1:]:
        out = out & e
    return out


def any_of(exprs: Sequence[Column]) -> Column:
    out = exprs[0]
    for e in exprs[1:]:
        out = out | e
    return out


def row_value(schema: SparkSchema) -> Column:
    """A failing row as JSON, the failure value of dataframe-level checks."""
    return F.to_json(F.struct(*[col(c) for c in data_columns(schema)]))


@dataclass(frozen=True)
class Duplicates:
    """The rows whose key occurs on another row.

    ``keys`` are compared null-safely (nulls equal, as in a GROUP BY), among the rows where
    ``within`` is true (all rows when ``None``); rows outside ``within`` are never flagged.
    ``keep="first"``/``"last"``: the first/last row of each group by position is not flagged
    (pandas' ``duplicated(keep=...)``).
    """

    keys: tuple[Column, ...]
    within: Column | None = None
    keep: Literal["first", "last"] | None = None


class PlansDuplicates(Protocol):
    """What the Spark backend passes as ``schema``: the schema, plus the duplicate flags it plans.

    A duplicate flag compares a row with all others, which a row expression cannot do; the backend
    groups the keys alone and joins the duplicated keys back (``backend.SparkBackend``) instead of
    a window over whole rows.
    """

    def duplicated(self, spec: Duplicates) -> Column: ...


def duplicated(schema: SparkSchema | None, keys: Sequence[Column], *, within: Column | None = None,
               keep: Literal["first", "last"] | None = None) -> Column:
    """A boolean column, true on the rows described by ``Duplicates(keys, within, keep)``."""
    planner = getattr(schema, "duplicated", None)
    if planner is None:
        raise TypeError("duplicate checks need the Spark backend's schema (SparkBackend.compile)")
    flag: Column = planner(Duplicates(tuple(keys), within, keep))
    return flag


def pandera_map(valid: Column, *, ignore_na: bool = True, value: Column | None = None) -> MapResult:
    """pandera's post-processing: ``ignore_na`` rows with a null output are not evaluated; else
    a null output fails."""
    if ignore_na:
        return MapResult(valid=valid, eligible=valid.isNotNull(), value=value)
    return MapResult(valid=F.coalesce(valid, F.lit(False)), eligible=F.lit(True), value=value)
