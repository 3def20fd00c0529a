"""The polars backend: every check compiled into polars expressions, evaluated in one lazy query.

All map, aggregate and table checks are evaluated together on polars' streaming engine: a
one-row query of aggregates and queries that return just the failing rows (see ``query`` for
their shape). Checks run by another library (``external``: GX on pandas, pandera's Python checks)
get just the columns they need. A check whose expression breaks the shared query is found by
evaluating it alone and answered with an error; the others run together again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import polars as pl

from dataqa.io import Dataset, collect, collect_all
from dataqa.validation.backends.base import FAILURE_COLUMNS, Compiled, Evaluated, check_kwargs, compile_with
from dataqa.validation.backends.polars import checks as _checks  # noqa: F401  (registers the implementations)
from dataqa.validation.backends.polars.query import build_queries, default_value, probe_check, run_queries
from dataqa.validation.model import CheckSpec
from dataqa.validation.registry import IDX, N_ROWS, POLARS, ROW_ID, CheckDef


class PolarsBackend:
    """The ``Backend`` for a polars ``Dataset`` (``dataqa.io.read_dataset``)."""

    name = POLARS

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.path = dataset.path
        self.id_column = dataset.id_column
        self.schema = dataset.schema

    def columns(self) -> list[str]:
        return list(self.schema.names())

    def row_id_dtype(self) -> pl.DataType:
        if self.id_column:
            return self.schema.get(self.id_column, pl.UInt32)  # type: ignore[no-any-return]
        return pl.UInt32()

    def compile(self, decl: CheckDef, impl: Callable[..., Any], spec: CheckSpec, index: int) -> Compiled:
        return compile_with(decl, impl, spec, index, self.schema)

    def evaluate(self, compiled: Sequence[Compiled], *, max_failures: int | None,
                 failures_path: str | None) -> tuple[int, dict[int, Evaluated]]:
        base = self.dataset.with_row_id(ROW_ID).with_row_index(IDX)
        out: dict[int, Evaluated] = {}
        in_query = [c for c in compiled if c.kind != "external"]
        frames, scalars = self._evaluate(base, in_query, out)
        row_count = int(scalars[N_ROWS])
        for c in compiled:
            if c.index in out:
                continue
            try:
                out[c.index] = self._answer(c, frames.get(c.index), scalars, base)
            except Exception as exc:  # noqa: BLE001 - an external engine failing: that check's error
                out[c.index] = Evaluated(error=f"{type(exc).__name__}: {exc}")
        if failures_path is not None:
            write_failures(failures_path, compiled, out, self.row_id_dtype())
        return row_count, out

    def _answer(self, c: Compiled, frame: pl.DataFrame | None, scalars: dict[str, Any],
                base: pl.LazyFrame) -> Evaluated:
        if c.kind == "external":
            return self._run_external(c, base)
        part = None
        if frame is not None:
            part = frame.filter(pl.col(c.flag)).select(ROW_ID, pl.col(c.value).alias("failure_case"))
        if c.kind == "map":
            return Evaluated(evaluated=int(scalars[c.evaluated]),
                             unexpected=0 if part is None else part.height, failing=part)
        assert c.agg is not None
        return Evaluated(values={k: scalars[c.agg_name(k)] for k in c.agg.exprs},
                         unexpected=None if part is None else part.height, failing=part)

    def _evaluate(self, base: pl.LazyFrame, compiled: list[Compiled],
                  out: dict[int, Evaluated]) -> tuple[dict[int, pl.DataFrame], dict[str, Any]]:
        """Run the queries together; returns each check's failing-rows frame and the scalars."""
        queries = build_queries(base, compiled)
        try:
            scalar_df, groups = run_queries(*queries)
        except Exception:
            # Either the data cannot be read (-> FileFormatError, raised by this bare read), or one
            # check's expression breaks the whole query (e.g. a type mismatch): then find it by
            # evaluating each check alone, record it as an error, and run the rest together again.
            collect(base.select(pl.all().null_count()), self.path)
            bad = {c: msg for c in compiled if (msg := probe_check(base, c)) is not None}
            for c, msg in bad.items():
                out[c.index] = Evaluated(error=msg)
            if bad:
                return self._evaluate(base, [c for c in compiled if c not in bad], out)
            # nothing is broken on its own: run again, translating a read error into a dataqa error
            scalar_q, rowwise, whole = queries
            got = collect_all([scalar_q] + [g[1] for g in (rowwise, whole) if g], self.path)
            scalar_df = got[0]
            groups = [(g[0], f) for g, f in zip([g for g in (rowwise, whole) if g], got[1:])]
        scalars = scalar_df.row(0, named=True)
        frames: dict[int, pl.DataFrame] = {}
        for checks, frame in groups:
            frame = frame.sort(IDX)  # failing rows in file order, whatever the engine's batching
            frames.update({c.index: frame for c in checks})
        return frames, scalars

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


def write_failures(path: str, compiled: Sequence[Compiled], answers: dict[int, Evaluated],
                   id_dtype: pl.DataType) -> None:
    """Every failing row of every check, as Parquet with the columns ``FAILURE_COLUMNS``
    (written to a temporary name and renamed: a reader never sees half a file)."""
    parts = []
    for c in compiled:
        ev = answers.get(c.index)
        if ev is None or ev.failing is None or not ev.failing.height:
            continue
        if c.kind == "agg" and ev.values is not None and c.agg is not None and c.agg.evaluate(ev.values)[0]:
            continue  # a passing aggregate check's flagged rows are not failures
        if ev.external is not None and ev.external.success:
            continue
        parts.append(ev.failing.select(
            pl.col(ROW_ID), pl.lit(c.spec.suite_file).alias("suite_file"),
            pl.lit(c.spec.display).alias("check"), pl.lit(",".join(c.spec.columns)).alias("column"),
            pl.col("failure_case").cast(pl.String)))
    table = (pl.concat(parts, how="vertical_relaxed") if parts else
             pl.DataFrame(schema={ROW_ID: id_dtype, **{k: pl.String for k in FAILURE_COLUMNS[1:]}}))
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    table.write_parquet(tmp)
    tmp.replace(target)
