"""The Spark implementations of the built-in checks; importing this package registers them.

Every check native on polars is native here as ``pyspark.sql.Column`` expressions, except the
ones whose polars implementation runs a Python predicate per distinct value or needs an ordered
quantile/mode: those GX types run through GX itself on Spark (``gx_runner``), with a note.
"""

from dataqa.validation import checks as _declared  # noqa: F401  (declarations first)
from dataqa.validation.backends.spark import gx_runner
from dataqa.validation.backends.spark.checks import gx, pandera  # noqa: F401

for _type in ("expect_column_values_to_be_json_parseable", "expect_column_values_to_match_strftime_format",
              "expect_column_values_to_be_dateutil_parseable", "expect_column_quantile_values_to_be_between",
              "expect_column_most_common_value_to_be_in_set"):
    gx_runner.register_gx_on_spark(_type)
