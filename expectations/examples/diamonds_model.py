"""The diamonds sample's schema as a pandera DataFrameModel (polars API): a Python-module suite.

Run it with ``dataqa check sample_data/diamonds_dirty.csv --suite expectations/examples/diamonds_model.py``
or with pandera itself: ``Diamonds.validate(pl.read_csv(...), lazy=True)``.
Field constraints compile to dataqa's polars checks; the ``@pa.check`` / ``@pa.dataframe_check``
methods are plain Python, so dataqa runs them through pandera on just the columns they read.
"""

from __future__ import annotations

import polars as pl
import pandera.polars as pa

CUTS = ["Fair", "Good", "Very Good", "Premium", "Ideal"]
COLORS = list("DEFGHIJ")
CLARITIES = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]


class Diamonds(pa.DataFrameModel):
    """One row per diamond; ``cut`` is the label."""

    diamond_id: str = pa.Field(unique=True, str_matches=r"^DM-\d{5}$")
    carat: float = pa.Field(in_range={"min_value": 0.1, "max_value": 6.0})
    cut: str = pa.Field(isin=CUTS)
    color: str = pa.Field(isin=COLORS)
    clarity: str = pa.Field(isin=CLARITIES)
    depth: float = pa.Field(in_range={"min_value": 40, "max_value": 80})
    table: float = pa.Field(in_range={"min_value": 40, "max_value": 100})
    price: int = pa.Field(in_range={"min_value": 300, "max_value": 20000})
    x: float = pa.Field(in_range={"min_value": 3, "max_value": 11})
    y: float = pa.Field(in_range={"min_value": 3, "max_value": 11})
    z: float = pa.Field(gt=0, le=7)

    class Config:
        strict = True
        name = "diamonds"

    @pa.check("diamond_id")
    def id_has_no_spaces(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key) == pl.col(data.key).str.strip_chars())

    @pa.dataframe_check
    def depth_matches_dimensions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """depth (%) is about 2*z/(x+y)*100; allow 5 points of slack."""
        computed = 200 * pl.col("z") / (pl.col("x") + pl.col("y"))
        return data.lazyframe.select((computed - pl.col("depth")).abs() <= 5)
