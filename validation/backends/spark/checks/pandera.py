"""pandera's checks as ``pyspark.sql.Column`` expressions, with pandera's semantics.

Mirrors ``validation/backends/polars/checks/pandera_*.py``: a null check output is not evaluated
when ``ignore_na`` (else it fails), a dataframe-level check (``column=None``) folds every data
column with Kleene AND, ``coerce_to`` casts first (``try_cast``: a value that does not cast is
null, as polars' non-strict cast), ``nan_is_null`` treats NaN as missing (pandas API schemas).
Schema-only checks reuse the pure schema logic of the polars implementations on the Spark
schema translated to polars types.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Collection, Literal, Sequence

import polars as pl
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

from dataqa.columns import ROW_ID
from dataqa.validation.backends.base import accepts
from dataqa.validation.backends.polars import checks as _polars_checks  # noqa: F401  (the schema logic reused below)
from dataqa.validation.backends.spark.checks.common import all_of, col, data_columns, duplicated, pandera_map, row_value
from dataqa.validation.backends.spark.checks.implement import SparkSchema, spark_check, spark_unsupported
from dataqa.validation.backends.spark.reader import spark_type
from dataqa.validation.checks import evaluators
from dataqa.validation.pandera_dtypes import parse_dtype
from dataqa.validation.registry import POLARS, AggResult, MapResult, get_check, implementation


def polars_dtype(dtype: T.DataType) -> pl.DataType:
    """The polars type a Spark column reads as (for the schema checks shared with polars)."""
    simple: list[tuple[type[T.DataType], pl.DataType]] = [
        (T.ByteType, pl.Int8()), (T.ShortType, pl.Int16()), (T.IntegerType, pl.Int32()),
        (T.LongType, pl.Int64()), (T.FloatType, pl.Float32()), (T.DoubleType, pl.Float64()),
        (T.BooleanType, pl.Boolean()), (T.StringType, pl.String()), (T.DateType, pl.Date()),
        (T.BinaryType, pl.Binary()), (T.TimestampNTZType, pl.Datetime("us")),
        (T.TimestampType, pl.Datetime("us", "UTC")), (T.NullType, pl.Null()),
    ]
    for cls, out in simple:
        if isinstance(dtype, cls):
            return out
    if isinstance(dtype, T.DecimalType):
        return pl.Decimal(dtype.precision, dtype.scale)
    if isinstance(dtype, T.ArrayType):
        return pl.List(polars_dtype(dtype.elementType))
    if isinstance(dtype, T.StructType):
        return pl.Struct({f.name: polars_dtype(f.dataType) for f in dtype.fields})
    return pl.Object()


def polars_schema(schema: SparkSchema) -> pl.Schema:
    return pl.Schema({n: polars_dtype(t) for n, t in schema.items() if not n.startswith("__dataqa_")
                      and n != ROW_ID})


def target(column: str, coerce_to: str | None, schema: SparkSchema | None = None) -> Column:
    """The column a pandera check reads (cast when coercing)."""
    expr = col(column)
    if coerce_to is not None:
        expr = expr.try_cast(spark_type(parse_dtype(coerce_to)))
    return expr


def _is_float(column: str, schema: SparkSchema | None) -> bool:
    return schema is not None and isinstance(schema.get(column), (T.FloatType, T.DoubleType))


def _builtin(name: str, build: Callable[..., Column]) -> None:
    def check(column: str | None = None, *, ignore_na: bool = True, coerce_to: str | None = None,
              nan_is_null: bool = False, schema: SparkSchema | None = None, **stats: Any) -> MapResult:
        assert schema is not None
        columns = [column] if column is not None else data_columns(schema)
        outs = []
        for c in columns:
            v = build(target(c, coerce_to, schema), **stats)
            if nan_is_null and column is not None and _is_float(c, schema):
                v = F.when(F.isnan(col(c)), F.lit(None)).otherwise(v)
            outs.append(v)
        valid = all_of(outs)
        return pandera_map(valid, ignore_na=ignore_na, value=row_value(schema) if column is None else None)

    check.__name__ = name
    spark_check(f"pandera.{name}")(check)


def _pattern(pattern: Any) -> str:
    return pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)


def _str_length(c: Column, min_value: int | None = None, max_value: int | None = None,
                exact_value: int | None = None) -> Column:
    n = F.char_length(c)
    if exact_value is not None:
        return n == exact_value
    if min_value is None and max_value is None:
        raise ValueError("Must provide at least one of 'min_value' and 'max_value'")
    if min_value is None:
        return n <= F.lit(max_value)
    if max_value is None:
        return n >= F.lit(min_value)
    return (n >= F.lit(min_value)) & (n <= F.lit(max_value))


def _in_range(c: Column, min_value: Any, max_value: Any, include_min: bool = True,
              include_max: bool = True) -> Column:
    lo: Column = c >= min_value if include_min else c > min_value
    hi: Column = c <= max_value if include_max else c < max_value
    return lo & hi


def _isin(c: Column, allowed_values: Collection[Any]) -> Column:
    return c.isin(list(allowed_values))


_builtin("equal_to", lambda c, value: c == F.lit(value))
_builtin("not_equal_to", lambda c, value: c != F.lit(value))
_builtin("greater_than", lambda c, min_value: c > F.lit(min_value))
_builtin("greater_than_or_equal_to", lambda c, min_value: c >= F.lit(min_value))
_builtin("less_than", lambda c, max_value: c < F.lit(max_value))
_builtin("less_than_or_equal_to", lambda c, max_value: c <= F.lit(max_value))
_builtin("in_range", _in_range)
_builtin("isin", _isin)
_builtin("notin", lambda c, forbidden_values: ~c.isin(list(forbidden_values)))
_builtin("str_matches", lambda c, pattern: c.rlike(p if (p := _pattern(pattern)).startswith("^") else f"^{p}"))
_builtin("str_contains", lambda c, pattern: c.rlike(_pattern(pattern)))
_builtin("str_startswith", lambda c, string: c.startswith(string))
_builtin("str_endswith", lambda c, string: c.endswith(string))
_builtin("str_length", _str_length)


@spark_check("pandera.not_nullable")
def not_nullable(column: str, coerce_to: str | None = None, schema: SparkSchema | None = None) -> MapResult:
    c = target(column, coerce_to)
    floaty = (isinstance(spark_type(parse_dtype(coerce_to)), (T.FloatType, T.DoubleType))
              if coerce_to is not None else _is_float(column, schema))
    missing = c.isNull() | F.isnan(c) if floaty else c.isNull()
    return MapResult(valid=~missing, eligible=F.lit(True))


def _duplicated(schema: SparkSchema | None, cols: Sequence[Column], report_duplicates: str | None,
                within: Column | None = None) -> Column:
    """pandas' ``duplicated(keep=...)`` over the group of equal values (nulls equal), by position."""
    keep: dict[str | None, Literal["first", "last"]] = {"exclude_first": "first", "exclude_last": "last"}
    return duplicated(schema, cols, within=within, keep=keep.get(report_duplicates))


@spark_check("pandera.field_uniqueness")
def field_uniqueness(column: str, coerce_to: str | None = None, report_duplicates: str | None = None,
                     nulls_distinct: bool = False, schema: SparkSchema | None = None) -> MapResult:
    c = target(column, coerce_to)
    if nulls_distinct:
        missing = c.isNull() | F.isnan(c) if _is_float(column, schema) else c.isNull()
        # duplicates among the non-missing values only
        return MapResult(valid=~_duplicated(schema, [c], report_duplicates, within=~missing), eligible=~missing)
    return MapResult(valid=~_duplicated(schema, [c], report_duplicates), eligible=F.lit(True))


@spark_check("pandera.multiple_fields_uniqueness")
def multiple_fields_uniqueness(column_list: Sequence[str], report_duplicates: str | None = None,
                               schema: SparkSchema | None = None) -> MapResult:
    return MapResult(valid=~_duplicated(schema, [col(c) for c in column_list], report_duplicates),
                     eligible=F.lit(True))


@spark_check("pandera.coerce_dtype")
def coerce_dtype(column: str, dtype: str) -> MapResult:
    cast = col(column).try_cast(spark_type(parse_dtype(dtype)))
    return MapResult(valid=cast.isNotNull() | col(column).isNull(), eligible=F.lit(True))


@spark_check("pandera.unique_values_eq")
def unique_values_eq(column: str, values: Sequence[Any], coerce_to: str | None = None,
                     ignore_na: bool = True) -> AggResult:
    return AggResult(exprs={"unique": F.collect_set(target(column, coerce_to))},
                     evaluate=evaluators.unique_values_eq(values))


def _schema_only(name: str) -> None:
    """Spark implementation of a check that only reads the schema: the polars one, on the Spark
    schema translated to polars types."""
    fn = implementation(POLARS, name)
    assert fn is not None

    def check(schema: SparkSchema, **kwargs: Any) -> AggResult:
        out: AggResult = fn(polars_schema(schema), **kwargs)
        if set(out.exprs) - {"nonnull"} or (out.unexpected is not None and "nonnull" not in out.exprs):
            raise ValueError(f"{name}: this case needs the data, not only the schema")
        if "nonnull" in out.exprs:  # GX's type check on a string column: non-null values fail
            column = kwargs["column"]
            return AggResult(exprs={"nonnull": F.count(col(column))}, evaluate=out.evaluate,
                             unexpected=col(column).isNotNull())
        return out

    check.__name__ = name
    spark_check(name)(check)


for _name in ("pandera.dtype", "pandera.column_in_dataframe", "pandera.column_in_schema",
              "pandera.column_ordered", "expect_column_values_to_be_of_type",
              "expect_column_values_to_be_in_type_list"):
    _schema_only(_name)


@spark_check("pandera.optional_column")
def optional_column(schema: SparkSchema, column: str, check: str, **kwargs: Any) -> AggResult:
    """Run check ``check`` on a ``required: false`` column, or pass when the column is absent."""
    if column not in schema:
        return AggResult(exprs={}, evaluate=lambda _v: (True, "column absent (required: false)"))
    cdef = get_check(check)
    fn = implementation("spark", cdef.name)
    if fn is None:
        raise ValueError(f"check '{check}' has no Spark implementation")
    if cdef.kind == "table":
        return fn(schema, column=column, **kwargs)  # type: ignore[no-any-return]
    if "schema" in accepts(fn):
        kwargs["schema"] = schema
    if cdef.kind == "aggregate":
        return fn(column=column, **kwargs)  # type: ignore[no-any-return]
    m: MapResult = fn(column=column, **kwargs)
    eligible = m.eligible if m.eligible is not None else col(column).isNotNull()
    bad = eligible & ~F.coalesce(m.valid, F.lit(False))
    return AggResult(exprs={"unexpected": F.sum(bad.cast("long")), "evaluated": F.sum(eligible.cast("long"))},
                     evaluate=lambda v: (v["unexpected"] == 0, {"unexpected": v["unexpected"],
                                                                 "evaluated": v["evaluated"]}),
                     unexpected=bad)


spark_unsupported("pandera.python_check",
                  "an arbitrary Python pandera Check runs on pandera's polars backend only; "
                  "write it as a @custom_check with a spark= implementation")
