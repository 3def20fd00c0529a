"""GX types whose answer is a Python parser's (``json.loads``, ``datetime.strptime``, dateutil).

Spark has no equivalent parser, so the predicate runs in the executors as a vectorised pandas UDF:
each Arrow batch is reduced to its distinct values, the predicate sees each once, and the answers
are mapped back (the polars implementation does the same per batch). The data stays in Spark.
"""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the dev extras
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

from dataqa.validation.backends.spark.checks.common import col, dtype_of
from dataqa.validation.backends.spark.checks.implement import SparkSchema, spark_check
from dataqa.validation.checks.arguments import strftime_format as _validate_format
from dataqa.validation.checks.evaluators import dateutil_parses, is_json, strptime_parses
from dataqa.validation.registry import MapResult


def python_predicate(expr: Column, fn: Callable[[Any], bool]) -> Column:
    """Row-wise boolean from ``fn``, evaluated once per distinct non-null value of each batch."""

    @F.pandas_udf(T.BooleanType())  # type: ignore[attr-defined,untyped-decorator,unused-ignore]
    def batch(s: pd.Series) -> pd.Series:
        answers = {v: bool(fn(v)) for v in s.dropna().unique()}
        return s.map(answers).astype("boolean")

    return batch(expr)  # type: ignore[no-any-return]


def _require_string(column: str, schema: SparkSchema | None, name: str) -> None:
    dtype = dtype_of(schema, column)
    if dtype is not None and not isinstance(dtype, (T.StringType, T.NullType)):
        raise TypeError(f"values passed to {name} must be of type string; column '{column}' is "
                        f"{dtype.simpleString()}: check the column before converting it from string format")


@spark_check("expect_column_values_to_be_json_parseable")
def json_parseable(column: str, schema: SparkSchema | None = None) -> MapResult:
    dtype = dtype_of(schema, column)
    if dtype is not None and not isinstance(dtype, (T.StringType, T.NullType)):
        return MapResult(valid=F.lit(False))  # GX: a non-string value fails
    return MapResult(valid=python_predicate(col(column).cast("string"), is_json))


@spark_check("expect_column_values_to_match_strftime_format")
def match_strftime_format(column: str, strftime_format: str, schema: SparkSchema | None = None) -> MapResult:
    _validate_format({"strftime_format": strftime_format})
    _require_string(column, schema, "expect_column_values_to_match_strftime_format")
    return MapResult(valid=python_predicate(col(column).cast("string"), strptime_parses(strftime_format)))


@spark_check("expect_column_values_to_be_dateutil_parseable")
def dateutil_parseable(column: str, schema: SparkSchema | None = None) -> MapResult:
    _require_string(column, schema, "expect_column_values_to_be_dateutil_parseable")
    return MapResult(valid=python_predicate(col(column).cast("string"), dateutil_parses))
