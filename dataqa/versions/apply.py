"""Apply a fix file as a new version, choosing the fix kind from the file's columns.

Above ``fixes.py`` (it only picks the fix and reads the file, once); below the ``VersionStore``
front and ``dataqa version apply``, which stay free of this policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dataqa.changeset import is_changeset, read_changeset
from dataqa.errors import InputError, MissingColumnError
from dataqa.io import read_dataset
from dataqa.versions import fixes
from dataqa.versions.layout import ROW_ID
from dataqa.versions.lineage import VersionRecord
from dataqa.versions.repository import Repository

__all__ = ["APPLY_KINDS", "apply_file", "fix_kind_of"]

#: ``auto`` picks one of the others from the file's columns (``fix_kind_of``).
APPLY_KINDS = ("auto", "relabel", "repair", "manual_edit", "drop")


def fix_kind_of(columns: list[str]) -> str:
    """The fix a file's columns describe: a review changeset (``kind, new_label``) is a relabel,
    cell edits (``column, new``) a manual edit, anything else a list of rows to drop."""
    if is_changeset(columns):
        return "relabel"
    return "manual_edit" if {"column", "new"} <= set(columns) else "drop"


def apply_file(
    store: Repository, path: str | Path, kind: str = "auto", *, message: str | None = None,
    reason: str = "dropped", reviewed: bool = False, source: dict[str, Any] | None = None,
    expected_parent: str | None = None,
) -> VersionRecord:
    """Apply the fix in ``path`` (CSV, Parquet or JSON Lines) as a new version.

    ``kind="auto"`` reads the fix kind from the columns (see ``fix_kind_of``). A review changeset
    is read through the changeset contract (``dataqa.changeset``: spreadsheet escapes undone,
    ``.meta.json`` sidecar read); other files through ``dataqa.io``. ``reason`` and ``reviewed``
    apply to drops. The file is read once.

    Raises
    ------
    InputError
        Unknown ``kind``, or an unreadable file (``FileFormatError``) or missing column.
    VersionStoreError
        The store refused the fix (nothing was written).
    """
    if kind not in APPLY_KINDS:
        raise InputError(f"unknown fix kind '{kind}'; kinds are {', '.join(APPLY_KINDS)}")
    p = Path(path)
    ds = read_dataset(p, check_ids=False)  # lazy: only the header/schema is read here
    k = fix_kind_of(ds.columns) if kind == "auto" else kind
    if k == "relabel":
        return fixes.apply_changeset(store, read_changeset(p), message=message, source=source,
                                     expected_parent=expected_parent)
    frame = ds.collect()
    if k == "drop":
        if ROW_ID not in frame.columns:
            raise MissingColumnError(f"{p}: rows to drop need a '{ROW_ID}' column; columns are "
                                     f"{', '.join(frame.columns)}", ROW_ID, frame.columns)
        return fixes.drop_rows(store, frame[ROW_ID], reason, message=message, reviewed=reviewed,
                               source=source, expected_parent=expected_parent)
    edits = frame.with_columns(pl.col("new").cast(pl.String)) if "new" in frame.columns else frame
    return fixes.edit_cells(store, edits, message=message or f"{k} of {frame.height} cells from {p.name}",
                            kind=k, source=source, expected_parent=expected_parent)
