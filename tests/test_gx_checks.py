"""Every native GX check on a tiny hand-computed frame: outcome and exact failing row ids.

Row ids are positions (no id column). The guard test keeps the table honest: a GX check
registered without a case here fails it by name.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataqa.io import Dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.registry import REGISTRY, registered_names
from dataqa.validation.report import CheckResult

S = ["a", "b", "c", None]
CASES: list[tuple[str, str, dict[str, Any], dict[str, list[Any]], str, list[int]]] = [
    # (id, type, kwargs, data, outcome, failing row ids)
    ("not_null", "expect_column_values_to_not_be_null", {"column": "a"}, {"a": [1, None, 3, None]}, "failed", [1, 3]),
    ("null", "expect_column_values_to_be_null", {"column": "a"}, {"a": [None, 2, None]}, "failed", [1]),
    ("between", "expect_column_values_to_be_between", {"column": "a", "min_value": 0, "max_value": 10},
     {"a": [0, 5, 10, None, 11]}, "failed", [4]),
    ("between_strict", "expect_column_values_to_be_between",
     {"column": "a", "min_value": 0, "max_value": 10, "strict_min": True}, {"a": [0, 5, 10, None, 11]}, "failed", [0, 4]),
    ("between_mostly", "expect_column_values_to_be_between", {"column": "a", "max_value": 10, "mostly": 0.5},
     {"a": [1, 2, 100, None]}, "passed", [2]),
    ("in_set", "expect_column_values_to_be_in_set", {"column": "s", "value_set": ["a", "b"]}, {"s": S}, "failed", [2]),
    ("not_in_set", "expect_column_values_to_not_be_in_set", {"column": "s", "value_set": ["c"]}, {"s": S}, "failed", [2]),
    ("match_regex", "expect_column_values_to_match_regex", {"column": "s", "regex": r"\d"},
     {"s": ["ab1", "xx", "1ab", None]}, "failed", [1]),
    ("not_match_regex", "expect_column_values_to_not_match_regex", {"column": "s", "regex": r"\d"},
     {"s": ["ab1", "xx", "1ab", None]}, "failed", [0, 2]),
    ("regex_python_only", "expect_column_values_to_match_regex", {"column": "s", "regex": r"^(\w)\1"},
     {"s": ["aab", "abb", None]}, "failed", [1]),
    ("match_regex_list_any", "expect_column_values_to_match_regex_list",
     {"column": "s", "regex_list": ["^a", "1$"]}, {"s": ["ab1", "ab", "x1", None]}, "passed", []),
    ("match_regex_list_all", "expect_column_values_to_match_regex_list",
     {"column": "s", "regex_list": ["^a", "1$"], "match_on": "all"}, {"s": ["ab1", "ab", "x1", None]}, "failed", [1, 2]),
    ("not_match_regex_list", "expect_column_values_to_not_match_regex_list",
     {"column": "s", "regex_list": ["^x", "^q"]}, {"s": ["ab1", "ab", "x1", None]}, "failed", [2]),
    ("unique", "expect_column_values_to_be_unique", {"column": "a"}, {"a": [1, 2, 1, None, None, 3]}, "failed", [0, 2]),
    ("compound_unique", "expect_compound_columns_to_be_unique", {"column_list": ["a", "b"]},
     {"a": [1, 1, 1, None, None], "b": [1, 1, 2, None, None]}, "failed", [0, 1]),
    ("unique_within_record", "expect_select_column_values_to_be_unique_within_record",
     {"column_list": ["a", "b", "c"]}, {"a": [1, 1, None], "b": [2, 1, None], "c": [3, 2, 5]}, "failed", [1, 2]),
    ("lengths_between", "expect_column_value_lengths_to_be_between", {"column": "s", "min_value": 2, "max_value": 4},
     {"s": ["a", "abc", "abcdef", None]}, "failed", [0, 2]),
    ("lengths_equal", "expect_column_value_lengths_to_equal", {"column": "s", "value": 3},
     {"s": ["a", "abc", "abcdef", None]}, "failed", [0, 2]),
    ("of_type", "expect_column_values_to_be_of_type", {"column": "a", "type_": "int64"}, {"a": [1, 2]}, "passed", []),
    ("of_type_string_col", "expect_column_values_to_be_of_type", {"column": "s", "type_": "int"}, {"s": S}, "failed", [0, 1, 2]),
    ("in_type_list", "expect_column_values_to_be_in_type_list", {"column": "a", "type_list": ["int", "float"]},
     {"a": [1.5, None]}, "passed", []),
    ("increasing", "expect_column_values_to_be_increasing", {"column": "a"}, {"a": [1, 2, None, 2, 1]}, "failed", [4]),
    ("increasing_strictly", "expect_column_values_to_be_increasing", {"column": "a", "strictly": True},
     {"a": [1, 2, None, 2, 1]}, "failed", [3, 4]),
    ("decreasing", "expect_column_values_to_be_decreasing", {"column": "a"}, {"a": [3, 3, None, 4, 1]}, "failed", [3]),
    ("min", "expect_column_min_to_be_between", {"column": "a", "min_value": 2}, {"a": [1, 5, None]}, "failed", []),
    ("max", "expect_column_max_to_be_between", {"column": "a", "max_value": 5}, {"a": [1, 5, None]}, "passed", []),
    ("mean", "expect_column_mean_to_be_between", {"column": "a", "min_value": 2, "max_value": 2},
     {"a": [1, 2, 3, None]}, "passed", []),
    ("median", "expect_column_median_to_be_between", {"column": "a", "min_value": 2.5, "max_value": 2.5},
     {"a": [1, 2, 3, 10]}, "passed", []),
    ("sum", "expect_column_sum_to_be_between", {"column": "a", "max_value": 2}, {"a": [1, 2, None]}, "failed", []),
    ("stdev", "expect_column_stdev_to_be_between", {"column": "a", "min_value": 0.9, "max_value": 1.1},
     {"a": [1, 2, 3]}, "passed", []),
    ("quantiles", "expect_column_quantile_values_to_be_between",
     {"column": "a", "quantile_ranges": {"quantiles": [0.5, 0.9], "value_ranges": [[3, 3], [None, 4]]}},
     {"a": [1, 2, 3, 4, 5]}, "failed", []),
    ("distinct_in_set", "expect_column_distinct_values_to_be_in_set", {"column": "s", "value_set": ["a", "b"]},
     {"s": S}, "failed", [2]),
    ("distinct_contain_set", "expect_column_distinct_values_to_contain_set", {"column": "s", "value_set": ["a", "d"]},
     {"s": S}, "failed", []),
    ("distinct_equal_set", "expect_column_distinct_values_to_equal_set", {"column": "s", "value_set": ["a", "b", "c"]},
     {"s": S}, "passed", []),
    ("unique_value_count", "expect_column_unique_value_count_to_be_between", {"column": "s", "min_value": 3},
     {"s": ["a", "a", "b", None]}, "failed", []),
    ("proportion_unique", "expect_column_proportion_of_unique_values_to_be_between",
     {"column": "s", "min_value": 0.5, "max_value": 0.7}, {"s": ["a", "a", "b", None]}, "passed", []),
    ("most_common", "expect_column_most_common_value_to_be_in_set", {"column": "s", "value_set": ["a"]},
     {"s": ["a", "a", "b", None]}, "passed", []),
    ("most_common_tie", "expect_column_most_common_value_to_be_in_set", {"column": "s", "value_set": ["a"]},
     {"s": ["a", "b"]}, "failed", []),
    ("most_common_ties_okay", "expect_column_most_common_value_to_be_in_set",
     {"column": "s", "value_set": ["a"], "ties_okay": True}, {"s": ["a", "b"]}, "passed", []),
    ("row_count_equal", "expect_table_row_count_to_equal", {"value": 3}, {"a": [1, 2, 3]}, "passed", []),
    ("row_count_between", "expect_table_row_count_to_be_between", {"min_value": 4}, {"a": [1, 2, 3]}, "failed", []),
    ("column_count_equal", "expect_table_column_count_to_equal", {"value": 2}, {"a": [1], "b": [2]}, "passed", []),
    ("column_count_between", "expect_table_column_count_to_be_between", {"max_value": 1},
     {"a": [1], "b": [2]}, "failed", []),
    ("columns_match_set", "expect_table_columns_to_match_set", {"column_set": ["b", "a"]},
     {"a": [1], "b": [2]}, "passed", []),
    ("columns_match_subset", "expect_table_columns_to_match_set", {"column_set": ["a"], "exact_match": False},
     {"a": [1], "b": [2]}, "passed", []),
    ("columns_ordered", "expect_table_columns_to_match_ordered_list", {"column_list": ["b", "a"]},
     {"a": [1], "b": [2]}, "failed", []),
    ("column_exists", "expect_column_to_exist", {"column": "b", "column_index": 1}, {"a": [1], "b": [2]}, "passed", []),
    ("pair_greater", "expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "a", "column_B": "b"},
     {"a": [2, 1, None, None], "b": [1, 1, 1, None]}, "failed", [1, 2]),
    ("pair_greater_or_equal", "expect_column_pair_values_a_to_be_greater_than_b",
     {"column_A": "a", "column_B": "b", "or_equal": True}, {"a": [2, 1, None, None], "b": [1, 1, 1, None]}, "failed", [2]),
    ("pair_equal", "expect_column_pair_values_to_be_equal", {"column_A": "a", "column_B": "b"},
     {"a": [1, 2, None], "b": [1, 3, None]}, "failed", [1]),
    ("pair_in_set", "expect_column_pair_values_to_be_in_set",
     {"column_A": "a", "column_B": "b", "value_pairs_set": [[1, "x"], [2, "y"]]},
     {"a": [1, 2, 1], "b": ["x", "y", "y"]}, "failed", [2]),
    ("multicolumn_sum", "expect_multicolumn_sum_to_equal", {"column_list": ["a", "b"], "sum_total": 3},
     {"a": [1, 2, None, None], "b": [2, 2, 3, None]}, "failed", [1, 2]),
    ("json", "expect_column_values_to_be_json_parseable", {"column": "s"},
     {"s": ['{"a": 1}', "{bad", "[1]", None]}, "failed", [1]),
    ("strftime", "expect_column_values_to_match_strftime_format", {"column": "s", "strftime_format": "%Y-%m-%d"},
     {"s": ["2020-01-31", "2020-02-30", "31/01/2020", None]}, "failed", [1, 2]),
    ("dateutil", "expect_column_values_to_be_dateutil_parseable", {"column": "s"},
     {"s": ["2020-01-31", "Jan 5 2021", "not a date", None, "2020-01-31"]}, "failed", [2]),
]


def run_one(etype: str, kwargs: dict[str, Any], data: dict[str, list[Any]], severity: str = "critical") -> CheckResult:
    suite = parse_gx_suite({"name": "t", "expectations": [{"type": etype, "kwargs": kwargs, "severity": severity}]},
                           "t.json")
    return run_suites(Dataset("t", pl.LazyFrame(data)), [suite]).checks[0]


@pytest.mark.parametrize(("etype", "kwargs", "data", "outcome", "ids"),
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_check(etype: str, kwargs: dict[str, Any], data: dict[str, list[Any]], outcome: str, ids: list[int]) -> None:
    res = run_one(etype, kwargs, data)
    assert (res.outcome, res.failing_row_ids) == (outcome, ids), res.message


def test_every_registered_gx_check_has_a_case() -> None:
    native = {n for n in registered_names() if n.startswith("expect_") and REGISTRY[n].kind != "external"}
    missing = sorted(native - {c[1] for c in CASES})
    assert not missing, f"GX checks without a case in CASES: {missing}"


def test_severity_warning_gives_a_warning() -> None:
    res = run_one("expect_column_values_to_not_be_null", {"column": "a"}, {"a": [None]}, severity="warning")
    assert res.outcome == "warning"


def test_counts_and_failure_table() -> None:
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "max_value": 1}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}]}, "t.json")
    report = run_suites(Dataset("t", pl.LazyFrame({"a": [1, 2, None, 5]})), [suite])
    between, not_null = report.checks
    assert (between.evaluated_count, between.unexpected_count) == (3, 2)
    assert (not_null.evaluated_count, not_null.unexpected_count) == (4, 1)
    assert report.failures.select("check", "row_id", "failure_case").rows() == [
        ("expect_column_values_to_be_between(a)", 1, "2"),
        ("expect_column_values_to_be_between(a)", 3, "5"),
        ("expect_column_values_to_not_be_null(a)", 2, None)]


def test_empty_table_aggregates() -> None:
    res = run_one("expect_table_row_count_to_equal", {"value": 0}, {"a": []})
    assert res.outcome == "passed" and res.observed_value == 0


def test_id_column_reports_key_values() -> None:
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a"}}]}, "t.json")
    ds = Dataset("t", pl.LazyFrame({"key": ["k1", "k2", "k3"], "a": [7, 7, 8]}), id_column="key")
    assert run_suites(ds, [suite]).checks[0].failing_row_ids == ["k1", "k2"]


def test_a_broken_check_is_an_error_and_the_rest_still_run() -> None:
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_value_lengths_to_equal", "kwargs": {"column": "a", "value": 1}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}]}, "t.json")
    report = run_suites(Dataset("t", pl.LazyFrame({"a": [1, None]})), [suite])
    assert [c.outcome for c in report.checks] == ["error", "failed"]
    assert report.checks[1].failing_row_ids == [1]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), st.integers(-50, 50)), max_size=30), st.integers(-50, 50), st.integers(-50, 50))
def test_property_failures_match_python(values: list[int | None], lo: int, hi: int) -> None:
    """not_null flags exactly the nulls; between flags exactly the non-null values out of range;
    every failing id is a row of the input."""
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "min_value": lo, "max_value": hi}},
    ]}, "p.json")
    report = run_suites(Dataset("p", pl.LazyFrame({"a": values}, schema={"a": pl.Int64})), [suite])
    not_null, between = report.checks
    assert not_null.failing_row_ids == [i for i, v in enumerate(values) if v is None]
    assert not_null.unexpected_count == values.count(None)
    assert between.failing_row_ids == [i for i, v in enumerate(values) if v is not None and not lo <= v <= hi]
    assert set(between.failing_row_ids) <= set(range(len(values)))


def test_string_bounds_on_dates_are_parsed_as_gx_does() -> None:
    import datetime as dt

    data = {"t": [dt.datetime(2020, 1, 1), dt.datetime(2021, 6, 1), None]}
    res = run_one("expect_column_values_to_be_between", {"column": "t", "min_value": "2020-06-01"}, data)
    assert (res.outcome, res.failing_row_ids) == ("failed", [0])
    res = run_one("expect_column_max_to_be_between", {"column": "t", "max_value": "2021-01-01"}, data)
    assert (res.outcome, res.observed_value) == ("failed", "2021-06-01 00:00:00")


def test_categorical_columns_behave_like_strings() -> None:
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_value_lengths_to_equal", "kwargs": {"column": "c", "value": 2}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "c", "value_set": ["a"]}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "c", "regex": "b"}}]}, "t.json")
    frame = pl.LazyFrame({"c": pl.Series(["a", "bb", None], dtype=pl.Categorical)})
    assert [c.failing_row_ids for c in run_suites(Dataset("t", frame), [suite]).checks] == [[0], [1], [0]]


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%d/%m/%Y %H:%M", "%b %d %Y", "%H:%M"])
def test_strftime_matches_python_strptime(fmt: str) -> None:
    """The vectorised fast path never disagrees with ``datetime.strptime`` (GX's own test)."""
    import datetime as dt

    values = ["2020-01-05", "2020-1-5", "12020-01-01", " 2020-01-05", "2020-01-05 ", "0999-01-01",
              "05/01/2020 13:45", "5/1/2020 13:45", "Jan 05 2020", "jan 5 2020", "13:45", "25:00",
              "2020-02-30", "2020-01-05T00:00"]

    def python(v: str) -> bool:
        try:
            dt.datetime.strptime(v, fmt)
            return True
        except ValueError:
            return False

    res = run_one("expect_column_values_to_match_strftime_format", {"column": "s", "strftime_format": fmt},
                  {"s": values})
    assert res.failing_row_ids == [i for i, v in enumerate(values) if not python(v)]


def test_dateutil_matches_dateutil() -> None:
    """The vectorised fast path never disagrees with ``dateutil.parser.parse`` (GX's own test)."""
    from dateutil.parser import parse

    values = ["2020-01-05", "20200105", "12020-01-01", "+2020-01-01", "2020/01/05", "2020-01-05T10:00:00.5",
              "2020-02-30", "Jan 5", "tomorrow", "0000-01-01", "2020-01-05 25:00:00", "1e5", ""]

    def ok(v: str) -> bool:
        try:
            parse(v)
            return True
        except (ValueError, OverflowError):
            return False

    res = run_one("expect_column_values_to_be_dateutil_parseable", {"column": "s"}, {"s": values})
    assert res.failing_row_ids == [i for i, v in enumerate(values) if not ok(v)]


def test_mixed_suite_in_one_run() -> None:
    """Row-by-row, whole-column and aggregate checks together (they run as separate queries
    internally) give the same outcomes as one by one."""
    entries = [c for c in CASES if c[0] in ("not_null", "unique", "increasing", "between", "json", "sum")]
    data = {"a": [1, 1, None, 0], "s": ['{"x": 1}', "{", None, "[]"]}
    suite = parse_gx_suite({"expectations": [
        {"type": etype, "kwargs": {**kwargs, "column": "s" if cid == "json" else "a"}}
        for cid, etype, kwargs, *_ in entries]}, "m.json")
    together = run_suites(Dataset("m", pl.LazyFrame(data)), [suite]).checks
    alone = [run_one(spec.name, dict(spec.kwargs), data) for spec in suite.checks]
    assert [(r.outcome, r.failing_row_ids) for r in together] == [(r.outcome, r.failing_row_ids) for r in alone]
    assert [r.failing_row_ids for r in together] == [[2], [], [0, 1], [3], [], [1]]
