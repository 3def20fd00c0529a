"""Built-in checks; importing this package registers them.

One module per family of checks; add a module here and import it below.
"""

from dataqa.validation.checks import gx_basic  # noqa: F401
