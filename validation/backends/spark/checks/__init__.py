"""The Spark implementations of the built-in checks; importing this package registers them.

Every check native on polars is native here as ``pyspark.sql.Column`` expressions (the Python
parsers as a vectorised pandas UDF, ``gx_python``), except the two that need an ordered quantile
or a mode: those GX types run through GX itself on Spark (``gx_runner``), with a note.
"""

from dataqa.validation import checks as _declared  # noqa: F401  (declarations first)
from dataqa.validation.backends.spark.checks import gx, gx_python, gx_runner, pandera  # noqa: F401

for _type in ("expect_column_quantile_values_to_be_between", "expect_column_most_common_value_to_be_in_set"):
    gx_runner.register_gx_on_spark(_type)
