"""Quality of ``dataqa noise`` on the shipped dirty sample, against its ground-truth file.

Measured with the default ``[noise]`` detector (hist_gradient_boosting + logistic + knn, 5 folds,
seed 42; 2026-12-02). Only the gradient boosting is kept (the other two are much worse by log
loss); its out-of-fold accuracy is 70.7%, so the weak-model warning fires:

- estimated wrong labels: 677 (95% interval 582-786) for 300 flips: the cut grades overlap, so
  the tail of the ranking holds correct labels too and the estimate is 2.3x the truth. The
  README quotes these numbers; the test asserts them within 10%.
- default flags (the top 677): precision 0.37, recall 0.83 (248 of 300 flips); dataqa 0.1
  flagged 1,144 rows at precision 0.23. The 300 rows with the highest P(error) hold 178 flips.
- near-duplicates: 47 rows flagged, recall 1.0 (all 12 copies and their 12 originals),
  precision 0.51: the other 23 are genuinely near-identical stones already in ggplot2's table
  (6 of them exact duplicates), which the truth file does not list.

The floors sit a little below these so that seed-level wobble (a few rows) passes while a real
regression (a broken ranking, a count that counts every confused row) fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from threadpoolctl import threadpool_limits

from dataqa.config import NoiseConfig
from dataqa.labeling.noise import NoiseResult, find_noise_in_file

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def result() -> Iterator[NoiseResult]:
    with threadpool_limits(1, user_api="openmp"):  # shared machine: spinning OpenMP threads thrash
        yield find_noise_in_file(SAMPLE / "diamonds_dirty.csv", label_column="cut", noise=NoiseConfig())


@pytest.fixture(scope="module")
def truth() -> pl.DataFrame:
    return pl.read_csv(SAMPLE / "diamonds_dirty_truth.csv")


def precision_recall(flagged: set[int], relevant: set[int]) -> tuple[float, float]:
    hit = len(flagged & relevant)
    return hit / max(len(flagged), 1), hit / len(relevant)


def test_label_issue_flags_against_flipped_labels(result: NoiseResult, truth: pl.DataFrame) -> None:
    flips = set(truth.filter(pl.col("kind") == "flipped_label")["row_id"].to_list())
    assert len(flips) == 300
    flagged = set(result.suspects.filter("is_label_issue")["row_id"].to_list())
    precision, recall = precision_recall(flagged, flips)
    # Floors: precision 0.33 (measured 0.37; dataqa 0.1: 0.23), recall 0.75 (measured 0.83).
    assert precision >= 0.33, f"precision {precision:.3f}"
    assert recall >= 0.75, f"recall {recall:.3f}"
    # The review budget: the 300 rows with the highest P(error) hold at least 160 flips (measured
    # 178; random order would hold 18).
    assert len(set(result.budget(300)["row_id"].to_list()) & flips) >= 160


def test_estimate_the_readme_quotes(result: NoiseResult) -> None:
    est = result.estimate
    assert est is not None
    # README: "677 wrong labels estimated (95% interval 582-786)"; within 10%.
    assert est.count == pytest.approx(677, rel=0.10)
    assert est.low == pytest.approx(582, rel=0.10) and est.high == pytest.approx(786, rel=0.10)
    assert result.counts["label"] == est.flag_count
    assert result.per_class["estimated_errors"].sum() == pytest.approx(est.count, rel=0.01)
    # README: the flags' expected precision 0.71 (too high on this weak-model table); within 0.05.
    hits, low, high = result.queue_yield(est.flag_count)
    assert hits / est.flag_count == pytest.approx(0.71, abs=0.05) and low <= hits <= high
    # README: the weak-model warning fires at 70.7% out-of-fold accuracy.
    assert result.accuracy["combined"] == pytest.approx(0.707, abs=0.02)
    assert result.warning is not None and "70." in result.warning


def test_near_duplicate_flags_against_appended_copies(result: NoiseResult, truth: pl.DataFrame) -> None:
    copies = truth.filter(pl.col("kind") == "near_duplicate")
    # A flag is correct on an appended copy or on the clean row it copies.
    relevant = set(copies["row_id"].to_list()) | {int(v) for v in copies["original_value"].to_list()}
    assert len(relevant) == 24
    flagged = set(result.suspects.filter("is_near_duplicate_issue")["row_id"].to_list())
    precision, recall = precision_recall(flagged, relevant)
    # Floors: recall 0.95 (measured 1.0: every copy and original); precision 0.40 (measured 0.51,
    # the rest being real near-identical stones in the source table).
    assert recall >= 0.95, f"recall {recall:.3f}"
    assert precision >= 0.40, f"precision {precision:.3f}"


def test_summary_tables_on_the_sample(result: NoiseResult) -> None:
    assert result.classes == ["Fair", "Good", "Ideal", "Premium", "Very Good"]
    assert result.per_class["rows"].sum() == 5012
    # No class is rare and no row has all features null in this sample.
    assert result.counts["class_imbalance"] == 0 and result.counts["null"] == 0
    assert result.suspects["row_id"].max() == 5011
