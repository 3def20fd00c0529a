"""``dataqa check --format github`` and the GitHub Action (``action.yml`` + ``dataqa.cli.github_action``).

The action is exercised the way GitHub runs it: the environment variables GitHub sets
(``GITHUB_WORKSPACE``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT``, ``RUNNER_TEMP``) point at
temporary files, and the check step's ``run:`` script from ``action.yml`` is executed by bash with
its ``env:`` block filled in from the inputs. No network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.github_action import check_args, run
from dataqa.cli.main import app
from dataqa.validation.render_github import escape_data, escape_property, to_github
from dataqa.validation.report import CheckResult, SuiteReport

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

SUITE = {"name": "s", "expectations": [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "price"}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "price", "min_value": 0, "max_value": 200}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "price", "min_value": 0, "max_value": 100},
     "severity": "warning"},
    {"type": "expect_column_to_exist", "kwargs": {"column": "id"}},
]}
DIRTY = "id,price\na,1\nb,\nc,250\nd,7\n"
CLEAN = "id,price\na,1\nb,2\nc,50\nd,7\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A repository checkout: dataqa.toml naming the data and the suite."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text(DIRTY)
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "s.json").write_text(json.dumps(SUITE))
    (tmp_path / "dataqa.toml").write_text('[dataset]\npath = "data/d.csv"\n\n[check]\nsuites = ["checks/s.json"]\n')
    return tmp_path


def _result(label: str, outcome: str, **kw: object) -> CheckResult:
    return CheckResult(check="c", label=label, suite_file=kw.pop("suite_file", "s.json"),  # type: ignore[arg-type]
                       location="s.json[0]", columns=[], severity="critical", outcome=outcome, **kw)  # type: ignore[arg-type]


# --- the format ------------------------------------------------------------------------------
def test_escaping_follows_githubs_workflow_command_rules() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("in_set(a, b): x%\n") == "in_set(a%2C b)%3A x%25%0A"


def test_one_line_per_check_that_did_not_pass(tmp_path: Path) -> None:
    suite = str(tmp_path / "suites" / "s.json")
    report = SuiteReport(dataset="d.csv", id_column=None, checks=[
        _result("not_null(price)", "failed", suite_file=suite, evaluated_count=10, unexpected_count=7,
                failing_row_ids=[3, 4, 5, 6, 7, 8, 9]),
        _result("ok(price)", "passed", suite_file=suite, evaluated_count=10, unexpected_count=0),
        _result("isin(color, ['D', 'E']): 100%\nreally", "warning", suite_file="/elsewhere/w.yaml",
                evaluated_count=4, unexpected_count=1, failing_row_ids=[2]),
        _result("mean(price)", "failed", observed_value=12.5),
        _result("custom(x)", "error", message="boom: division by zero\nline 2"),
    ])
    assert to_github(report, base=tmp_path) == (
        "::error file=suites/s.json,title=not_null(price)::7 of 10 rows fail (70.00%25); first rows: 3, 4, 5, 6, 7 (+2 more)\n"
        "::warning file=/elsewhere/w.yaml,title=isin(color%2C ['D'%2C 'E'])%3A 100%25%0Areally::"
        "1 of 4 rows fail (25.00%25); first rows: 2\n"
        "::error file=s.json,title=mean(price)::observed 12.5\n"
        "::error file=s.json,title=custom(x)::the check could not run: boom: division by zero%0Aline 2\n"
    )
    assert to_github(SuiteReport(dataset="d.csv", id_column=None, checks=[])) == ""


def test_cli_format_github(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    res = runner.invoke(app, ["check", "--id", "id", "-f", "github"])
    assert res.exit_code == ExitCode.CHECK_FAILURES, res.output
    assert res.stdout == (
        "::error file=checks/s.json,title=expect_column_values_to_not_be_null(price)::"
        "1 of 4 rows fail (25.00%25); first id values: b\n"
        "::error file=checks/s.json,title=expect_column_values_to_be_between(price)::"
        "1 of 3 rows fail (33.33%25); first id values: c\n"
        "::warning file=checks/s.json,title=expect_column_values_to_be_between(price)::"
        "1 of 3 rows fail (33.33%25); first id values: c\n"
    )
    (project / "data" / "d.csv").write_text(CLEAN)
    res = runner.invoke(app, ["check", "-f", "github"])
    assert (res.exit_code, res.stdout) == (ExitCode.OK, "\n")


# --- the action's script ---------------------------------------------------------------------
def _github_env(project: Path, **inputs: str) -> dict[str, str]:
    """The variables a GitHub runner sets for the step, plus the action's inputs."""
    gh = project.parent / f"gh-{project.name}"
    gh.mkdir(exist_ok=True)
    (gh / "summary.md").write_text("earlier step's summary\n")
    (gh / "output").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
    env.update(GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(project), GITHUB_STEP_SUMMARY=str(gh / "summary.md"),
               GITHUB_OUTPUT=str(gh / "output"), RUNNER_TEMP=str(gh))
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return env


def _outputs(env: dict[str, str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text().splitlines())


def test_check_args_from_inputs(tmp_path: Path) -> None:
    env = {"INPUT_DATA": " data/d.csv ", "INPUT_SUITES": "a.json\nb.yaml  c.py\n", "INPUT_ID": "id",
           "INPUT_FAIL_ON": "warning"}
    assert check_args(env, tmp_path / "r.json") == [
        "check", "data/d.csv", "--suite", "a.json", "--suite", "b.yaml", "--suite", "c.py", "--id", "id",
        "--fail-on", "warning", "--format", "json", "--output", str(tmp_path / "r.json")]
    assert check_args({}, tmp_path / "r.json")[:2] == ["check", "--format"]


def test_action_on_dirty_data_fails_with_summary_and_annotations(project: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    env = _github_env(project, id="id")
    monkeypatch.chdir(project.parent)  # the script must work from GITHUB_WORKSPACE, not the cwd
    assert run(env) == ExitCode.CHECK_FAILURES
    out = capsys.readouterr().out
    assert out.count("::error file=checks/s.json,") == 2 and out.count("::warning file=checks/s.json,") == 1
    assert "first id values: b" in out and "dataqa check: failed (1 passed, 2 failed, 1 warnings, 0 errors)" in out
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.startswith("earlier step's summary\n### dataqa check: `")  # appended, not overwritten
    assert "| ❌ | `expect_column_values_to_not_be_null(price)` | s.json | 1 of 4 rows (25.00%) |" in summary
    outputs = _outputs(env)
    assert outputs["outcome"] == "failed" and outputs["exit-code"] == "1"
    assert json.loads(Path(outputs["report"]).read_text())["checks"][0]["failing_row_ids"] == ["b"]


def test_action_on_clean_data_passes_and_fail_on_warning_closes_on_warnings(project: Path) -> None:
    (project / "data" / "d.csv").write_text(CLEAN)
    env = _github_env(project)
    assert run(env) == ExitCode.OK
    assert _outputs(env) == {"outcome": "passed", "exit-code": "0",
                             "report": str(Path(env["RUNNER_TEMP"]) / "dataqa-report.json")}
    assert "✅ passed" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    (project / "data" / "d.csv").write_text("id,price\na,1\nb,150\n")  # 150: only the warning check fails
    env = _github_env(project, fail_on="warning")
    assert run(env) == ExitCode.CHECK_FAILURES and _outputs(env)["outcome"] == "warning"


def test_action_on_a_missing_data_file_reports_the_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = _github_env(project, data="data/missing.csv")
    assert run(env) == ExitCode.USAGE_OR_INPUT_ERROR
    out = capsys.readouterr().out
    assert re.search(r"^::error title=dataqa check::error: .*missing\.csv", out, re.M), out
    assert "### dataqa check: 💥 error" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert _outputs(env) == {"outcome": "error", "exit-code": "2", "report": ""}


# --- action.yml itself -----------------------------------------------------------------------
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def _expand(value: str, inputs: dict[str, str]) -> str:
    """GitHub's ``${{ inputs.x }}`` expressions, for the ones action.yml uses."""
    return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], value)


def test_action_yml_declares_the_inputs_and_every_input_reaches_a_step() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"data", "suites", "id", "fail-on", "python-version", "version"}
    text = (ROOT / "action.yml").read_text()
    for name in ACTION["inputs"]:
        assert f"inputs.{name}" in text, name
    install = next(s for s in ACTION["runs"]["steps"] if s.get("name") == "Install dataqa")
    subprocess.run(["bash", "-n", "-c", install["run"]], check=True)  # the install script parses


def test_action_yml_check_step_runs_the_script(project: Path) -> None:
    """The check step exactly as written in action.yml: its env block (inputs filled in) and its
    run script under bash; the install step's $GITHUB_ENV line is stood in for by DATAQA_PYTHON."""
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "check")
    inputs = {k: v.get("default", "") for k, v in ACTION["inputs"].items()} | {"id": "id"}
    env = _github_env(project) | {k: _expand(v, inputs) for k, v in step["env"].items()}
    env["DATAQA_PYTHON"] = sys.executable
    proc = subprocess.run([step["shell"], "-e", "-c", step["run"]], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == ExitCode.CHECK_FAILURES, proc.stderr
    assert proc.stdout.count("::error file=checks/s.json,") == 2, proc.stdout
    assert _outputs(env)["outcome"] == "failed"
    assert "expect_column_values_to_be_between(price)" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()
