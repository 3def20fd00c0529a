"""The changeset contract: what reviewers decided, one row per reviewed task.

Written by Label Studio's pull (``dataqa.labeling.labelstudio``) and read by the version store
(``dataqa version apply``): both import this module, so a changeset means one thing on both sides.
It sits in the dataqa core, below both; it imports only ``columns``, ``csvsafe`` and ``errors``.

Columns: ``row_id``, ``kind`` (relabel | confirmed | unsure | tie | orphan), ``old_label``,
``new_label``, ``annotators`` (comma-joined), ``annotated_at`` (ISO time of the latest annotation),
``task_id``, ``project``. Only ``row_id``, ``kind`` and ``new_label`` are required to apply one.
The metadata ``{"dataset", "version", "label_column", "project", "source": "label-studio"}`` is
the Parquet key-value metadata ``dataqa``, or for CSV the sidecar ``<name>.meta.json``.

A CSV is written for people (text that a spreadsheet would run as a formula gets a leading ``'``,
see ``csvsafe``) and read back exactly: labels stay text (``007``, ``-1``, ``=1+1``, ``+3`` come back
as written), and ``row_id`` comes back as Int64 when every value is a plain integer, else as text;
the version store casts it to its own id type.

Only ``relabel`` rows change data. ``tie`` (reviewers disagree with no majority) and ``orphan``
(the row is not in the dataset any more) are reported, never applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.csvsafe import restore_formula_text, write_safe_csv
from dataqa.errors import FileFormatError, MissingColumnError

__all__ = ["KINDS", "REQUIRED", "SCHEMA", "Changeset", "is_changeset", "read_changeset", "sidecar_path"]

KINDS = ("relabel", "confirmed", "unsure", "tie", "orphan")
#: The columns a changeset must have to be applied.
REQUIRED = (ROW_ID, "kind", "new_label")
# row_id keeps its type: Int64 for row positions, String for key values.
SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(), "old_label": pl.String(), "new_label": pl.String(), "annotators": pl.String(),
    "annotated_at": pl.String(), "task_id": pl.Int64(), "project": pl.String(),
}
_PLAIN_INT = r"^(0|-?[1-9][0-9]{0,17})$"  # no leading zero, fits Int64: the text round-trips


def is_changeset(columns: Iterable[str]) -> bool:
    """Whether a table with these columns is a review changeset (rather than cell edits or drops)."""
    return {"kind", "new_label"} <= set(columns)


def sidecar_path(path: Path) -> Path:
    """Where a CSV changeset's metadata lives: ``<name>.meta.json`` beside it."""
    return path.with_name(path.name + ".meta.json")


@dataclass(frozen=True)
class Changeset:
    """Reviewers' decisions: ``frame`` (the contract's columns) and ``meta`` (the metadata JSON)."""

    frame: pl.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Number of rows per kind (every kind present, zero when absent)."""
        got = dict(self.frame.group_by("kind").len().iter_rows())
        return {k: int(got.get(k, 0)) for k in KINDS}

    @property
    def relabels(self) -> pl.DataFrame:
        """The rows to apply: ``kind == "relabel"``."""
        return self.frame.filter(pl.col("kind") == "relabel")

    def summary(self) -> str:
        """One line for people."""
        parts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        return f"changeset from project '{self.meta.get('project')}': {parts}"

    def write(self, path: str | Path) -> Path:
        """Write as Parquet (with metadata) or, for ``.csv``, as a spreadsheet-safe CSV.

        The CSV gets the metadata in a ``<name>.meta.json`` sidecar.
        """
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() == ".csv":
            write_safe_csv(self.frame, p)
            sidecar_path(p).write_text(json.dumps(self.meta, indent=2), encoding="utf-8")
            return p
        self.frame.write_parquet(p, metadata={"dataqa": json.dumps(self.meta)})
        return p


def _check_columns(df: pl.DataFrame, p: Path) -> None:
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise MissingColumnError(
            f"{p}: a changeset needs columns {', '.join(REQUIRED)}; missing {', '.join(missing)} "
            f"(columns: {', '.join(df.columns)})", missing[0], df.columns)


def _read_csv(p: Path) -> tuple[pl.DataFrame, dict[str, Any]]:
    # Every column as text first: the formula escape is undone on text, and labels such as
    # "007" or "-1" must not become numbers.
    df = restore_formula_text(pl.read_csv(p, infer_schema_length=0))
    _check_columns(df, p)
    rid = df[ROW_ID]
    plain = rid.drop_nulls().str.contains(_PLAIN_INT).all()
    df = df.select(
        pl.col(ROW_ID).cast(pl.Int64) if plain else pl.col(ROW_ID),
        *[pl.col(c).cast(t) for c, t in SCHEMA.items() if c in df.columns],
    )
    side = sidecar_path(p)
    meta = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
    return df, meta


def read_changeset(path: str | Path) -> Changeset:
    """Read a changeset written by :meth:`Changeset.write` (Parquet, or CSV + sidecar).

    Raises
    ------
    FileFormatError
        The file is missing or unreadable (the message names it).
    MissingColumnError
        A required column (``row_id``, ``kind``, ``new_label``) is absent.
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(f"{p}: no such changeset file (write one with `dataqa label pull`)", str(p))
    try:
        if p.suffix.lower() == ".csv":
            df, meta = _read_csv(p)
        else:
            raw = pl.read_parquet_metadata(p).get("dataqa")
            meta = json.loads(raw) if raw else {}
            df = pl.read_parquet(p)
            _check_columns(df, p)
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        raise FileFormatError(f"{p}: cannot read changeset: {str(exc).splitlines()[0]}", str(p)) from None
    if not isinstance(meta, dict):
        raise FileFormatError(f"{p}: the changeset metadata is not a JSON object", str(p))
    return Changeset(df, meta)
