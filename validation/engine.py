"""Run parsed suites on a dataset: the engine-neutral orchestration over a backend.

For each ``CheckSpec`` the declared check is looked up in the registry and its implementation for
the backend (``validation/backends/<engine>/``); a check the backend lists as unsupported is
refused with a located error naming the check and the engine. The backend compiles every check
and evaluates them together (polars: one lazy query; Spark: one aggregation job and one job for
the failing rows). What does not depend on the engine lives here, once: outcomes, ``mostly``,
severity, error isolation (a check that cannot be compiled or evaluated becomes outcome
``error``; it never aborts the run), the failure table (first ``max_failures_per_check`` rows per
check) and the report.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Mapping, Sequence

import polars as pl

from dataqa.errors import DataqaError, MissingColumnError, SuiteFileError
from dataqa.io import Dataset
from dataqa.validation.backends.base import Backend, Compiled, Evaluated, call_check, check_kwargs
from dataqa.validation.backends.polars import PolarsBackend
from dataqa.validation.registry import IDX, ROW_ID, ExternalOutcome, get_check, implementation, unsupported_reason
from dataqa.validation.report import CHECK_INDEX, CheckResult, SuiteReport, _empty_failures
from dataqa.validation.suite_spec import CheckSpec, Suite

Outcome = Literal["passed", "failed", "warning", "error"]


def result(spec: CheckSpec, outcome: Outcome, **kw: Any) -> CheckResult:
    """A ``CheckResult`` for ``spec``."""
    return CheckResult(
        check=spec.name, label=spec.display, suite_file=spec.suite_file, location=spec.location,
        columns=spec.columns, severity=spec.severity, outcome=outcome,
        kwargs={k: v for k, v in spec.kwargs.items() if k not in ("meta",)}, **kw,
    )


def _fail_outcome(spec: CheckSpec) -> Outcome:
    return "failed" if spec.severity == "critical" else "warning"


def _mostly_success(unexpected: int, evaluated: int, mostly: float | None) -> bool:
    if mostly is None:
        return unexpected == 0
    if evaluated == 0:
        return True
    # exactly GX's rule (expectation._mostly_success): no float slack, or boundaries would differ
    return (float(evaluated) - float(unexpected)) / float(evaluated) >= float(mostly)


def compile_check(backend: Backend, spec: CheckSpec, index: int,
                  columns: Sequence[str]) -> Compiled | CheckResult:
    """Compile one spec on ``backend``, or an ``error`` result explaining why it can't run.

    Raises
    ------
    UnknownCheckError
        No check of that name is declared.
    SuiteFileError
        The backend does not support the check (located at the suite entry).
    """
    decl = get_check(spec.name, spec.location)
    impl = implementation(backend.name, decl.name)
    if impl is None:
        reason = unsupported_reason(backend.name, decl.name) or "no implementation for this engine"
        raise SuiteFileError(f"{spec.name}: not supported on the {backend.name} engine ({reason})",
                             spec.location)
    try:
        if decl.kind != "table":
            missing = [c for c in spec.columns if c not in columns]
            if missing:
                return result(spec, "error", message=f"column '{missing[0]}' is not in the data; "
                              f"columns are {', '.join(columns)}")
        return backend.compile(decl, impl, spec, index)
    except DataqaError:
        raise
    except Exception as exc:  # a check's own bug or bad kwargs: recorded, never fatal
        return result(spec, "error", message=f"{type(exc).__name__}: {exc}")


def run_suites(
    dataset: Dataset | Backend,
    suites: Sequence[Suite],
    *,
    max_failures_per_check: int | None = None,
    failures_path: str | None = None,
) -> SuiteReport:
    """Run every check of ``suites`` on ``dataset`` and return the report.

    Parameters
    ----------
    dataset:
        A polars ``Dataset`` (``dataqa.io.read_dataset``), or any backend bound to a dataset
        (``validation.backends.spark.SparkBackend``).
    suites:
        Parsed suites (``dataqa.validation.suites.load_suite``).
    max_failures_per_check:
        Keep at most this many failing rows per check in the report (``None``: all). Counts are
        always exact.
    failures_path:
        Also write every failing row of every check there, as Parquet (the failure table,
        ``validation.report.FAILURE_COLUMNS``).

    Raises
    ------
    FileFormatError
        The data cannot be read (never for a check problem: those become outcome ``error``).
    SuiteFileError
        A check is not supported by the backend.

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
    backend: Backend = PolarsBackend(dataset) if isinstance(dataset, Dataset) else dataset
    columns = backend.columns()
    specs = [s for suite in suites for s in suite.checks]
    compiled: list[Compiled] = []
    results: dict[int, CheckResult] = {}
    for i, spec in enumerate(specs):
        c = compile_check(backend, spec, i, columns)
        if isinstance(c, CheckResult):
            results[i] = c
        else:
            compiled.append(c)

    row_count, answers = backend.evaluate(compiled, max_failures=max_failures_per_check,
                                          failures_path=failures_path)

    failure_parts: list[pl.DataFrame] = []
    for c in compiled:
        ev = answers.get(c.index) or Evaluated(error="the backend did not evaluate this check")
        if ev.error is not None:
            results[c.index] = result(c.spec, "error", message=ev.error)
            continue
        try:
            res, part = _outcome(c, ev, row_count)
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
                ROW_ID, pl.lit(c.spec.suite_file).alias("suite_file"), pl.lit(c.spec.display).alias("check"),
                pl.lit(",".join(c.spec.columns)).alias("column"), pl.col("failure_case").cast(pl.String),
                pl.lit(c.index, pl.Int64).alias(CHECK_INDEX)))
        results[c.index] = res

    failures = (pl.concat(failure_parts, how="vertical_relaxed") if failure_parts
                else _empty_failures(backend.row_id_dtype()))
    notes = [n for suite in suites for n in suite.notes]
    return SuiteReport(dataset=backend.path, id_column=backend.id_column,
                       checks=[results[i] for i in range(len(specs))], failures=failures,
                       row_count=row_count, notes=notes)


def _outcome(c: Compiled, ev: Evaluated, row_count: int) -> tuple[CheckResult, pl.DataFrame | None]:
    spec = c.spec
    part = ev.failing
    if c.kind == "external":
        out = ev.external
        assert out is not None
        res = result(spec, "passed" if out.success else _fail_outcome(spec), element_count=row_count,
                     evaluated_count=out.evaluated_count, unexpected_count=out.unexpected_count,
                     observed_value=_jsonable(out.observed_value), note=out.note)
        return res, part
    if c.kind == "map":
        ev_count, un = int(ev.evaluated or 0), int(ev.unexpected or 0)
        ok = _mostly_success(un, ev_count, spec.kwargs.get("mostly"))
        return result(spec, "passed" if ok else _fail_outcome(spec), element_count=row_count,
                      evaluated_count=ev_count, unexpected_count=un), part
    assert c.agg is not None and ev.values is not None
    ok, observed = c.agg.evaluate(ev.values)
    un_count = ev.unexpected
    if ok:  # an aggregate check's offending rows matter only when it fails
        part, un_count = None, None
    return result(spec, "passed" if ok else _fail_outcome(spec), element_count=row_count,
                  evaluated_count=row_count if un_count is not None else None,
                  observed_value=_jsonable(observed), unexpected_count=un_count), part


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


__all__ = ["run_suites", "compile_check", "call_check", "check_kwargs", "result", "ExternalOutcome",
           "MissingColumnError", "IDX", "ROW_ID"]
