"""Conformance with GX's own test definitions, case by case, on dataqa's polars engine.

For every case of ``shared/conformance/gx_test_definitions`` whose expectation dataqa runs
natively and that GX 1.24.1 itself passes on pandas (``gx_conformance/gx_1_24_1_cases.json``,
re-derived from GX by ``gx_conformance/probe_gx.py``; its counts match the shared STATUS file up
to how error cases are classified), dataqa must give GX's ``success`` and
``unexpected_index_list``. For "pass" cases both are compared with the definition's expected
output; for "success_ok_detail_diff" cases (GX 1.x changed the result details) ``success`` is
compared with the definition and the index list with what GX 1.24.1 actually returned.

Cases with a ``row_condition`` or a GX suite parameter go through the GX-on-pandas fallback and
must match GX too (``test_gx_case_through_fallback``). Cases where GX 1.24.1 raises or rejects the configuration ("error_expected_ok") must be
rejected by dataqa's parser or end as outcome ``error`` (``test_gx_error_case``).

Valid GX types that dataqa does not run natively (kl_divergence, z-scores, json_schema...) go
through the fallback as well; where GX 1.24.1 passes a case on pandas dataqa must match it
(``test_gx_case_not_native``).

Every other case is skipped with its reason (``pytest -rs`` lists them). Locate the definitions
with env ``DATAQA_GX_CONFORMANCE`` or the ``shared`` folder beside the repository clone; with
``DATAQA_REQUIRE_GX_CONFORMANCE=1`` (CI) missing definitions fail instead of skipping.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "gx_conformance"))
from gx_cases import (
    Unrepresentable,
    build_frame,
    case_id,
    iter_cases,
    locate_definitions,
    pandas_skip_reason,
)

from dataqa.errors import SuiteFileError
from dataqa.io import Dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.registry import get_check, is_registered

DEFS = locate_definitions()
STATUS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "gx_conformance" / "gx_1_24_1_cases.json").read_text())
CASES = list(iter_cases(DEFS)) if DEFS is not None else []
GX_PASSES = ("pass", "success_ok_detail_diff")
_NOT_FOUND = ("GX conformance definitions not found: set DATAQA_GX_CONFORMANCE or put the shared "
              "folder beside the repository (../shared/conformance/gx_test_definitions)")


def _definitions_missing() -> None:
    # CI (.ci/run) sets DATAQA_REQUIRE_GX_CONFORMANCE=1: a missing folder must fail, not skip all.
    if os.environ.get("DATAQA_REQUIRE_GX_CONFORMANCE") == "1":
        pytest.fail(f"{_NOT_FOUND} (DATAQA_REQUIRE_GX_CONFORMANCE=1 requires them)")
    pytest.skip(_NOT_FOUND)


def _native(etype: str) -> bool:
    return is_registered(etype) and get_check(etype).kind != "external"


def skip_reason(case: dict[str, Any]) -> str | None:
    """Why this case is not a conformance obligation for dataqa (``None``: it is)."""
    etype = case["expectation_type"]
    if not _native(etype):
        return f"{etype} is not native in dataqa (it runs through the GX-on-pandas fallback)"
    reason = pandas_skip_reason(case)
    if reason:
        return f"GX does not run it on pandas: {reason}"
    status = STATUS.get(case_id(case), {}).get("status", "unknown")
    if status not in GX_PASSES:
        return f"GX 1.24.1 on pandas does not pass it ({status})"
    if "row_condition" in case["test"]["in"]:
        return "row_condition (pandas query syntax) runs through the GX fallback, not natively"
    if "$PARAMETER" in json.dumps(case["test"]["in"]):
        return "GX suite parameters ($PARAMETER) run through the GX fallback, not natively"
    return None


def _needed_columns(kwargs: dict[str, Any]) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(kwargs.get(k), str)]
    cols += list(kwargs.get("column_list") or [])
    return cols


def _params() -> list[Any]:
    if DEFS is None:
        return [pytest.param(None, id="definitions-missing")]
    return [pytest.param(c, id=case_id(c)) for c in CASES]


@pytest.mark.parametrize("case", _params())
def test_gx_case(case: dict[str, Any] | None) -> None:
    if case is None:
        _definitions_missing()
    reason = skip_reason(case)
    if reason:
        pytest.skip(reason)
    test = case["test"]
    kwargs = dict(test["in"])
    etype = case["expectation_type"]
    table_level = etype.startswith(("expect_table_", "expect_column_to_exist"))
    try:
        df = build_frame(case, [] if table_level else _needed_columns(kwargs))
    except Unrepresentable as exc:
        pytest.skip(f"input not representable in polars: {exc}")
    suite = parse_gx_suite({"name": "case", "expectations": [{"type": etype, "kwargs": kwargs}]},
                           "conformance.json")
    report = run_suites(Dataset(path=case_id(case), lf=df.lazy()), [suite])
    _assert_matches_gx(case, report.checks[0])


def _assert_matches_gx(case: dict[str, Any], result: Any) -> None:
    assert result.outcome != "error", result.message
    expected = case["test"]["out"]
    status = STATUS[case_id(case)]
    # a few definitions state only the details; then GX 1.24.1's own verdict is the reference
    success = expected["success"] if "success" in expected else status["success"]
    assert (result.outcome == "passed") == success, (
        f"success: dataqa {result.outcome} ({result.observed_value}), GX {success}")
    if status["status"] == "pass" and "unexpected_index_list" in expected:
        want = sorted(d["pk_index"] if isinstance(d, dict) else d for d in expected["unexpected_index_list"])
    elif status["status"] == "success_ok_detail_diff" and "unexpected_index_list" in status:
        want = status["unexpected_index_list"]
    else:
        return
    assert sorted(result.failing_row_ids) == want


def _fallback_params() -> list[Any]:
    if DEFS is None:
        return [pytest.param(None, id="definitions-missing")]
    return [pytest.param(c, id=case_id(c)) for c in CASES
            if _native(c["expectation_type"]) and pandas_skip_reason(c) is None
            and STATUS.get(case_id(c), {}).get("status") in GX_PASSES
            and ("row_condition" in c["test"]["in"] or "$PARAMETER" in json.dumps(c["test"]["in"]))]


def _not_native_params() -> list[Any]:
    if DEFS is None:
        return [pytest.param(None, id="definitions-missing")]
    return [pytest.param(c, id=case_id(c)) for c in CASES
            if not _native(c["expectation_type"]) and pandas_skip_reason(c) is None
            and STATUS.get(case_id(c), {}).get("status") in GX_PASSES]


@pytest.mark.parametrize("case", _not_native_params())
def test_gx_case_not_native(case: dict[str, Any] | None) -> None:
    """Valid GX types dataqa does not run natively (kl_divergence, z-scores, json_schema...) go
    through GX on pandas; where GX 1.24.1 passes the case on pandas, dataqa must match it too."""
    if case is None:
        _definitions_missing()
    try:
        df = build_frame(case, _needed_columns(case["test"]["in"]))
    except Unrepresentable as exc:
        pytest.skip(f"input not representable in polars: {exc}")
    suite = parse_gx_suite({"expectations": [{"type": case["expectation_type"], "kwargs": case["test"]["in"]}]},
                           "conformance.json")
    assert suite.checks[0].meta.get("dataqa_engine") == "great_expectations"
    _assert_matches_gx(case, run_suites(Dataset(path=case_id(case), lf=df.lazy()), [suite]).checks[0])


@pytest.mark.parametrize("case", _fallback_params())
def test_gx_case_through_fallback(case: dict[str, Any] | None) -> None:
    """Cases with a ``row_condition`` or a suite parameter: dataqa hands them to GX on pandas
    (the fallback) and must still give GX's success and unexpected_index_list."""
    if case is None:
        _definitions_missing()
    try:
        df = build_frame(case, [])  # a row condition may name any column
    except Unrepresentable as exc:
        pytest.skip(f"input not representable in polars: {exc}")
    suite = parse_gx_suite({"expectations": [{"type": case["expectation_type"], "kwargs": case["test"]["in"]}]},
                           "conformance.json")
    assert suite.checks[0].meta.get("dataqa_engine") == "great_expectations"
    _assert_matches_gx(case, run_suites(Dataset(path=case_id(case), lf=df.lazy()), [suite]).checks[0])

def _error_params() -> list[Any]:
    if DEFS is None:
        return [pytest.param(None, id="definitions-missing")]
    return [pytest.param(c, id=case_id(c)) for c in CASES
            if STATUS.get(case_id(c), {}).get("status") == "error_expected_ok"]


@pytest.mark.parametrize("case", _error_params())
def test_gx_error_case(case: dict[str, Any] | None) -> None:
    """Where GX 1.24.1 rejects the configuration or raises, dataqa rejects the suite entry
    (``SuiteFileError``) or reports the check as outcome ``error``: never a pass or a fail."""
    if case is None:
        _definitions_missing()
    etype = case["expectation_type"]
    if not _native(etype):
        pytest.skip(f"{etype} is not native in dataqa (it runs through the GX-on-pandas fallback)")
    kwargs = case["test"]["in"]
    table_level = etype.startswith(("expect_table_", "expect_column_to_exist"))
    try:
        df = build_frame(case, [] if table_level else _needed_columns(kwargs) or ["?"])
    except Unrepresentable as exc:
        pytest.skip(f"input not representable in polars: {exc}")
    try:
        suite = parse_gx_suite({"expectations": [{"type": etype, "kwargs": case["test"]["in"]}]},
                               "conformance.json")
    except SuiteFileError:
        return
    result = run_suites(Dataset(path=case_id(case), lf=df.lazy()), [suite]).checks[0]
    assert result.outcome == "error", f"{result.outcome}: GX raises here"
