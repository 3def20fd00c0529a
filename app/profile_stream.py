"""The streamed profile, as the workbench's worker runs it: one column group at a time.

Run in a worker process (``dataqa.app.worker``): it only computes and reports each group's
columns as they are done, so the Data page fills in while the rest is computed. It imports
neither Streamlit nor the heavy parts of dataqa (scikit-learn, Label Studio), so the worker starts fast.
"""

from __future__ import annotations

import math

import polars as pl

from dataqa.app.worker import Report
from dataqa.errors import FileFormatError
from dataqa.io import Dataset, collect, read_dataset
from dataqa.validation.profile import duplicate_row_exprs, profile
from dataqa.validation.profile_model import ColumnProfile, Profile

#: Columns profiled per step of the streamed profile: small enough that the first results show
#: early on a wide table, large enough that polars still runs a step's columns in parallel.
GROUP_COLUMNS = 4


def column_groups(names: list[str], size: int = GROUP_COLUMNS) -> list[list[str]]:
    """``names`` cut into consecutive groups of at most ``size`` columns (at least one group)."""
    if not names:
        return [[]]
    n = math.ceil(len(names) / size)
    return [names[i * size:(i + 1) * size] for i in range(n)]


def profile_in_groups(path: str, id_column: str | None, progress: Report,
                      group_size: int = GROUP_COLUMNS) -> Profile:
    """``dataqa.validation.profile.profile`` of a dataset, one column group at a time.

    Each group is profiled by the library's own ``profile`` on just its columns and reported as a
    partial result (a list of ``ColumnProfile``); the table-level statistics (duplicate rows and
    ids) come last, from the columns' distinct counts. The result equals ``profile(path)``.
    Parquet is read per group (only the group's columns); CSV and JSON Lines are parsed once.
    """
    ds = read_dataset(path, id_column=id_column, check_ids=False)
    if ds.format != "parquet":
        try:
            ds = Dataset(path=ds.path, lf=collect(ds.lf, ds.path).lazy(), id_column=ds.id_column,
                         format=ds.format)
        except FileFormatError:
            # a mixed-type CSV: the library re-reads it as text, with a note; in one step
            prof = profile(path, id_column=id_column)
            progress(1, 1, prof.columns)
            return prof
    groups = column_groups(ds.columns, group_size)
    total = len(groups) + 1
    columns: list[ColumnProfile] = []
    notes: list[str] = []
    rows = 0
    for i, group in enumerate(groups):
        part = profile(Dataset(path=ds.path, lf=ds.lf.select(group), id_column=None, format=ds.format),
                       duplicates=False)  # counted once over the whole table below
        rows = part.rows
        notes += [n for n in part.notes if n not in notes]
        columns += part.columns
        progress(i + 1, total, part.columns)
    dup_rows, dup_ids, id_notes = _table_stats(ds, columns, rows)
    progress(total, total, None)
    return Profile(source=ds.path, rows=rows, n_columns=len(columns), duplicate_rows=dup_rows,
                   columns=columns, id_column=ds.id_column, duplicate_ids=dup_ids, notes=notes + id_notes)


def _table_stats(ds: Dataset, columns: list[ColumnProfile], rows: int) -> tuple[int, int | None, list[str]]:
    """Duplicate rows (the library's expressions, fed the columns' distinct counts) and duplicate ids."""
    names = [c.name for c in columns]
    kinds = {c.name: c.kind for c in columns}
    distinct = {f"c{i}_approx": c.distinct for i, c in enumerate(columns)}
    exprs: list[pl.Expr] = duplicate_row_exprs(names, kinds, distinct) if names and rows else []
    id_col = ds.id_column
    if id_col is not None:
        exprs += [pl.col(id_col).drop_nulls().n_unique().alias("__id_distinct"),
                  pl.col(id_col).null_count().alias("__id_nulls")]
    if not exprs:
        return 0, None, []
    row = collect(ds.lf.select(exprs), ds.path).row(0, named=True)
    dup_rows = int(row["__dup_candidates"]) - int(row["__dup_distinct"]) if names and rows else 0
    if id_col is None:
        return dup_rows, None, []
    notes = [f"id column '{id_col}' has {row['__id_nulls']} null value(s)"] if row["__id_nulls"] else []
    return dup_rows, rows - int(row["__id_nulls"]) - int(row["__id_distinct"]), notes


