"""The fixes that make versions: import, cell edits, dropped rows, review changesets, rollback.

Above the repository: each fix is a function of a ``Repository`` that computes a ``PendingFix``
against the head *inside* the writer lock (``Repository.commit``), so the ``old`` values it records
are exactly the parent's. The ``VersionStore`` front (``store.py``) calls these; nothing here
imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import polars as pl

from dataqa.changeset import KINDS, Changeset, read_changeset
from dataqa.errors import InputError, MissingColumnError, VersionStoreError
from dataqa.io import Dataset
from dataqa.versions import _atomic
from dataqa.versions.layout import (
    BASE,
    ROW_ID,
    SPLIT,
    STORE_META,
    empty_changes,
    examples,
    from_text,
    to_text,
)
from dataqa.versions.lineage import REVIEWED_KINDS, FixKind, PendingFix, VersionRecord, file_sha256, now_iso
from dataqa.versions.repository import Repository
from dataqa.versions.split import make_split

__all__ = ["add", "apply_changeset", "drop_rows", "edit_cells", "rollback"]


def add(
    store: Repository,
    dataset: Dataset,
    name: str,
    *,
    label_column: str | None = None,
    eval_fraction: float = 0.25,
    seed: int = 42,
    message: str = "",
    source: dict[str, Any] | None = None,
) -> VersionRecord:
    """Import ``dataset`` as version v1 of a new store, with its frozen evaluation split.

    Rows get a persistent ``row_id``: the id column's value, or the row position at import.

    Raises
    ------
    VersionStoreError
        The store already holds a dataset.
    MissingColumnError
        ``label_column`` is not in the data.
    """
    cols = dataset.columns
    if dataset.id_column is None and ROW_ID in cols:
        raise InputError(
            f"{dataset.path}: has a column named '{ROW_ID}'; pass --id {ROW_ID} if it identifies rows"
        )
    if label_column is not None and label_column not in cols:
        raise MissingColumnError(
            f"{dataset.path}: label column '{label_column}' not found; columns are {', '.join(cols)}",
            label_column, cols,
        )

    def write_base() -> tuple[PendingFix, int, str]:
        lf = dataset.with_row_id(ROW_ID)
        if dataset.id_column is None:
            lf = lf.with_columns(pl.col(ROW_ID).cast(pl.Int64))
        lf = lf.select(ROW_ID, *[c for c in cols if c != ROW_ID])
        base = store.path / BASE
        _atomic.sink_parquet(base, lf)
        n_rows = int(pl.scan_parquet(base).select(pl.len()).collect().item())
        if label_column is not None:
            labels = pl.scan_parquet(base).select(ROW_ID, label_column).collect()
            _atomic.write_parquet(store.path / SPLIT, make_split(labels, label_column, eval_fraction, seed))
        base_hash = file_sha256(base)
        _atomic.write_json(store.path / STORE_META, {
            "format": 1, "dataset": name, "source_path": dataset.path, "id_column": dataset.id_column,
            "label_column": label_column, "eval_fraction": eval_fraction, "split_seed": seed,
            "base_sha256": base_hash, "created": now_iso(),
        })
        cells, rows = empty_changes(store.row_id_dtype())
        fix = PendingFix(FixKind.IMPORT, True, source or {"type": "file", "path": dataset.path},
                         message or f"import {dataset.path}", cells, rows)
        return fix, n_rows, base_hash

    return store.commit_import(write_base)


def _cells_against(
    store: Repository, head: VersionRecord, edits: pl.DataFrame, current: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, int]:
    """Validate ``row_id, column, new`` edits against the head; add ``old``; drop no-op edits.

    ``current``: the head's rows already read (``row_id`` + the edited columns), to read them once.
    """
    for col in (ROW_ID, "column", "new"):
        if col not in edits.columns:
            raise MissingColumnError(f"cell edits need columns row_id, column, new; '{col}' is missing",
                                     col, edits.columns)
    schema = store.checkout(head.id).collect_schema()
    named = set(edits["column"].unique().to_list())
    unknown = sorted(named - set(schema.names()) | (named & {ROW_ID}))
    if unknown:
        raise MissingColumnError(
            f"cell edits name column(s) {', '.join(map(repr, unknown))} that cannot be edited; "
            f"columns are {', '.join(c for c in schema.names() if c != ROW_ID)}", unknown[0], schema.names())
    e = edits.select(pl.col(ROW_ID).cast(schema[ROW_ID]), "column",
                     pl.col("new") if edits.schema["new"] == pl.String else to_text(pl.col("new"), edits.schema["new"]))
    dup = e.filter(pl.struct(ROW_ID, "column").is_duplicated())
    if dup.height:
        raise InputError(f"cell edits set the same cell twice: row_id {examples(dup[ROW_ID].unique())}")
    columns = sorted(e["column"].unique().to_list())
    if e.is_empty():  # nothing to edit; the commit then refuses an empty fix
        return e.with_columns(pl.lit(None, pl.String).alias("old")).select(ROW_ID, "column", "old", "new"), 0
    parts = []
    for col in columns:  # a loop over the edited columns, not rows: parse, then normalise the text
        part = e.filter(pl.col("column") == col).with_columns(from_text(pl.col("new"), schema[col], strict=False).alias("__v"))
        bad = part.filter(pl.col("__v").is_null() & pl.col("new").is_not_null())
        if bad.height:
            raise InputError(f"cell edits: value {bad['new'][0]!r} is not a valid {schema[col]} for column "
                             f"'{col}' (row_id {examples(bad[ROW_ID])})")
        parts.append(part.with_columns(to_text(pl.col("__v"), schema[col]).alias("new")).drop("__v"))
    e = pl.concat(parts)
    ids = e[ROW_ID].unique()
    head_rows = current.lazy() if current is not None else store.checkout(head.id, row_ids=ids)
    old = (head_rows.join(ids.to_frame().lazy(), on=ROW_ID, how="semi")
           .select(ROW_ID, *[to_text(pl.col(c), schema[c]).alias(c) for c in columns])
           .unpivot(index=ROW_ID, variable_name="column", value_name="old").collect())
    out = e.join(old, on=[ROW_ID, "column"], how="left")
    missing = e.join(old, on=[ROW_ID], how="anti")[ROW_ID].unique()
    if missing.len():
        raise VersionStoreError(
            f"{store.path}: {missing.len()} row_id(s) are not in {head.id} (never imported, or dropped): "
            f"{examples(missing)}; nothing was written")
    changed = out.filter(~pl.col("old").eq_missing(pl.col("new")))
    return changed.select(ROW_ID, "column", "old", "new").sort(ROW_ID, "column"), out.height - changed.height


def edit_cells(
    store: Repository, edits: pl.DataFrame, *, message: str, kind: FixKind | str = FixKind.MANUAL_EDIT,
    source: dict[str, Any] | None = None, reviewed: bool | None = None, expected_parent: str | None = None,
) -> VersionRecord:
    """Commit cell edits (``row_id, column, new``) as a ``repair`` or ``manual_edit`` version.

    ``repair`` (rule-based) is automated and may not touch evaluation rows
    (``EvaluationIntegrityError``); ``manual_edit`` is a human's edit and may.
    """
    kind = FixKind(kind)
    is_reviewed = kind in REVIEWED_KINDS if reviewed is None else reviewed

    def build(head: VersionRecord) -> PendingFix:
        cells, no_ops = _cells_against(store, head, edits)
        _, rows = empty_changes(cells.schema[ROW_ID])
        return PendingFix(kind, is_reviewed, source or {"type": "user"}, message, cells, rows,
                          report={"unchanged_edits": no_ops})

    return store.commit(build, expected_parent=expected_parent)


def drop_rows(
    store: Repository, row_ids: Sequence[Any] | pl.Series, reason: str, *, message: str | None = None,
    source: dict[str, Any] | None = None, reviewed: bool = False, expected_parent: str | None = None,
) -> VersionRecord:
    """Commit a version without the given rows (automated unless ``reviewed``)."""
    def build(head: VersionRecord) -> PendingFix:
        rid = store.row_id_dtype()
        ids = pl.Series(ROW_ID, list(row_ids)).cast(rid).unique(maintain_order=True)
        present = store.checkout(head.id, row_ids=ids).select(ROW_ID)
        missing = ids.to_frame().join(present.collect(), on=ROW_ID, how="anti")[ROW_ID]
        if missing.len():
            raise VersionStoreError(f"{store.path}: cannot drop {missing.len()} row_id(s) not in {head.id}: "
                                    f"{examples(missing)}; nothing was written")
        cells, _ = empty_changes(rid)
        rows = ids.to_frame().with_columns(pl.lit("drop").alias("op"), pl.lit(reason).alias("reason"))
        return PendingFix(FixKind.DROP, reviewed, source or {"type": "user"},
                          message or f"drop {ids.len()} rows: {reason}", cells, rows)

    return store.commit(build, expected_parent=expected_parent)


def apply_changeset(
    store: Repository, changeset: Changeset | str | Path | pl.DataFrame, *, message: str | None = None,
    metadata: dict[str, Any] | None = None, source: dict[str, Any] | None = None,
    expected_parent: str | None = None,
) -> VersionRecord:
    """Apply the ``relabel`` rows of a Label Studio review changeset as a reviewed version.

    ``confirmed``/``unsure``/``tie``/``orphan`` rows are counted in the record's report, not
    applied. A relabel whose ``old_label`` is no longer the row's label (changed since the
    export) is skipped and reported as ``stale``. ``changeset``: a :class:`~dataqa.changeset.Changeset`,
    a file in the changeset contract (Parquet, or CSV with its sidecar), or a bare frame plus
    ``metadata``; ``metadata`` overrides the changeset's own.
    """
    if isinstance(changeset, pl.DataFrame):
        cs, meta = changeset, dict(metadata or {})
    else:
        read = changeset if isinstance(changeset, Changeset) else read_changeset(changeset)
        cs, meta = read.frame, {**read.meta, **(metadata or {})}
    for col in (ROW_ID, "kind", "new_label"):
        if col not in cs.columns:
            raise MissingColumnError(f"changeset: column '{col}' is missing (columns: {', '.join(cs.columns)})",
                                     col, cs.columns)
    label = meta.get("label_column") or store.meta.get("label_column")
    if not label:
        raise VersionStoreError(f"{store.path}: the changeset names no label_column and the store has none")
    counts = {k: int((cs["kind"] == k).sum()) for k in KINDS}
    relabel = cs.filter(pl.col("kind") == "relabel")
    names = relabel.get_column("annotators", default=pl.Series([], dtype=pl.String)).cast(pl.String)
    each = names.str.split(",").explode().str.strip_chars()
    annotators = sorted(each.filter(each.str.len_chars() > 0).unique().to_list())
    projects = relabel.get_column("project", default=pl.Series([], dtype=pl.String)).drop_nulls().unique().to_list()
    project = meta.get("project") or (str(projects[0]) if projects else None)

    def build(head: VersionRecord) -> PendingFix:
        rid = store.row_id_dtype()
        rel = relabel.with_columns(pl.col(ROW_ID).cast(rid))
        stale = pl.Series(ROW_ID, [], dtype=rid)
        current = store.checkout(head.id, row_ids=rel[ROW_ID]).select(ROW_ID, label).collect()
        if "old_label" in rel.columns:
            cur = current.select(ROW_ID, pl.col(label).cast(pl.String).alias("__cur"))
            rel = rel.join(cur, on=ROW_ID, how="left")
            is_stale = pl.col("__cur").is_not_null() & ~pl.col("__cur").eq_missing(pl.col("old_label").cast(pl.String))
            stale = rel.filter(is_stale)[ROW_ID]
            rel = rel.filter(~is_stale)
        # A label no row has (a typo, another dataset's classes) is a bad changeset, not a new class.
        classes = store.checkout(head.id).select(pl.col(label).cast(pl.String).unique()).collect().to_series()
        unknown = rel.filter(~pl.col("new_label").cast(pl.String).is_in(classes.implode()))
        if unknown.height:
            shown = ", ".join(f"{r!r} (row_id {i})" for i, r in unknown.select(ROW_ID, "new_label").head(5).rows())
            raise InputError(f"changeset: {unknown.height} relabel(s) to a class not in '{label}': {shown}; "
                             f"the classes are {', '.join(sorted(map(str, classes.drop_nulls())))}")
        edits = rel.select(ROW_ID, pl.lit(label).alias("column"), pl.col("new_label").cast(pl.String).alias("new"))
        cells, no_ops = _cells_against(store, head, edits, current)
        _, rows = empty_changes(rid)
        report = {"changeset": counts, "applied": cells.height, "already_so": no_ops,
                  "stale": stale.len(), "stale_rows": stale.head(20).to_list(),
                  "changeset_version": meta.get("version"), "label_column": label}
        src = source or {"type": meta.get("source", "label-studio"), "project": project, "annotators": annotators}
        return PendingFix(FixKind.RELABEL, True, src,
                          message or f"relabel {cells.height} rows from review ({project or 'Label Studio'})",
                          cells, rows, report=report)

    return store.commit(build, expected_parent=expected_parent)


def rollback(
    store: Repository, ref: str, *, message: str | None = None, source: dict[str, Any] | None = None,
    expected_parent: str | None = None,
) -> VersionRecord:
    """Commit a new version whose content equals version ``ref`` (history is kept)."""
    def build(head: VersionRecord) -> PendingFix:
        target = store.resolve(ref)
        columns = sorted({c for r in store.chain(head.id) for c in r.columns_changed})
        schema = store.checkout(head.id).collect_schema()

        def latent(v: str, name: str) -> pl.LazyFrame:
            return (store.checkout(v, keep_dropped=True)
                    .select(ROW_ID, *[to_text(pl.col(c), schema[c]).alias(c) for c in columns])
                    .unpivot(index=ROW_ID, variable_name="column", value_name=name))

        cells = (latent(head.id, "old").join(latent(target.id, "new"), on=[ROW_ID, "column"])
                 .filter(~pl.col("old").eq_missing(pl.col("new"))).sort(ROW_ID, "column").collect()
                 if columns else empty_changes(schema[ROW_ID])[0])
        gone_now, gone_then = store.dropped(head.id).to_frame(), store.dropped(target.id).to_frame()
        rows = pl.concat([
            gone_now.join(gone_then, on=ROW_ID, how="anti").with_columns(pl.lit("restore").alias("op")),
            gone_then.join(gone_now, on=ROW_ID, how="anti").with_columns(pl.lit("drop").alias("op")),
        ]).with_columns(pl.lit(f"rollback to {target.id}").alias("reason"))
        return PendingFix(FixKind.ROLLBACK, True, source or {"type": "user"},
                          message or f"rollback to {target.id}", cells, rows, rollback_of=target.id)

    return store.commit(build, expected_parent=expected_parent)
