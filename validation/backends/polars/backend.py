"""The polars backend: every check compiled into polars expressions, evaluated in one lazy query.

All map, aggregate and table checks are evaluated together on polars' streaming engine: a
one-row query of aggregates and queries that return just the failing rows (see ``query`` for
their shape). Checks run by another library (``external``: GX on pandas, pandera's Python checks)
get just the columns they need. A check whose expression breaks the shared query is found by
evaluating it alone and answered with an error; the others run together again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

import polars as pl

from dataqa.io import Dataset, collect, collect_all
from dataqa.validation.backends.base import Compiled, Evaluated, check_kwargs, compile_with
from dataqa.validation.backends.polars import checks as _checks  # noqa: F401  (registers the implementations)
from dataqa.validation.backends.polars.query import build_queries, default_value, probe_check, run_queries
from dataqa.validation.backends.polars.spill import BUCKET_ROWS, bucket_count, first_rows, flag_counts, sink_group
from dataqa.validation.registry import IDX, N_ROWS, POLARS, ROW_ID, CheckDef
from dataqa.validation.report import CHECK_INDEX, failure_schema
from dataqa.validation.suite_spec import CheckSpec

#: Datasets with at least this many rows spill their failing rows to disk (``spill.py``).
SPILL_ROWS = 2_000_000
#: Text files (CSV, JSON Lines) of at least this size spill too (their row count costs a read).
SPILL_BYTES = 200_000_000


class PolarsBackend:
    """The ``Backend`` for a polars ``Dataset`` (``dataqa.io.read_dataset``)."""

    name = POLARS

    def __init__(self, dataset: Dataset, *, spill_rows: int | None = SPILL_ROWS,
                 bucket_rows: int = BUCKET_ROWS) -> None:
        self.dataset = dataset
        self.spill_rows = spill_rows
        self.bucket_rows = bucket_rows
        self.path = dataset.path
        self.id_column = dataset.id_column
        self.schema = dataset.schema

    def columns(self) -> list[str]:
        return list(self.schema.names())

    def row_id_dtype(self) -> pl.DataType:
        if self.id_column:
            return self.schema.get(self.id_column) or pl.UInt32()
        return pl.UInt32()

    def compile(self, decl: CheckDef, impl: Callable[..., Any], spec: CheckSpec, index: int) -> Compiled:
        return compile_with(decl, impl, spec, index, self.schema)

    def evaluate(self, compiled: Sequence[Compiled], *, max_failures: int | None,
                 failures_path: str | None) -> tuple[int, dict[int, Evaluated]]:
        base = self.dataset.with_row_id(ROW_ID).with_row_index(IDX)
        out: dict[int, Evaluated] = {}
        in_query = [c for c in compiled if c.kind != "external"]
        # Failing rows of a large dataset go to Parquet in a scratch folder, never all in memory
        # (see spill.py); the folder lives until the failures file has been written.
        with tempfile.TemporaryDirectory(prefix="dataqa-spill-") as scratch:
            folder = Path(scratch) if self._large() else None
            frames, counts, scalars = self._evaluate(base, in_query, out, folder)
            row_count = int(scalars[N_ROWS])
            failing: dict[int, pl.LazyFrame] = {}
            for c in compiled:
                if c.index in out:
                    continue
                try:
                    out[c.index] = self._answer(c, frames.get(c.index), counts, scalars, base, max_failures)
                except Exception as exc:
                    out[c.index] = Evaluated(error=f"{type(exc).__name__}: {exc}")
                    continue
                frame, rows = frames.get(c.index), out[c.index].failing
                if frame is not None:
                    failing[c.index] = _failing(frame, c)
                elif rows is not None:  # an external check's rows, already in memory
                    failing[c.index] = rows.lazy()
            if failures_path is not None:
                write_failures(failures_path, compiled, out, failing, self.row_id_dtype())
        return row_count, out

    def _large(self) -> bool:
        """Spill when the data has at least ``spill_rows`` rows (Parquet: from the metadata) or,
        for text formats, is a file of at least ``SPILL_BYTES``; ``spill_rows=None`` never spills
        (the caller knows the data is small: counting its rows would cost a read)."""
        ds = self.dataset
        if self.spill_rows is None:
            return False
        if self.spill_rows <= 0:
            return True
        if ds.format == "parquet":
            try:
                return int(ds.lf.select(pl.len()).collect().item()) >= self.spill_rows
            except Exception:
                return False
        path = Path(ds.path)
        return ds.format is not None and path.is_file() and path.stat().st_size >= SPILL_BYTES

    def _answer(self, c: Compiled, frame: pl.LazyFrame | None, counts: dict[int, int],
                scalars: dict[str, Any], base: pl.LazyFrame, max_failures: int | None) -> Evaluated:
        if c.kind == "external":
            return self._run_external(c, base)
        part = None if frame is None else first_rows(_failing(frame, c), max_failures)
        count = None if frame is None else counts[c.index]
        if c.kind == "map":
            return Evaluated(evaluated=int(scalars[c.evaluated_column]), unexpected=count or 0, failing=part)
        assert c.agg is not None
        return Evaluated(values={k: scalars[c.agg_name(k)] for k in c.agg.exprs},
                         unexpected=count, failing=part)

    def _evaluate(self, base: pl.LazyFrame, compiled: list[Compiled], out: dict[int, Evaluated],
                  folder: Path | None) -> tuple[dict[int, pl.LazyFrame], dict[int, int], dict[str, Any]]:
        """Run the queries together; returns each check's failing-rows frame (lazy: in memory,
        or over the spilled files), the failing-row counts and the scalars."""
        queries = build_queries(base, compiled)
        try:
            if folder is not None:
                scalar_df, lazy_groups = self._run_spilled(base, queries, folder)
            else:
                scalar_df, groups = run_queries(*queries)
                lazy_groups = [(checks, frame.lazy()) for checks, frame in groups]
        except Exception:
            # Either the data cannot be read (-> FileFormatError, raised by this bare read), or one
            # check's expression breaks the whole query (e.g. a type mismatch): then find it by
            # evaluating each check alone, record it as an error, and run the rest together again.
            collect(base.select(pl.all().null_count()), self.path)
            bad = {c: msg for c in compiled if (msg := probe_check(base, c)) is not None}
            for c, msg in bad.items():
                out[c.index] = Evaluated(error=msg)
            if bad:
                return self._evaluate(base, [c for c in compiled if c not in bad], out, folder)
            # nothing is broken on its own: run again, translating a read error into a dataqa error
            scalar_q, rowwise, whole = queries
            got = collect_all([scalar_q] + [g[1] for g in (rowwise, whole) if g], self.path)
            scalar_df = got[0]
            lazy_groups = [(g[0], f.lazy()) for g, f in zip([g for g in (rowwise, whole) if g], got[1:])]
        scalars = scalar_df.row(0, named=True)
        frames: dict[int, pl.LazyFrame] = {}
        for checks, frame in lazy_groups:
            frames.update({c.index: frame for c in checks})
        return frames, flag_counts(lazy_groups), scalars

    def _run_spilled(self, base: pl.LazyFrame, queries: Any,
                     folder: Path) -> tuple[pl.DataFrame, list[tuple[list[Compiled], pl.LazyFrame]]]:
        """The queries with their failing rows sunk to Parquet: the scalars and the row-by-row
        checks share one streaming scan; the whole-column checks follow, by hash bucket where
        exact (``spill.sink_group``), sized from the row count."""
        scalar_q, rowwise, whole = queries
        path = folder / "rowwise.parquet"
        sinks = [rowwise[1].sink_parquet(path, lazy=True)] if rowwise else []
        scalar_df = pl.collect_all([scalar_q, *sinks], engine="streaming")[0]
        groups = [(rowwise[0], pl.scan_parquet(path))] if rowwise else []
        if whole:
            groups += sink_group(base, whole, folder, "whole", bucket_count(int(scalar_df[N_ROWS][0]), self.bucket_rows))
        return scalar_df, groups

    def _run_external(self, c: Compiled, base: pl.LazyFrame) -> Evaluated:
        """Checks run by another library (GX on pandas) on just the columns they need."""
        assert c.external is not None
        names = self.columns()
        cols = [x for x in c.spec.columns if x in names]
        if not cols or c.spec.kwargs.get("row_condition") is not None:
            cols = names  # table-level, or a row condition that may name any column
        frame = collect(base.select(IDX, ROW_ID, *[x for x in cols if x not in (ROW_ID, IDX)]), self.path)
        res = c.external(frame, **check_kwargs(c.spec, c.external))
        part = None
        if res.unexpected_index is not None and len(res.unexpected_index):
            part = frame.filter(pl.col(IDX).is_in(list(res.unexpected_index))).select(
                ROW_ID, default_value(c.spec).alias("failure_case"))
        return Evaluated(external=res, failing=part)


def _failing(frame: pl.LazyFrame, c: Compiled) -> pl.LazyFrame:
    """Check ``c``'s failing rows from its group's frame: row id, position, value as text."""
    return frame.filter(pl.col(c.flag_column)).select(ROW_ID, IDX, pl.col(c.case_column).alias("failure_case"))


def write_failures(path: str, compiled: Sequence[Compiled], answers: dict[int, Evaluated],
                   failing: dict[int, pl.LazyFrame], id_dtype: pl.DataType) -> None:
    """Every failing row of every check (``failing``: lazy, over spilled files on large data),
    streamed to Parquet as the failure table (``validation.report.FAILURE_COLUMNS``; written to a
    temporary name and renamed: a reader never sees half a file)."""
    parts = []
    for c in compiled:
        ev = answers.get(c.index)
        if ev is None or c.index not in failing:  # passing checks' frames filter to no rows
            continue
        if c.kind == "agg" and ev.values is not None and c.agg is not None and c.agg.evaluate(ev.values)[0]:
            continue  # a passing aggregate check's flagged rows are not failures
        if ev.external is not None and ev.external.success:
            continue
        parts.append(failing[c.index].select(
            pl.col(ROW_ID), pl.lit(c.spec.suite_file).alias("suite_file"),
            pl.lit(c.spec.display).alias("check"), pl.lit(",".join(c.spec.columns)).alias("column"),
            pl.col("failure_case").cast(pl.String), pl.lit(c.index, pl.Int64).alias(CHECK_INDEX)))
    table = (pl.concat(parts, how="vertical_relaxed") if parts else pl.LazyFrame(schema=failure_schema(id_dtype)))
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    try:
        table.sink_parquet(tmp, engine="streaming")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
