"""Draft suites from a profile: the rules by hand, and the drafts run by GX itself, pandera itself
and `dataqa check`: they pass on the data they came from and flag every detectable injected row."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.validation.api import check_dataset
from dataqa.validation.profile import profile
from dataqa.validation.profile_model import ColumnProfile
from dataqa.validation.suggest import column_rules, margin_range, pick_id_column, shape_regex, suggest

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "sample_data" / "diamonds.csv"
DIRTY = ROOT / "sample_data" / "diamonds_dirty.csv"
DETECTABLE = ["null", "out_of_range", "malformed", "duplicate_id"]


@pytest.fixture(scope="module")
def truth_rows() -> set[int]:
    t = pl.read_csv(ROOT / "sample_data" / "diamonds_dirty_truth.csv")
    return set(t.filter(pl.col("kind").is_in(DETECTABLE))["row_id"].to_list())


@pytest.fixture(scope="module")
def holder_rows() -> set[int]:
    """Rows whose (original) id was copied onto an injected row: uniqueness flags them too."""
    t = pl.read_csv(ROOT / "sample_data" / "diamonds_dirty_truth.csv")
    ids = t.filter(pl.col("kind") == "duplicate_id")["injected_value"].to_list()
    dirty = pl.read_csv(DIRTY).with_row_index("row_id")
    injected = set(t.filter(pl.col("kind") == "duplicate_id")["row_id"].to_list())
    return set(dirty.filter(pl.col("diamond_id").is_in(ids))["row_id"].to_list()) - injected


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("drafts")
    runner = CliRunner()
    paths = {"gx": out / "draft.gx.json", "pandera": out / "draft.pandera.yaml"}
    for fmt, path in paths.items():
        res = runner.invoke(app, ["suggest", str(CLEAN), "--format", fmt, "--out", str(path)])
        assert res.exit_code == 0, res.output
        assert res.stdout.strip() == f"wrote draft {fmt} suite for 11 columns to {path}"
    return paths


# --- rules by hand ------------------------------------------------------------------------

def test_margin_range_widens_and_rounds_outward() -> None:
    cp = ColumnProfile("depth", "Float64", "numeric", 10, 0, min=50.8, max=71.2)
    assert margin_range(cp) == (48.7, 73.3, False)  # margin 2.04, step 0.1
    pos = ColumnProfile("price", "Int64", "numeric", 10, 0, min=334.0, max=18759.0)
    assert margin_range(pos) == (0.0, 20700.0, True)  # stays > 0: 0 and negatives are errors
    neg = ColumnProfile("t", "Int64", "numeric", 10, 0, min=-5.0, max=5.0)
    assert margin_range(neg) == (-6.0, 6.0, False)
    const = ColumnProfile("c", "Float64", "numeric", 10, 0, min=2.0, max=2.0)
    assert margin_range(const) == (1.0, 3.0, False)  # margin 1.0 around a constant


def test_shape_regex() -> None:
    assert shape_regex("AA-99999") == r"^[A-Z]{2}\-[0-9]{5}$"
    assert shape_regex("a9") == "^[a-z][0-9]$"


def test_id_column_detection_and_rules_on_a_small_frame() -> None:
    df = pl.DataFrame({"user_id": ["u1", "u2", "u3", "u4"], "score": [0.5, 0.7, 0.1, 0.9],
                       "grade": ["a", "b", "a", "b"], "note": ["x", None, "y", "z"]})
    p = profile(df)
    assert pick_id_column(p) == "user_id"
    rules = {r.name: r for r in column_rules(p)}
    assert rules["user_id"].unique and rules["user_id"].regex == "^[a-z][0-9]$"
    assert rules["grade"].value_set == ["a", "b"] and not rules["grade"].unique
    assert rules["note"].nullable and rules["note"].not_null_mostly == 0.745  # 3/4 minus slack
    assert rules["score"].min_value < 0.1 and rules["score"].max_value > 0.9


def test_ranges_never_equal_the_observed_extremes() -> None:
    p = profile(CLEAN)
    for r in column_rules(p):
        if r.min_value is not None:
            assert r.min_value < p[r.name].min and r.max_value > p[r.name].max  # type: ignore[operator]


def test_unknown_format_is_an_input_error() -> None:
    from dataqa.errors import InputError

    with pytest.raises(InputError, match="unknown suite format 'sql'"):
        suggest(profile(pl.DataFrame({"a": [1]})), format="sql")  # type: ignore[arg-type]


# --- the drafts, run by the engines themselves --------------------------------------------

def test_gx_itself_passes_clean_and_flags_injected_rows(drafts, truth_rows, holder_rows) -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # a hard dependency: missing must fail, not skip
    import pandas as pd  # GX's own engine reads pandas; dataqa's main path does not

    suite = gx.ExpectationSuite(**json.loads(drafts["gx"].read_text()))
    batch = (gx.get_context(mode="ephemeral").data_sources.add_pandas("s")
             .add_dataframe_asset("d").add_batch_definition_whole_dataframe("w"))
    clean = batch.get_batch(batch_parameters={"dataframe": pd.read_csv(CLEAN)}).validate(suite)
    assert clean.success
    dirty = batch.get_batch(batch_parameters={"dataframe": pd.read_csv(DIRTY)}).validate(
        suite, result_format="COMPLETE")
    flagged = {int(i) for r in dirty.results for i in r.result.get("unexpected_index_list") or []}
    assert flagged == truth_rows | holder_rows


def test_pandera_itself_passes_clean_and_flags_injected_rows(drafts, truth_rows, holder_rows) -> None:
    from pandera.errors import SchemaErrors
    from pandera.io import polars_io

    schema = polars_io.from_yaml(str(drafts["pandera"]))
    schema.validate(pl.read_csv(CLEAN), lazy=True)
    with pytest.raises(SchemaErrors) as info:
        schema.validate(pl.read_csv(DIRTY), lazy=True)
    assert set(info.value.failure_cases["index"].drop_nulls().to_list()) == truth_rows | holder_rows


@pytest.mark.parametrize("fmt", ["gx", "pandera"])
def test_dataqa_check_runs_the_draft(drafts, truth_rows, holder_rows, fmt: str) -> None:
    clean = check_dataset(CLEAN, [drafts[fmt]])
    assert clean.outcome == "passed", [c.label for c in clean.checks if c.outcome != "passed"]
    dirty = check_dataset(DIRTY, [drafts[fmt]])
    assert dirty.outcome == "failed"
    assert set(dirty.failures["row_id"].to_list()) == truth_rows | holder_rows


def test_suggest_from_a_saved_profile_matches_suggest_from_data(tmp_path: Path) -> None:
    profile(CLEAN).save(tmp_path / "p.json")
    res = CliRunner().invoke(app, ["suggest", str(tmp_path / "p.json"), "--format", "gx"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["expectations"] == json.loads(
        suggest(profile(CLEAN), format="gx"))["expectations"]


# --- property: a draft passes on the data it was drafted from -----------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from polars.testing.parametric import column, dataframes  # noqa: E402


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(dataframes([column("f", dtype=pl.Float64), column("i", dtype=pl.Int64),
                   column("s", dtype=pl.String), column("code", dtype=pl.String)],
                  min_size=1, max_size=40))
def test_drafts_pass_on_their_own_data(tmp_path: Path, df: pl.DataFrame) -> None:
    data = tmp_path / "d.parquet"
    df.write_parquet(data)
    prof = profile(data)
    (tmp_path / "draft.json").write_text(suggest(prof, format="gx"))
    (tmp_path / "draft.yaml").write_text(suggest(prof, format="pandera"))
    for draft in ("draft.json", "draft.yaml"):
        report = check_dataset(data, [tmp_path / draft])
        assert report.outcome == "passed", [(draft, c.label, c.message) for c in report.checks
                                            if c.outcome != "passed"]
