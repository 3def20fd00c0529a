"""Example plugin: custom checks usable from GX JSON, pandera YAML and pandera itself.

Load it with ``dataqa check DATA --plugin expectations/examples/custom_checks.py --suite ...``
or ``[check] plugins = ["expectations/examples/custom_checks.py"]`` in dataqa.toml.
Each function returns a boolean polars expression: True where the row is valid.
"""

from __future__ import annotations

import polars as pl

from dataqa.validation.custom import custom_check


@custom_check("no_surrounding_whitespace", error="{column} has no leading/trailing spaces")
def no_surrounding_whitespace(column: str) -> pl.Expr:
    """A string value equals itself stripped."""
    return pl.col(column) == pl.col(column).str.strip_chars()


@custom_check("price_per_carat_between", error="price/carat between {min_value} and {max_value}")
def price_per_carat_between(min_value: float, max_value: float) -> pl.Expr:
    """Dataframe-level: price per carat is plausible (rows with a null price or carat are skipped)."""
    ratio = pl.col("price") / pl.col("carat")
    return ratio.is_between(min_value, max_value)


@custom_check("is_multiple_of", error="{column} is a multiple of {base}")
def is_multiple_of(column: str, base: int) -> pl.Expr:
    """The value is divisible by ``base``."""
    return pl.col(column) % base == 0
