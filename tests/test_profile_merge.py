"""Merging the profiles of two parts gives the profile of their union (exact fields exactly,
quantiles within their stated rank error)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataqa.errors import InputError
from dataqa.validation.profile import profile
from dataqa.validation.profile_merge import merge_profiles
from dataqa.validation.profile_model import Profile

EXACT = ("name", "dtype", "count", "null_count", "min", "max", "zeros", "negatives", "nan_count",
         "inf_count", "length_min", "length_max", "frequencies", "top_values")
MOMENTS = ("mean", "std", "sum", "skewness", "kurtosis", "length_mean")


def frame(seed: int, n: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 3.0, n)
    x[rng.random(n) < 0.02] = np.nan
    return pl.DataFrame({
        "x": x,
        "i": pl.Series(rng.integers(-20, 100, n)).set(pl.Series(rng.random(n) < 0.05), None),
        "cat": rng.choice(["a", "b", "c", "d", "e"], n, p=[0.5, 0.2, 0.15, 0.1, 0.05]),
        "word": [f"w{v}" for v in rng.integers(0, 40, n)],
    })


def assert_merged_equals_whole(merged: Profile, whole: Profile, parts: tuple[Profile, Profile],
                               data: pl.DataFrame) -> None:
    assert merged.rows == whole.rows
    for m, w in zip(merged.columns, whole.columns, strict=True):
        for f in EXACT:
            assert getattr(m, f) == getattr(w, f), (m.name, f)
        if w.frequencies is not None:
            assert (m.distinct, m.distinct_exact) == (w.distinct, True)
        for f in MOMENTS:
            want = getattr(w, f)
            assert getattr(m, f) == (want if want is None else pytest.approx(want, rel=1e-7, abs=1e-9)), (m.name, f)
        if w.drift_bins is not None:  # both parts were binned on the whole's breaks
            assert m.drift_bins == w.drift_bins, m.name
        if w.kind == "numeric" and w.quantiles.get("p50") is not None:
            _assert_rank_error(m, data, parts)


def _assert_rank_error(m: Any, data: pl.DataFrame, parts: tuple[Profile, Profile]) -> None:
    values = data[m.name].cast(pl.Float64).drop_nulls().drop_nans().sort().to_numpy()
    # the stated bound: the largest drift-bin share of either part, plus one value
    bound = max(max(p[m.name].drift_bins.counts) / max(sum(p[m.name].drift_bins.counts), 1)
                for p in parts) + 1 / len(values)
    for name, q in m.quantiles.items():
        p = int(name[1:]) / 100
        lo = np.searchsorted(values, q, side="left") / len(values)
        hi = np.searchsorted(values, q, side="right") / len(values)
        assert lo - bound <= p <= hi + bound, (m.name, name, q, lo, hi, bound)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(50, 3000), share=st.floats(0.05, 0.95))
def test_merge_of_a_random_split_equals_the_whole(seed: int, n: int, share: float) -> None:
    data = frame(seed, n)
    cut = max(1, min(n - 1, int(n * share)))
    whole = profile(data)
    # parts binned on the reference's breaks: how daily partitions are added to a reference
    a, b = profile(data.head(cut), reference=whole), profile(data.tail(n - cut), reference=whole)
    assert_merged_equals_whole(merge_profiles(a, b), whole, (a, b), data)


def test_merge_on_own_breaks_keeps_quantiles_within_the_bound() -> None:
    data = frame(5, 4000)
    a, b = profile(data.head(1000)), profile(data.tail(3000))
    merged = merge_profiles(a, b)
    for name in ("x", "i"):
        _assert_rank_error(merged[name], data, (a, b))
    assert Profile.from_json(merged.to_json()) == merged


def test_distinct_above_the_limit_is_a_stated_bound() -> None:
    data = pl.DataFrame({"k": np.arange(10)})
    a, b = profile(data.head(6)), profile(data.tail(4))
    a.columns[0].distinct_exact = b.columns[0].distinct_exact = False  # as above the exact limit
    merged = merge_profiles(a, b)
    assert (merged["k"].distinct, merged["k"].distinct_exact) == (10, False)
    assert "between 6 and 10 distinct values" in " ".join(merged["k"].notes)


def test_different_schemas_are_refused() -> None:
    with pytest.raises(InputError, match="different schemas"):
        merge_profiles(profile(pl.DataFrame({"a": [1]})), profile(pl.DataFrame({"a": ["x"]})))
