"""`dataqa check` as a user drives it: exit codes, output formats, config file, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode, exit_code_for_error
from dataqa.cli.main import app
from dataqa import errors
from dataqa.validation.report import SuiteReport

runner = CliRunner()

DATA = pl.DataFrame({"key": ["k0", "k1", "k2", "k3"], "age": [30, None, 250, 41], "name": ["a", "b", "c", "d"]})


def _suite(path: Path, expectations: list[dict]) -> Path:
    path.write_text(json.dumps({"name": path.stem, "expectations": expectations}))
    return path


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    DATA.write_csv(tmp_path / "people.csv")
    _suite(tmp_path / "failing.json", [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "age"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "age", "min_value": 0, "max_value": 120}},
    ])
    _suite(tmp_path / "passing.json", [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
    ])
    _suite(tmp_path / "warning.json", [
        {"type": "expect_column_values_to_be_between", "severity": "warning",
         "kwargs": {"column": "age", "min_value": 0, "max_value": 120}},
    ])
    return tmp_path


def test_passing_suite_exits_0(project: Path) -> None:
    result = runner.invoke(app, ["check", "people.csv", "--suite", "passing.json"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "PASSED" in result.output


def test_failing_suite_exits_1_and_names_the_rows(project: Path) -> None:
    result = runner.invoke(app, ["check", "people.csv", "--suite", "failing.json", "--id", "key"])
    assert result.exit_code == ExitCode.CHECK_FAILURES
    assert "key k1 = None" in result.output
    assert "key k2 = '250'" in result.output


def test_warnings_pass_unless_fail_on_warning(project: Path) -> None:
    ok = runner.invoke(app, ["check", "people.csv", "--suite", "warning.json"])
    assert ok.exit_code == ExitCode.OK
    assert "WARN" in ok.output
    closed = runner.invoke(app, ["check", "people.csv", "--suite", "warning.json", "--fail-on", "warning"])
    assert closed.exit_code == ExitCode.CHECK_FAILURES


def test_json_report_round_trips_and_lists_failing_ids(project: Path) -> None:
    result = runner.invoke(app, ["check", "people.csv", "-s", "failing.json", "--id", "key", "-f", "json",
                                 "-o", "report.json"])
    assert result.exit_code == ExitCode.CHECK_FAILURES
    text = (project / "report.json").read_text()
    data = json.loads(text)
    by_label = {c["label"]: c for c in data["checks"]}
    assert by_label["expect_column_values_to_not_be_null(age)"]["failing_row_ids"] == ["k1"]
    between = by_label["expect_column_values_to_be_between(age)"]
    assert (between["outcome"], between["unexpected_count"], between["evaluated_count"]) == ("failed", 1, 3)
    assert between["failures"] == [{"row_id": "k2", "value": "250"}]
    again = SuiteReport.from_json(text)
    assert json.loads(again.to_json()) == data
    assert again.failures.select("check", "row_id", "failure_case").rows() == [
        ("expect_column_values_to_not_be_null(age)", "k1", None),
        ("expect_column_values_to_be_between(age)", "k2", "250"),
    ]


def test_junit_has_one_testcase_per_check(project: Path) -> None:
    result = runner.invoke(app, ["check", "people.csv", "-s", "failing.json", "-s", "passing.json", "-f", "junit"])
    root = ET.fromstring(result.stdout.encode())
    cases = root.findall(".//testcase")
    assert len(cases) == 3
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["expect_column_values_to_not_be_null(age)", "expect_column_values_to_be_between(age)"]


def test_markdown_is_a_table_for_a_pull_request(project: Path) -> None:
    result = runner.invoke(app, ["check", "people.csv", "-s", "failing.json", "-f", "markdown"])
    lines = result.stdout.splitlines()
    assert lines[0].startswith("### dataqa check: `people.csv`")
    assert "| ❌ | `expect_column_values_to_be_between(age)` | failing.json | 1 of 3 rows (33.33%) |" in lines


def test_crashing_check_is_an_error_outcome_not_an_abort(project: Path) -> None:
    _suite(project / "mixed.json", [
        # comparing a text column with numbers cannot be evaluated: an error outcome, not an abort
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "name", "min_value": 0, "max_value": 5}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
    ])
    result = runner.invoke(app, ["check", "people.csv", "-s", "mixed.json", "-f", "json"])
    data = json.loads(result.stdout)
    assert [c["outcome"] for c in data["checks"]] == ["error", "passed"]
    assert "cannot compare string with numeric type" in data["checks"][0]["message"]
    assert result.exit_code == ExitCode.CHECK_ERRORS  # could not be evaluated: not a data failure


def test_bare_check_runs_the_project_gate_from_dataqa_toml(project: Path) -> None:
    (project / "dataqa.toml").write_text(
        '[dataset]\npath = "people.csv"\nid_column = "key"\n[check]\nsuites = ["failing.json"]\n')
    result = runner.invoke(app, ["check"])
    assert result.exit_code == ExitCode.CHECK_FAILURES
    assert "key k2" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.csv", "-s", "passing.json"], ExitCode.USAGE_OR_INPUT_ERROR, "error: missing.csv: no such file"),
        (["people.csv", "-s", "passing.json", "--id", "nokey"], ExitCode.USAGE_OR_INPUT_ERROR,
         "error: people.csv: id column 'nokey' not found; columns are key, age, name"),
        (["people.csv", "-s", "nosuite.json"], ExitCode.SUITE_ERROR, "error: nosuite.json: no such suite file"),
        (["people.csv", "-s", "unknown.json"], ExitCode.SUITE_ERROR,
         "error: unknown.json[expectations.0]: unknown check 'expect_column_values_to_not_be_nul' "
         "(did you mean 'expect_column_values_to_not_be_null'?)"),
        (["people.csv", "-s", "broken.json"], ExitCode.SUITE_ERROR, "error: broken.json: not valid JSON"),
        (["people.csv"], ExitCode.USAGE_OR_INPUT_ERROR,
         "error: no suite given: pass --suite FILE or set [check] suites in dataqa.toml"),
    ],
)
def test_bad_input_gets_one_line_and_a_distinct_exit_code(
    project: Path, args: list[str], code: ExitCode, message: str
) -> None:
    _suite(project / "unknown.json", [{"type": "expect_column_values_to_not_be_nul", "kwargs": {"column": "age"}}])
    (project / "broken.json").write_text('{"name": "x", "expectations": [')
    result = runner.invoke(app, ["check", *args])
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_exit_code_mapping_is_one_function() -> None:
    assert exit_code_for_error(errors.UnknownCheckError("x", [])) == ExitCode.SUITE_ERROR
    assert exit_code_for_error(errors.ServiceUnreachable("down")) == ExitCode.SERVICE_UNREACHABLE
    assert exit_code_for_error(errors.LabelStudioAuthError("no")) == ExitCode.SERVICE_ERROR
    assert exit_code_for_error(errors.ConcurrentWriteError("race")) == ExitCode.VERSION_STORE_ERROR
    assert exit_code_for_error(errors.FileFormatError("bad")) == ExitCode.USAGE_OR_INPUT_ERROR


def test_python_m_dataqa_check_in_a_subprocess(project: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "dataqa", "check", "people.csv", "-s", "failing.json"],
                          capture_output=True, text=True, cwd=project, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "expect_column_values_to_be_between(age)" in proc.stdout


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_other_formats_give_the_same_failures(project: Path, suffix: str) -> None:
    from dataqa.io import write_dataset

    write_dataset(DATA, project / f"people{suffix}")
    result = runner.invoke(app, ["check", f"people{suffix}", "-s", "failing.json", "--id", "key", "-f", "json"])
    data = json.loads(result.stdout)
    assert [c["failing_row_ids"] for c in data["checks"]] == [["k1"], ["k2"]]
