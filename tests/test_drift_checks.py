"""Drift: hand-computed statistics, schema skew, thresholds, and the gate through `dataqa check`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.errors import InputError
from dataqa.io import read_dataset
from dataqa.validation.drift import (
    DriftConfig, Threshold, compare, decile_groups, js_distance, ks_binned, psi, rebin,
)
from dataqa.validation.drift_checks import drift_results
from dataqa.validation.profile import profile
from dataqa.validation.profile_model import DriftBins

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "sample_data" / "diamonds.csv"
DIRTY = ROOT / "sample_data" / "diamonds_dirty.csv"


def by_check(report, check: str, column: str | None):
    return next(r for r in report.results if r.check == check and r.column == column)


# --- statistics by hand -------------------------------------------------------------------

def test_psi_by_hand() -> None:
    # (0.25 - 0.5) ln(0.5) + (0.75 - 0.5) ln(1.5)
    assert psi(np.array([50, 50]), np.array([25, 75])) == pytest.approx(
        0.25 * math.log(2) + 0.25 * math.log(1.5))
    assert psi(np.array([10, 20]), np.array([1, 2])) == pytest.approx(0.0)


def test_js_distance_by_hand() -> None:
    assert js_distance(np.array([1, 0]), np.array([0, 1])) == pytest.approx(1.0)
    assert js_distance(np.array([3, 1]), np.array([6, 2])) == pytest.approx(0.0)
    # p = (1/2, 1/2), q = (1, 0): JS divergence = 1/2 [KL(p||m) + KL(q||m)], m = (3/4, 1/4)
    div = 0.5 * (0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25) + math.log2(1 / 0.75))
    assert js_distance(np.array([1, 1]), np.array([1, 0])) == pytest.approx(math.sqrt(div))


def test_ks_binned_and_decile_groups_by_hand() -> None:
    assert ks_binned(np.array([1, 1, 1, 1]), np.array([0, 0, 2, 2])) == pytest.approx(0.5)
    r, c = decile_groups(np.array([5] * 20), np.array([1] * 20))
    assert r.tolist() == [10] * 10 and c.tolist() == [2] * 10


def test_rebin_moves_counts_linearly() -> None:
    bins = DriftBins(breaks=[0.0, 10.0], counts=[0, 10, 0])  # 10 values in (0, 10]
    assert rebin(bins, [5.0]).tolist() == pytest.approx([5.0, 5.0])


def test_thresholds_and_config_from_mapping() -> None:
    t = Threshold(0.1, 0.25)
    assert (t.outcome(0.1), t.outcome(0.2), t.outcome(0.3)) == ("passed", "warning", "failed")
    cfg = DriftConfig.from_mapping({"psi": {"failed": 0.5}, "min_values": 5})
    assert cfg.psi == Threshold(0.1, 0.5) and cfg.min_values == 5
    with pytest.raises(InputError, match="unknown key 'pis'"):
        DriftConfig.from_mapping({"pis": {}})


# --- value and schema skew on small frames -----------------------------------------------

def test_numeric_shift_fails_and_same_distribution_passes() -> None:
    rng = np.random.default_rng(0)
    ref = profile(pl.DataFrame({"x": rng.normal(0, 1, 2000)}))
    same = profile(pl.DataFrame({"x": rng.normal(0, 1, 2000)}), reference=ref)
    moved = profile(pl.DataFrame({"x": rng.normal(1, 1, 2000)}), reference=ref)
    ok = compare(same, ref)
    assert by_check(ok, "drift.psi", "x").outcome == "passed"
    assert by_check(ok, "drift.ks", "x").outcome == "passed"
    bad = compare(moved, ref)
    assert by_check(bad, "drift.psi", "x").outcome == "failed"
    ks = by_check(bad, "drift.ks", "x")
    assert ks.outcome == "failed" and ks.value == pytest.approx(0.38, abs=0.05)  # Phi(.5)-Phi(-.5)


def test_unseen_categories_by_hand() -> None:
    ref = profile(pl.DataFrame({"c": ["a"] * 50 + ["b"] * 50}))
    one = profile(pl.DataFrame({"c": ["a"] * 49 + ["z"] + ["b"] * 50}))
    two = profile(pl.DataFrame({"c": ["a"] * 48 + ["z", "y"] + ["b"] * 50}))
    r1 = by_check(compare(one, ref), "drift.unseen_categories", "c")
    assert (r1.value, r1.outcome, r1.details["unseen"]) == (0.01, "warning", ["z"])
    r2 = by_check(compare(two, ref), "drift.unseen_categories", "c")
    assert (r2.value, r2.outcome) == (0.02, "failed")
    assert by_check(compare(one, ref), "drift.js", "c").outcome == "passed"


def test_schema_skew_removed_added_retyped_nullable() -> None:
    ref = profile(pl.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [1.0, 2.0]}))
    cur = profile(pl.DataFrame({"a": ["1", "2"], "b": ["x", None], "d": [0, 0]}))
    rep = compare(cur, ref)
    schema = {(r.column, r.details.get("change")): r.outcome
              for r in rep.results if r.check == "drift.schema"}
    assert schema == {("c", "removed"): "failed", ("d", "added"): "warning",
                      ("a", "retyped"): "failed", ("b", "nullable"): "warning"}
    assert any("only common columns" in n for n in rep.notes)


def test_too_few_values_are_noted_not_compared() -> None:
    ref = profile(pl.DataFrame({"x": [1.0, 2.0, 3.0]}))
    rep = compare(profile(pl.DataFrame({"x": [7.0, 8.0]}), reference=ref), ref)
    assert [r.check for r in rep.results] == ["drift.schema"]
    assert "fewer than 20 non-null values" in rep.notes[0]


def test_label_drift_uses_js_distance() -> None:
    ref = profile(pl.DataFrame({"y": ["a"] * 50 + ["b"] * 50}))
    cur = profile(pl.DataFrame({"y": ["a"] * 80 + ["b"] * 20}))
    lab = by_check(compare(cur, ref, label_column="y"), "drift.label", "y")
    assert lab.outcome == "failed" and lab.value == pytest.approx(
        js_distance(np.array([50, 50]), np.array([80, 20])))


# --- through check_dataset and the CLI ---------------------------------------------------

def test_drift_results_on_the_sample_flag_unseen_rows() -> None:
    truth = pl.read_csv(ROOT / "sample_data" / "diamonds_dirty_truth.csv")
    results, failures = drift_results(read_dataset(DIRTY), CLEAN, label_column="cut")
    assert failures is None
    color = next(r for r in results if r.label == "drift.unseen_categories(color)")
    assert color.outcome == "warning" and color.observed_value == pytest.approx(10 / 5002, abs=1e-6)
    bad_color = truth.filter((pl.col("column") == "color") & (pl.col("kind") == "malformed"))
    assert set(color.failing_row_ids) == set(bad_color["row_id"].to_list())
    assert {r.label for r in results} >= {"drift.psi(price)", "drift.ks(price)", "drift.label(cut)"}
    assert all(r.outcome == "passed" for r in results if r.check in ("drift.psi", "drift.ks"))


def test_check_gate_closes_on_drift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no dataqa.toml here: only drift checks run
    runner = CliRunner()
    assert runner.invoke(app, ["profile", str(CLEAN), "--json", "ref.json"]).exit_code == 0
    pl.read_csv(CLEAN).with_columns(pl.col("price") * 3).write_csv("shifted.csv")
    ok = runner.invoke(app, ["check", str(CLEAN), "--reference", "ref.json", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["check", "shifted.csv", "--reference", "ref.json", "--format", "json"])
    assert bad.exit_code == 1
    failed = {c["label"] for c in json.loads(bad.stdout)["checks"] if c["outcome"] == "failed"}
    assert failed == {"drift.psi(price)", "drift.ks(price)"}


def test_reference_with_other_columns_does_not_crash(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pl.read_csv(CLEAN).drop("depth").rename({"x": "length"}).write_parquet("other.parquet")
    res = CliRunner().invoke(app, ["profile", "other.parquet", "--reference", str(CLEAN)])
    assert res.exit_code == 0, res.output
    assert "failed   drift.schema(depth)" in res.stdout
    assert "warning  drift.schema(length)" in res.stdout
    assert "only common columns are compared" in res.stdout


def test_drift_config_file_changes_the_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drift.toml").write_text("[drift]\nunseen = { warning = 0.5, failed = 0.9 }\n")
    args = ["profile", str(DIRTY), "--reference", str(CLEAN)]
    default = CliRunner().invoke(app, args)
    relaxed = CliRunner().invoke(app, [*args, "--drift-config", "drift.toml"])
    assert "warning  drift.unseen_categories(color)" in default.stdout
    assert "passed   drift.unseen_categories(color)" in relaxed.stdout
    (tmp_path / "bad.toml").write_text("[drift]\npsi = 3\n")
    bad = CliRunner().invoke(app, [*args, "--drift-config", "bad.toml"])
    assert bad.exit_code == 2 and "bad.toml: [drift] psi: expected a table" in bad.stderr


def test_empty_and_all_null_current_data_compare_without_crashing() -> None:
    ref = profile(CLEAN)
    empty = profile(pl.read_csv(CLEAN).head(0), reference=ref)
    rep = compare(empty, ref, label_column="cut")
    assert [r.check for r in rep.results] == ["drift.schema"]
    assert any("fewer than 20 non-null values" in n for n in rep.notes)
    nulls = pl.read_csv(CLEAN).with_columns(pl.lit(None, dtype=pl.Float64).alias("price"))
    rep = compare(profile(nulls, reference=ref), ref)
    assert {(r.column, r.outcome) for r in rep.results if r.check == "drift.schema"} == {
        ("price", "failed")}  # Int64 -> Float64 and all null


# --- property: a dataset never drifts from itself -----------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from polars.testing.parametric import column, dataframes  # noqa: E402


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(dataframes([column("f", dtype=pl.Float64), column("s", dtype=pl.String),
                   column("b", dtype=pl.Boolean)], min_size=20, max_size=80))
def test_same_data_has_zero_drift(df: pl.DataFrame) -> None:
    ref = profile(df)
    rep = compare(profile(df, reference=ref), ref, label_column="b")
    for r in rep.results:
        assert r.outcome == "passed", (r.check, r.column, r.value, r.message)
        if r.value is not None:
            assert r.value == pytest.approx(0.0, abs=1e-9)
