"""The store's storage layout: file names, table schemas, empty change frames, the text codec.

The bottom of ``dataqa.versions``: it imports nothing from the package. Every module above reads
and writes the store's files through the names and schemas defined here (see ``README.md``)::

    store.json                  dataset name, id/label columns, split settings, base hash
    base.parquet                the imported rows, ``row_id`` first (never rewritten)
    split.parquet               frozen evaluation split: ``row_id, split`` (eval | train)
    changes/v<N>.cells.parquet  cells changed by version N: seq, row_id, column, old, new
    changes/v<N>.rows.parquet   rows dropped/restored by version N: seq, row_id, op, reason
    versions/v<N>.json          the lineage record (``VersionRecord``)
    HEAD                        {"head": "v<N>"}: the commit point, replaced atomically
    lock                        fcntl lock: writers run one at a time

Values in ``old``/``new`` are text: ``to_text`` writes them and ``from_text`` inverts it exactly.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dataqa.columns import ROW_ID

__all__ = [
    "BASE", "CELL_SCHEMA", "HEAD", "LOCK", "ROWS_SCHEMA", "ROW_ID", "SPLIT", "STORE_META",
    "base_row_id_dtype", "cells_file", "empty_changes", "examples", "from_text", "record_file",
    "rows_file", "to_text",
]

BASE = "base.parquet"
SPLIT = "split.parquet"
STORE_META = "store.json"
HEAD = "HEAD"
LOCK = "lock"
CELL_SCHEMA: dict[str, pl.DataType] = {"seq": pl.Int64(), "column": pl.String(), "old": pl.String(),
                                       "new": pl.String()}
ROWS_SCHEMA: dict[str, pl.DataType] = {"seq": pl.Int64(), "op": pl.String(), "reason": pl.String()}


def cells_file(vid: str) -> str:
    """The cells changeset of version ``vid``, relative to the store folder."""
    return f"changes/{vid}.cells.parquet"


def rows_file(vid: str) -> str:
    """The row-ops changeset of version ``vid``, relative to the store folder."""
    return f"changes/{vid}.rows.parquet"


def record_file(vid: str) -> str:
    """The lineage record of version ``vid``, relative to the store folder."""
    return f"versions/{vid}.json"


def base_row_id_dtype(root: Path) -> pl.DataType:
    """The type of ``row_id`` in the base snapshot (Int64 for row positions, else the key's)."""
    return pl.scan_parquet(root / BASE).collect_schema()[ROW_ID]


def empty_changes(rid: pl.DataType) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Empty cells (``row_id, column, old, new``) and row ops (``row_id, op, reason``) of a fix."""
    cells = pl.DataFrame(schema={ROW_ID: rid, **{k: v for k, v in CELL_SCHEMA.items() if k != "seq"}})
    rows = pl.DataFrame(schema={ROW_ID: rid, **{k: v for k, v in ROWS_SCHEMA.items() if k != "seq"}})
    return cells, rows


def examples(s: pl.Series, n: int = 5) -> str:
    """The first ``n`` values of ``s`` for an error message (``...`` when there are more)."""
    return ", ".join(map(str, s.head(n).to_list())) + (" ..." if s.len() > n else "")


def to_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A cell value as the text stored in a changeset (``from_text`` inverts it exactly).

    Floats use polars' shortest round-trip representation, so no precision is lost.
    """
    if dtype == pl.Boolean:
        return pl.when(expr).then(pl.lit("true")).when(~expr).then(pl.lit("false"))
    return expr.cast(pl.String)


def from_text(expr: pl.Expr, dtype: pl.DataType, *, strict: bool = True) -> pl.Expr:
    """Parse changeset text back into the column's dtype (``strict=False``: bad text -> null)."""
    if dtype == pl.String:
        return expr
    if dtype == pl.Boolean:
        return pl.when(expr == "true").then(True).when(expr == "false").then(False)
    if isinstance(dtype, pl.Datetime):
        return expr.str.to_datetime(time_unit=dtype.time_unit, time_zone=dtype.time_zone, strict=strict)
    if dtype == pl.Date:
        return expr.str.to_date(strict=strict)
    return expr.cast(dtype, strict=strict)
