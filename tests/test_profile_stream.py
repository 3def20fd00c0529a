"""The bounded-memory profile of large Parquet data (``validation/profile_stream.py``), forced
on a small file by lowering its row limits: exact fields equal the in-memory profile's, and
sketched quantiles lie within the stated rank error of the true ones."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from dataqa.validation import profile as profile_module
from dataqa.validation import profile_stream
from dataqa.validation.profile import profile
from dataqa.validation.profile_model import Profile

ROWS = 60_000


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(11)
    x = rng.lognormal(3, 1, ROWS)
    x[rng.choice(ROWS, 50, replace=False)] = np.nan
    x[rng.choice(ROWS, 5, replace=False)] = np.inf
    letters = np.array(list("ABCDEFGH"))
    df = pl.DataFrame({
        "x": x,
        "n": rng.integers(-50, 50, ROWS),
        "const": np.full(ROWS, 7.0),
        "code": [f"{a}{b}-{d:05d}" for a, b, d in zip(letters[rng.integers(0, 8, ROWS)],
                                                        letters[rng.integers(0, 8, ROWS)],
                                                        rng.integers(0, 100_000, ROWS))],
        "cat": letters[rng.integers(0, 5, ROWS)],
        "ts": [datetime(2024, 1, 1) + timedelta(minutes=int(m)) for m in rng.integers(0, 500_000, ROWS)],
    }).with_columns(pl.when(pl.int_range(pl.len()) % 97 == 0).then(None).otherwise(pl.col("cat")).alias("cat"))
    # 300 duplicated rows: the first 300 rows again
    df = pl.concat([df, df.head(300)])
    path = tmp_path_factory.mktemp("stream") / "t.parquet"
    df.write_parquet(path, row_group_size=7_000)
    return path


def _small_limits(monkeypatch: pytest.MonkeyPatch, quantile_rows: int) -> None:
    monkeypatch.setattr(profile_module, "COLUMNWISE_ROWS", 1)
    monkeypatch.setattr(profile_module, "QUANTILE_EXACT_ROWS", quantile_rows)
    monkeypatch.setattr(profile_stream, "QUANTILE_EXACT_ROWS", quantile_rows)
    monkeypatch.setattr(profile_stream, "BATCH_ROWS", 9_000)  # several batches, not row-group aligned
    monkeypatch.setattr(profile_stream, "HASH_BUCKET_ROWS", 20_000)  # 4 buckets of row hashes
    monkeypatch.setattr(profile_stream, "SHAPE_BUCKET_GROUPS", 20_000)  # shapes in buckets
    monkeypatch.setattr(profile_module, "DISTINCT_EXACT_LIMIT", 1_000)  # `code` above the exact limit


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(u, v) for u, v in zip(a, b))
    return bool(a == b)


def test_streamed_profile_equals_in_memory_profile(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_module, "DISTINCT_EXACT_LIMIT", 1_000)
    whole = profile(table)
    _small_limits(monkeypatch, quantile_rows=10**9)  # exact quantiles, streamed everything else
    streamed = profile(table)
    assert streamed.duplicate_rows == whole.duplicate_rows == 300
    assert streamed.rows == whole.rows == ROWS + 300
    for a, b in zip(whole.columns, streamed.columns, strict=True):
        for f in dataclasses.fields(a):
            assert _close(getattr(a, f.name), getattr(b, f.name)), (a.name, f.name)
    assert streamed["code"].patterns and not streamed["code"].distinct_exact
    assert streamed["cat"].top_values == whole["cat"].top_values


def _rank(values: np.ndarray, q: float) -> float:
    return float(np.searchsorted(np.sort(values), q, side="right")) / len(values)


def test_sketched_quantiles_are_within_the_rank_error(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_stream, "SKETCH_K", 200)  # below ROWS, so the sketch compacts
    error = profile_stream.kll_doubles_sketch.get_normalized_rank_error(200, False)
    monkeypatch.setattr(profile_module, "QUANTILE_RANK_ERROR", error)
    monkeypatch.setattr(profile_module, "DISTINCT_EXACT_LIMIT", 1_000)
    exact = profile(table)
    _small_limits(monkeypatch, quantile_rows=1)
    sketched: Profile = profile(table)
    x = pl.read_parquet(table)["x"].to_numpy()
    x = x[np.isfinite(x)]
    c = sketched["x"]
    assert c.quantiles is not None
    for name, p in (("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)):
        assert abs(_rank(x, c.quantiles[name]) - p) <= error, name
    assert (c.min, c.max) == (exact["x"].min, exact["x"].max)  # exact: the sketch keeps them
    assert c.drift_bins is not None and sum(c.drift_bins.counts) == len(x)  # counts stay exact
    assert c.histogram is not None and c.histogram.counts == exact["x"].histogram.counts
    assert c.mad is not None and exact["x"].mad is not None
    assert abs(_rank(np.abs(x - c.quantiles["p50"]), c.mad) - 0.5) <= error
    assert any("KLL sketch" in n and f"{error:.2%}" in n for n in c.notes)
    for name in ("x", "n", "code", "cat", "ts"):
        a, b = exact[name], sketched[name]
        assert (a.count, a.null_count, a.distinct, a.top_values, a.patterns) == \
            (b.count, b.null_count, b.distinct, b.top_values, b.patterns)
    assert sketched.duplicate_rows == 300
    assert not any("KLL" in n for n in sketched["code"].notes)
