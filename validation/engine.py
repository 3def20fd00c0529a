"""Run parsed suites on a dataset with polars: every check compiled into one lazy query.

Each ``CheckSpec`` is compiled through the registry into expressions
(``validation.engine_query``); all map, aggregate and table checks are evaluated together by
``pl.collect_all`` on polars' streaming engine: a one-row query of aggregates and queries that
return just the failing rows (see ``engine_query`` for their shape). Then the
outcomes and the long failure table are assembled. Checks run by another engine (``external``:
GX on pandas) get just the columns they need. A check that cannot be compiled or evaluated
becomes outcome ``error``; it never aborts the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import polars as pl

from dataqa.errors import DataqaError, MissingColumnError
from dataqa.io import Dataset, collect, collect_all
from dataqa.validation.engine_query import (
    IDX,
    N_ROWS,
    ROW_ID,
    Compiled,
    build_queries,
    run_queries,
    call_check,
    check_kwargs,
    compile_check,
    default_value,
    probe_check,
    result,
)
from dataqa.validation.model import Suite
from dataqa.validation.report import CheckResult, SuiteReport, _empty_failures


def _fail_outcome(c: Compiled) -> str:
    return "failed" if c.spec.severity == "critical" else "warning"


def _mostly_success(unexpected: int, evaluated: int, mostly: float | None) -> bool:
    if mostly is None:
        return unexpected == 0
    if evaluated == 0:
        return True
    # exactly GX's rule (expectation._mostly_success): no float slack, or boundaries would differ
    return (float(evaluated) - float(unexpected)) / float(evaluated) >= float(mostly)


def run_suites(
    dataset: Dataset,
    suites: Sequence[Suite],
    *,
    max_failures_per_check: int | None = None,
) -> SuiteReport:
    """Run every check of ``suites`` on ``dataset`` and return the report.

    Parameters
    ----------
    dataset:
        From ``dataqa.io.read_dataset``.
    suites:
        Parsed suites (``dataqa.validation.suites.load_suite``).
    max_failures_per_check:
        Keep at most this many failing rows per check in the failure table (``None``: all).

    Raises
    ------
    FileFormatError
        The data cannot be read (never for a check problem: those become outcome ``error``).

    Examples
    --------
    >>> import polars as pl
    >>> from dataqa.validation.gx_suite import parse_gx_suite
    >>> suite = parse_gx_suite({"expectations": [{"type": "expect_column_values_to_not_be_null",
    ...                                          "kwargs": {"column": "a"}}]}, "s.json")
    >>> report = run_suites(Dataset("d", pl.LazyFrame({"a": [1, None, 3]})), [suite])
    >>> report.checks[0].outcome, report.checks[0].failing_row_ids
    ('failed', [1])
    """
    schema = dataset.schema
    specs = [s for suite in suites for s in suite.checks]
    compiled: list[Compiled] = []
    results: dict[int, CheckResult] = {}
    for i, spec in enumerate(specs):
        c = compile_check(spec, i, schema)
        if isinstance(c, CheckResult):
            results[i] = c
        else:
            compiled.append(c)

    base = dataset.with_row_id(ROW_ID).with_row_index(IDX)
    in_query = [c for c in compiled if c.kind != "external"]
    frames, scalars = _evaluate(base, in_query, dataset.path, results)
    row_count = int(scalars[N_ROWS])

    failure_parts: list[pl.DataFrame] = []
    for c in compiled:
        if c.index in results:
            continue
        try:
            res, part = _outcome(c, frames.get(c.index), scalars, row_count, base, dataset)
        except DataqaError:
            raise
        except Exception as exc:  # an evaluate() bug or the external engine failing
            results[c.index] = result(c.spec, "error", message=f"{type(exc).__name__}: {exc}")
            continue
        if part is not None and part.height:
            if max_failures_per_check is not None:
                part = part.head(max_failures_per_check)
            res.failing_row_ids = part[ROW_ID].to_list()
            failure_parts.append(part.select(
                pl.lit(c.spec.suite_file).alias("suite_file"), pl.lit(c.spec.display).alias("check"),
                pl.lit(",".join(c.spec.columns)).alias("column"), ROW_ID,
                pl.col("failure_case").cast(pl.String), pl.lit(c.index, pl.Int64).alias("check_index")))
        results[c.index] = res

    id_dtype = schema.get(dataset.id_column, pl.UInt32) if dataset.id_column else pl.UInt32
    failures = (pl.concat(failure_parts, how="vertical_relaxed") if failure_parts
                else _empty_failures(id_dtype).with_columns(pl.lit(0, pl.Int64).alias("check_index")).clear())
    notes = [n for suite in suites for n in suite.notes]
    return SuiteReport(dataset=dataset.path, id_column=dataset.id_column,
                       checks=[results[i] for i in range(len(specs))], failures=failures,
                       row_count=row_count, notes=notes)


def _outcome(c: Compiled, frame: pl.DataFrame | None, scalars: Mapping[str, Any],
             row_count: int, base: pl.LazyFrame,
             dataset: Dataset) -> tuple[CheckResult, pl.DataFrame | None]:
    spec = c.spec
    if c.kind == "external":
        return _run_external(c, base, dataset, row_count)
    part = None
    if frame is not None:
        part = frame.filter(pl.col(c.flag)).select(ROW_ID, pl.col(c.value).alias("failure_case"))
    if c.kind == "map":
        ev, un = int(scalars[c.evaluated]), 0 if part is None else part.height
        ok = _mostly_success(un, ev, spec.kwargs.get("mostly"))
        return result(spec, "passed" if ok else _fail_outcome(c), element_count=row_count,
                      evaluated_count=ev, unexpected_count=un), part
    assert c.agg is not None
    ok, observed = c.agg.evaluate({k: scalars[c.agg_name(k)] for k in c.agg.exprs})
    if ok:  # an aggregate check's offending rows matter only when it fails
        part = None
    un_count = None if part is None else part.height
    return result(spec, "passed" if ok else _fail_outcome(c), element_count=row_count,
                  evaluated_count=row_count if un_count is not None else None,
                  observed_value=_jsonable(observed), unexpected_count=un_count), part


def _evaluate(base: pl.LazyFrame, compiled: list[Compiled], source: str,
              results: dict[int, CheckResult]) -> tuple[dict[int, pl.DataFrame], dict[str, Any]]:
    """Run the queries together; returns each check's failing-rows frame and the scalars."""
    queries = build_queries(base, compiled)
    try:
        scalar_df, groups = run_queries(*queries)
    except Exception:
        # Either the data cannot be read (-> FileFormatError, raised by this bare read), or one
        # check's expression breaks the whole query (e.g. a type mismatch): then find it by
        # evaluating each check alone, record it as an error, and run the rest together again.
        collect(base.select(pl.all().null_count()), source)
        bad = {c: msg for c in compiled if (msg := probe_check(base, c)) is not None}
        for c, msg in bad.items():
            results[c.index] = result(c.spec, "error", message=msg)
        if bad:
            return _evaluate(base, [c for c in compiled if c not in bad], source, results)
        # nothing is broken on its own: run again, translating a read error into a dataqa error
        scalar_q, rowwise, whole = queries
        out = collect_all([scalar_q] + [g[1] for g in (rowwise, whole) if g], source)
        scalar_df = out[0]
        groups = [(g[0], f) for g, f in zip([g for g in (rowwise, whole) if g], out[1:])]
    scalars = scalar_df.row(0, named=True)
    frames: dict[int, pl.DataFrame] = {}
    for checks, frame in groups:
        frame = frame.sort(IDX)  # failing rows in file order, whatever the engine's batching
        frames.update({c.index: frame for c in checks})
    return frames, scalars


def _run_external(c: Compiled, base: pl.LazyFrame, dataset: Dataset,
                  row_count: int) -> tuple[CheckResult, pl.DataFrame | None]:
    """Checks run by another engine (GX on pandas) on just the columns they need."""
    assert c.external is not None
    cols = [x for x in c.spec.columns if x in dataset.columns]
    if not cols or c.spec.kwargs.get("row_condition") is not None:
        cols = dataset.columns  # table-level, or a row condition that may name any column
    frame = collect(base.select(IDX, ROW_ID, *[x for x in cols if x not in (ROW_ID, IDX)]), dataset.path)
    out = c.external(frame, **check_kwargs(c.spec, c.external))
    res = result(c.spec, "passed" if out.success else _fail_outcome(c), element_count=row_count,
                 evaluated_count=out.evaluated_count, unexpected_count=out.unexpected_count,
                 observed_value=_jsonable(out.observed_value), note=out.note)
    part = None
    if out.unexpected_index is not None and len(out.unexpected_index):
        part = frame.filter(pl.col(IDX).is_in(list(out.unexpected_index))).select(
            ROW_ID, default_value(c.spec).alias("failure_case"))
    return res, part


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


@dataclass
class ExternalOutcome:
    """What an ``external`` check (run by another engine) returns."""

    success: bool
    observed_value: Any = None
    evaluated_count: int | None = None
    unexpected_count: int | None = None
    unexpected_index: Sequence[int] | None = None
    note: str | None = None


__all__ = ["run_suites", "compile_check", "call_check", "ExternalOutcome", "MissingColumnError",
           "IDX", "ROW_ID"]
