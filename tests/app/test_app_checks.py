"""Checks page: run the shipped suites, edit/save a suite, failing rows, downloads, bad suites."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from app_helpers import REPO, errors, open_page

MINI = {
    "name": "mini",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "price"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "carat", "min_value": 0.1, "max_value": 6}},
    ],
}


def truth_rows(kind: str, column: str) -> list[int]:
    t = pl.read_csv(REPO / "sample_data" / "diamonds_dirty_truth.csv")
    return sorted(t.filter((pl.col("kind") == kind) & (pl.col("column") == column))["row_id"].to_list())


def save_suite(at, name: str, text: str):
    at.text_area(key="checks.editor").input(text)
    at.text_input(key="checks.save_name").input(name)
    at.button(key="checks.save").click().run()
    return at


@pytest.fixture
def checks(app):
    return open_page(app, "pages/checks.py")


def test_shipped_suites_are_preselected(checks):
    chosen = checks.multiselect(key="checks.suites").value
    assert [c.rsplit("/", 1)[-1] for c in chosen] == ["diamonds.gx.json", "diamonds.pandera.yaml"]


def test_edited_suite_runs_and_shows_the_failing_rows(checks):
    at = save_suite(checks, "mini.gx.json", json.dumps(MINI))
    assert errors(at) == []
    mini = [s for s in at.multiselect(key="checks.suites").value if s.endswith("mini.gx.json")]
    assert mini, "the saved suite joins the selection"
    at.multiselect(key="checks.suites").set_value(mini)
    at.button(key="checks.run").click().run()
    assert not at.exception and errors(at) == []
    outcome = {m.label: m.value for m in at.metric}
    assert outcome["Outcome"] == "FAILED" and outcome["Failed"] == "2"
    # failing rows of the first failing check: the null prices injected into the sample
    at.selectbox(key="checks.failing").select_index(0).run()
    shown = at.dataframe[1].value
    assert sorted(shown["row_id"].tolist()) == truth_rows("null", "price")
    assert {"diamond_id", "carat", "cut"} <= set(shown.columns)  # the whole data row is shown
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["JSON", "JUnit XML", "Markdown"]


def test_downloads_are_the_cli_formats(checks):
    from dataqa.app import services

    at = save_suite(checks, "mini.gx.json", json.dumps(MINI))
    at.multiselect(key="checks.suites").set_value([s for s in at.multiselect(key="checks.suites").value
                                                   if s.endswith("mini.gx.json")])
    at.button(key="checks.run").click().run()
    report = at.session_state["dataqa.result.checks"][1]
    data = json.loads(services.render(report, "json"))
    assert data["counts"]["failed"] == 2
    cases = ET.fromstring(services.render(report, "junit").split("?>", 1)[1]).iter("testcase")
    assert len(list(cases)) == 2
    assert services.render(report, "markdown").startswith("### dataqa check")


def test_invalid_suite_edit_is_a_readable_error_and_not_saved(checks, app_env):
    at = save_suite(checks, "broken.gx.json", '{"name": "x", "expectations": [{"type": "expect_nothing_real"}]}')
    assert not at.exception
    [msg] = errors(at)
    assert msg.startswith("The suite was not saved: ")
    assert "expect_nothing_real" in msg
    assert not (app_env / "suites" / "broken.gx.json").exists()


def test_shipped_suites_catch_injected_errors(checks):
    at = checks
    at.button(key="checks.run").click().run()
    assert not at.exception
    assert errors(at) == [], errors(at)
    assert {m.label: m.value for m in at.metric}["Outcome"] == "FAILED"
    table = at.dataframe[0].value
    assert (table["outcome"] == "failed").any()


def test_draft_from_profile_passes_on_its_own_data(app):
    at = open_page(app, "pages/data.py")
    at.selectbox(key="data.file").select("sample_data/diamonds.csv")
    at.button(key="data.open").click().run()
    at = open_page(at, "pages/checks.py")
    at.radio(key="checks.draft_fmt").set_value("gx")
    at.button(key="checks.draft").click().run()
    assert not at.exception and errors(at) == []
    draft = json.loads(at.text_area(key="checks.editor").value)
    assert any(e["type"] == "expect_column_values_to_not_be_null" for e in draft["expectations"])
    at.button(key="checks.save").click().run()
    saved = [s for s in at.multiselect(key="checks.suites").value if ".draft." in s]
    at.multiselect(key="checks.suites").set_value(saved)
    at.button(key="checks.run").click().run()
    assert errors(at) == []
    assert {m.label: m.value for m in at.metric}["Failed"] == "0"


def test_baseline_report_splits_failing_rows_into_new_still_and_fixed(checks, app_env):
    """A stored report where one null price was not failing yet and a since-repaired row was:
    against it, this run has exactly 1 new, n-1 still failing and 1 fixed row, and the gate closes."""
    from dataqa.app import services

    at = save_suite(checks, "mini.gx.json", json.dumps(MINI))
    at.multiselect(key="checks.suites").set_value([s for s in at.multiselect(key="checks.suites").value
                                                   if s.endswith("mini.gx.json")])
    at.button(key="checks.run").click().run()
    data = json.loads(services.render(at.session_state["dataqa.result.checks"][1], "json"))
    nulls = truth_rows("null", "price")
    assert len(nulls) >= 2
    failing = sum(c["unexpected_count"] for c in data["checks"])  # both checks' rows, as run now
    check = next(c for c in data["checks"] if c["columns"] == ["price"])
    repaired = next(i for i in range(len(nulls) + 1) if i not in nulls)  # a row with a price now
    # the baseline misses the first null price (new now) and lists a row failing no more (fixed)
    check["failures"] = [f for f in check["failures"] if f["row_id"] != nulls[0]] + [
        {"row_id": repaired, "value": None}]
    check["failing_row_ids"] = [f["row_id"] for f in check["failures"]]
    check["unexpected_count"] = len(check["failures"])
    (app_env / "reports").mkdir(parents=True, exist_ok=True)
    (app_env / "reports" / "v1.json").write_text(json.dumps(data))

    at.run()
    at.selectbox(key="checks.baseline").set_value(str(app_env / "reports" / "v1.json")).run()
    at.button(key="checks.run").click().run()
    assert not at.exception and errors(at) == []
    shown = {m.label: m.value for m in at.metric}
    assert (shown["New failing rows"], shown["Still failing"], shown["Fixed"]) == (
        "1", str(failing - 1), "1")
    assert shown["Gate (--fail-on new)"] == "CLOSED"
    split = next(d.value for d in at.dataframe if "still failing" in d.value.columns)
    row = split[split["check"] == check["label"]].iloc[0]
    assert (row["new"], row["still failing"], row["fixed"], row["status"]) == (1, len(nulls) - 1, 1, "new")
