"""The polars implementations of the built-in checks; importing this package registers them.

One module per family of checks (mirroring ``validation/checks/``); each implementation returns a
``MapResult``/``AggResult`` of polars expressions for the declared check of the same name.
"""

from dataqa.validation import checks as _declared  # noqa: F401  (declarations first)
from dataqa.validation.backends.polars.checks import (  # noqa: F401
    gx_aggregate,
    gx_column_map,
    gx_multicolumn,
    gx_strings,
    gx_table,
    gx_types,
    pandera_builtin,
    pandera_python,
    pandera_schema,
)
