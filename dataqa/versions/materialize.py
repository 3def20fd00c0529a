"""Read any version lazily: the base snapshot plus the changesets up to it, in one polars query.

Above ``layout.py`` (names, schemas, text codec); below the repository, which calls ``materialize``.

Layout read here (all Parquet, all readable by any tool):

- ``base.parquet``: the imported rows, ``row_id`` first.
- ``changes/v<N>.cells.parquet``: ``seq, row_id, column, old, new`` (values as text).
- ``changes/v<N>.rows.parquet``: ``seq, row_id, op, reason`` (``op`` is ``drop`` or ``restore``).

Version N = base, each cell set to the ``new`` of its last edit with ``seq <= N``, minus the rows
whose last row op with ``seq <= N`` is ``drop``. History is linear, so ``seq`` order is history
order; files of a version that never reached ``HEAD`` have ``seq`` above it and are never read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import polars as pl

from dataqa.versions.layout import CELL_SCHEMA, ROW_ID, ROWS_SCHEMA, from_text

__all__ = ["apply_cells", "dropped_rows", "last_cell_values", "materialize", "scan_changes"]


def scan_changes(files: Sequence[Path], kind: str, row_id_dtype: pl.DataType) -> pl.LazyFrame:
    """All cell (``kind="cells"``) or row-op (``kind="rows"``) changes of the given files."""
    spec = dict(CELL_SCHEMA if kind == "cells" else ROWS_SCHEMA)
    schema = {"seq": spec.pop("seq"), ROW_ID: row_id_dtype, **spec}
    if not files:
        return pl.LazyFrame(schema=schema)
    return pl.scan_parquet([str(f) for f in files]).select(list(schema))


def last_cell_values(cells: pl.LazyFrame) -> pl.LazyFrame:
    """The last edit of each (row_id, column): its ``new`` value and the ``seq`` that set it."""
    return (
        cells.sort("seq", maintain_order=True)
        .unique(subset=[ROW_ID, "column"], keep="last", maintain_order=True)
        .select(ROW_ID, "column", "new", "seq")
    )


def dropped_rows(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Row ids whose last row op is ``drop``."""
    last = rows.sort("seq", maintain_order=True).unique(subset=[ROW_ID], keep="last")
    return last.filter(pl.col("op") == "drop").select(ROW_ID)


def apply_cells(
    base: pl.LazyFrame, cells: pl.LazyFrame, columns: Sequence[str], schema: pl.Schema
) -> pl.LazyFrame:
    """Overlay the last edit of each cell on ``base`` (one left join per edited column)."""
    last = last_cell_values(cells)
    out = base
    for i, col in enumerate(columns):
        new, hit = f"__new_{i}", f"__hit_{i}"
        edits = last.filter(pl.col("column") == col).select(
            ROW_ID, pl.col("new").alias(new), pl.lit(True).alias(hit)
        )
        out = (
            out.join(edits, on=ROW_ID, how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col(hit).fill_null(False))
                .then(from_text(pl.col(new), schema[col]))
                .otherwise(pl.col(col))
                .alias(col)
            )
            .drop(new, hit)
        )
    return out


def materialize(
    base_file: Path,
    cells_files: Sequence[Path],
    rows_files: Sequence[Path],
    columns_changed: Sequence[str],
    *,
    keep_dropped: bool = False,
    row_ids: pl.Series | None = None,
) -> pl.LazyFrame:
    """The content of a version as a LazyFrame (``row_id`` first, base row order).

    ``keep_dropped=True`` gives every row's latest values including dropped rows (used to
    compute rollbacks and diffs). ``row_ids`` restricts the result to those rows, filtering the
    base before the overlays: reading a fix's rows costs what the fix touches, not the table.
    """
    base = pl.scan_parquet(base_file)
    schema = base.collect_schema()
    if row_ids is not None:
        base = base.filter(pl.col(ROW_ID).is_in(row_ids.cast(schema[ROW_ID]).implode()))
    rid = schema[ROW_ID]
    out = apply_cells(base, scan_changes(cells_files, "cells", rid), columns_changed, schema)
    if not keep_dropped and rows_files:
        gone = dropped_rows(scan_changes(rows_files, "rows", rid))
        out = out.join(gone, on=ROW_ID, how="anti", maintain_order="left")
    return out
