"""Parse Great Expectations 1.x suite JSON into ``Suite`` objects.

The file is what ``ExpectationSuite.to_json_dict()`` writes::

    {"name": "...", "expectations": [{"type": "...", "kwargs": {...}, "meta": {...},
                                      "severity": "critical"}]}

Each entry becomes one ``CheckSpec``:

- a type dataqa runs natively (or a custom check registered by that name) has its kwargs
  checked here against the check's signature and rules; a bad kwarg is a ``SuiteFileError``
  naming the file and entry;
- a valid GX 1.24 type that dataqa does not run natively (or any entry with a ``row_condition``)
  runs through GX itself on pandas (``gx_fallback``); the suite gets a note saying so;
- anything else is an ``UnknownCheckError`` with a did-you-mean.

GX 0.x files (``expectation_type`` instead of ``type``) are read too, with a note.
GX itself is imported only when a fallback entry needs it (importing it takes seconds).
"""

from __future__ import annotations

import difflib
import inspect
import json
import numbers
from pathlib import Path
from typing import Any, Mapping, cast

from dataqa.errors import SuiteFileError, UnknownCheckError
from dataqa.validation.checks import get_check, is_registered, registered_names
from dataqa.validation.gx_fallback import register_fallback, validate_gx_kwargs
from dataqa.validation.registry import ENGINE_KWARGS
from dataqa.validation.suite_spec import CheckSpec, Severity, Suite, freeze

#: Every expectation type of GX 1.24.1 core (``great_expectations.expectations``).
GX_EXPECTATION_TYPES: frozenset[str] = frozenset({
    "expect_column_distinct_values_to_be_in_set", "expect_column_distinct_values_to_contain_set",
    "expect_column_distinct_values_to_equal_set", "expect_column_kl_divergence_to_be_less_than",
    "expect_column_max_to_be_between", "expect_column_mean_to_be_between",
    "expect_column_median_to_be_between", "expect_column_min_to_be_between",
    "expect_column_most_common_value_to_be_in_set", "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_column_pair_values_to_be_equal", "expect_column_pair_values_to_be_in_set",
    "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between",
    "expect_column_quantile_values_to_be_between", "expect_column_stdev_to_be_between",
    "expect_column_sum_to_be_between", "expect_column_to_exist", "expect_column_type_to_be",
    "expect_column_unique_value_count_to_be_between", "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal", "expect_column_value_z_scores_to_be_less_than",
    "expect_column_values_to_be_between", "expect_column_values_to_be_dateutil_parseable",
    "expect_column_values_to_be_decreasing", "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_in_type_list", "expect_column_values_to_be_increasing",
    "expect_column_values_to_be_json_parseable", "expect_column_values_to_be_null",
    "expect_column_values_to_be_of_type", "expect_column_values_to_be_unique",
    "expect_column_values_to_match_json_schema", "expect_column_values_to_match_like_pattern",
    "expect_column_values_to_match_like_pattern_list", "expect_column_values_to_match_regex",
    "expect_column_values_to_match_regex_list", "expect_column_values_to_match_strftime_format",
    "expect_column_values_to_not_be_in_set", "expect_column_values_to_not_be_null",
    "expect_column_values_to_not_be_outliers", "expect_column_values_to_not_match_like_pattern",
    "expect_column_values_to_not_match_like_pattern_list", "expect_column_values_to_not_match_regex",
    "expect_column_values_to_not_match_regex_list", "expect_compound_columns_to_be_unique",
    "expect_multicolumn_sum_to_equal", "expect_multicolumn_values_to_be_equal",
    "expect_multicolumn_values_to_be_unique", "expect_query_results_to_match_comparison",
    "expect_select_column_values_to_be_unique_within_record",
    "expect_table_column_count_to_be_between", "expect_table_column_count_to_equal",
    "expect_table_columns_to_match_ordered_list", "expect_table_columns_to_match_set",
    "expect_table_row_count_to_be_between", "expect_table_row_count_to_equal",
    "expect_table_row_count_to_equal_other_table", "unexpected_rows_expectation",
})

SEVERITIES = ("critical", "warning", "info")
#: GX result options: accepted and ignored (dataqa always reports every failing row).
_IGNORED = frozenset({"result_format", "catch_exceptions", "include_config"})
FALLBACK_NOTE = "ran through Great Expectations on pandas"


def load_gx_suite(path: str | Path) -> Suite:
    """Read a GX suite file.

    Raises
    ------
    SuiteFileError
        Not JSON, not a GX suite, or an entry with bad kwargs / severity (names file and entry).
    UnknownCheckError
        An entry's type is neither a dataqa check nor a GX expectation.
    """
    p = str(path)
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteFileError(f"not valid JSON: {exc}", p) from None
    return parse_gx_suite(data, p)


def parse_gx_suite(data: Any, path: str) -> Suite:
    """Parse an already-loaded suite dict (see ``load_gx_suite``); ``path`` is used in messages."""
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise SuiteFileError('not a Great Expectations suite: expected an object with an '
                             '"expectations" list', path)
    checks: list[CheckSpec] = []
    notes: list[str] = []
    legacy = fallback = 0
    for i, entry in enumerate(data["expectations"]):
        loc = f"{path}[expectations.{i}]"
        spec, how = _parse_entry(entry, loc, path)
        legacy += how == "legacy"
        fallback += spec.meta.get("dataqa_engine") == "great_expectations"
        checks.append(spec)
    if legacy:
        notes.append(f"{path}: read {legacy} GX 0.x entr{'y' if legacy == 1 else 'ies'} "
                     "('expectation_type'); GX 1.x writes 'type'")
    if fallback:
        names = sorted({c.label.split("(")[0] for c in checks
                        if c.meta.get("dataqa_engine") == "great_expectations"})
        notes.append(f"{path}: {fallback} expectation(s) {FALLBACK_NOTE} over just the columns "
                     f"they need ({', '.join(names)})")
    return Suite(name=str(data.get("name") or Path(path).stem), path=path, checks=tuple(checks),
                 notes=tuple(notes))


def _parse_entry(entry: Any, loc: str, path: str) -> tuple[CheckSpec, str]:
    if not isinstance(entry, dict):
        raise SuiteFileError("an expectation must be an object with 'type' and 'kwargs'", loc)
    how = "type"
    name = entry.get("type")
    if name is None and "expectation_type" in entry:
        name, how = entry["expectation_type"], "legacy"
    if not isinstance(name, str) or not name:
        raise SuiteFileError("missing 'type' (the expectation name)", loc)
    kwargs = entry.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise SuiteFileError(f"{name}: 'kwargs' must be an object", loc)
    kwargs = {k: v for k, v in kwargs.items() if k not in _IGNORED}
    severity = entry.get("severity") or "critical"
    if severity not in SEVERITIES:
        raise SuiteFileError(f"{name}: severity must be one of {', '.join(SEVERITIES)}; "
                             f"got {severity!r}", loc)
    meta = dict(entry.get("meta") or {})
    _check_mostly(name, kwargs, loc)
    label = _label(name, kwargs)
    native = is_registered(name)  # dataqa's own checks, custom checks (fallbacks are prefixed)
    if native and ("row_condition" in kwargs or _has_suite_parameter(kwargs)):
        if name not in GX_EXPECTATION_TYPES:
            raise SuiteFileError(f"{name}: row_condition and $PARAMETER values need a Great "
                                 "Expectations type (GX evaluates them); remove them here", loc)
        native = False  # pandas query syntax / GX suite parameters: let GX evaluate them
    if native:
        _validate_native(name, kwargs, loc)
    elif name in GX_EXPECTATION_TYPES:
        validate_gx_kwargs(name, kwargs, loc)
        label = _label(name, kwargs)
        name = register_fallback(name)
        meta["dataqa_engine"] = "great_expectations"
    else:
        known = registered_names() + sorted(GX_EXPECTATION_TYPES)
        raise UnknownCheckError(name, known, loc)
    return CheckSpec(name=name, kwargs=freeze(kwargs), suite_file=path, location=loc,
                     severity=cast(Severity, severity), meta=freeze(meta),
                     label=label), how


def _has_suite_parameter(value: Any) -> bool:
    if isinstance(value, dict):
        return "$PARAMETER" in value or any(_has_suite_parameter(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_suite_parameter(v) for v in value)
    return False


def _label(name: str, kwargs: Mapping[str, Any]) -> str:
    if name.startswith("expect_table_"):  # their column_list is the expected header, not data
        return name
    cols: list[str] = []
    for key in ("column", "column_A", "column_B"):
        if isinstance(kwargs.get(key), str):
            cols.append(kwargs[key])
    if isinstance(kwargs.get("column_list"), (list, tuple)):
        cols.extend(str(c) for c in kwargs["column_list"])
    return f"{name}({','.join(cols)})" if cols else name


def _check_mostly(name: str, kwargs: Mapping[str, Any], loc: str) -> None:
    if "mostly" not in kwargs or kwargs["mostly"] is None:
        return
    m = kwargs["mostly"]
    if isinstance(m, bool) or not isinstance(m, numbers.Real) or not 0.0 <= float(m) <= 1.0:
        raise SuiteFileError(f"{name}: mostly must be a number between 0 and 1; got {m!r}", loc)


def _validate_native(name: str, kwargs: Mapping[str, Any], loc: str) -> None:
    """Bind the kwargs to the declared parameters and run the declaration's pure argument
    validator now, so a bad entry fails at parse time (exit 3) on every engine, instead of
    becoming an ``error`` outcome."""
    cdef = get_check(name, loc)
    params = cdef.parameters
    takes = list(params)
    passed = {k: v for k, v in kwargs.items() if k not in ENGINE_KWARGS}
    unknown = sorted(set(passed) - set(takes))
    if unknown and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        close = difflib.get_close_matches(unknown[0], takes, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise SuiteFileError(f"{name}: unexpected kwarg {', '.join(map(repr, unknown))}{hint}; "
                             f"it takes {', '.join(takes)}", loc)
    missing = [p for p, spec in params.items() if p not in kwargs
               and spec.default is inspect.Parameter.empty
               and spec.kind not in (spec.VAR_KEYWORD, spec.VAR_POSITIONAL)]
    if missing:
        raise SuiteFileError(f"{name}: missing required kwarg {', '.join(map(repr, missing))}", loc)
    if cdef.validate is None:
        return
    try:
        cdef.validate({k: v for k, v in kwargs.items() if k not in ENGINE_KWARGS})
    except (ValueError, TypeError, KeyError) as exc:
        raise SuiteFileError(f"{name}: {exc}", loc) from None
