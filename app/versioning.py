"""The workspace's version store as the pages use it: open versions, add, edit, review, rollback.

The app keeps one store at ``<workspace>/versions`` (the CLI's default). A stored version is
opened by materialising it to ``<workspace>/checkouts/<data hash>.parquet``; the file is written
once per content hash, so results cached by fingerprint stay valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dataqa.app.current import Current
from dataqa.columns import ROW_ID
from dataqa.config import ProjectConfig
from dataqa.errors import VersionStoreError
from dataqa.io import read_dataset
from dataqa.versions import VersionRecord, VersionStore
from dataqa.versions._atomic import sink_parquet


def store(cfg: ProjectConfig) -> VersionStore:
    """The workspace's version store (may be empty)."""
    return VersionStore(cfg.workspace_path / "versions")


def history(cfg: ProjectConfig) -> list[VersionRecord]:
    """Every version, oldest first; empty when nothing was added yet."""
    s = store(cfg)
    if not (s.path / "HEAD").exists():
        return []
    return s.list()


def label(rec: VersionRecord) -> str:
    """``v3 · relabel · relabel 12 rows from review``."""
    return f"{rec.id} · {rec.kind.value} · {rec.message}"[:120]


def fingerprint(rec: VersionRecord) -> str:
    """Cache key of a version: its id and chained content hash."""
    return f"version:{rec.id}:{rec.data_hash[:12]}"


def open_version(cfg: ProjectConfig, ref: str) -> Current:
    """Materialise version ``ref`` to a Parquet file and return it as the current dataset.

    Rows keep the ids they had at import. When no row was dropped and the dataset has no key
    column, the ids are the row positions, so the file is written without the ``row_id`` column
    (suites then see exactly the dataset's own columns); otherwise ``row_id`` is kept as the key.
    The file is written with the store's atomic writer (temporary file, fsync, rename): a page
    stopped mid-write leaves no truncated checkout that a later open would trust.
    """
    s = store(cfg)
    rec = s.resolve(ref)
    meta = s.meta
    out = cfg.workspace_path / "checkouts" / f"{meta['dataset']}-{rec.data_hash[:16]}.parquet"
    id_column = meta.get("id_column")
    keep_row_id = id_column is None and s.dropped(rec.id).len() > 0
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        lf = s.checkout(rec.id)
        if not keep_row_id:
            lf = lf.drop(ROW_ID)
        sink_parquet(out, lf)
    return Current(path=str(out), name=f"{meta['dataset']} {rec.id}", fingerprint=fingerprint(rec),
                   version=rec.id, id_column=ROW_ID if keep_row_id else id_column,
                   label_column=meta.get("label_column"), dataset=meta["dataset"])


def add_current(cfg: ProjectConfig, cur: Current) -> VersionRecord:
    """Import the current dataset file as v1 of the (empty) store, freezing the eval split."""
    if cur.label_column is None:
        raise VersionStoreError("choose the label column on the Data page first: the evaluation "
                                "split is stratified by it")
    ds = read_dataset(cur.path, id_column=cur.id_column)
    name = cur.name.replace(" ", "_")
    return store(cfg).add(ds, name, label_column=cur.label_column,
                          eval_fraction=cfg.baseline.eval_fraction, seed=cfg.baseline.seed,
                          message=f"import {Path(cur.path).name}")


def ensure_version(cfg: ProjectConfig, cur: Current) -> str:
    """The store version the current dataset is: itself, or v1 after importing it.

    Raises ``VersionStoreError`` when the store already holds another dataset's history.
    """
    if cur.version is not None:
        return cur.version
    hist = history(cfg)
    if not hist:
        return add_current(cfg, cur).id
    src = store(cfg).meta.get("source_path")
    if src and Path(src).resolve() == Path(cur.path).resolve() and len(hist) == 1:
        return hist[0].id
    raise VersionStoreError(
        f"the version store already holds '{store(cfg).meta['dataset']}' ({hist[-1].id} is the newest); "
        "open one of its versions on the Data page before fixing rows"
    )


def edit_labels(cfg: ProjectConfig, cur: Current, edits: pl.DataFrame, who: str = "app") -> VersionRecord:
    """Commit ``row_id, new`` label edits as a manual-edit version on top of the current one."""
    parent = ensure_version(cfg, cur)
    cells = edits.select(pl.col(ROW_ID), pl.lit(cur.label_column).alias("column"),
                         pl.col("new").cast(pl.String))
    return store(cfg).edit_cells(cells, message=f"manual edit of {cells.height} label(s) in the app",
                                 source={"type": "user", "user": who}, expected_parent=parent)


def apply_review(cfg: ProjectConfig, cur: Current, changeset: Any, metadata: dict[str, Any] | None = None
                 ) -> VersionRecord:
    """Apply a Label Studio review changeset (frame or file) as a new version."""
    parent = ensure_version(cfg, cur)
    return store(cfg).apply_changeset(changeset, metadata=metadata, expected_parent=parent)


def rollback(cfg: ProjectConfig, ref: str, head: str) -> VersionRecord:
    """A new version whose content equals ``ref``, on top of ``head`` (the head the page showed).

    Like the other writes, a store that moved on since the page was drawn refuses
    (``ConcurrentWriteError``) rather than rolling back someone else's newer version.
    """
    return store(cfg).rollback(ref, source={"type": "user", "user": "app"}, expected_parent=head)


def diff(cfg: ProjectConfig, a: str, b: str) -> pl.DataFrame:
    """Row-level diff from ``a`` to ``b``; every change names the fix that made it."""
    return store(cfg).diff(a, b)


def timeline(records: list[VersionRecord]) -> pl.DataFrame:
    """One row per version for the timeline chart and table (newest last)."""
    return pl.DataFrame({
        "version": [r.id for r in records],
        "seq": [r.seq for r in records],
        "created": [r.created for r in records],
        "kind": [r.kind.value for r in records],
        "reviewed": [r.reviewed for r in records],
        "cells changed": [r.cells_changed for r in records],
        "rows changed": [r.rows_changed for r in records],
        "eval rows changed": [r.eval_rows_changed for r in records],
        "rows": [r.n_rows for r in records],
        "source": [_source(r.source) for r in records],
        "message": [r.message for r in records],
    })


def _source(src: dict[str, Any]) -> str:
    kind = src.get("type", "")
    if kind == "label-studio":
        who = ", ".join(src.get("annotators") or [])
        return f"Label Studio {src.get('project') or ''}" + (f" ({who})" if who else "")
    if kind == "user":
        return f"user {src.get('user', '')}".strip()
    if kind == "file":
        return f"file {Path(str(src.get('path', ''))).name}"
    return ", ".join(f"{k}={v}" for k, v in src.items())
