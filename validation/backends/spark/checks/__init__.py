"""The Spark implementations of the built-in checks; importing this package registers them.

Every check native on polars is native here: ``pyspark.sql.Column`` expressions (the Python
parsers as a vectorised pandas UDF, ``gx_python``), and the two that need exact order statistics
or every tied mode (quantiles, the most common value) as a couple of small Spark jobs (``stats``).
GX types dataqa has no native check for run through GX itself on Spark (``gx_runner``).
"""

from dataqa.validation import checks as _declared  # noqa: F401  (declarations first)
from dataqa.validation.backends.spark.checks import gx, gx_python, gx_runner, pandera, stats  # noqa: F401
