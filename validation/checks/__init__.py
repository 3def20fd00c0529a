"""Built-in checks; importing this package registers them.

One module per family of checks; add a module here and import it below.
"""

from dataqa.validation.checks import gx_basic  # noqa: F401
from dataqa.validation.checks import pandera_builtin, pandera_python, pandera_schema  # noqa: F401
