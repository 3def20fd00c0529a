"""Load a Python module defining pandera ``DataFrameSchema``s / ``DataFrameModel``s into a Suite.

Every schema object and model class defined at the top level of the module is compiled (pandera
polars API or pandas API); a module that only registers custom checks gives an empty suite.
Built-in checks and checks registered with dataqa compile to polars expressions; any other
Python check (``@pa.check`` methods, lambdas) runs through pandera itself on the columns it
reads (``pandera.python_check``).

pandera is imported inside the functions (about 1.5 s to import): only a ``.py`` suite pays for it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import traceback
from pathlib import Path
from typing import Any

from dataqa.errors import SuiteError, SuiteFileError
from dataqa.validation.checks import get_check, is_registered
from dataqa.validation.checks.pandera_checks import remember
from dataqa.validation.pandera_model import (
    PREFIX,
    PanderaCheck,
    PanderaColumn,
    PanderaSchema,
    compile_schema,
)
from dataqa.validation.suite_spec import CheckSpec, Suite


def load_pandera_module(path: str | Path) -> Suite:
    """Import ``path`` and compile the pandera schemas it defines into one ``Suite``.

    Raises
    ------
    SuiteFileError
        The module fails to import (located at the failing line), or a schema uses something
        dataqa cannot run (regex columns, groupby checks).
    """
    p = str(path)
    module = _import(Path(path))
    lines = _definition_lines(Path(path))
    from pandera.api.dataframe.container import DataFrameSchema
    from pandera.api.dataframe.model import DataFrameModel

    found: list[tuple[str, Any]] = []
    for name, obj in vars(module).items():
        if isinstance(obj, DataFrameSchema):
            found.append((name, obj))
        elif (isinstance(obj, type) and issubclass(obj, DataFrameModel)
              and obj.__module__ == module.__name__):
            try:
                found.append((name, obj.to_schema()))
            except Exception as exc:
                raise SuiteFileError(f"model {name} is invalid: {exc}", _at(p, lines, name)) from None
    checks: list[CheckSpec] = []
    notes: list[str] = []
    for name, schema in found:
        parsed = _convert(schema, name, p, lines)
        suite = compile_schema(parsed, p, name)
        checks.extend(suite.checks)
        notes.extend(suite.notes)
    if not found:
        notes.append(f"{p}: no pandera schema or model defined (custom checks only)")
    return Suite(name=Path(p).stem, path=p, checks=tuple(checks), notes=tuple(notes))


def _import(path: Path) -> Any:
    if not path.is_file():
        raise SuiteFileError("no such suite file", str(path))
    name = f"dataqa_suite_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SuiteFileError("cannot import this file as a Python module", str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SuiteError:
        raise
    except Exception as exc:
        sys.modules.pop(name, None)
        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                     if Path(f.filename).resolve() == path.resolve()), None)
        where = f"{path}[{line},1]" if line else str(path)
        raise SuiteFileError(f"suite module failed to import: {type(exc).__name__}: {exc}", where) from None
    return module


def _definition_lines(path: Path) -> dict[str, int]:
    """Line of each top-level name and of each ``Model.field`` (for locations)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, OSError, UnicodeDecodeError):
        return {}
    out: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = node.lineno
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    out[f"{node.name}.{item.target.id}"] = item.lineno
                elif isinstance(item, ast.FunctionDef):
                    out[f"{node.name}.{item.name}"] = item.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    out[t.id] = node.lineno
    return out


def _at(path: str, lines: dict[str, int], key: str) -> str:
    return f"{path}[{lines[key]},1]" if key in lines else f"{path}[{key}]"


def _plain(value: Any) -> Any:
    """Statistics as plain JSON-able values (sets sorted, compiled regexes as their pattern)."""
    if isinstance(value, re.Pattern):
        return value.pattern
    if isinstance(value, (set, frozenset)):
        try:
            return sorted(value)
        except TypeError:
            return list(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _convert_check(check: Any, loc: str, line: int | None, key: str) -> PanderaCheck:
    from pandera.api.function_dispatch import Dispatcher

    name = check.name or "check"
    stats = {k: _plain(v) for k, v in (check.statistics or {}).items()}
    common = dict(ignore_na=bool(check.ignore_na), raise_warning=bool(check.raise_warning),
                  line=line, location=loc)
    if getattr(check, "groupby", None) is not None or getattr(check, "groups", None) is not None:
        raise SuiteFileError(f"check '{name}': groupby checks are not supported", loc)
    builtin = isinstance(check._check_fn, Dispatcher)
    if builtin and is_registered(PREFIX + name) and not check.element_wise:
        reg = get_check(PREFIX + name).name
        return PanderaCheck(registry_name=reg, pandera_name=reg[len(PREFIX):], stats=stats,
                            error=check.error, **common)  # type: ignore[arg-type]
    if getattr(getattr(check._check_fn, "func", None), "__dataqa_check__", None) == name:
        # a custom check registered in both pandera and dataqa: run dataqa's polars version
        return PanderaCheck(registry_name=get_check(name).name, pandera_name=name, stats=stats,
                            error=check.error, **common)  # type: ignore[arg-type]
    return PanderaCheck(registry_name="pandera.python_check", pandera_name=name, stats={},
                        error=check.error, python_ref=remember(check, key), **common)  # type: ignore[arg-type]


def _convert(schema: Any, var: str, path: str, lines: dict[str, int]) -> PanderaSchema:
    cols = []
    for cname, col in schema.columns.items():
        if getattr(col, "regex", False):
            raise SuiteFileError("regex column selectors are not supported by dataqa yet; list the "
                                 "columns explicitly", f"{path}[{var}.columns.{cname}]")
        line = lines.get(f"{var}.{cname}") or lines.get(var)
        checks = tuple(
            _convert_check(c, f"{path}[{var}.columns.{cname}.checks.{c.name}]",
                           lines.get(f"{var}.{c.name}") or line, f"{path}[{var}.columns.{cname}.checks.{i}]")
            for i, c in enumerate(col.checks))
        dtype = schema.dtype if schema.dtype is not None else col.dtype
        cols.append(PanderaColumn(
            name=str(cname), location=f"{path}[{var}.columns.{cname}]",
            dtype=None if dtype is None else str(dtype), nullable=bool(col.nullable),
            unique=bool(col.unique), coerce=bool(col.coerce), required=bool(col.required),
            checks=checks, line=line,
            report_duplicates=str(getattr(col, "report_duplicates", "all") or "all")))
    unique = schema.unique
    subsets: tuple[tuple[str, ...], ...] = ()
    if unique:
        subsets = ((unique,),) if isinstance(unique, str) else (
            (tuple(unique),) if all(isinstance(u, str) for u in unique) else tuple(tuple(u) for u in unique))
    notes = []
    if getattr(schema, "add_missing_columns", False):
        notes.append(f"{path}: {var}: add_missing_columns is not applied")
    strict = schema.strict
    if strict == "filter":
        notes.append(f"{path}: {var}: strict='filter' drops extra columns; nothing to check")
        strict = False
    return PanderaSchema(
        name=schema.name, columns=tuple(cols),
        checks=tuple(_convert_check(c, f"{path}[{var}.checks.{c.name}]",
                                    lines.get(f"{var}.{c.name}") or lines.get(var), f"{path}[{var}.checks.{i}]")
                     for i, c in enumerate(schema.checks)),
        strict=bool(strict), ordered=bool(schema.ordered), unique=subsets,
        coerce=bool(schema.coerce), notes=tuple(notes),
        api="pandas" if type(schema).__module__.startswith("pandera.api.pandas") else "polars",
        report_duplicates=str(getattr(schema, "report_duplicates", "all") or "all"))
