"""Bounded memory: spilled failing rows and bucketed duplicates give exactly the in-memory report."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from dataqa.io import Dataset, read_dataset
from dataqa.validation.backends.polars import PolarsBackend
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.report import SuiteReport
from dataqa.validation.suites import load_suite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_table import generate  # noqa: E402

EXTRA = parse_gx_suite({"expectations": [
    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["int_d", "name"],
                                                                "ignore_row_if": "never"}},
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "int_b"}},
    {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "f_b", "max_value": 0.1}},
    {"type": "expect_column_values_to_be_increasing", "kwargs": {"column": "int_a"}},
]}, "extra.json")


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    generate(6_000, seed=3).write_parquet(folder / "part-0.parquet")
    generate(4_000, seed=4).with_columns(pl.col("id") + 6_000).write_parquet(folder / "part-1.parquet")
    return folder


def _suites() -> list:
    return [load_suite(ROOT / "benchmarks" / "suites" / "bench.gx.json"),
            load_suite(ROOT / "benchmarks" / "suites" / "bench.pandera.yaml"), EXTRA]


def _summary(report: SuiteReport) -> list[tuple]:
    return [(c.label, c.outcome, c.unexpected_count, c.evaluated_count, c.failing_row_ids)
            for c in report.checks]


@pytest.mark.parametrize("max_failures", [None, 3, 0])
def test_spilled_and_bucketed_report_equals_in_memory(table: Path, tmp_path: Path,
                                                      max_failures: int | None) -> None:
    ds = read_dataset(table)
    memory = run_suites(PolarsBackend(ds, spill_rows=10**12), _suites(),
                        max_failures_per_check=max_failures, failures_path=str(tmp_path / "m.parquet"))
    spilled = run_suites(PolarsBackend(ds, spill_rows=0, bucket_rows=1_500), _suites(),
                         max_failures_per_check=max_failures, failures_path=str(tmp_path / "s.parquet"))
    assert _summary(spilled) == _summary(memory)
    assert spilled.failures.equals(memory.failures)
    by = ["check", "row_id"]
    m, s = pl.read_parquet(tmp_path / "m.parquet").sort(by), pl.read_parquet(tmp_path / "s.parquet").sort(by)
    assert s.equals(m)
    # every failing row is in the file, whatever the cap on the report
    counts = dict(s.group_by("check").len().iter_rows())
    for c in spilled.checks:
        if c.unexpected_count and c.outcome != "passed":
            assert counts[c.label] == c.unexpected_count, c.label
    # the generated table has duplicate ids: uniqueness failed and was bucketed (7 buckets)
    ids = next(c for c in spilled.checks if c.label == "expect_column_values_to_be_unique(id)")
    assert ids.outcome == "failed" and ids.unexpected_count and ids.unexpected_count > 0


def test_every_row_failing_is_counted_and_capped(tmp_path: Path) -> None:
    n = 5_000
    df = pl.DataFrame({"id": [i // 2 for i in range(n)], "x": [2.0] * n})
    suite = parse_gx_suite({"expectations": [
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "max_value": 1}},
    ]}, "s.json")
    report = run_suites(PolarsBackend(Dataset("d", df.lazy()), spill_rows=0, bucket_rows=700), [suite],
                        max_failures_per_check=10, failures_path=str(tmp_path / "f.parquet"))
    assert [c.unexpected_count for c in report.checks] == [n, n]
    assert [c.failing_row_ids for c in report.checks] == [list(range(10))] * 2
    assert pl.scan_parquet(tmp_path / "f.parquet").select(pl.len()).collect().item() == 2 * n
    assert not list(tmp_path.glob("*.part"))
