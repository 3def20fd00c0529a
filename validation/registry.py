"""The one registry of checks: each check declared once, engine-neutral; one implementation per backend.

The seam follows pandera's model (a stub in ``backends/base/builtin_checks.py`` plus one function per
backend). A **declaration** (``declare``) says what a check is, with no engine in sight:

- its name, aliases and error template;
- its kind: ``map`` (a verdict per row), ``aggregate`` (values over the table, then a verdict),
  ``table`` (like aggregate, but also sees the schema) or ``external`` (run by another library);
- its parameters: the signature of the declared stub function;
- a pure argument validator, called by the GX and pandera parsers at parse time (no polars, no
  engine), raising ``ValueError``/``TypeError`` for arguments no engine could run.

An **implementation** (``implement(backend, name)``) compiles the check for one engine. The
implementations of the ``polars`` backend live in ``validation/backends/polars/checks/`` and return
``MapResult``/``AggResult`` holding polars expressions; the ``spark`` backend's return the same
shapes holding ``pyspark.sql.Column`` objects. A backend may instead list a check as unsupported
(``unsupported(backend, name, reason)``); a guard test requires one or the other for every
declared check in every backend.

``register_check`` (declare + implement for polars in one decorator) is kept for plugins written
before the seam: the function is both the declaration's signature and the polars implementation.

Example
-------
>>> import polars as pl
>>> @register_check("example_positive", kind="map", replace=True)
... def example_positive(column: str) -> MapResult:
...     return MapResult(valid=pl.col(column) > 0)

This module imports no engine: the built-in declarations (``validation/checks/``) import it, and
the backends import both, so every import points one way.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping, Sequence

from dataqa.columns import ROW_ID
from dataqa.errors import UnknownCheckError

CheckKind = Literal["map", "aggregate", "table", "external"]

#: The engine-internal column holding the 0-based row position (file + row on several files).
IDX = "__dataqa_idx__"
#: The scalar holding the row count in a backend's aggregation.
N_ROWS = "__dataqa_n__"
#: The default backend.
POLARS = "polars"


@dataclass(frozen=True)
class MapResult:
    """Row-level outcome of a map check, in the backend's expression type.

    ``valid``: True where the row passes. ``eligible``: rows that are evaluated at all
    (``None`` = rows where every column the check reads is non-null). ``value``: the failing
    value to report (default: the check's column, or ``a=1, b=null`` for several columns).
    """

    valid: Any
    eligible: Any | None = None
    value: Any | None = None


@dataclass(frozen=True)
class AggResult:
    """Aggregate outcome: ``exprs`` are computed in the shared aggregation pass (each must reduce
    to one value), then ``evaluate(values)`` returns ``(success, observed_value)``.

    ``unexpected`` optionally flags offending rows (True = offending) for the failure table,
    evaluated after the aggregates when the check failed.
    """

    exprs: Mapping[str, Any]
    evaluate: Callable[[Mapping[str, Any]], tuple[bool, Any]]
    unexpected: Any | None = None


@dataclass
class ExternalOutcome:
    """What an ``external`` check (run by another library on just its columns) returns.

    ``unexpected_index`` holds row positions (the ``IDX`` column), never row ids.
    """

    success: bool
    observed_value: Any = None
    evaluated_count: int | None = None
    unexpected_count: int | None = None
    unexpected_index: Sequence[int] | None = None
    note: str | None = None


Validator = Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True)
class CheckDef:
    """A declared check.

    ``fn`` is the declaration's stub: its signature is the check's parameters (for a check
    registered with ``register_check`` it is the polars implementation itself). ``validate``
    checks the arguments without an engine.
    """

    name: str
    kind: CheckKind
    fn: Callable[..., Any]
    error: str = ""
    aliases: tuple[str, ...] = ()
    validate: Validator | None = None

    @property
    def parameters(self) -> Mapping[str, inspect.Parameter]:
        """The declared parameters (never ``schema``/``frame``: a backend passes those)."""
        params = inspect.signature(self.fn).parameters
        return {k: p for k, p in params.items() if k not in ("schema", "frame")}


REGISTRY: dict[str, CheckDef] = {}
_ALIASES: dict[str, str] = {}
#: backend -> check name -> implementation.
IMPLEMENTATIONS: dict[str, dict[str, Callable[..., Any]]] = {}
#: backend -> check name -> why it cannot run there.
UNSUPPORTED: dict[str, dict[str, str]] = {}

#: Kwargs understood by the engine itself, never passed to check functions.
ENGINE_KWARGS = frozenset(
    {"mostly", "result_format", "catch_exceptions", "meta", "include_config", "row_condition",
     "condition_parser", "unexpected_index_column_names", "description", "notes",
     "rendered_content", "windows", "severity", "id", "batch_id"}
)


def declare(
    name: str,
    *,
    kind: CheckKind = "map",
    error: str = "",
    aliases: tuple[str, ...] = (),
    validate: Validator | None = None,
    replace: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare check ``name``; the decorated stub's signature is its parameters.

    Raises
    ------
    ValueError
        ``name`` is already declared and ``replace`` is false.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY and not replace:
            raise ValueError(f"check '{name}' is already registered")
        REGISTRY[name] = CheckDef(name=name, kind=kind, fn=fn, error=error, aliases=aliases,
                                  validate=validate)
        for a in aliases:
            _ALIASES[a] = name
        return fn

    return deco


def implement(backend: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as ``backend``'s implementation of check ``name``."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        IMPLEMENTATIONS.setdefault(backend, {})[name] = fn
        UNSUPPORTED.get(backend, {}).pop(name, None)
        return fn

    return deco


def unsupported(backend: str, name: str, reason: str) -> None:
    """List check ``name`` as not runnable on ``backend`` (refused with ``reason``)."""
    UNSUPPORTED.setdefault(backend, {})[name] = reason


def implementation(backend: str, name: str) -> Callable[..., Any] | None:
    """``backend``'s implementation of the declared check ``name``, or ``None``."""
    return IMPLEMENTATIONS.get(backend, {}).get(name)


def unsupported_reason(backend: str, name: str) -> str | None:
    """Why ``backend`` refuses check ``name`` (``None`` when it is implemented or not listed)."""
    return UNSUPPORTED.get(backend, {}).get(name)


def register_check(
    name: str,
    *,
    kind: CheckKind = "map",
    error: str = "",
    aliases: tuple[str, ...] = (),
    replace: bool = False,
    validate: Validator | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare check ``name`` and register ``fn`` as its polars implementation (one decorator).

    Parameters
    ----------
    name:
        Registry name. Custom checks may use any name that is not taken.
    kind:
        ``map``, ``aggregate``, ``table`` or ``external`` (see the module docstring).
    error:
        A message template, formatted with the check kwargs.
    aliases:
        Other names that resolve to this check.
    replace:
        Allow re-registering an existing name (for reloading plugins).
    validate:
        Pure argument validator called at parse time.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        declare(name, kind=kind, error=error, aliases=aliases, validate=validate, replace=replace)(fn)
        implement(POLARS, name)(fn)
        return fn

    return deco


def get_check(name: str, location: str | None = None) -> CheckDef:
    """Look a check up by name or alias; ``UnknownCheckError`` lists the close names."""
    key = _ALIASES.get(name, name)
    try:
        return REGISTRY[key]
    except KeyError:
        raise UnknownCheckError(name, list(REGISTRY) + list(_ALIASES), location) from None


def is_registered(name: str) -> bool:
    """True when ``name`` (or an alias) is a declared check."""
    return _ALIASES.get(name, name) in REGISTRY


def registered_names() -> list[str]:
    """All declared check names, sorted."""
    return sorted(REGISTRY)


__all__ = ["AggResult", "CheckDef", "CheckKind", "ENGINE_KWARGS", "ExternalOutcome", "IDX",
           "MapResult", "N_ROWS", "POLARS", "REGISTRY", "ROW_ID", "declare", "get_check",
           "implement", "implementation", "is_registered", "register_check", "registered_names",
           "unsupported", "unsupported_reason"]
