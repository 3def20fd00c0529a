"""Conformance with GX's own test definitions, case by case, on both of dataqa's engines.

``test_gx_case[<backend>-<case>]`` runs every case of ``shared/conformance/gx_test_definitions``
on the polars backend and on the Spark backend (the run's one ``local[2]`` session, fixture
``spark`` in ``tests/spark_fixtures.py``) with the same expected ``success`` and
``unexpected_index_list``. The reference is what GX 1.24.1 itself does on pandas
(``gx_conformance/gx_1_24_1_cases.json``, re-derived from GX by ``gx_conformance/probe_gx.py``; its
counts match the shared STATUS file up to how error cases are classified): for "pass" cases both
values are compared with the definition's expected output; for "success_ok_detail_diff" cases
(GX 1.x changed the result details) ``success`` is compared with the definition and the index
list with what GX 1.24.1 actually returned.

How a case runs, on each backend:
- native: dataqa's own check (a polars expression; Spark ``Column`` expressions). dataqa promises
  identical answers on both engines, so a native case GX runs on pandas runs on Spark too, with
  pandas' expected output, whatever GX's definitions say about GX's own Spark engine.
- through GX: a valid GX type dataqa has no native check for (kl_divergence, z-scores...), a
  ``row_condition`` or a GX suite parameter. GX itself evaluates it: on pandas for the polars
  backend, on its SparkDFExecutionEngine for the Spark backend, so there the definition's
  backend lists (``only_for``/``suppress_test_for``) for Spark are honoured (every case they
  hold for Spark passes; a type GX cannot run on Spark is outcome ``error``, see
  ``tests/spark/test_spark_checks.py::test_gx_type_without_native_check_runs_through_gx_on_spark``).
- rejected: where GX 1.24.1 raises or rejects the configuration ("error_expected_ok"), dataqa
  rejects the suite entry (``SuiteFileError``) or reports outcome ``error``.
- cases GX's definitions hold only for Spark run on the Spark backend with the data built as
  GX's runner builds it (``schemas["spark"]``) and the definition's expected output.

Where Spark's answer differs from GX the case is an xfail with the reason (``SPARK_DIFFERS``).
Every other case is skipped with its reason (``pytest -rs`` lists them). Locate the definitions
with env ``DATAQA_GX_CONFORMANCE`` or the ``shared`` folder beside the repository clone; with
``DATAQA_REQUIRE_GX_CONFORMANCE=1`` (CI) missing definitions fail instead of skipping.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).parent / "gx_conformance"))
from gx_cases import (
    Unrepresentable,
    backend_skip_reason,
    build_frame,
    case_id,
    expects_error,
    iter_cases,
    locate_definitions,
    spark_case_frame,
    spark_type,
)
from spark_fixtures import spark_frame

from dataqa.errors import SuiteFileError
from dataqa.io import Dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_fallback import expectation_class
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.registry import get_check, is_registered
from dataqa.validation.suite_spec import Suite

DEFS = locate_definitions()
STATUS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "gx_conformance" / "gx_1_24_1_cases.json").read_text())
CASES = list(iter_cases(DEFS)) if DEFS is not None else []
GX_PASSES = ("pass", "success_ok_detail_diff")
BACKENDS = ("polars", "spark")
_NOT_FOUND = ("GX conformance definitions not found: set DATAQA_GX_CONFORMANCE or put the shared "
              "folder beside the repository (../shared/conformance/gx_test_definitions)")

#: Cases where the Spark backend's answer differs from GX on pandas, and why (kept visible as xfail).
SPARK_DIFFERS = {
    "expect_column_stdev_to_be_between/0/3:positive_test__exact_min_and_max":
        "float rounding: Spark's stddev_samp (one-pass moments) gives 1.1547005383792515, pandas' "
        "two-pass 1.1547005383792517, and the case's bounds are that exact value",
}


def _definitions_missing() -> None:
    # CI (.ci/run) sets DATAQA_REQUIRE_GX_CONFORMANCE=1: a missing folder must fail, not skip all.
    if os.environ.get("DATAQA_REQUIRE_GX_CONFORMANCE") == "1":
        pytest.fail(f"{_NOT_FOUND} (DATAQA_REQUIRE_GX_CONFORMANCE=1 requires them)")
    pytest.skip(_NOT_FOUND)


def _native(etype: str) -> bool:
    return is_registered(etype) and get_check(etype).kind != "external"


def _in_gx1(etype: str) -> bool:
    try:
        expectation_class(etype)
    except KeyError:
        return False
    return True


def _through_gx(case: dict[str, Any]) -> bool:
    """GX itself evaluates the case (not native, a row condition or a suite parameter)."""
    kwargs = case["test"]["in"]
    return (not _native(case["expectation_type"]) or "row_condition" in kwargs
            or "$PARAMETER" in json.dumps(kwargs))


@dataclass(frozen=True)
class Plan:
    """How one case runs on one backend: ``expect`` is "gx" (GX's success and index list) or
    "error" (rejected or outcome error);
    ``reference`` is "pandas" (GX on pandas, the STATUS file) or "spark" (the definition, for
    cases GX holds only for Spark; the data built with the Spark schema)."""

    expect: str
    reference: str


def plan(case: dict[str, Any], backend: str) -> Plan | str:
    """The case's obligation on ``backend``, or why it has none (the skip reason)."""
    etype, cid = case["expectation_type"], case_id(case)
    if isinstance(case["test"]["in"], list):
        return "positional arguments (GX 0.x form)"
    if not _native(etype) and not _in_gx1(etype):
        return f"GX 1.x has no expectation class for {etype} (removed after 0.x)"
    status = STATUS.get(cid, {}).get("status", "unknown")
    on_pandas = backend_skip_reason(case, "pandas")
    on_spark = backend_skip_reason(case, "spark")
    via_gx = _through_gx(case)
    if backend == "spark" and via_gx and on_spark is not None:
        why = " (a row_condition in pandas query syntax)" if "row_condition" in case["test"]["in"] else ""
        return f"runs through GX on Spark, and GX does not run it on Spark: {on_spark}{why}"
    if on_pandas is None:
        if status == "error_expected_ok":
            return Plan("error", "pandas")
        if status == "error_expected_missing":
            return ("the definition (GX 0.x) expects an error and GX 1.24.1 on pandas returns a result "
                    "instead (error_expected_missing): no agreed answer to match")
        if status not in GX_PASSES:
            return f"GX 1.24.1 on pandas does not pass it ({status}: {STATUS[cid].get('error', '')[:80]})"
        return Plan("gx", "pandas")
    if backend == "spark" and on_spark is None:
        return Plan("error" if expects_error(case) else "gx", "spark")
    if backend == "polars":
        return f"GX does not run it on pandas (the polars backend's reference): {on_pandas}"
    return f"GX runs it on neither pandas ({on_pandas}) nor Spark ({on_spark})"


def _needed_columns(kwargs: dict[str, Any]) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(kwargs.get(k), str)]
    cols += list(kwargs.get("column_list") or [])
    return cols


def _params() -> list[Any]:
    if DEFS is None:
        return [pytest.param(b, None, id=f"{b}-definitions-missing") for b in BACKENDS]
    return [pytest.param(b, c, id=f"{b}-{case_id(c)}", marks=[pytest.mark.spark] if b == "spark" else [])
            for c in CASES for b in BACKENDS]


def _frame_columns(case: dict[str, Any]) -> list[str]:
    """Columns the frame must hold ([] = all): table-level types see every column, and a row
    condition may name any."""
    kwargs = case["test"]["in"]
    if case["expectation_type"].startswith(("expect_table_", "expect_column_to_exist")) or "row_condition" in kwargs:
        return []
    return _needed_columns(kwargs) or ["?"]


def _spark_types(case: dict[str, Any], df: pl.DataFrame) -> dict[str, Any]:
    """Spark types for the columns polars holds without one (all null): the case's Spark schema's,
    as GX's runner declares them; a column no schema types stays Spark's NullType."""
    schema = case["schemas"].get("spark") or {}
    return {n: spark_type(schema[n]) for n, t in df.schema.items() if t == pl.Null and n in schema}


def _run(backend: str, request: pytest.FixtureRequest, case: dict[str, Any], suite: Suite,
         reference: str) -> Any:
    """The first check's result of ``suite`` on the case data, on ``backend``."""
    if backend == "spark":
        from dataqa.validation.backends.spark.backend import SparkBackend
        from dataqa.validation.backends.spark.reader import POSITION_COLUMN, SparkDataset

        spark = request.getfixturevalue("spark")
        if reference == "spark":
            data = SparkDataset("<case>", spark_case_frame(spark, case, POSITION_COLUMN), None)
        else:
            df = _polars_frame(case)
            data = spark_frame(spark, df, _spark_types(case, df))
        return run_suites(SparkBackend(data), [suite]).checks[0]
    return run_suites(Dataset(path=case_id(case), lf=_polars_frame(case).lazy()), [suite]).checks[0]


def _polars_frame(case: dict[str, Any]) -> pl.DataFrame:
    try:
        return build_frame(case, _frame_columns(case))
    except Unrepresentable as exc:
        pytest.skip(f"input not representable in polars as GX's pandas frame: {exc}")


@pytest.mark.parametrize(("backend", "case"), _params())
def test_gx_case(backend: str, case: dict[str, Any] | None, request: pytest.FixtureRequest) -> None:
    """One GX conformance case on one backend: GX's success and unexpected_index_list, or the
    rejection GX gives; the same expected values on polars and on Spark."""
    if case is None:
        _definitions_missing()
    p = plan(case, backend)
    if isinstance(p, str):
        pytest.skip(p)
    etype = case["expectation_type"]
    try:
        suite = parse_gx_suite({"name": "case", "expectations": [{"type": etype, "kwargs": case["test"]["in"]}]},
                               "conformance.json")
    except SuiteFileError:
        assert p.expect == "error", "dataqa rejects a configuration GX accepts"
        return
    if _through_gx(case):
        assert suite.checks[0].meta.get("dataqa_engine") == "great_expectations"
    if backend == "spark" and case_id(case) in SPARK_DIFFERS:
        pytest.xfail(SPARK_DIFFERS[case_id(case)])
    result = _run(backend, request, case, suite, p.reference)
    if p.expect == "error":
        assert result.outcome == "error", f"{result.outcome}: GX raises here"
    else:
        _assert_matches_gx(case, result, p.reference)


def _assert_matches_gx(case: dict[str, Any], result: Any, reference: str = "pandas") -> None:
    assert result.outcome != "error", result.message
    expected = case["test"]["out"]
    status = STATUS.get(case_id(case), {}) if reference == "pandas" else {"status": "pass"}
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
