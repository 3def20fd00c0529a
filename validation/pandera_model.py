"""A pandera schema as typed objects, and its compilation to dataqa ``CheckSpec``s.

Both pandera sources (YAML, Python module) are parsed into ``PanderaSchema``; ``compile_schema``
turns it into a ``Suite`` in the order pandera validates: strict/ordered, column presence,
dataframe-level uniqueness, then per column nullable, unique, dtype and checks, then
dataframe-level checks.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass, field
from typing import Any, Mapping

import polars as pl

from dataqa.errors import SuiteFileError, UnknownCheckError
from dataqa.validation.checks import get_check, is_registered, registered_names
from dataqa.validation.pandera_dtypes import parse_dtype
from dataqa.validation.suite_spec import CheckSpec, Suite, freeze

PREFIX = "pandera."
#: pandera's YAML datetime format (pandera.io._constants.DATETIME_FORMAT).
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class PanderaCheck:
    """One check of a column or of the dataframe.

    ``registry_name`` is the dataqa check it runs (``pandera.in_range`` or a custom check's
    name); ``pandera_name`` is pandera's own name for it (``in_range``), used in labels.
    ``python_ref`` is set for Python checks pandera itself must run.
    """

    registry_name: str
    pandera_name: str
    stats: Mapping[str, Any]
    location: str
    ignore_na: bool = True
    raise_warning: bool = False
    error: str | None = None
    line: int | None = None
    python_ref: str | None = None


@dataclass(frozen=True)
class PanderaColumn:
    """A column's properties (pandera ``Column``)."""

    name: str
    location: str
    dtype: str | None = None
    nullable: bool = False
    unique: bool = False
    coerce: bool = False
    required: bool = True
    checks: tuple[PanderaCheck, ...] = ()
    line: int | None = None
    report_duplicates: str = "all"


@dataclass(frozen=True)
class PanderaSchema:
    """A pandera ``DataFrameSchema``: columns, dataframe-level checks and options."""

    name: str | None
    columns: tuple[PanderaColumn, ...]
    checks: tuple[PanderaCheck, ...] = ()
    strict: bool = False
    ordered: bool = False
    unique: tuple[tuple[str, ...], ...] = ()
    coerce: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: ``polars`` or ``pandas``: which pandera backend's semantics to follow where they differ
    #: (pandas: NaN is missing, nulls are never duplicates, ``report_duplicates`` is honoured).
    api: str = "polars"
    report_duplicates: str = "all"


def _custom_names() -> list[str]:
    return [n for n in registered_names() if not n.startswith(PREFIX)]


def resolve_check(name: str, location: str) -> tuple[str, str]:
    """``(registry_name, pandera_name)`` for a check name written in a pandera schema.

    pandera's built-ins and aliases (``ge``) resolve to ``pandera.<name>``; any other registered
    name is a custom check. Otherwise ``UnknownCheckError`` with the closest name.
    """
    if is_registered(PREFIX + name):
        reg = get_check(PREFIX + name).name
        return reg, reg[len(PREFIX):]
    if is_registered(name) and not name.startswith(PREFIX):
        return get_check(name).name, name
    known = [a[len(PREFIX):] for n in registered_names() if n.startswith(PREFIX)
             for a in (n, *get_check(n).aliases)] + _custom_names()
    raise UnknownCheckError(name, known, location)


def check_params(registry_name: str) -> tuple[str, ...]:
    """The statistics a check takes, in order (a scalar YAML value goes to the first)."""
    fn = get_check(registry_name).fn
    params = getattr(fn, "pandera_params", None)
    if params is None:
        params = tuple(p for p, v in inspect.signature(fn).parameters.items()
                       if p not in ("column", "ignore_na", "coerce_to", "schema")
                       and v.kind not in (v.VAR_KEYWORD, v.VAR_POSITIONAL))
    return tuple(params)


def required_params(registry_name: str) -> tuple[str, ...]:
    """Statistics a check cannot do without (none known for plain registered functions)."""
    return tuple(getattr(get_check(registry_name).fn, "pandera_required", ()))


def _stat_for_dtype(value: Any, dtype: str | None) -> Any:
    # pandera writes datetime statistics as text and parses them back for Datetime columns
    if isinstance(value, str) and dtype is not None:
        try:
            if isinstance(parse_dtype(dtype), pl.Datetime):
                return dt.datetime.strptime(value, _DATETIME_FORMAT)
        except ValueError:
            return value
    return value


def _label(subject: str, chk: PanderaCheck) -> str:
    if chk.error:
        return f"{subject}: {chk.error}"
    try:
        text = get_check(chk.registry_name).error.format(**chk.stats) if chk.stats else ""
    except (KeyError, IndexError, ValueError):
        text = ""
    if not text or "{" in text or "(" not in text:
        args = ", ".join(f"{k}={v!r}" for k, v in chk.stats.items() if v is not None)
        text = f"{chk.pandera_name}({args})" if args else chk.pandera_name
    return f"{subject}: {text}"


def compile_schema(schema: PanderaSchema, path: str, name: str) -> Suite:
    """Compile a parsed schema to a ``Suite`` of ``CheckSpec``s (origin ``pandera``)."""
    specs: list[CheckSpec] = []
    frame = schema.name or "dataframe"

    def add(check: str, kwargs: Mapping[str, Any], location: str, label: str, pandera_check: str,
            column: str | None, *, line: int | None = None, severity: str = "critical",
            optional: bool = False) -> None:
        kw = dict(kwargs)
        if optional and column is not None:  # checks of a required: false column
            kw = {"column": column, "check": check, **{k: v for k, v in kw.items() if k != "column"}}
            check = "pandera.optional_column"
        meta = {"pandera_check": pandera_check, "pandera_column": column, "line": line}
        specs.append(CheckSpec(name=check, kwargs=freeze(kw), suite_file=path, location=location,
                               severity=severity, label=label,  # type: ignore[arg-type]
                               meta=freeze(meta)))

    names = [c.name for c in schema.columns]
    if schema.strict:
        add("pandera.column_in_schema", {"allowed": names}, f"{path}[strict]",
            f"{frame}: column_in_schema", "column_in_schema", None)
    if schema.ordered:
        add("pandera.column_ordered", {"order": names}, f"{path}[ordered]",
            f"{frame}: column_ordered", "column_ordered", None)
    required = [c.name for c in schema.columns if c.required]
    if required:
        add("pandera.column_in_dataframe", {"required": required}, f"{path}[columns]",
            f"{frame}: column_in_dataframe", "column_in_dataframe", None)
    pandas = schema.api == "pandas"
    for subset in schema.unique:
        kw: dict[str, Any] = {"column_list": list(subset)}
        if pandas:
            kw["report_duplicates"] = schema.report_duplicates
        add("pandera.multiple_fields_uniqueness", kw, f"{path}[unique]",
            f"{frame}: multiple_fields_uniqueness({', '.join(subset)})",
            "multiple_fields_uniqueness", None)
    for col in schema.columns:
        _compile_column(col, schema.coerce, add, pandas)
    for chk in schema.checks:
        _compile_check(chk, None, None, frame, add, pandas)
    return Suite(name=name, path=path, checks=tuple(specs), notes=schema.notes)


def _compile_column(col: PanderaColumn, coerce_all: bool, add: Any, pandas: bool) -> None:
    optional = not col.required
    coerce_to = col.dtype if (col.coerce or coerce_all) and col.dtype else None
    base: dict[str, Any] = {"column": col.name}
    cz = {"coerce_to": coerce_to} if coerce_to else {}
    loc = col.location
    if coerce_to:
        add("pandera.coerce_dtype", {**base, "dtype": coerce_to}, loc, f"{col.name}: coerce_dtype('{coerce_to}')",
            "coerce_dtype", col.name, line=col.line, optional=optional)
    if not col.nullable:
        add("pandera.not_nullable", {**base, **cz}, loc, f"{col.name}: not_nullable", "not_nullable",
            col.name, line=col.line, optional=optional)
    if col.unique:
        uq = {"nulls_distinct": True, "report_duplicates": col.report_duplicates} if pandas else {}
        add("pandera.field_uniqueness", {**base, **cz, **uq}, loc, f"{col.name}: field_uniqueness",
            "field_uniqueness", col.name, line=col.line, optional=optional)
    if col.dtype and not coerce_to:
        shown = str(parse_dtype(col.dtype))
        add("pandera.dtype", {**base, "dtype": col.dtype}, loc, f"{col.name}: dtype('{shown}')", "dtype",
            col.name, line=col.line, optional=optional)
    for chk in col.checks:
        _compile_check(chk, col, coerce_to, col.name, add, pandas)


def _compile_check(chk: PanderaCheck, col: PanderaColumn | None, coerce_to: str | None,
                   subject: str, add: Any, pandas: bool = False) -> None:
    column = col.name if col else None
    severity = "warning" if chk.raise_warning else "critical"
    label = _label(subject, chk)
    line = chk.line
    if chk.python_ref is not None:
        add("pandera.python_check", {"column": column, "check_ref": chk.python_ref,
                                     "check_name": chk.pandera_name},
            chk.location, label, chk.pandera_name, column, line=line, severity=severity)
        return
    stats = {k: _stat_for_dtype(v, col.dtype if col else None) for k, v in chk.stats.items()}
    kwargs: dict[str, Any] = {"column": column, **stats}
    if chk.registry_name.startswith(PREFIX) or _accepts(chk.registry_name, "ignore_na"):
        kwargs["ignore_na"] = chk.ignore_na
    if coerce_to and (chk.registry_name.startswith(PREFIX) or _accepts(chk.registry_name, "coerce_to")):
        kwargs["coerce_to"] = coerce_to
    if pandas and column is not None and _accepts(chk.registry_name, "nan_is_null"):
        kwargs["nan_is_null"] = True
    if column is None and not _accepts(chk.registry_name, "column"):
        kwargs.pop("column")
    add(chk.registry_name, kwargs, chk.location, label, chk.pandera_name, column, line=line,
        severity=severity, optional=col is not None and not col.required)


def _accepts(registry_name: str, param: str) -> bool:
    try:
        params = inspect.signature(get_check(registry_name).fn).parameters
    except (TypeError, ValueError):
        return False
    return param in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def scalar_to_stats(registry_name: str, value: Any, location: str) -> dict[str, Any]:
    """pandera passes a scalar check value as the first statistic (``ge: 0`` -> min_value=0)."""
    params = check_params(registry_name)
    if not params:
        if value is None:
            return {}
        raise SuiteFileError(f"check '{registry_name}' takes no value, got {value!r}", location)
    return {params[0]: value}


__all__ = ["PanderaCheck", "PanderaColumn", "PanderaSchema", "compile_schema", "resolve_check",
           "scalar_to_stats", "check_params", "required_params"]
