"""The one registry of checks. A new check is one decorated function in ``validation/checks/``.

Three kinds of check, all evaluated by ``validation.engine`` in one lazy query:

``map``
    ``fn(**kwargs) -> MapResult``: a boolean expression per row, True when the row is valid.
    Rows where ``MapResult.eligible`` is False (by default: the column is null) are not evaluated,
    as in GX. ``mostly`` is applied by the engine.
``aggregate``
    ``fn(**kwargs) -> AggResult``: named scalar expressions, computed in the same query, and a
    pure function turning their values into ``(success, observed_value)``. An aggregate check can
    also return row-level ``unexpected`` expression to name offending rows (e.g. most common value).
``table``
    ``fn(schema, **kwargs) -> AggResult``: like aggregate but also sees the schema (column checks).

Example
-------
>>> import polars as pl
>>> @register_check("example_positive", kind="map", replace=True)
... def example_positive(column: str) -> MapResult:
...     return MapResult(valid=pl.col(column) > 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

import polars as pl

from dataqa.errors import UnknownCheckError

CheckKind = Literal["map", "aggregate", "table", "external"]


@dataclass(frozen=True)
class MapResult:
    """Row-level outcome of a map check.

    ``valid``: True where the row passes. ``eligible``: rows that are evaluated at all
    (``None`` = rows where every column the check reads is non-null). ``value``: the failing
    value to report (default: the check's column, or a struct of its columns).
    """

    valid: pl.Expr
    eligible: pl.Expr | None = None
    value: pl.Expr | None = None


@dataclass(frozen=True)
class AggResult:
    """Aggregate outcome: ``exprs`` are computed in the shared query (each must reduce to one
    value), then ``evaluate(values)`` returns ``(success, observed_value)``.

    ``unexpected`` optionally flags offending rows (True = offending) for the failure table,
    evaluated after the aggregates when the check failed.
    """

    exprs: Mapping[str, pl.Expr]
    evaluate: Callable[[Mapping[str, Any]], tuple[bool, Any]]
    unexpected: pl.Expr | None = None


@dataclass(frozen=True)
class CheckDef:
    """A registered check."""

    name: str
    kind: CheckKind
    fn: Callable[..., Any]
    error: str = ""
    aliases: tuple[str, ...] = ()
    #: Keyword arguments the check does not take but GX/pandera files may carry.
    ignored_kwargs: frozenset[str] = field(default_factory=frozenset)


REGISTRY: dict[str, CheckDef] = {}
_ALIASES: dict[str, str] = {}

#: Kwargs understood by the engine itself, never passed to check functions.
ENGINE_KWARGS = frozenset(
    {"mostly", "result_format", "catch_exceptions", "meta", "include_config", "row_condition",
     "condition_parser", "unexpected_index_column_names", "description", "notes",
     "rendered_content", "windows", "severity", "id", "batch_id"}
)


def register_check(
    name: str,
    *,
    kind: CheckKind = "map",
    error: str = "",
    aliases: tuple[str, ...] = (),
    replace: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as check ``name``; usable from GX JSON (``type``) and pandera YAML.

    Parameters
    ----------
    name:
        Registry name. Custom checks may use any name that is not taken.
    kind:
        ``map``, ``aggregate`` or ``table`` (see the module docstring).
    error:
        A message template, formatted with the check kwargs.
    aliases:
        Other names that resolve to this check.
    replace:
        Allow re-registering an existing name (for reloading plugins).
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY and not replace:
            raise ValueError(f"check '{name}' is already registered")
        REGISTRY[name] = CheckDef(name=name, kind=kind, fn=fn, error=error, aliases=aliases)
        for a in aliases:
            _ALIASES[a] = name
        return fn

    return deco


def get_check(name: str, location: str | None = None) -> CheckDef:
    """Look a check up by name or alias; ``UnknownCheckError`` lists the close names."""
    _ensure_builtins()
    key = _ALIASES.get(name, name)
    try:
        return REGISTRY[key]
    except KeyError:
        raise UnknownCheckError(name, list(REGISTRY) + list(_ALIASES), location) from None


def is_registered(name: str) -> bool:
    """True when ``name`` (or an alias) is a registered check."""
    _ensure_builtins()
    return _ALIASES.get(name, name) in REGISTRY


def registered_names() -> list[str]:
    """All registered check names, sorted."""
    _ensure_builtins()
    return sorted(REGISTRY)


_loaded = False


def _ensure_builtins() -> None:
    # Importing the built-in check modules registers them; done lazily so that importing the
    # registry stays cheap and import cycles are impossible.
    global _loaded
    if not _loaded:
        _loaded = True
        import dataqa.validation.checks  # noqa: F401
