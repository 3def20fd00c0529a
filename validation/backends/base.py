"""The contract between the engine-neutral orchestration (``validation.engine``) and a backend.

A backend is bound to one dataset. ``compile`` turns a declared check into a ``Compiled`` holding
the backend's expressions (``MapResult``/``AggResult`` from the check's implementation for this
backend, or an ``external`` runner); ``evaluate`` runs all compiled checks together and answers,
per check, an ``Evaluated``: raw counts, aggregate values and failing rows, or the error that
made this one check impossible to evaluate. The orchestration turns those into outcomes.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol, Sequence

from dataqa.validation.registry import ENGINE_KWARGS, AggResult, CheckDef, ExternalOutcome, MapResult
from dataqa.validation.suite_spec import CheckSpec

if TYPE_CHECKING:
    import polars as pl

#: Engine kwargs a check implementation still receives when its signature names them.
PASSED_THROUGH = ("mostly", "row_condition", "condition_parser")


@dataclass(eq=False)
class Compiled:
    """One check compiled for a backend: its expressions (map / agg) or its external runner."""

    index: int
    spec: CheckSpec
    kind: str  # "map", "agg" or "external"
    map: MapResult | None = None
    agg: AggResult | None = None
    external: Callable[..., Any] | None = None

    # Names of the working columns a backend adds for this check (one pass over all checks).
    @property
    def flag_column(self) -> str:
        """Boolean column: true on the rows this check flags as failing."""
        return f"__u{self.index}"

    @property
    def case_column(self) -> str:
        """Text column: the failure case reported for a failing row."""
        return f"__v{self.index}"

    @property
    def evaluated_column(self) -> str:
        """Column of the rows this check evaluates (its ``mostly`` denominator): a flag or its count."""
        return f"__e{self.index}"

    def agg_name(self, key: str) -> str:
        """Column holding the aggregate value ``key`` of this check."""
        return f"__a{self.index}_{key}"

    @property
    def has_flag(self) -> bool:
        return self.kind == "map" or (self.agg is not None and self.agg.unexpected is not None)


@dataclass
class Evaluated:
    """A backend's raw answer for one check.

    ``evaluated``: rows evaluated (map checks). ``unexpected``: exact count of failing rows (map
    checks, and aggregate checks with row flags). ``values``: the aggregate expressions' values.
    ``failing``: failing rows in row order, columns ``row_id`` and ``failure_case`` (text) — all
    of them or at least the first ``max_failures``. ``external``: an external check's outcome.
    ``error``: why this check could not be evaluated (it becomes outcome ``error``).
    """

    evaluated: int | None = None
    unexpected: int | None = None
    values: Mapping[str, Any] | None = None
    failing: pl.DataFrame | None = None
    external: ExternalOutcome | None = None
    error: str | None = None


class Backend(Protocol):
    """What ``validation.engine.run_suites`` needs from an engine bound to one dataset."""

    #: Backend name, as in ``registry.IMPLEMENTATIONS`` and ``--engine``.
    name: str
    #: The dataset's path (for messages) and key column (``None``: row position).
    path: str
    id_column: str | None

    def columns(self) -> list[str]:
        """The data columns."""
        ...

    def row_id_dtype(self) -> pl.DataType:
        """The polars dtype of ``row_id`` in the failure table."""
        ...

    def compile(self, decl: CheckDef, impl: Callable[..., Any], spec: CheckSpec, index: int) -> Compiled:
        """Compile one check through its implementation; raises on bad arguments or a bug."""
        ...

    def evaluate(self, compiled: Sequence[Compiled], *, max_failures: int | None,
                 failures_path: str | None) -> tuple[int, dict[int, Evaluated]]:
        """Evaluate every check together; ``(row count, per-check answers by index)``.

        With ``failures_path`` every failing row of every check is also written there as Parquet
        (the failure table, ``validation.report.FAILURE_COLUMNS``).
        """
        ...


@cache
def accepts(fn: Callable[..., Any]) -> frozenset[str]:
    """The parameter names of ``fn``."""
    return frozenset(inspect.signature(fn).parameters)


def check_kwargs(spec: CheckSpec, fn: Callable[..., Any] | None = None) -> dict[str, Any]:
    """The spec's kwargs for an implementation (engine kwargs only if its signature names them)."""
    kw = {k: v for k, v in spec.kwargs.items() if k not in ENGINE_KWARGS}
    if fn is not None:
        names = accepts(fn)
        kw.update({k: spec.kwargs[k] for k in PASSED_THROUGH if k in names and k in spec.kwargs})
    return kw


def call_check(kind: str, fn: Callable[..., Any], spec: CheckSpec, schema: Any) -> Any:
    """Call an implementation with the spec's kwargs; map/aggregate implementations whose
    signature has a ``schema`` parameter receive the backend's schema (table checks always get
    it first)."""
    kwargs = check_kwargs(spec, fn)
    if kind == "table":
        return fn(schema, **kwargs)
    if "schema" in accepts(fn):
        kwargs["schema"] = schema
    return fn(**kwargs)


def compile_with(decl: CheckDef, impl: Callable[..., Any], spec: CheckSpec, index: int,
                 schema: Any) -> Compiled:
    """The usual ``Backend.compile``: call the implementation, wrap what it returns."""
    if decl.kind == "map":
        return Compiled(index, spec, "map", map=call_check("map", impl, spec, schema))
    if decl.kind in ("aggregate", "table"):
        return Compiled(index, spec, "agg", agg=call_check(decl.kind, impl, spec, schema))
    return Compiled(index, spec, "external", external=impl)
