"""GX type expectations (of_type / in_type_list) mapped onto polars dtypes.

GX on pandas compares the column dtype, except for ``object`` columns whose values it checks one
by one. dataqa's equivalent of an object column is a string column: asking a string column for a
non-string type flags every non-null row (as GX does); any other column passes or fails as a
whole on its dtype. Type names accepted: numpy/pandas names (``int64``, ``float``, ``str``,
``bool``, ``datetime64``, ``Timestamp``, ``category``, ``Int64Dtype``...), Python names (``int``,
``str``...), polars names (``Int32``, ``String``, ``Datetime``...) and Spark's (``IntegerType``,
``StringType``, ``TimestampType``: zone-aware, as Spark's TIMESTAMP is read). Generic names (``int``,
``float``) accept every width; sized names accept exactly that width.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import polars as pl

from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.registry import AggResult

_Pred = Callable[[pl.DataType], bool]

_SIZED: dict[str, type[pl.DataType]] = {
    "int8": pl.Int8, "int16": pl.Int16, "int32": pl.Int32, "int64": pl.Int64,
    "uint8": pl.UInt8, "uint16": pl.UInt16, "uint32": pl.UInt32, "uint64": pl.UInt64,
    "float32": pl.Float32, "float64": pl.Float64, "float16": pl.Float32,
    # Spark's type names (a suite written for GX on Spark), as the Spark backend reads the types
    "bytetype": pl.Int8, "shorttype": pl.Int16, "integertype": pl.Int32, "longtype": pl.Int64,
    "floattype": pl.Float32, "doubletype": pl.Float64, "booleantype": pl.Boolean, "datetype": pl.Date,
    "decimaltype": pl.Decimal, "binarytype": pl.Binary,
}


def _is(*classes: type[pl.DataType]) -> _Pred:
    return lambda d: isinstance(d, classes)


def _datetime(tz: bool) -> _Pred:
    return lambda d: isinstance(d, pl.Datetime) and (d.time_zone is not None) == tz


_STRING_NAMES = {"str", "string", "string_types", "unicode", "str_", "stringdtype", "utf8",
                 "object", "object_", "o", "stringtype"}
#: pandas keeps strings, lists, dicts and mixed values in "object" columns
_OBJECT_NAMES = {"object", "object_", "o"}
_OBJECT_LIKE = (pl.String, pl.Categorical, pl.Enum, pl.List, pl.Array, pl.Struct, pl.Object,
                pl.Binary, pl.Null)

_GENERIC: dict[str, _Pred] = {
    "int": lambda d: d.is_integer(), "long": lambda d: d.is_integer(),
    "integer": lambda d: d.is_integer(), "float": lambda d: d.is_float(),
    "double": lambda d: d.is_float(), "float_": lambda d: d.is_float(),
    "number": lambda d: d.is_numeric(), "bool": _is(pl.Boolean), "bool_": _is(pl.Boolean),
    "boolean": _is(pl.Boolean), "booleandtype": _is(pl.Boolean),
    "datetime64": _datetime(False), "datetime64[ns]": _datetime(False),
    "datetime64[us]": _datetime(False), "datetime64[ms]": _datetime(False),
    "datetime": _datetime(False), "timestamp": _datetime(True), "datetimetzdtype": _datetime(True),
    "timestamptype": _datetime(True), "timestampntztype": _datetime(False),
    "date": _is(pl.Date), "time": _is(pl.Time), "timedelta64": _is(pl.Duration),
    "timedelta": _is(pl.Duration), "duration": _is(pl.Duration),
    "category": _is(pl.Categorical, pl.Enum), "categorical": _is(pl.Categorical, pl.Enum),
    "categoricaldtype": _is(pl.Categorical, pl.Enum), "enum": _is(pl.Enum),
    "list": _is(pl.List, pl.Array), "dict": _is(pl.Struct), "struct": _is(pl.Struct),
    "bytes": _is(pl.Binary), "binary": _is(pl.Binary), "decimal": _is(pl.Decimal),
}


def dtype_matches(type_name: str, dtype: pl.DataType) -> bool:
    """Whether a column of polars ``dtype`` is of GX/pandas/polars type ``type_name``."""
    key = type_name.strip().lower()
    if key.endswith("dtype") and key[:-5] in _SIZED:  # pandas nullable: Int64Dtype, Float64Dtype
        key = key[:-5]
    if key in _OBJECT_NAMES:
        return isinstance(dtype, _OBJECT_LIKE)
    if key in _SIZED:
        return isinstance(dtype, _SIZED[key])
    if key in _GENERIC:
        return _GENERIC[key](dtype)
    if key in _STRING_NAMES:
        return isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))
    return False


def _stringlike(dtype: pl.DataType) -> bool:
    return isinstance(dtype, (pl.String, pl.Categorical, pl.Enum))


def _names_string(type_name: str) -> bool:
    return type_name.strip().lower() in _STRING_NAMES


def _type_check(schema: pl.Schema, column: str, names: Sequence[str] | None,
                mostly: float | None) -> AggResult:
    dtype = schema.get(column)
    if dtype is None:
        # parse-time validation passes an empty schema; at run time the engine reports it
        if len(schema):
            raise ValueError(f"column '{column}' is not in the data; columns are "
                             f"{', '.join(schema.names())}")
        return AggResult(exprs={}, evaluate=lambda _v: (True, None))
    observed = str(dtype)
    if names is None:
        return AggResult(exprs={}, evaluate=lambda _v: (True, observed))
    if _stringlike(dtype) and not any(_names_string(n) for n in names):
        # GX checks an object column value by value: every non-null value is the wrong type
        def evaluate(values: Mapping[str, Any]) -> tuple[bool, Any]:
            n = values["nonnull"]
            ok = n == 0 or (mostly is not None and 0.0 >= float(mostly))
            return ok, observed

        return AggResult(exprs={"nonnull": pl.col(column).count()}, evaluate=evaluate,
                         unexpected=pl.col(column).is_not_null())
    ok = any(dtype_matches(n, dtype) for n in names)
    return AggResult(exprs={}, evaluate=lambda _v: (ok, observed))


@polars_check("expect_column_values_to_be_of_type")
def of_type(schema: pl.Schema, column: str, type_: str | None, mostly: float | None = None) -> AggResult:
    """The column's dtype is ``type_``."""
    return _type_check(schema, column, None if type_ is None else [type_], mostly)


@polars_check("expect_column_values_to_be_in_type_list")
def in_type_list(schema: pl.Schema, column: str, type_list: Sequence[str] | None,
                 mostly: float | None = None) -> AggResult:
    """The column's dtype is one of ``type_list``."""
    return _type_check(schema, column, None if type_list is None else list(type_list), mostly)
