"""`dataqa check --baseline-tolerance`: the gate closes when a new version makes the fixed
baseline worse than its parent by more than the tolerance."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    # 2000 rows of the clean sample keep the two retrains quick
    pl.read_csv(ROOT / "sample_data" / "diamonds.csv").head(2000).write_csv("d.csv")
    (tmp_path / "dataqa.toml").write_text('[dataset]\npath = "d.csv"\nlabel_column = "cut"\n')
    (tmp_path / "s.json").write_text(json.dumps(
        {"name": "s", "expectations": [{"type": "expect_column_to_exist", "kwargs": {"column": "cut"}}]}))
    assert runner.invoke(app, ["version", "add", "d.csv", "--name", "d", "--label", "cut"]).exit_code == 0
    return tmp_path


def _relabel(project: Path, n: int, seed: int) -> None:
    """A harmful 'fix': n correct labels (seeded choice) set to another class."""
    d = pl.read_csv(project / "d.csv").with_row_index("row_id")
    bad = d.sample(n, seed=seed).select(
        "row_id", pl.lit("cut").alias("column"),
        pl.when(pl.col("cut") == "Ideal").then(pl.lit("Fair")).otherwise(pl.lit("Ideal")).alias("new"))
    bad.write_csv(project / "edit.csv")
    result = runner.invoke(app, ["version", "apply", "edit.csv", "--kind", "manual_edit"])
    assert result.exit_code == 0, result.output


def test_gate_closes_on_a_version_that_hurts_the_baseline(project: Path) -> None:
    _relabel(project, 400, seed=7)
    result = runner.invoke(app, ["check", "d.csv", "-s", "s.json", "--baseline-tolerance", "0.005", "-f", "json"])
    assert result.exit_code == ExitCode.CHECK_FAILURES, result.output
    gate = json.loads(result.stdout)["checks"][-1]
    assert (gate["label"], gate["outcome"]) == ("baseline.regression(accuracy)", "failed")
    assert gate["message"].startswith("v2 accuracy ")


def test_gate_passes_with_a_generous_tolerance_and_without_a_second_version(project: Path) -> None:
    first = runner.invoke(app, ["check", "d.csv", "-s", "s.json", "--baseline-tolerance", "0.005", "-f", "json"])
    assert first.exit_code == ExitCode.OK, first.output
    assert "first version" in json.loads(first.stdout)["checks"][-1]["observed_value"]
    _relabel(project, 400, seed=7)
    loose = runner.invoke(app, ["check", "d.csv", "-s", "s.json", "--baseline-tolerance", "0.9"])
    assert loose.exit_code == ExitCode.OK, loose.output
