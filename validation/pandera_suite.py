"""Load pandera schemas (pandera's own YAML, or a Python module) into dataqa ``Suite``s.

The YAML is what ``pandera.io.to_yaml`` writes and ``from_yaml`` reads (polars or pandas API):
``columns: {name: {dtype, nullable, unique, coerce, required, regex, checks, <check>: value}}``,
dataframe-level ``checks``, ``strict``, ``ordered``, ``unique``, ``coerce``. Checks may be
written in all three shapes pandera reads: flat keys on the column (``in_range: {...}``), a
``checks:`` mapping ``{name: value}``, or a ``checks:`` list of
``{value | statistics..., options: {check_name, ignore_na, raise_warning}}``.

Errors name the file and the line: ``schema.yaml[12,5]: unknown check 'in_rnge' (did you mean
'in_range'?)``. Each ``CheckSpec`` is located as ``schema.yaml[columns.age.checks.in_range]``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Mapping

import yaml

from dataqa.errors import SuiteFileError
from dataqa.validation.checks import get_check
from dataqa.validation.pandera_dtypes import parse_dtype
from dataqa.validation.pandera_model import (
    PanderaCheck,
    PanderaColumn,
    PanderaSchema,
    check_params,
    compile_schema,
    required_params,
    resolve_check,
    scalar_to_stats,
)
from dataqa.validation.pandera_module import load_pandera_module
from dataqa.validation.suite_spec import Suite

Marks = dict[tuple[Any, ...], tuple[int, int]]

#: Column keys that are properties, not checks (pandera.io._flat_checks.COMPONENT_RESERVED_KEYS).
COLUMN_KEYS = frozenset({"title", "description", "dtype", "nullable", "checks", "name", "unique",
                         "coerce", "required", "regex", "default", "report_duplicates",
                         "drop_invalid_rows", "metadata"})
#: Keys of a check value that are options, not statistics (pandera's CHECK_OPTION_KEYS).
OPTION_KEYS = frozenset({"check_name", "ignore_na", "raise_warning", "n_failure_cases", "groupby",
                         "groups", "error", "name"})
SCHEMA_KEYS = frozenset({"schema_type", "version", "api", "columns", "checks", "index", "dtype",
                         "coerce", "strict", "name", "ordered", "unique", "report_duplicates",
                         "unique_column_names", "add_missing_columns", "title", "description",
                         "metadata", "drop_invalid_rows", "parsers", "dataframe_library"})
_IGNORED_NOTES = {"add_missing_columns": "add_missing_columns is not applied (columns are checked as given)",
                  "drop_invalid_rows": "drop_invalid_rows has no effect on a report"}


def load_pandera_yaml(path: str | Path) -> Suite:
    """Parse a pandera YAML schema file into a ``Suite`` (origin ``pandera``).

    Raises
    ------
    SuiteFileError
        Unreadable or malformed YAML, or an invalid entry (located ``file[line,col]``).
    UnknownCheckError
        A check name that is neither a pandera built-in nor a registered custom check.
    """
    p = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteFileError(f"cannot read suite file: {exc}", p) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{p}[{mark.line + 1},{mark.column + 1}]" if mark else p
        raise SuiteFileError(f"not valid YAML: {exc.problem or exc.context}", where) from None
    except yaml.YAMLError as exc:
        raise SuiteFileError(f"not valid YAML: {exc}", p) from None
    marks: Marks = {}
    if node is not None:
        _collect_marks(node, (), marks)
    schema = SchemaParser(p, marks).parse(data)
    return compile_schema(schema, p, schema.name or Path(p).stem)


def _collect_marks(node: yaml.Node, path: tuple[Any, ...], marks: Marks) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            marks[path + (key,)] = (k.start_mark.line + 1, k.start_mark.column + 1)
            _collect_marks(v, path + (key,), marks)
            marks[path + (key,)] = (k.start_mark.line + 1, k.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _collect_marks(v, path + (i,), marks)


class SchemaParser:
    """Turns the loaded YAML mapping into a ``PanderaSchema``, locating every problem."""

    def __init__(self, path: str, marks: Marks) -> None:
        self.path = path
        self.marks = marks
        self.notes: list[str] = []

    # --- locations -------------------------------------------------------------
    def entry(self, keys: tuple[Any, ...]) -> str:
        """``file[columns.age.checks.in_range]``: where a check came from."""
        return f"{self.path}[{'.'.join(str(k) for k in keys)}]"

    def at(self, keys: tuple[Any, ...]) -> str:
        """``file[line,col]`` for error messages (falls back to the entry path)."""
        for n in range(len(keys), -1, -1):
            if keys[:n] in self.marks:
                line, col = self.marks[keys[:n]]
                return f"{self.path}[{line},{col}]"
        return self.entry(keys)

    def line(self, keys: tuple[Any, ...]) -> int | None:
        m = self.marks.get(keys)
        return m[0] if m else None

    def fail(self, message: str, keys: tuple[Any, ...]) -> SuiteFileError:
        where = ".".join(str(k) for k in keys)
        return SuiteFileError(f"{where}: {message}" if where else message, self.at(keys))

    def flag(self, value: Any, keys: tuple[Any, ...], default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(f"must be true or false, got {value!r}", keys)
        return value

    # --- schema ----------------------------------------------------------------
    def parse(self, data: Any) -> PanderaSchema:
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise self.fail("a pandera schema must be a mapping with 'columns'", ())
        unknown = [k for k in data if k not in SCHEMA_KEYS]
        if unknown:
            close = difflib.get_close_matches(str(unknown[0]), SCHEMA_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.fail(f"unknown schema key '{unknown[0]}'{hint}", (unknown[0],))
        st = data.get("schema_type")
        if st not in (None, "polars_dataframe", "dataframe"):
            raise self.fail(f"schema_type {st!r} is not a dataframe schema (polars_dataframe or "
                            "dataframe)", ("schema_type",))
        notes = [f"{self.path}: {msg}" for key, msg in _IGNORED_NOTES.items() if data.get(key)]
        if data.get("parsers"):
            raise self.fail("parsers are not supported (pandera's polars backend rejects them too)",
                            ("parsers",))
        if data.get("index") is not None:
            notes.append(f"{self.path}: index is ignored (polars frames have no index)")
        strict = data.get("strict", False)
        if strict == "filter":
            notes.append(f"{self.path}: strict: filter drops extra columns; nothing to check")
            strict = False
        columns = data.get("columns") or {}
        if not isinstance(columns, Mapping):
            raise self.fail("must be a mapping of column name to column properties", ("columns",))
        cols = tuple(self.column(str(name), spec, data.get("dtype")) for name, spec in columns.items())
        if data.get("dtype") is not None and not cols:
            raise self.fail("a dataframe-level dtype needs the columns listed", ("dtype",))
        return PanderaSchema(
            name=data.get("name"), columns=cols,
            checks=tuple(self.checks(data.get("checks"), ("checks",), None)),
            strict=self.flag(strict, ("strict",), False),
            ordered=self.flag(data.get("ordered"), ("ordered",), False),
            unique=self.unique(data.get("unique")),
            coerce=self.flag(data.get("coerce"), ("coerce",), False),
            notes=tuple(notes + self.notes),
            api="pandas" if data.get("api") == "pandas" or st == "dataframe" else "polars",
            report_duplicates=self.duplicates(data.get("report_duplicates"), ("report_duplicates",)),
        )

    def duplicates(self, value: Any, keys: tuple[Any, ...]) -> str:
        if value is None:
            return "all"
        if value not in ("all", "exclude_first", "exclude_last"):
            raise self.fail(f"must be all, exclude_first or exclude_last; got {value!r}", keys)
        return str(value)

    def unique(self, value: Any) -> tuple[tuple[str, ...], ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return ((value,),)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return (tuple(value),)
        if isinstance(value, list) and all(isinstance(v, list) for v in value):
            return tuple(tuple(str(x) for x in v) for v in value)
        raise self.fail("must be a column name, a list of names or a list of lists", ("unique",))

    def column(self, name: str, spec: Any, frame_dtype: Any) -> PanderaColumn:
        keys: tuple[Any, ...] = ("columns", name)
        spec = {} if spec is None else spec
        if not isinstance(spec, Mapping):
            raise self.fail("column properties must be a mapping", keys)
        if spec.get("regex"):
            raise self.fail("regex column selectors are not supported by dataqa yet; list the "
                            "columns explicitly", keys + ("regex",))
        if spec.get("default") is not None:
            self.notes.append(f"{self.entry(keys)}: default is not applied (nulls are checked as nulls)")
        flat = {k: v for k, v in spec.items() if k not in COLUMN_KEYS}
        if flat and spec.get("checks") is not None:
            # pandera would silently drop the flat keys; refuse rather than skip checks
            raise self.fail(f"'{next(iter(flat))}' next to 'checks:': pandera ignores flat check keys "
                            "when a checks: entry is present; move it under checks:", keys + (next(iter(flat)),))
        checks = list(self.checks(spec.get("checks"), keys + ("checks",), spec.get("dtype")))
        for cname, value in flat.items():
            checks.append(self.check(str(cname), value, keys + (cname,), keys + ("checks", cname)))
        dtype = spec.get("dtype", frame_dtype) if frame_dtype is None else frame_dtype
        if dtype is not None:
            try:
                parse_dtype(dtype)
            except ValueError as exc:
                raise self.fail(str(exc), keys + ("dtype",)) from None
        return PanderaColumn(
            name=name, location=self.entry(keys), dtype=None if dtype is None else str(dtype),
            nullable=self.flag(spec.get("nullable"), keys + ("nullable",), False),
            unique=self.flag(spec.get("unique"), keys + ("unique",), False),
            coerce=self.flag(spec.get("coerce"), keys + ("coerce",), False),
            required=self.flag(spec.get("required"), keys + ("required",), True),
            checks=tuple(checks), line=self.line(keys),
            report_duplicates=self.duplicates(spec.get("report_duplicates"), keys + ("report_duplicates",)),
        )

    # --- checks ----------------------------------------------------------------
    def checks(self, raw: Any, keys: tuple[Any, ...], dtype: Any) -> list[PanderaCheck]:
        if raw is None:
            return []
        if isinstance(raw, Mapping):  # legacy {check_name: value}
            return [self.check(str(n), v, keys + (n,), keys + (n,)) for n, v in raw.items()]
        if not isinstance(raw, list):
            raise self.fail("checks must be a list or a mapping of check name to value", keys)
        out = []
        for i, entry in enumerate(raw):
            opts = entry.get("options") if isinstance(entry, Mapping) else None
            if not isinstance(opts, Mapping) or not opts.get("check_name"):
                raise self.fail("a check in the list form needs options.check_name", keys + (i,))
            name = str(opts["check_name"])
            out.append(self.check(name, entry, keys + (i,), keys + (name,)))
        return out

    def check(self, name: str, value: Any, keys: tuple[Any, ...], entry: tuple[Any, ...]) -> PanderaCheck:
        where = self.at(keys)
        registry_name, pandera_name = resolve_check(name, where)
        options: dict[str, Any] = {}
        if isinstance(value, Mapping):
            stats = {str(k): v for k, v in value.items() if k != "options"}
            options = dict(value.get("options") or {})
            options.update({k: stats.pop(k) for k in list(stats) if k in OPTION_KEYS})
            if set(stats) == {"value"}:
                stats = scalar_to_stats(registry_name, stats["value"], where)
        else:
            stats = scalar_to_stats(registry_name, value, where)
        if options.get("groupby") is not None or options.get("groups") is not None:
            raise self.fail("groupby checks are not supported (pandera's polars backend has none)", keys)
        params = check_params(registry_name)
        bad = [s for s in stats if s not in params]
        if bad and params:
            raise self.fail(f"check '{name}' has no parameter '{bad[0]}' (parameters: "
                            f"{', '.join(params)})", keys)
        missing = [r for r in required_params(registry_name) if r not in stats]
        if missing:
            raise self.fail(f"check '{name}' needs {', '.join(missing)}", keys)
        validate = get_check(registry_name).validate
        if validate is not None:  # the declaration's pure argument check, engine-neutral
            try:
                validate(stats)
            except (ValueError, TypeError, KeyError) as exc:
                raise self.fail(f"check '{name}': {exc}", keys) from None
        return PanderaCheck(
            registry_name=registry_name, pandera_name=pandera_name, stats=stats,
            location=self.entry(entry), line=self.line(keys),
            ignore_na=self.flag(options.get("ignore_na"), keys + ("ignore_na",), True),
            raise_warning=self.flag(options.get("raise_warning"), keys + ("raise_warning",), False),
            error=options.get("error"),
        )


__all__ = ["load_pandera_yaml", "load_pandera_module"]
