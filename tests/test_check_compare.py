"""Gates on new failures: a report against a baseline report, split into new / still / fixed."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.main import app
from dataqa.errors import BaselineError
from dataqa.io import Dataset
from dataqa.validation.compare import Baseline, compare_reports, load_report
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.render import RENDERERS
from dataqa.validation.report import SuiteReport
from dataqa.validation.suite_spec import Suite

runner = CliRunner()

EXPECTATIONS = [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "b", "min_value": 0, "max_value": 10}},
    {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "b", "max_value": 20}},
]
SUITE = parse_gx_suite({"expectations": EXPECTATIONS}, "s.json")
# keys 1..5; old: a null at k2, b out of range at k3
OLD = pl.DataFrame({"k": [1, 2, 3, 4, 5], "a": [1, None, 3, 4, 5], "b": [5, 5, 50, 5, 5]})
# new: k2 fixed, k4 newly null; k3 still out of range, k5 newly out of range; mean now above 20
NEW = pl.DataFrame({"k": [1, 2, 3, 4, 5], "a": [1, 2, 3, None, 5], "b": [5, 5, 50, 5, 99]})


def _run(df: pl.DataFrame, suite: Suite = SUITE, id_column: str | None = "k") -> SuiteReport:
    return run_suites(Dataset("d", df.lazy(), id_column=id_column), [suite])


def test_split_by_row_id_hand_computed() -> None:
    report = _run(NEW)
    cmp = compare_reports(report, _run(OLD))
    nulls, between, mean = cmp.checks
    assert (nulls.new_rows, nulls.still_count, nulls.fixed_rows) == ([4], 0, [2])
    assert (between.new_rows, between.still_count, between.fixed_rows) == ([5], 1, [])
    assert not between.newly_failing and between.closes_gate
    assert mean.newly_failing and mean.baseline_outcome == "passed" and mean.closes_gate
    assert cmp.totals == {"new": 2, "still_failing": 1, "fixed": 1, "newly_failing_checks": 1}
    assert report.comparison is cmp and report.gate_closed("new")


def test_only_known_failures_leave_the_new_gate_open() -> None:
    report = _run(OLD)
    cmp = compare_reports(report, _run(OLD))
    assert report.gate_closed("error") and not report.gate_closed("new")
    assert [d.status for d in cmp.checks] == ["still failing", "still failing", "passing"]
    report.raise_for_failures("new")  # does not raise


def test_fixing_everything_reports_fixed_rows() -> None:
    clean = OLD.with_columns(a=pl.lit(1), b=pl.lit(1))
    cmp = compare_reports(_run(clean), _run(OLD))
    assert [d.fixed_rows for d in cmp.checks] == [[2], [3], []]
    assert [d.status for d in cmp.checks] == ["fixed", "fixed", "passing"]


def test_comparison_is_in_the_json_and_round_trips() -> None:
    report = _run(NEW)
    compare_reports(report, _run(OLD))
    data = json.loads(report.to_json())
    assert data["comparison"]["totals"]["new"] == 2
    assert data["comparison"]["checks"][1]["new_rows"] == [5]
    back = SuiteReport.from_json(report.to_json())
    assert back.comparison == report.comparison
    # a report without a baseline has no "comparison" key: older readers see the old format
    assert "comparison" not in json.loads(_run(OLD).to_json())


def test_renderers_show_the_split() -> None:
    report = _run(NEW)
    compare_reports(report, Baseline("old.json", _run(OLD)))
    text = RENDERERS["text"](report)
    assert "vs old.json: 2 new failing rows, 1 newly failing checks, 1 still failing, 1 fixed" in text
    assert "1 new, 1 still failing" in text and "NEWLY FAILING" in text
    assert "NEW expect_column_values_to_be_between(b): k 5" in text
    assert "1 new, 1 fixed" in RENDERERS["markdown"](report)
    assert "1 new, 1 still failing" in RENDERERS["junit"](report)


def test_hash_buckets_give_the_same_split() -> None:
    whole = compare_reports(_run(NEW), _run(OLD))
    bucketed = compare_reports(_run(NEW), _run(OLD), rows_per_bucket=1)
    assert whole == bucketed


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.booleans(), min_size=1, max_size=40), st.lists(st.booleans(), min_size=1, max_size=40))
def test_split_adds_up(old_nulls: list[bool], new_nulls: list[bool]) -> None:
    """new + still = failing now; still + fixed = failing before; ids are disjoint and exact."""
    def frame(nulls: list[bool]) -> pl.DataFrame:
        return pl.DataFrame({"a": [None if n else 1 for n in nulls]}, schema={"a": pl.Int64})
    suite = parse_gx_suite({"expectations": [EXPECTATIONS[0]]}, "s.json")
    old, new = _run(frame(old_nulls), suite, None), _run(frame(new_nulls), suite, None)
    d = compare_reports(new, old, rows_shown=100, rows_per_bucket=3).checks[0]
    before = {i for i, n in enumerate(old_nulls) if n}
    now = {i for i, n in enumerate(new_nulls) if n}
    assert d.new_rows == sorted(now - before) and d.new_count == len(now - before)
    assert d.fixed_rows == sorted(before - now) and d.fixed_count == len(before - now)
    assert d.still_count == len(now & before)


# --- bad baselines ---------------------------------------------------------------------------

def test_baseline_of_another_suite_is_refused() -> None:
    other = parse_gx_suite({"expectations": EXPECTATIONS[:2]}, "s.json")
    with pytest.raises(BaselineError, match="another suite or dataset: the baseline has no check "
                                            "'expect_column_mean_to_be_between\\(b\\)' of this run"):
        compare_reports(_run(NEW), _run(OLD, other))


def test_baseline_with_other_row_ids_is_refused() -> None:
    with pytest.raises(BaselineError, match="identifies rows by row position, this run by column 'k'"):
        compare_reports(_run(NEW), _run(OLD, id_column=None))
    text_ids = OLD.with_columns(pl.col("k").cast(pl.String))
    with pytest.raises(BaselineError, match="its row ids are String, this run's are Int64"):
        compare_reports(_run(NEW), _run(text_ids))


def test_capped_baseline_is_refused() -> None:
    capped = run_suites(Dataset("d", OLD.with_columns(a=pl.lit(None, pl.Int64)).lazy(), id_column="k"),
                        [SUITE], max_failures_per_check=2)
    with pytest.raises(BaselineError, match="lists 2 of the 5 failing rows of "
                                            "'expect_column_values_to_not_be_null\\(a\\)'"):
        compare_reports(_run(NEW), capped)


@pytest.mark.parametrize("content, message", [
    (None, "no such baseline report"),
    ("{not json", "not a JSON report"),
    ('{"checks": []}', "not a dataqa report"),
])
def test_unreadable_baseline_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "old.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load_report(path)


# --- the CLI ---------------------------------------------------------------------------------

@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    OLD.write_csv(tmp_path / "old.csv")
    NEW.write_csv(tmp_path / "new.csv")
    (tmp_path / "s.json").write_text(json.dumps({"name": "s", "expectations": EXPECTATIONS[:2]}))
    result = runner.invoke(app, ["check", "old.csv", "-s", "s.json", "--id", "k", "-f", "json", "-o", "old.json"])
    assert result.exit_code == ExitCode.CHECK_FAILURES, result.output
    return tmp_path


def test_cli_fail_on_new_passes_on_known_failures(project: Path) -> None:
    result = runner.invoke(app, ["check", "old.csv", "-s", "s.json", "--id", "k",
                                 "--baseline-report", "old.json", "--fail-on", "new"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "vs old.json: 0 new failing rows" in result.output


def test_cli_fail_on_new_closes_on_new_rows(project: Path) -> None:
    result = runner.invoke(app, ["check", "new.csv", "-s", "s.json", "--id", "k", "--baseline-report",
                                 "old.json", "--fail-on", "new", "-f", "json", "-o", "new.json"])
    assert result.exit_code == ExitCode.CHECK_FAILURES, result.output
    cmp = json.loads((project / "new.json").read_text())["comparison"]
    assert [c["new_rows"] for c in cmp["checks"]] == [[4], [5]]


@pytest.mark.parametrize("args, message", [
    (["--fail-on", "new"], "error: --fail-on new needs a baseline: --baseline-report FILE or --since VERSION"),
    (["--baseline-report", "missing.json"], "error: missing.json: no such baseline report"),
    (["--baseline-report", "old.json", "--since", "v1"], "error: give one baseline"),
    (["--since", "v1"], "the store has no version yet"),
])
def test_cli_bad_baseline_is_one_line_and_writes_nothing(project: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["check", "new.csv", "-s", "s.json", "--id", "k", "-o", "out.json", *args])
    assert result.exit_code in (ExitCode.USAGE_OR_INPUT_ERROR, ExitCode.VERSION_STORE_ERROR), result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (project / "out.json").exists()


def test_cli_version_stores_its_report_and_since_compares(project: Path) -> None:
    assert runner.invoke(app, ["version", "add", "old.csv", "--id", "k", "--name", "t"]).exit_code == 0
    result = runner.invoke(app, ["check", "-s", "s.json", "--since", "v1"])
    assert result.exit_code == ExitCode.USAGE_OR_INPUT_ERROR
    assert "error: version v1 has no stored report; check it first: dataqa check --version v1" in result.output
    assert runner.invoke(app, ["check", "--version", "v1", "-s", "s.json"]).exit_code == ExitCode.CHECK_FAILURES
    stored = sorted(p.name for p in (project / ".dataqa" / "reports").iterdir())
    assert stored[1] == "v1.json" and stored[0].startswith("v1.") and stored[0].endswith(".failures.parquet")
    (project / "edits.csv").write_text("row_id,column,new\n2,a,7\n4,b,70\n")
    assert runner.invoke(app, ["version", "apply", "edits.csv", "--kind", "repair"]).exit_code == 0
    result = runner.invoke(app, ["check", "--version", "v2", "-s", "s.json", "--since", "v1",
                                 "--fail-on", "new", "-f", "json"])
    assert result.exit_code == ExitCode.CHECK_FAILURES, result.output
    cmp = json.loads(result.stdout)["comparison"]
    assert [(c["new_rows"], c["fixed_rows"], c["still_count"]) for c in cmp["checks"]] == [
        ([], [2], 0), ([4], [], 1)]
    assert (project / ".dataqa" / "reports" / "v2.json").exists()


def test_cli_capped_report_compares_through_its_failures_file(project: Path) -> None:
    """A report keeping 1 row per check still compares exactly: its --failures file has them all."""
    result = runner.invoke(app, ["check", "old.csv", "-s", "s.json", "--id", "k", "--max-failures", "0",
                                 "--failures", "old.parquet", "-f", "json", "-o", "capped.json"])
    assert result.exit_code == ExitCode.CHECK_FAILURES, result.output
    data = json.loads((project / "capped.json").read_text())
    assert data["failures_file"] == str(project / "old.parquet")
    assert [c["failures"] for c in data["checks"]] == [[], []]
    result = runner.invoke(app, ["check", "new.csv", "-s", "s.json", "--id", "k", "--max-failures", "0",
                                 "--baseline-report", "capped.json", "-f", "json"])
    cmp = json.loads(result.stdout)["comparison"]
    assert [(c["new_rows"], c["fixed_rows"], c["still_count"]) for c in cmp["checks"]] == [
        ([4], [2], 0), ([5], [], 1)]
    (project / "old.parquet").unlink()
    result = runner.invoke(app, ["check", "new.csv", "-s", "s.json", "--id", "k", "--baseline-report", "capped.json"])
    assert result.exit_code == ExitCode.USAGE_OR_INPUT_ERROR
    assert f"capped.json: its failing rows file {project / 'old.parquet'} is missing" in result.output


@pytest.mark.parametrize("args, message", [
    (["--max-failures", "-1"], "error: --max-failures must be 0 or more, got -1"),
    (["--failures", "no/such/dir/f.parquet"], "error: --failures no/such/dir/f.parquet: cannot write there"),
])
def test_cli_bad_failure_options(project: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["check", "new.csv", "-s", "s.json", "-o", "out.json", *args])
    assert result.exit_code == ExitCode.USAGE_OR_INPUT_ERROR, result.output
    assert result.output.strip() == message or result.output.startswith(message)
    assert not (project / "out.json").exists()


def test_report_with_many_null_failing_values_round_trips() -> None:
    df = pl.DataFrame({"a": [None] * 150 + [1] * 50, "b": [5] * 150 + [50] * 50})
    report = _run(df, id_column=None)
    back = SuiteReport.from_json(report.to_json())
    assert back.failures.height == 200 and back.failures["failure_case"].null_count() == 150
