"""The changeset: what reviewers decided, one row per reviewed task, for the version store.

Columns (the shared contract): ``row_id``, ``kind`` (relabel | confirmed | unsure | tie | orphan),
``old_label``, ``new_label``, ``annotators`` (comma-joined), ``annotated_at`` (ISO time of the
latest annotation), ``task_id``, ``project``. Parquet metadata ``dataqa`` holds JSON
``{"dataset", "version", "label_column", "project", "source": "label-studio"}``.

Only ``relabel`` rows change data. ``tie`` (reviewers disagree with no majority) and ``orphan``
(the row is not in the dataset any more) are reported, never applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dataqa.errors import FileFormatError
from dataqa.labeling.labelstudio.csvsafe import restore_formula_text, write_safe_csv

KINDS = ("relabel", "confirmed", "unsure", "tie", "orphan")
# row_id keeps its type: Int64 for row positions, String for key values.
SCHEMA = {"kind": pl.String, "old_label": pl.String, "new_label": pl.String,
          "annotators": pl.String, "annotated_at": pl.String, "task_id": pl.Int64, "project": pl.String}


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
            p.with_name(p.name + ".meta.json").write_text(json.dumps(self.meta, indent=2), encoding="utf-8")
            return p
        import pyarrow.parquet as pq

        table = self.frame.to_arrow()
        meta = dict(table.schema.metadata or {})
        meta[b"dataqa"] = json.dumps(self.meta).encode()
        pq.write_table(table.replace_schema_metadata(meta), p)
        return p


def read_changeset(path: str | Path) -> Changeset:
    """Read a changeset written by :meth:`Changeset.write` (Parquet or CSV + sidecar)."""
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(f"{p}: no such changeset file (write one with `dataqa label pull`)", str(p))
    try:
        if p.suffix.lower() == ".csv":
            df = restore_formula_text(pl.read_csv(p, schema_overrides=SCHEMA))
            df = df.select("row_id", *SCHEMA)
            side = p.with_name(p.name + ".meta.json")
            meta = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
        else:
            import pyarrow.parquet as pq

            raw = (pq.read_schema(p).metadata or {}).get(b"dataqa")
            meta = json.loads(raw) if raw else {}
            df = pl.read_parquet(p)
    except (OSError, ValueError, pl.exceptions.PolarsError) as exc:
        raise FileFormatError(f"{p}: cannot read changeset: {str(exc).splitlines()[0]}", str(p)) from None
    return Changeset(df, meta)
