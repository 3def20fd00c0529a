"""Run parsed suites on a dataset with polars: every check compiled into one lazy query.

The engine compiles each ``CheckSpec`` through the registry into expressions, evaluates all
aggregate and map checks with ``pl.collect_all`` over the same scan (polars shares the scan
between the two queries), then builds the long failure table. A check that cannot be compiled
or evaluated becomes outcome ``error``; it never aborts the run.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

import polars as pl

from dataqa.errors import DataqaError, MissingColumnError
from dataqa.io import Dataset, collect, collect_all
from dataqa.validation.model import CheckSpec, Suite
from dataqa.validation.registry import ENGINE_KWARGS, AggResult, CheckDef, MapResult, get_check
from dataqa.validation.report import CheckResult, SuiteReport, _empty_failures

#: Internal column holding the 0-based row position.
IDX = "__dataqa_idx__"
ROW_ID = "row_id"


@dataclass
class _Compiled:
    index: int
    spec: CheckSpec
    kind: str
    map: MapResult | None = None
    agg: AggResult | None = None
    external: Callable[..., Any] | None = None


#: Engine kwargs a check function still receives when its signature names them.
_PASSED_THROUGH = ("mostly", "row_condition", "condition_parser")


@lru_cache(maxsize=None)
def _accepts(fn: Callable[..., Any]) -> frozenset[str]:
    return frozenset(inspect.signature(fn).parameters)


def _check_kwargs(spec: CheckSpec, fn: Callable[..., Any] | None = None) -> dict[str, Any]:
    kw = {k: v for k, v in spec.kwargs.items() if k not in ENGINE_KWARGS}
    if fn is not None:
        names = _accepts(fn)
        kw.update({k: spec.kwargs[k] for k in _PASSED_THROUGH if k in names and k in spec.kwargs})
    return kw


def call_check(cdef: CheckDef, spec: CheckSpec, schema: pl.Schema) -> Any:
    """Call a check function with the spec's kwargs; map/aggregate checks whose signature has a
    ``schema`` parameter receive the data schema (table checks always get it first)."""
    kwargs = _check_kwargs(spec, cdef.fn)
    if cdef.kind == "table":
        return cdef.fn(schema, **kwargs)
    if "schema" in _accepts(cdef.fn):
        kwargs["schema"] = schema
    return cdef.fn(**kwargs)


def _result(spec: CheckSpec, outcome: str, **kw: Any) -> CheckResult:
    return CheckResult(
        check=spec.name, label=spec.display, suite_file=spec.suite_file, location=spec.location,
        columns=spec.columns, severity=spec.severity, outcome=outcome,  # type: ignore[arg-type]
        kwargs={k: v for k, v in spec.kwargs.items() if k not in ("meta",)}, **kw,
    )


def _fail_outcome(spec: CheckSpec) -> str:
    return "failed" if spec.severity == "critical" else "warning"


def _default_value(spec: CheckSpec) -> pl.Expr:
    cols = spec.columns
    if len(cols) == 1:
        return pl.col(cols[0]).cast(pl.String)
    if not cols:
        return pl.lit(None, dtype=pl.String)
    return pl.concat_str(
        [pl.concat_str([pl.lit(f"{c}="), pl.col(c).cast(pl.String).fill_null("null")]) for c in cols],
        separator=", ",
    )


def compile_check(spec: CheckSpec, index: int, schema: pl.Schema) -> _Compiled | CheckResult:
    """Compile one spec into expressions, or an ``error`` result explaining why it can't run."""
    try:
        cdef: CheckDef = get_check(spec.name, spec.location)
        if cdef.kind != "table":
            missing = [c for c in spec.columns if c not in schema]
            if missing:
                return _result(spec, "error", message=f"column '{missing[0]}' is not in the data; "
                               f"columns are {', '.join(schema.names())}")
        if cdef.kind == "map":
            return _Compiled(index, spec, "map", map=call_check(cdef, spec, schema))
        if cdef.kind in ("aggregate", "table"):
            return _Compiled(index, spec, "agg", agg=call_check(cdef, spec, schema))
        return _Compiled(index, spec, "external", external=cdef.fn)
    except DataqaError:
        raise
    except Exception as exc:  # a check's own bug or bad kwargs: recorded, never fatal
        return _result(spec, "error", message=f"{type(exc).__name__}: {exc}")


def _map_exprs(c: _Compiled) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    assert c.map is not None
    cols = c.spec.columns
    eligible = c.map.eligible
    if eligible is None:
        eligible = pl.all_horizontal([pl.col(x).is_not_null() for x in cols]) if cols else pl.lit(True)
    # `& idx.is_not_null()` broadcasts literal eligibility (pl.lit(True)) to one value per row
    eligible = eligible & pl.col(IDX).is_not_null()
    unexpected = eligible & c.map.valid.not_().fill_null(False)
    value = c.map.value if c.map.value is not None else _default_value(c.spec)
    return eligible, unexpected, value


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
    """
    schema = dataset.schema
    specs = [s for suite in suites for s in suite.checks]
    compiled: list[_Compiled] = []
    results: dict[int, CheckResult] = {}
    for i, spec in enumerate(specs):
        c = compile_check(spec, i, schema)
        if isinstance(c, CheckResult):
            results[i] = c
        else:
            compiled.append(c)

    base = dataset.with_row_id(ROW_ID).with_row_index(IDX)
    values, fails = _evaluate(base, compiled, dataset.path, results)
    row_count = int(values.get("__n__", 0)) if values else None
    if row_count is None:
        row_count = collect(dataset.lf.select(pl.len()), dataset.path).item()

    failure_parts: list[pl.DataFrame] = []
    for c in compiled:
        if c.index in results:
            continue
        spec = c.spec
        try:
            if c.kind == "map":
                ev, un = int(values[f"__e{c.index}"]), int(values[f"__u{c.index}"])
                ok = _mostly_success(un, ev, spec.kwargs.get("mostly"))
                part = fails.filter(pl.col(f"__u{c.index}")).select(
                    ROW_ID, pl.col(f"__v{c.index}").alias("failure_case"))
                res = _result(spec, "passed" if ok else _fail_outcome(spec), element_count=row_count,
                              evaluated_count=ev, unexpected_count=un)
            elif c.kind == "agg":
                assert c.agg is not None
                vals = {k: values[f"__a{c.index}_{k}"] for k in c.agg.exprs}
                ok, observed = c.agg.evaluate(vals)
                part = None
                un_count = None
                if not ok and c.agg.unexpected is not None:
                    part = collect(base.filter(c.agg.unexpected.fill_null(False)).select(
                        ROW_ID, _default_value(spec).alias("failure_case")), dataset.path)
                    un_count = part.height
                res = _result(spec, "passed" if ok else _fail_outcome(spec), element_count=row_count,
                              evaluated_count=row_count if un_count is not None else None,
                              observed_value=_jsonable(observed), unexpected_count=un_count)
            else:
                res, part = _run_external(c, base, dataset, row_count)
        except DataqaError:
            raise
        except Exception as exc:
            results[c.index] = _result(spec, "error", message=f"{type(exc).__name__}: {exc}")
            continue
        if part is not None and part.height:
            if max_failures_per_check is not None:
                part = part.head(max_failures_per_check)
            res.failing_row_ids = part[ROW_ID].to_list()
            failure_parts.append(part.select(
                pl.lit(spec.suite_file).alias("suite_file"), pl.lit(spec.display).alias("check"),
                pl.lit(",".join(spec.columns)).alias("column"), ROW_ID,
                pl.col("failure_case").cast(pl.String), pl.lit(c.index, pl.Int64).alias("check_index")))
        results[c.index] = res

    failures = (pl.concat(failure_parts, how="vertical_relaxed") if failure_parts
                else _empty_failures(schema.get(dataset.id_column, pl.UInt32) if dataset.id_column
                                     else pl.UInt32).with_columns(pl.lit(0, pl.Int64).alias("check_index")).clear())
    notes = [n for suite in suites for n in suite.notes]
    return SuiteReport(dataset=dataset.path, id_column=dataset.id_column,
                       checks=[results[i] for i in range(len(specs))], failures=failures,
                       row_count=row_count, notes=notes)


def _evaluate(base: pl.LazyFrame, compiled: list[_Compiled], source: str,
              results: dict[int, CheckResult]) -> tuple[dict[str, Any], pl.DataFrame]:
    """One shared scan: the aggregate row and the rows failing any map check."""
    aggs: list[pl.Expr] = [pl.len().alias("__n__")]
    flags: list[pl.Expr] = []
    vals: list[pl.Expr] = []
    for c in compiled:
        if c.kind == "map":
            eligible, unexpected, value = _map_exprs(c)
            aggs += [eligible.sum().alias(f"__e{c.index}"), unexpected.sum().alias(f"__u{c.index}")]
            flags.append(unexpected.alias(f"__u{c.index}"))
            vals.append(pl.when(unexpected).then(value.cast(pl.String)).alias(f"__v{c.index}"))
        elif c.kind == "agg":
            assert c.agg is not None
            aggs += [e.alias(f"__a{c.index}_{k}") for k, e in c.agg.exprs.items()]
    q_agg = base.select(aggs)
    if flags:
        q_fail = base.select(pl.col(ROW_ID), *flags, *vals).filter(
            pl.any_horizontal([pl.col(f"__u{c.index}") for c in compiled if c.kind == "map"]))
    else:
        q_fail = base.select(pl.col(ROW_ID)).head(0)
    try:
        agg_df, fail_df = collect_all([q_agg, q_fail], source)
    except DataqaError:
        raise
    except Exception:
        # One check's expression breaks the whole query (e.g. an impossible cast): find it by
        # evaluating each check alone, record it as an error, and run the rest together again.
        bad = _find_broken(base, compiled, source)
        for c in bad:
            results[c.index] = _result(c.spec, "error", message=bad[c])
        rest = [c for c in compiled if c not in bad]
        return _evaluate(base, rest, source, results) if len(rest) < len(compiled) else ({}, pl.DataFrame())
    return agg_df.row(0, named=True), fail_df


def _find_broken(base: pl.LazyFrame, compiled: list[_Compiled], source: str) -> dict[_Compiled, str]:
    bad: dict[_Compiled, str] = {}
    for c in compiled:
        try:
            if c.kind == "map":
                e, u, v = _map_exprs(c)
                base.select(e.sum(), u.sum(), v.cast(pl.String).first()).collect()
            elif c.kind == "agg":
                assert c.agg is not None
                base.select(list(c.agg.exprs.values())).collect()
        except Exception as exc:
            bad[c] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return bad


def _run_external(c: _Compiled, base: pl.LazyFrame, dataset: Dataset,
                  row_count: int) -> tuple[CheckResult, pl.DataFrame | None]:
    """Checks run by another engine (GX on pandas) on just the columns they need."""
    assert c.external is not None
    cols = [x for x in c.spec.columns if x in dataset.columns]
    if not cols or c.spec.kwargs.get("row_condition") is not None:
        cols = dataset.columns  # table-level, or a row condition that may name any column
    frame = collect(base.select(IDX, ROW_ID, *[x for x in cols if x not in (ROW_ID, IDX)]), dataset.path)
    out = c.external(frame, **_check_kwargs(c.spec, c.external))
    res = _result(c.spec, "passed" if out.success else _fail_outcome(c.spec), element_count=row_count,
                  evaluated_count=out.evaluated_count, unexpected_count=out.unexpected_count,
                  observed_value=_jsonable(out.observed_value), note=out.note)
    part = None
    if out.unexpected_index is not None and len(out.unexpected_index):
        part = frame.filter(pl.col(IDX).is_in(list(out.unexpected_index))).select(
            ROW_ID, _default_value(c.spec).alias("failure_case"))
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


__all__ = ["run_suites", "compile_check", "ExternalOutcome", "MissingColumnError"]
