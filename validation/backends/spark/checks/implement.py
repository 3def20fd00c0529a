"""The decorator registering a Spark implementation of a declared check, and the Spark schema type."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from pyspark.sql import types as T

from dataqa.validation.registry import implement, unsupported

#: The backend's name in the registry and on the command line (``--engine spark``).
SPARK = "spark"
#: What Spark implementations receive as ``schema``: column name -> Spark type.
SparkSchema = Mapping[str, T.DataType]


def spark_check(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the Spark implementation of declared check ``name``."""
    return implement(SPARK, name)


def spark_unsupported(name: str, reason: str) -> None:
    """List declared check ``name`` as refused on Spark, with the reason shown to the user."""
    unsupported(SPARK, name, reason)
