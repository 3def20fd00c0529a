"""The repository: read versions, and commit a ``PendingFix`` as the next one.

Above ``layout``, ``materialize``, ``split``, ``guard`` and ``lineage``; below the fixes (which
compute ``PendingFix`` objects and hand them to ``commit``), ``diff``, ``recipe`` and the
``VersionStore`` front. A fix costs what it changes: one small Parquet of changed cells. See
``layout.py`` for the files and ``README.md`` for reading a version without dataqa.
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any, Callable

import polars as pl

from dataqa.errors import ConcurrentWriteError, VersionNotFound, VersionStoreError
from dataqa.versions import _atomic, split
from dataqa.versions.guard import check_automated_fix
from dataqa.versions.layout import (
    BASE,
    HEAD,
    LOCK,
    ROW_ID,
    STORE_META,
    base_row_id_dtype,
    cells_file,
    record_file,
    rows_file,
)
from dataqa.versions.lineage import PendingFix, VersionRecord, chain_hash, environment, now_iso
from dataqa.versions.materialize import dropped_rows, materialize, scan_changes

__all__ = ["Repository"]

_NO_STORE = "import a dataset first: dataqa version add DATA --name NAME"


class Repository:
    """Versions of one dataset in a folder: reading, and the one commit path.

    Parameters
    ----------
    path:
        The store folder (created by ``fixes.add``).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # --- reading ---------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        """``store.json``: dataset name, columns, split settings."""
        try:
            meta: dict[str, Any] = json.loads((self.path / STORE_META).read_text(encoding="utf-8"))
            return meta
        except FileNotFoundError:
            raise VersionNotFound(f"{self.path}: no version store here; {_NO_STORE}") from None

    def exists(self) -> bool:
        """Whether the store holds a dataset (a committed import)."""
        return (self.path / HEAD).exists()

    def head(self) -> VersionRecord:
        """The newest complete version."""
        try:
            head = json.loads((self.path / HEAD).read_text(encoding="utf-8"))["head"]
        except FileNotFoundError:
            raise VersionNotFound(f"{self.path}: the store has no version yet; {_NO_STORE}") from None
        return self._record(str(head))

    def _record(self, vid: str) -> VersionRecord:
        data = json.loads((self.path / record_file(vid)).read_text(encoding="utf-8"))
        return VersionRecord.from_json(data)

    def list(self) -> builtins.list[VersionRecord]:
        """Every version, oldest first (walked from HEAD through the parents)."""
        out = [self.head()]
        while out[-1].parent is not None:
            out.append(self._record(str(out[-1].parent)))
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
            tail = r[5:]  # "head~K": a non-number K is an unknown version, not a crash
            back = int(tail or 0) if r[4:5] in ("~", "") and (tail.isdigit() or not tail) else -1
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
            self.path / BASE,
            [self.path / r.cells_file for r in chain],
            [self.path / r.rows_file for r in chain],
            sorted({c for r in chain for c in r.columns_changed}),
            keep_dropped=keep_dropped,
            row_ids=row_ids,
        )

    def row_id_dtype(self) -> pl.DataType:
        """The type of ``row_id`` (Int64 for row positions, else the key column's)."""
        return base_row_id_dtype(self.path)

    def split(self) -> pl.LazyFrame:
        """The frozen evaluation split: ``row_id, split`` (``eval`` or ``train``)."""
        return split.scan_split(self.path)

    def dropped(self, ref: str) -> pl.Series:
        """Row ids dropped (and not restored) as of version ``ref``."""
        chain = self.chain(ref)
        ops = scan_changes([self.path / r.rows_file for r in chain], "rows", self.row_id_dtype())
        return dropped_rows(ops).collect().to_series()

    def eval_rows_among(self, row_ids: pl.Series) -> pl.Series:
        """Which of ``row_ids`` are frozen evaluation rows (none when there is no split)."""
        return split.eval_rows_among(self.path, row_ids)

    def eval_row_ids(self) -> pl.Series:
        """Row ids of the frozen evaluation split."""
        return split.eval_row_ids(self.path)

    # --- writing ---------------------------------------------------------------
    def _write_version(
        self, seq: int, parent: VersionRecord | None, fix: PendingFix, n_rows: int, base_hash: str
    ) -> VersionRecord:
        """Write the changeset files and the record, then move HEAD (the commit point)."""
        vid = f"v{seq}"
        (self.path / "changes").mkdir(parents=True, exist_ok=True)
        (self.path / "versions").mkdir(parents=True, exist_ok=True)
        cells, rows = cells_file(vid), rows_file(vid)
        seq_col = pl.lit(seq, pl.Int64).alias("seq")
        _atomic.write_parquet(self.path / cells, fix.cells.select(seq_col, pl.all()))
        _atomic.write_parquet(self.path / rows, fix.rows.select(seq_col, pl.all()))
        touched = pl.concat([fix.cells[ROW_ID], fix.rows[ROW_ID]]).unique()
        rec = VersionRecord(
            id=vid, seq=seq, parent=parent.id if parent else None, kind=fix.kind,
            reviewed=fix.reviewed, source=fix.source, message=fix.message, created=now_iso(),
            n_rows=n_rows, cells_changed=fix.cells.height, rows_changed=touched.len(),
            rows_dropped=int((fix.rows["op"] == "drop").sum()),
            rows_restored=int((fix.rows["op"] == "restore").sum()),
            eval_rows_changed=self.eval_rows_among(touched).len(),
            columns_changed=sorted(fix.cells["column"].unique().to_list()),
            data_hash=chain_hash(parent.data_hash if parent else base_hash, self.path / cells, self.path / rows),
            cells_file=cells, rows_file=rows, report=fix.report,
            environment=environment(), rollback_of=fix.rollback_of,
            settings={k: self.meta.get(k) for k in ("label_column", "id_column", "eval_fraction", "split_seed")},
        )
        _atomic.write_json(self.path / record_file(vid), rec.to_json())
        _atomic.pause_for_tests()
        _atomic.write_json(self.path / HEAD, {"head": vid})
        return rec

    def commit_import(self, write_base: Callable[[], tuple[PendingFix, int, str]]) -> VersionRecord:
        """Create the store: ``write_base`` writes the base files and returns v1's fix, rows, hash.

        Raises
        ------
        VersionStoreError
            The store already holds a dataset (nothing is written).
        """
        self.path.mkdir(parents=True, exist_ok=True)
        with _atomic.writer_lock(self.path / LOCK):
            if self.exists():
                raise VersionStoreError(
                    f"{self.path}: the store already holds dataset '{self.meta['dataset']}'; "
                    "record changes as fixes, or use another store folder (--store DIR)"
                )
            fix, n_rows, base_hash = write_base()
            return self._write_version(1, None, fix, n_rows, base_hash)

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
        EvaluationIntegrityError
            An automated fix would change frozen evaluation rows.
        VersionStoreError
            The fix changes nothing (nothing is written).
        """
        with _atomic.writer_lock(self.path / LOCK):
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
            check_automated_fix(self.path, fix)
            delta = int((fix.rows["op"] == "restore").sum()) - int((fix.rows["op"] == "drop").sum())
            return self._write_version(head.seq + 1, head, fix, head.n_rows + delta, "")
