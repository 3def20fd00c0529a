"""GX suite files: parsing, verbatim errors, custom checks as GX types, the GX-on-pandas fallback."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.main import app
from dataqa.errors import SuiteFileError, UnknownCheckError
from dataqa.io import Dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import GX_EXPECTATION_TYPES, load_gx_suite, parse_gx_suite
from dataqa.validation.registry import ENGINE_KWARGS, REGISTRY, MapResult, register_check, registered_names

runner = CliRunner()


def _write(path: Path, expectations: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"name": "people", "expectations": expectations}))
    return path


def _entry(etype: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": etype, "kwargs": kwargs, "meta": {}, "severity": "critical"}


def test_reads_what_gx_writes(tmp_path: Path) -> None:
    import great_expectations as gx

    suite = gx.ExpectationSuite(name="people", expectations=[
        gx.expectations.ExpectColumnValuesToBeBetween(column="age", min_value=0, max_value=120, mostly=0.9),
        gx.expectations.ExpectColumnValuesToBeUnique(column="key", severity="warning"),
    ])
    path = tmp_path / "people.json"
    path.write_text(json.dumps(suite.to_json_dict(), default=str))
    parsed = load_gx_suite(path)
    assert parsed.name == "people"
    assert [(c.name, c.severity, c.columns) for c in parsed.checks] == [
        ("expect_column_values_to_be_between", "critical", ["age"]),
        ("expect_column_values_to_be_unique", "warning", ["key"])]
    assert parsed.checks[0].kwargs["mostly"] == 0.9
    assert parsed.checks[0].location == f"{path}[expectations.0]"
    assert parsed.notes == ()


def test_gx_0x_key_is_read_with_a_note() -> None:
    suite = parse_gx_suite({"expectations": [
        {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}]}, "old.json")
    assert suite.checks[0].name == "expect_column_values_to_not_be_null"
    assert suite.notes == ("old.json: read 1 GX 0.x entry ('expectation_type'); GX 1.x writes 'type'",)


@pytest.mark.parametrize(("entry", "error", "message"), [
    (_entry("expect_column_values_to_be_nul", column="a"), UnknownCheckError,
     "s.json[expectations.0]: unknown check 'expect_column_values_to_be_nul' "
     "(did you mean 'expect_column_values_to_be_null'?)"),
    (_entry("expect_column_values_to_be_between", column="a"), SuiteFileError,
     "s.json[expectations.0]: expect_column_values_to_be_between: min_value and max_value cannot both be None"),
    (_entry("expect_column_values_to_be_between", column="a", min_value=1, maxvalue=3), SuiteFileError,
     "s.json[expectations.0]: expect_column_values_to_be_between: unexpected kwarg 'maxvalue' "
     "(did you mean 'max_value'?); it takes column, min_value, max_value, strict_min, strict_max"),
    (_entry("expect_column_values_to_be_in_set", value_set=[1]), SuiteFileError,
     "s.json[expectations.0]: expect_column_values_to_be_in_set: missing required kwarg 'column'"),
    (_entry("expect_column_values_to_not_be_null", column="a", mostly=1.5), SuiteFileError,
     "s.json[expectations.0]: expect_column_values_to_not_be_null: mostly must be a number between 0 and 1; got 1.5"),
    ({**_entry("expect_column_values_to_not_be_null", column="a"), "severity": "high"}, SuiteFileError,
     "s.json[expectations.0]: expect_column_values_to_not_be_null: severity must be one of critical, warning, "
     "info; got 'high'"),
    (_entry("expect_column_values_to_match_regex_list", column="a", regex_list=["x"], match_on="some"),
     SuiteFileError, "s.json[expectations.0]: expect_column_values_to_match_regex_list: match_on must be either "
     "'any' or 'all'"),
    ({"kwargs": {"column": "a"}}, SuiteFileError, "s.json[expectations.0]: missing 'type' (the expectation name)"),
])
def test_bad_entries_name_file_and_entry(entry: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        parse_gx_suite({"expectations": [entry]}, "s.json")
    assert str(info.value) == message


def test_not_a_suite() -> None:
    with pytest.raises(SuiteFileError) as info:
        parse_gx_suite([1, 2], "s.json")
    assert str(info.value) == 's.json: not a Great Expectations suite: expected an object with an "expectations" list'


def test_native_checks_take_every_gx_kwarg() -> None:
    """Each native check accepts exactly the kwargs its GX 1.24 class defines (no GX suite is
    rejected by dataqa that GX accepts)."""
    from dataqa.validation.gx_fallback import expectation_class

    problems = {}
    for name in registered_names():
        if not name.startswith("expect_") or REGISTRY[name].kind == "external":
            continue
        assert name in GX_EXPECTATION_TYPES
        gx_fields = set(expectation_class(name).__fields__) - ENGINE_KWARGS - {"library_metadata", "args_keys"}
        params = set(inspect.signature(REGISTRY[name].fn).parameters) - {"schema"}
        if gx_fields - params:
            problems[name] = sorted(gx_fields - params)
    assert not problems


def test_custom_check_is_usable_as_a_gx_type() -> None:
    @register_check("custom_even", replace=True)
    def custom_even(column: str) -> MapResult:
        return MapResult(valid=pl.col(column) % 2 == 0)

    suite = parse_gx_suite({"expectations": [_entry("custom_even", column="a", mostly=0.5)]}, "c.json")
    res = run_suites(Dataset("d", pl.LazyFrame({"a": [2, 3, 4, None]})), [suite]).checks[0]
    assert (res.outcome, res.failing_row_ids, res.evaluated_count) == ("passed", [1], 3)
    with pytest.raises(SuiteFileError, match="unexpected kwarg 'col'"):
        parse_gx_suite({"expectations": [_entry("custom_even", col="a")]}, "c.json")


def test_fallback_runs_gx_on_pandas_with_a_note() -> None:
    """A valid GX type without a native check runs through GX itself; its failing rows are GX's."""
    data = {"a": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 50.0, None], "b": ["x"] * 11}
    suite = parse_gx_suite({"expectations": [
        _entry("expect_column_value_z_scores_to_be_less_than", column="a", threshold=2, double_sided=True),
        _entry("expect_column_values_to_be_null", column="b", row_condition='a > 10',
               condition_parser="pandas")]}, "f.json")
    assert [c.meta.get("dataqa_engine") for c in suite.checks] == ["great_expectations"] * 2
    assert suite.notes == ("f.json: 2 expectation(s) ran through Great Expectations on pandas over just the "
                           "columns they need (expect_column_value_z_scores_to_be_less_than, "
                           "expect_column_values_to_be_null)",)
    report = run_suites(Dataset("d", pl.LazyFrame(data)), [suite])
    zscore, with_condition = report.checks
    assert (zscore.outcome, zscore.failing_row_ids) == ("failed", [9])
    assert zscore.note == "ran through Great Expectations on pandas"
    assert (with_condition.outcome, with_condition.failing_row_ids) == ("failed", [9])


def test_fallback_kwargs_are_validated_by_gx() -> None:
    with pytest.raises(SuiteFileError) as info:
        parse_gx_suite({"expectations": [_entry("expect_column_value_z_scores_to_be_less_than", column="a")]},
                       "f.json")
    assert str(info.value).startswith("f.json[expectations.0]: expect_column_value_z_scores_to_be_less_than: "
                                      "Great Expectations rejects the kwargs: threshold")


def test_cli_exit_codes_for_gx_suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pl.DataFrame({"a": [1, None, 3]}).write_csv("d.csv")
    _write(tmp_path / "ok.json", [_entry("expect_column_values_to_be_between", column="a", min_value=0)])
    _write(tmp_path / "fail.json", [_entry("expect_column_values_to_not_be_null", column="a")])
    _write(tmp_path / "bad.json", [_entry("expect_column_values_to_be_betwen", column="a")])
    assert runner.invoke(app, ["check", "d.csv", "-s", "ok.json"]).exit_code == ExitCode.OK
    failed = runner.invoke(app, ["check", "d.csv", "-s", "fail.json", "-f", "json"])
    assert failed.exit_code == ExitCode.CHECK_FAILURES
    assert json.loads(failed.stdout)["checks"][0]["failing_row_ids"] == [1]
    bad = runner.invoke(app, ["check", "d.csv", "-s", "bad.json"])
    assert bad.exit_code == ExitCode.SUITE_ERROR
    assert bad.stderr.strip() == ("error: bad.json[expectations.0]: unknown check 'expect_column_values_to_be_betwen' "
                                  "(did you mean 'expect_column_values_to_be_between'?)")


def test_every_native_case_round_trips_through_gx_suite_json() -> None:
    """Each fixture of test_gx_checks is a valid GX 1.24 expectation: GX builds it, writes it
    with ``ExpectationSuite.to_json_dict()``, and dataqa reads back the same type and kwargs."""
    import great_expectations as gx

    from dataqa.validation.gx_fallback import expectation_class
    from test_gx_checks import CASES  # tests/ is on sys.path (pytest prepend import mode)

    expectations = [expectation_class(etype)(**kwargs) for _, etype, kwargs, *_ in CASES]
    written = json.loads(json.dumps(gx.ExpectationSuite(name="all", expectations=expectations).to_json_dict(),
                                    default=str))
    parsed = parse_gx_suite(written, "all.json")
    assert [c.name for c in parsed.checks] == [etype for _, etype, *_ in CASES]
    for spec, (_, _, kwargs, *_) in zip(parsed.checks, CASES):
        assert {k: spec.kwargs[k] for k in kwargs} == kwargs
