"""The frozen evaluation split: drawn once at import, read by the guard and the model ledger.

Above ``layout.py``; below the guard and the repository. Functions take the store folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from dataqa.errors import InputError, VersionStoreError
from dataqa.versions.layout import ROW_ID, SPLIT

__all__ = ["eval_row_ids", "eval_rows_among", "has_split", "make_split", "scan_split"]


def make_split(labels: pl.DataFrame, label: str, fraction: float, seed: int) -> pl.DataFrame:
    """Stratified, seeded evaluation split: ``round(fraction * class size)`` rows of each class.

    A class too small to give a row (``round`` to 0) stays wholly in training.
    """
    if not 0.0 < fraction < 1.0:
        raise InputError(f"eval_fraction must be between 0 and 1 (exclusive), got {fraction}")
    draw = np.random.default_rng(seed).random(labels.height)
    k = pl.col("__draw").rank("ordinal").over(label)
    return labels.with_columns(pl.Series("__draw", draw)).select(
        ROW_ID,
        pl.when(k <= (pl.len().over(label) * fraction).round()).then(pl.lit("eval"))
        .otherwise(pl.lit("train")).alias("split"),
    ).sort("split", ROW_ID)  # eval rows first, in their own row groups: lookups skip the train groups


def has_split(root: Path) -> bool:
    """Whether the store was imported with a label column (and so has a split)."""
    return (root / SPLIT).exists()


def scan_split(root: Path) -> pl.LazyFrame:
    """The frozen evaluation split: ``row_id, split`` (``eval`` or ``train``)."""
    if not has_split(root):
        raise VersionStoreError(
            f"{root}: no evaluation split (the dataset was added without a label column); "
            "re-add it with --label COL"
        )
    return pl.scan_parquet(root / SPLIT)


def eval_rows_among(root: Path, row_ids: pl.Series) -> pl.Series:
    """Which of ``row_ids`` are frozen evaluation rows (none when there is no split)."""
    if not has_split(root) or row_ids.is_empty():
        return row_ids.head(0)
    return (scan_split(root).filter(pl.col(ROW_ID).is_in(row_ids.implode()) & (pl.col("split") == "eval"))
            .select(ROW_ID).collect().to_series().sort())


def eval_row_ids(root: Path) -> pl.Series:
    """Row ids of the frozen evaluation split."""
    return scan_split(root).filter(pl.col("split") == "eval").select(ROW_ID).collect().to_series()
