"""Incremental re-validation of a version equals a full check, check by check and row by row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataqa.io import Dataset
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.incremental import check_version_incremental
from dataqa.validation.report import SuiteReport
from dataqa.validation.version_check import check_version, report_store_for
from dataqa.versions import VersionStore

N = 30
LABELS = ["a", "b", "c"]
SUITE = parse_gx_suite({"expectations": [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "min_value": 0, "max_value": 10,
                                                              "mostly": 0.9}},
    {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "label", "value_set": LABELS}},
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "code"}},
    {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "x", "max_value": 6}},
    {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": N - 3}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "y"}},
]}, "s.json")


def _frame() -> pl.DataFrame:
    return pl.DataFrame({
        "key": [f"k{i:02d}" for i in range(N)],
        "x": [None if i % 11 == 0 else i % 13 for i in range(N)],
        "label": [LABELS[i % 3] if i % 7 else "zz" for i in range(N)],
        "code": [i % 25 for i in range(N)],
        "y": list(range(N)),
    })


def _same(incr: SuiteReport, full: SuiteReport) -> None:
    assert incr.row_count == full.row_count
    for a, b in zip(incr.checks, full.checks, strict=True):
        assert (a.label, a.outcome, a.unexpected_count, a.evaluated_count, a.element_count, a.observed_value) == (
            b.label, b.outcome, b.unexpected_count, b.evaluated_count, b.element_count, b.observed_value), a.label
        assert sorted(a.failing_row_ids) == sorted(b.failing_row_ids), a.label


FIX = st.one_of(
    st.tuples(st.just("relabel"), st.integers(0, N - 1), st.sampled_from(LABELS + ["zz"])),
    st.tuples(st.just("repair"), st.integers(0, N - 1), st.sampled_from(["", "3", "42", "7"])),
    st.tuples(st.just("code"), st.integers(0, N - 1), st.integers(0, 30).map(str)),
    st.tuples(st.just("drop"), st.integers(0, N - 1), st.none()),
    st.tuples(st.just("restore"), st.integers(1, 5), st.none()),
    st.tuples(st.just("skip_report"), st.none(), st.none()),
)


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(FIX, min_size=1, max_size=6))
def test_incremental_equals_full(tmp_path_factory: pytest.TempPathFactory, fixes: list) -> None:
    folder = tmp_path_factory.mktemp("store")
    store = VersionStore(folder / "versions")
    store.add(Dataset("t", _frame().lazy(), id_column="key"), "t")
    check_version(store, "v1", [SUITE])
    save_next = True
    for kind, row, value in fixes:
        head = store.head()
        present = store.checkout(head.id).select("key").collect()["key"].to_list()
        key = f"k{(row or 0):02d}"
        try:
            if kind == "skip_report":
                save_next = False
                continue
            if kind == "drop":
                if key not in present or len(present) < 3:
                    continue
                store.drop_rows([key], "test")
            elif kind == "restore":
                target = max(1, head.seq - (row or 1))
                if target == head.seq:
                    continue
                store.rollback(f"v{target}")
            else:
                if key not in present:
                    continue
                column = {"relabel": "label", "repair": "x", "code": "code"}[kind]
                store.edit_cells(pl.DataFrame({"row_id": [key], "column": [column],
                                               "new": [value or None]}), message="t")
        except Exception as exc:  # a fix that changes nothing is refused: not a case to compare
            if "changes nothing" in str(exc):
                continue
            raise
        incr = check_version_incremental(store, "head", [SUITE], save=save_next)
        full = check_version(store, "head", [SUITE], save=False)
        _same(incr, full)
        save_next = True


def test_incremental_notes_say_what_was_reused_updated_recomputed(tmp_path: Path) -> None:
    store = VersionStore(tmp_path / "versions")
    store.add(Dataset("t", _frame().lazy(), id_column="key"), "t")
    check_version(store, "v1", [SUITE])
    store.edit_cells(pl.DataFrame({"row_id": ["k01", "k02"], "column": ["label", "label"],
                                   "new": ["zz", "a"]}), message="relabel")
    incr = check_version_incremental(store, "v2", [SUITE])
    notes = {c.label: c.note for c in incr.checks}
    assert notes["expect_column_values_to_be_in_set(label)"] == "incremental: updated from v1 on 2 touched rows"
    assert notes["expect_column_values_to_be_unique(code)"] == "incremental: reused from v1"
    assert notes["expect_table_row_count_to_be_between"] == "incremental: reused from v1" or notes[
        "expect_table_row_count_to_be_between"].startswith("incremental: recomputed")
    _same(incr, check_version(store, "v2", [SUITE], save=False))
    assert report_store_for(store).has("v2")


def test_cli_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from dataqa.cli.main import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    _frame().write_csv(tmp_path / "t.csv")
    (tmp_path / "s.json").write_text(json.dumps({"name": "s", "expectations": [
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "label", "value_set": LABELS}}]}))
    assert runner.invoke(app, ["version", "add", "t.csv", "--id", "key", "--name", "t"]).exit_code == 0
    assert runner.invoke(app, ["check", "t.csv", "-s", "s.json", "--incremental"]).output.startswith(
        "error: --incremental needs --version VERSION")
    assert runner.invoke(app, ["check", "--version", "v1", "-s", "s.json"]).exit_code == 1
    (tmp_path / "e.csv").write_text("row_id,column,new\nk00,label,a\n")
    assert runner.invoke(app, ["version", "apply", "e.csv", "--kind", "manual_edit"]).exit_code == 0
    result = runner.invoke(app, ["check", "--version", "v2", "-s", "s.json", "--incremental", "-f", "json"])
    data = json.loads(result.stdout)
    assert data["checks"][0]["unexpected_count"] == 4  # k07, k14, k21, k28; k00 fixed
    assert data["checks"][0]["note"] == "incremental: updated from v1 on 1 touched rows"
