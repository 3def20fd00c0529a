"""The version store: an immutable base snapshot plus append-only changesets, with lineage.

Layout of a store folder (default ``<workspace>/versions``)::

    store.json                  dataset name, id/label columns, split settings, base hash
    base.parquet                the imported rows, ``row_id`` first (never rewritten)
    split.parquet               frozen evaluation split: ``row_id, split`` (eval | train)
    changes/v<N>.cells.parquet  cells changed by version N: seq, row_id, column, old, new
    changes/v<N>.rows.parquet   rows dropped/restored by version N: seq, row_id, op, reason
    versions/v<N>.json          the lineage record (``VersionRecord``)
    HEAD                        {"head": "v<N>"}: the commit point, replaced atomically
    lock                        fcntl lock: writers run one at a time

A fix costs what it changes: one small Parquet of changed cells. See ``materialize.py`` for how
a version is read, and README "Reading a version without dataqa" for the polars/DuckDB recipe.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import polars as pl

from dataqa.errors import ConcurrentWriteError, VersionNotFound, VersionStoreError
from dataqa.versions import _atomic
from dataqa.versions.lineage import FixKind, VersionRecord, chain_hash, environment, now_iso
from dataqa.versions.materialize import CELL_SCHEMA, ROW_ID, ROWS_SCHEMA, materialize

if TYPE_CHECKING:  # pragma: no cover
    from dataqa.io import Dataset

FORMAT = 1


@dataclass
class PendingFix:
    """A fix computed against the head, before it is written.

    ``cells``: row_id, column, old, new (text); ``rows``: row_id, op, reason.
    """

    kind: FixKind
    reviewed: bool
    source: dict[str, Any]
    message: str
    cells: pl.DataFrame
    rows: pl.DataFrame
    report: dict[str, Any] = field(default_factory=dict)
    rollback_of: str | None = None


class VersionStore:
    """Versions of one dataset in a folder.

    Parameters
    ----------
    path:
        The store folder (created on ``add``).

    Examples
    --------
    >>> store = VersionStore(".dataqa/versions")            # doctest: +SKIP
    >>> store.add(read_dataset("data.csv"), "diamonds")     # doctest: +SKIP
    >>> store.checkout("v1").collect()                      # doctest: +SKIP
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # --- reading ---------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        """``store.json``: dataset name, columns, split settings."""
        try:
            meta: dict[str, Any] = json.loads((self.path / "store.json").read_text(encoding="utf-8"))
            return meta
        except FileNotFoundError:
            raise VersionNotFound(
                f"{self.path}: no version store here; import a dataset first: "
                "dataqa version add DATA --name NAME"
            ) from None

    def head(self) -> VersionRecord:
        """The newest complete version."""
        try:
            head = json.loads((self.path / "HEAD").read_text(encoding="utf-8"))["head"]
        except FileNotFoundError:
            raise VersionNotFound(
                f"{self.path}: the store has no version yet; import a dataset first: "
                "dataqa version add DATA --name NAME"
            ) from None
        return self._record(head)

    def _record(self, vid: str) -> VersionRecord:
        data = json.loads((self.path / "versions" / f"{vid}.json").read_text(encoding="utf-8"))
        return VersionRecord.from_json(data)

    def list(self) -> builtins.list[VersionRecord]:
        """Every version, oldest first (walked from HEAD through the parents)."""
        out = [self.head()]
        while out[-1].parent is not None:
            out.append(self._record(out[-1].parent))
        return out[::-1]

    def resolve(self, ref: str) -> VersionRecord:
        """A version by id (``v3``), number (``3``), ``head`` or ``head~K``.

        Raises
        ------
        VersionNotFound
            No such version in the history (the message lists the ids that exist).
        """
        history = self.list()
        r = ref.strip().lower()
        if r.startswith("head"):
            back = int(r[5:] or 0) if r[4:5] in ("~", "") else -1
            if 0 <= back < len(history):
                return history[-1 - back]
        else:
            seq = r[1:] if r.startswith("v") else r
            if seq.isdigit() and 1 <= int(seq) <= len(history):
                return history[int(seq) - 1]
        raise VersionNotFound(
            f"{self.path}: no version '{ref}'; versions are {history[0].id}..{history[-1].id} "
            "(or head, head~K)"
        )

    def show(self, ref: str) -> VersionRecord:
        """The lineage record of a version (counts; the cells are in ``changes(ref)``)."""
        return self.resolve(ref)

    def changes(self, ref: str) -> pl.DataFrame:
        """Exactly the cells a version changed (``row_id, column, old, new``) and its row ops."""
        rec = self.resolve(ref)
        cells = pl.read_parquet(self.path / rec.cells_file).drop("seq")
        rows = pl.read_parquet(self.path / rec.rows_file).drop("seq")
        ops = rows.select(
            ROW_ID, pl.lit("*").alias("column"),
            pl.when(pl.col("op") == "drop").then(pl.lit("present")).otherwise(pl.lit("dropped")).alias("old"),
            pl.when(pl.col("op") == "drop").then(pl.lit("dropped")).otherwise(pl.lit("present")).alias("new"),
        )
        return pl.concat([cells, ops.cast(cells.schema)])

    def chain(self, ref: str) -> builtins.list[VersionRecord]:
        """The versions from the import up to ``ref``, oldest first."""
        rec = self.resolve(ref)
        return self.list()[: rec.seq]

    def checkout(
        self, ref: str = "head", *, keep_dropped: bool = False, row_ids: pl.Series | None = None
    ) -> pl.LazyFrame:
        """The content of a version as a LazyFrame (``row_id`` first, import row order).

        ``row_ids`` reads only those rows (cheap); ``keep_dropped`` keeps dropped rows too.
        """
        chain = self.chain(ref)
        return materialize(
            self.path / "base.parquet",
            [self.path / r.cells_file for r in chain],
            [self.path / r.rows_file for r in chain],
            sorted({c for r in chain for c in r.columns_changed}),
            keep_dropped=keep_dropped,
            row_ids=row_ids,
        )

    def split(self) -> pl.LazyFrame:
        """The frozen evaluation split: ``row_id, split`` (``eval`` or ``train``)."""
        path = self.path / "split.parquet"
        if not path.exists():
            raise VersionStoreError(
                f"{self.path}: no evaluation split (the dataset was added without a label column); "
                "re-add it with --label COL"
            )
        return pl.scan_parquet(path)

    def dropped(self, ref: str) -> pl.Series:
        """Row ids dropped (and not restored) as of version ``ref``."""
        from dataqa.versions.materialize import dropped_rows, scan_changes

        chain = self.chain(ref)
        rid = pl.scan_parquet(self.path / "base.parquet").collect_schema()[ROW_ID]
        ops = scan_changes([self.path / r.rows_file for r in chain], "rows", rid)
        return dropped_rows(ops).collect().to_series()

    def eval_rows_among(self, row_ids: pl.Series) -> pl.Series:
        """Which of ``row_ids`` are frozen evaluation rows (none when there is no split)."""
        if not (self.path / "split.parquet").exists() or row_ids.is_empty():
            return row_ids.head(0)
        return (self.split().filter(pl.col(ROW_ID).is_in(row_ids.implode()) & (pl.col("split") == "eval"))
                .select(ROW_ID).collect().to_series().sort())

    def eval_row_ids(self) -> pl.Series:
        """Row ids of the frozen evaluation split."""
        return self.split().filter(pl.col("split") == "eval").select(ROW_ID).collect().to_series()

    # --- writing ---------------------------------------------------------------
    def _empty_changes(self, rid: pl.DataType) -> tuple[pl.DataFrame, pl.DataFrame]:
        cells = pl.DataFrame(schema={ROW_ID: rid, **{k: v for k, v in CELL_SCHEMA.items() if k != "seq"}})
        rows = pl.DataFrame(schema={ROW_ID: rid, **{k: v for k, v in ROWS_SCHEMA.items() if k != "seq"}})
        return cells, rows

    def _write_version(
        self, seq: int, parent: VersionRecord | None, fix: PendingFix, n_rows: int, base_hash: str
    ) -> VersionRecord:
        """Write the changeset files and the record, then move HEAD (the commit point)."""
        vid = f"v{seq}"
        (self.path / "changes").mkdir(parents=True, exist_ok=True)
        (self.path / "versions").mkdir(parents=True, exist_ok=True)
        cells_file, rows_file = f"changes/{vid}.cells.parquet", f"changes/{vid}.rows.parquet"
        seq_col = pl.lit(seq, pl.Int64).alias("seq")
        _atomic.write_parquet(self.path / cells_file, fix.cells.select(seq_col, pl.all()))
        _atomic.write_parquet(self.path / rows_file, fix.rows.select(seq_col, pl.all()))
        touched = pl.concat([fix.cells[ROW_ID], fix.rows[ROW_ID]]).unique()
        rec = VersionRecord(
            id=vid, seq=seq, parent=parent.id if parent else None, kind=fix.kind,
            reviewed=fix.reviewed, source=fix.source, message=fix.message, created=now_iso(),
            n_rows=n_rows, cells_changed=fix.cells.height, rows_changed=touched.len(),
            rows_dropped=int((fix.rows["op"] == "drop").sum()),
            rows_restored=int((fix.rows["op"] == "restore").sum()),
            eval_rows_changed=self.eval_rows_among(touched).len(),
            columns_changed=sorted(fix.cells["column"].unique().to_list()),
            data_hash=chain_hash(parent.data_hash if parent else base_hash,
                                 self.path / cells_file, self.path / rows_file),
            cells_file=cells_file, rows_file=rows_file, report=fix.report,
            environment=environment(), rollback_of=fix.rollback_of,
            settings={k: self.meta.get(k) for k in ("label_column", "id_column", "eval_fraction", "split_seed")},
        )
        _atomic.write_json(self.path / "versions" / f"{vid}.json", rec.to_json())
        _atomic.pause_for_tests()
        _atomic.write_json(self.path / "HEAD", {"head": vid})
        return rec

    def commit(
        self, build: Callable[[VersionRecord], PendingFix], *, expected_parent: str | None = None
    ) -> VersionRecord:
        """Compute a fix against the head and commit it, holding the writer lock throughout.

        Two writers run one after the other and both fixes are kept in order. With
        ``expected_parent``, a writer whose parent is no longer the head is refused instead.

        Raises
        ------
        ConcurrentWriteError
            ``expected_parent`` is set and another version was committed since.
        VersionStoreError
            The fix changes nothing (nothing is written).
        """
        from dataqa.versions.guard import check_automated_fix

        with _atomic.writer_lock(self.path / "lock"):
            head = self.head()
            if expected_parent is not None and head.id != self.resolve(expected_parent).id:
                raise ConcurrentWriteError(
                    f"{self.path}: another writer committed {head.id} after {expected_parent}; "
                    f"nothing was written: re-read {head.id} and apply the fix again"
                )
            fix = build(head)
            if fix.cells.is_empty() and fix.rows.is_empty():
                raise VersionStoreError(
                    f"{self.path}: the fix changes nothing compared with {head.id}; no version written"
                )
            check_automated_fix(self, fix)
            delta = int((fix.rows["op"] == "restore").sum()) - int((fix.rows["op"] == "drop").sum())
            return self._write_version(head.seq + 1, head, fix, head.n_rows + delta, "")

    # --- fixes (computed in fixes.py; the store is the one entry point) -------------
    def add(self, dataset: "Dataset", name: str, **kwargs: Any) -> VersionRecord:
        """Import ``dataset`` as version v1; see ``dataqa.versions.fixes.add``."""
        from dataqa.versions import fixes

        return fixes.add(self, dataset, name, **kwargs)

    def edit_cells(self, edits: pl.DataFrame, **kwargs: Any) -> VersionRecord:
        """Set cells (``row_id, column, new``); see ``dataqa.versions.fixes.edit_cells``."""
        from dataqa.versions import fixes

        return fixes.edit_cells(self, edits, **kwargs)

    def drop_rows(self, row_ids: Sequence[Any], reason: str, **kwargs: Any) -> VersionRecord:
        """Drop rows by id; see ``dataqa.versions.fixes.drop_rows``."""
        from dataqa.versions import fixes

        return fixes.drop_rows(self, row_ids, reason, **kwargs)

    def apply_changeset(self, changeset: str | Path | pl.DataFrame, **kwargs: Any) -> VersionRecord:
        """Apply a Label Studio review changeset; see ``dataqa.versions.fixes.apply_changeset``."""
        from dataqa.versions import fixes

        return fixes.apply_changeset(self, changeset, **kwargs)

    def rollback(self, ref: str, **kwargs: Any) -> VersionRecord:
        """A new version restoring ``ref``'s content; see ``dataqa.versions.fixes.rollback``."""
        from dataqa.versions import fixes

        return fixes.rollback(self, ref, **kwargs)

    def diff(self, ref_a: str, ref_b: str) -> pl.DataFrame:
        """Row-level differences between two versions; see ``dataqa.versions.diff.diff``."""
        from dataqa.versions.diff import diff

        return diff(self, ref_a, ref_b)
