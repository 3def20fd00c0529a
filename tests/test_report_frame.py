"""``SuiteReport.to_frame()`` and ``failures_of``: the report's table form, owned by the library."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from dataqa.validation.report import CheckResult, SuiteReport


def test_to_frame_and_failures_of_one_check() -> None:
    checks = [
        CheckResult("not_null", "not_null(a)", "suites/s.yaml", "s.yaml[3,5]", ["a"], "critical", "failed",
                    element_count=4, evaluated_count=4, unexpected_count=1),
        CheckResult("row_count", "row_count", "suites/s.yaml", "s.yaml[9,5]", [], "warning", "passed",
                    observed_value=4),
    ]
    failures = pl.DataFrame({"suite_file": ["suites/s.yaml"], "check": ["not_null(a)"], "column": ["a"],
                             "row_id": [2], "failure_case": [None], "check_index": [0]},
                            schema_overrides={"failure_case": pl.String})
    report = SuiteReport("d.csv", None, checks, failures)

    frame = report.to_frame()

    assert frame.rows() == [(0, "failed", "not_null(a)", "s.yaml", "critical", 1, 25.0, ""),
                            (1, "passed", "row_count", "s.yaml", "warning", None, None, "observed 4")]
    assert_frame_equal(report.failures_of(0), failures.drop("check_index"))
    assert report.failures_of(1).height == 0 and "check_index" not in report.failures_of(1).columns
