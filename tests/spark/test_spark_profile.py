"""``profile_spark`` writes the polars profile's format with the same numbers.

Exact fields are compared exactly; the sketched ones (quantiles by ``percentile_approx``,
``mad``) within their stated error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from dataqa.validation.backends.spark import profile as spark_profile
from dataqa.validation.backends.spark.profile import PERCENTILE_ACCURACY, profile_spark
from dataqa.validation.profile import profile
from dataqa.validation.profile_merge import merge_profiles
from dataqa.validation.profile_model import Profile

N = 4000


def frame(seed: int, n: int = N) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(10, 3, n)
    x[rng.choice(n, 20, replace=False)] = np.nan
    x[:3] = [np.inf, -np.inf, 0.0]
    start = dt.datetime(2024, 1, 1)
    return pl.DataFrame({
        "key": np.arange(n),
        "x": x,
        "i": pl.Series(rng.integers(-5, 50, n)).set(pl.Series(rng.random(n) < 0.05), None),
        "cat": rng.choice(["red", "green", "blue", "n/a"], n),
        "code": [f"AB-{v:05d}" for v in rng.integers(0, 99_999, n)],
        "text": [f"{w} {v}" for w, v in zip(rng.choice(["x", "yy", "zzz"], n), rng.integers(0, 9, n))],
        "flag": rng.random(n) < 0.3,
        "day": [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, n)],
        "ts": [start + dt.timedelta(seconds=int(s)) for s in rng.integers(0, 86_400 * 30, n)],
        "empty": pl.Series([None] * n, dtype=pl.String),
    }).with_columns(pl.col("key").cast(pl.Int64))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "d.parquet"
    df = frame(1)
    pl.concat([df, df.head(7)]).write_parquet(path)  # 7 duplicate rows, 7 duplicated ids
    return path


EXACT = ("name", "dtype", "kind", "count", "null_count", "distinct", "distinct_exact", "min", "max",
         "zeros", "negatives", "nan_count", "inf_count", "length_min", "length_max", "top_values",
         "frequencies", "patterns", "notes")


def assert_same_profile(sp: Profile, pp: Profile, *, drift_exact: bool) -> None:
    assert (sp.rows, sp.n_columns, sp.duplicate_rows, sp.duplicate_ids, sp.notes) == \
        (pp.rows, pp.n_columns, pp.duplicate_rows, pp.duplicate_ids, pp.notes)
    for s, p in zip(sp.columns, pp.columns, strict=True):
        for f in EXACT:
            assert getattr(s, f) == getattr(p, f), (s.name, f)
        for f in ("mean", "std", "sum", "skewness", "kurtosis", "length_mean"):
            a, b = getattr(s, f), getattr(p, f)
            if isinstance(b, float):
                assert a == pytest.approx(b, rel=1e-9, abs=1e-12), (s.name, f)
            elif isinstance(b, str):  # a temporal mean: float sums differ in the last microseconds
                assert a is not None
                gap = dt.datetime.fromisoformat(a) - dt.datetime.fromisoformat(b)
                assert abs(gap) < dt.timedelta(milliseconds=1), (s.name, f)
            else:
                assert a == b, (s.name, f)
        assert (s.histogram is None) == (p.histogram is None), s.name
        if s.histogram is not None and p.histogram is not None:
            assert s.histogram.edges == pytest.approx(p.histogram.edges), s.name
            assert s.histogram.counts == p.histogram.counts, s.name
        assert (s.drift_bins is None) == (p.drift_bins is None), s.name
        if drift_exact and s.drift_bins is not None and p.drift_bins is not None:
            assert s.drift_bins == p.drift_bins, s.name
        if s.kind == "numeric" and p.quantiles.get("p50") is not None:
            _assert_quantiles_within_rank_error(s, p, pp.rows)


def _assert_quantiles_within_rank_error(s: Any, p: Any, rows: int) -> None:
    # percentile_approx returns an order statistic whose rank is within rows/accuracy of the
    # exact one; polars interpolates linearly between order statistics: allow one rank step
    assert p.drift_bins is not None
    tol = 1 + rows / PERCENTILE_ACCURACY
    for name, q in s.quantiles.items():
        want = p.quantiles[name]
        assert q is not None and want is not None
        step = (p.max - p.min) * tol / max(rows, 1) * 50 + 1e-9  # a loose value tolerance
        assert abs(q - want) <= step, (s.name, name, q, want)


def test_spark_profile_equals_polars_profile(spark: Any, data: Path) -> None:
    pp = profile(data, id_column="key")
    # on the same drift breaks (a reference) the drift bins must agree exactly
    sp = profile_spark(str(data), spark=spark, id_column="key", reference=pp)
    pp_ref = profile(data, id_column="key", reference=pp)
    assert_same_profile(sp, pp_ref, drift_exact=True)
    assert sp.to_json() == Profile.from_json(sp.to_json()).to_json()


def test_spark_profile_on_a_dataframe_and_on_its_own_breaks(spark: Any) -> None:
    df = frame(2, 1500).drop("day", "ts")
    sp = profile_spark(spark.createDataFrame(df.to_arrow()), spark=spark)
    pp = profile(df)
    assert sp.source == "<DataFrame>"
    assert_same_profile(sp, pp, drift_exact=False)


def test_empty_dataset(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    frame(3, 100).head(0).write_parquet(path)
    sp, pp = profile_spark(str(path), spark=spark), profile(path)
    assert_same_profile(sp, pp, drift_exact=True)


def test_merged_spark_profiles_equal_the_whole(spark: Any, data: Path) -> None:
    df = spark.read.parquet(str(data))
    whole = profile_spark(df, spark=spark)
    left, right = df.randomSplit([0.3, 0.7], seed=3)
    a = profile_spark(left, spark=spark, reference=whole)
    b = profile_spark(right, spark=spark, reference=whole)
    merged = merge_profiles(a, b)
    assert merged.rows == whole.rows
    for m, w in zip(merged.columns, whole.columns, strict=True):
        for f in ("count", "null_count", "min", "max", "zeros", "negatives", "nan_count", "inf_count",
                  "length_min", "length_max", "frequencies", "drift_bins"):
            assert getattr(m, f) == getattr(w, f), (m.name, f)
        if w.frequencies is not None:  # top values merge while both parts keep frequencies
            assert (m.top_values, m.distinct) == (w.top_values, w.distinct), m.name
        for f in ("mean", "std", "sum", "skewness", "kurtosis"):
            want = getattr(w, f)
            if isinstance(want, float):  # temporal means are ISO strings
                assert getattr(m, f) == pytest.approx(want, rel=1e-7), (m.name, f)


def test_text_above_the_exact_limit_with_non_numeric_values(
        spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the exact distinct limit, the numeric-text share is counted with ``try_cast``:
    Spark 4's ANSI mode made a plain cast of non-numeric text fail the whole profile."""
    monkeypatch.setattr(spark_profile, "DISTINCT_EXACT_LIMIT", 5)
    path = tmp_path / "t.parquet"
    pl.DataFrame({"w": [f"word{i}" for i in range(50)] + [str(i) for i in range(10)]}).write_parquet(path)
    (col,) = [c for c in profile_spark(str(path), spark=spark).columns if c.name == "w"]
    assert col.null_count == 0 and not col.distinct_exact
    assert col.distinct is not None and col.distinct >= 50


def test_distinct_above_the_exact_limit_is_the_sketch_estimate(
        spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the exact limit ``distinct`` is the HyperLogLog sketch's estimate: within its stated
    error, nulls not counted (doubles and dates go into the sketch as their hash, whose null
    must stay null), and a note says it is approximate."""
    monkeypatch.setattr(spark_profile, "DISTINCT_EXACT_LIMIT", 5)
    rng = np.random.default_rng(7)
    n = 30_000
    x = rng.permutation(np.arange(n) * 0.5)  # n distinct doubles
    x[rng.choice(n, 300, replace=False)] = np.nan  # one more distinct value: NaN
    few = pl.Series(np.arange(n) % 40, dtype=pl.Float64)  # 40 distinct: the sketch is exact here
    df = pl.DataFrame({
        "x": x,
        "few": few.set(pl.Series(np.arange(n) % 7 == 0), None),
        "day": pl.Series([dt.date(2000, 1, 1) + dt.timedelta(days=int(d) % 60) for d in range(n)])
        .set(pl.Series(np.arange(n) % 7 == 0), None),  # 7 and 60 coprime: every day keeps values
        "i": pl.Series(np.arange(n) % 1000).cast(pl.Int16),
    })
    df.write_parquet(path := tmp_path / "d.parquet")
    cols = {c.name: c for c in profile_spark(str(path), spark=spark).columns}
    want = {"x": n - 300 + 1, "few": 40, "day": 60, "i": 1000}
    for name, exact in want.items():
        col = cols[name]
        assert not col.distinct_exact and col.distinct is not None, name
        assert abs(col.distinct - exact) <= 3 * spark_profile.DISTINCT_RSE * exact, (name, col.distinct)
        assert any("approximate (HyperLogLog)" in note for note in col.notes), name
    assert (cols["few"].distinct, cols["day"].distinct) == (40, 60)  # not 41, 61: nulls left out
