"""Built-in checks; importing this package registers them.

One module per family of checks; add a module here and import it below.
"""

from dataqa.validation.checks import (  # noqa: F401
    gx_aggregate,
    gx_column_map,
    gx_multicolumn,
    gx_strings,
    gx_table,
    gx_types,
)
from dataqa.validation.checks import pandera_builtin, pandera_python, pandera_schema  # noqa: F401
