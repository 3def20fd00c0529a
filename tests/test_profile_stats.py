"""Profile statistics: hand-computed fixtures, bad inputs, JSON round trip, and a property test
that the profile equals direct polars computations on generated frames."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from polars.testing.parametric import column, dataframes

from dataqa.errors import FileFormatError
from dataqa.validation.profile import profile
from dataqa.validation.profile_model import Profile, load_profile

ROOT = Path(__file__).resolve().parents[1]


# --- hand-computed fixtures --------------------------------------------------------------

def test_numeric_stats_use_finite_values_and_count_nan_inf() -> None:
    df = pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, float("nan"), float("inf"), None]})
    c = profile(df)["x"]
    assert (c.count, c.null_count, c.nan_count, c.inf_count) == (7, 1, 1, 1)
    assert (c.min, c.max, c.mean, c.sum, c.zeros, c.negatives) == (1.0, 4.0, 2.5, 10.0, 0, 0)
    assert c.mad == 1.0 and c.skewness == pytest.approx(0.0)  # |x - 2.5| = 1.5, .5, .5, 1.5
    assert c.kurtosis == pytest.approx(-1.36)  # Fisher, biased: m4/m2^2 - 3 = 2.5625/1.5625 - 3
    assert c.std == pytest.approx(math.sqrt(5 / 3))  # sample std of 1, 2, 3, 4
    assert c.quantiles["p25"] == pytest.approx(1.75) and c.quantiles["p50"] == pytest.approx(2.5)
    assert (c.distinct, c.distinct_exact) == (6, True)  # 1, 2, 3, 4, NaN, inf
    assert c.histogram is not None and sum(c.histogram.counts) == 4
    assert c.histogram.edges[0] == 1.0 and c.histogram.edges[-1] == 4.0
    assert c.histogram.counts[0] == 1 and c.histogram.counts[-1] == 1
    assert any("1 NaN and 1 infinite" in n for n in c.notes)


def test_text_stats_top_values_lengths_and_kind() -> None:
    c = profile(pl.DataFrame({"s": ["a", "b", "a", None, "ccc"]}))["s"]
    assert c.top_values == [("a", 2), ("b", 1), ("ccc", 1)]
    assert c.frequencies == {"a": 2, "b": 1, "ccc": 1}
    assert (c.length_min, c.length_max, c.length_mean) == (1, 3, 1.5)
    assert (c.distinct, c.null_count, c.kind) == (3, 1, "categorical")
    assert c.patterns == [("a", 3), ("aaa", 1)]


def test_table_duplicate_rows_and_ids() -> None:
    df = pl.DataFrame({"a": [1, 1, 2, None, None], "b": ["x", "x", "y", None, None]})
    p = profile(df, id_column="a")
    assert (p.rows, p.n_columns, p.duplicate_rows) == (5, 2, 2)
    assert p.duplicate_ids == 1  # 1 appears twice; the 2 null ids are noted, not counted
    assert any("'a' has 2 null" in n for n in p.notes)


def test_drift_bins_are_percentile_bins_holding_every_finite_value() -> None:
    c = profile(pl.DataFrame({"x": [float(i) for i in range(1, 101)]}))["x"]
    assert c.drift_bins is not None
    assert len(c.drift_bins.counts) == len(c.drift_bins.breaks) + 1 == 100
    assert sum(c.drift_bins.counts) == 100 and max(c.drift_bins.counts) <= 2


def test_temporal_stats_are_iso_strings() -> None:
    import datetime as dt

    c = profile(pl.DataFrame({"d": [dt.date(2024, 1, 1), dt.date(2024, 1, 3), None]}))["d"]
    assert (c.kind, c.min, c.max, c.mean) == ("temporal", "2024-01-01", "2024-01-03", "2024-01-02")
    assert c.histogram is not None and sum(c.histogram.counts) == 2


def test_json_round_trip_and_file(tmp_path: Path) -> None:
    p = profile(ROOT / "sample_data" / "diamonds_dirty.csv")
    assert Profile.from_json(p.to_json()) == p
    p.save(tmp_path / "p.json")
    assert load_profile(tmp_path / "p.json") == p


def test_load_profile_rejects_other_json(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"name": "suite"}')
    with pytest.raises(FileFormatError, match="not a dataqa profile"):
        load_profile(tmp_path / "x.json")


# --- bad input ----------------------------------------------------------------------------

def test_empty_dataset_profiles_schema_with_note(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("a,b\n")
    p = profile(tmp_path / "e.csv")
    assert p.rows == 0 and p.names == ["a", "b"] and p.duplicate_rows == 0
    assert "no rows" in p.notes[0]
    assert Profile.from_json(p.to_json()) == p


def test_one_row_and_all_null_column() -> None:
    p = profile(pl.DataFrame({"x": [2.5], "n": pl.Series([None], dtype=pl.Float64)}))
    assert (p["x"].min, p["x"].max, p["x"].std) == (2.5, 2.5, None)
    assert p["x"].histogram is not None and p["x"].histogram.counts == [1]
    assert p["n"].null_count == 1 and p["n"].min is None and "all values are null" in p["n"].notes
    assert Profile.from_json(p.to_json()) == p


def test_mixed_type_csv_column_is_text_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("v\n1\n2\nn/a\n3\n")
    c = profile(tmp_path / "m.csv")["v"]
    assert c.dtype == "String" and any("mixed types: 3 of 4" in n for n in c.notes)


def test_csv_whose_type_changes_after_inference_is_read_as_text(tmp_path: Path) -> None:
    lines = ["v"] + [str(i) for i in range(12_000)] + ["oops"]
    (tmp_path / "late.csv").write_text("\n".join(lines) + "\n")
    p = profile(tmp_path / "late.csv")
    assert p.rows == 12_001 and p["v"].dtype == "String"
    assert any("mixed-type" in n for n in p.notes)


def test_very_high_cardinality_is_approximate_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataqa.validation.profile as prof

    monkeypatch.setattr(prof, "DISTINCT_EXACT_LIMIT", 1_000)  # same code path as > 100k
    c = prof.profile(pl.DataFrame({"s": [f"k{i}" for i in range(5_000)]}))["s"]
    assert not c.distinct_exact and c.distinct == pytest.approx(5_000, rel=0.05)
    assert c.top_values is None and c.frequencies is None
    assert any("approximate" in n for n in c.notes)


# --- property: profile == direct polars ---------------------------------------------------

def finite_or_none(v: float | None) -> object:
    return pytest.approx(v, rel=1e-9) if v is not None and math.isfinite(v) else None


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(dataframes([column("f", dtype=pl.Float64), column("i", dtype=pl.Int64),
                   column("s", dtype=pl.String)], min_size=0, max_size=60))
def test_profile_equals_direct_polars(df: pl.DataFrame) -> None:
    p = profile(df)
    assert p.rows == df.height
    assert p.duplicate_rows == df.height - df.unique().height
    for name in df.columns:
        s, c = df[name], p[name]
        assert c.null_count == s.null_count()
        assert c.distinct == s.drop_nulls().n_unique() and c.distinct_exact
    f = df["f"].filter(df["f"].is_finite())
    for name, s in (("f", f), ("i", df["i"].drop_nulls().cast(pl.Float64))):
        c = p[name]
        if s.len() == 0:
            assert c.min is None and c.mean is None
            continue
        assert c.min == s.min() and c.max == s.max()
        # a mean or percentile that overflows (values near the float limits) is reported None
        assert c.mean == finite_or_none(s.mean())
        assert c.quantiles["p50"] == finite_or_none(s.quantile(0.5, "linear"))
        assert c.zeros == (s == 0).sum() and c.negatives == (s < 0).sum()
        assert c.histogram is not None and sum(c.histogram.counts) == s.len()
        assert c.drift_bins is not None and sum(c.drift_bins.counts) == s.len()
    assert p["f"].nan_count == df["f"].is_nan().sum()
    vc = df["s"].drop_nulls().value_counts()
    assert (p["s"].frequencies or {}) == dict(zip(vc["s"].to_list(), vc["count"].to_list()))
    assert Profile.from_json(p.to_json()) == p


def test_every_dtype_profiles_renders_and_round_trips() -> None:
    import datetime as dt
    from decimal import Decimal

    from dataqa.validation.profile_html import render_html
    from dataqa.validation.suggest import suggest

    df = pl.DataFrame({
        "dur": [dt.timedelta(seconds=1), dt.timedelta(seconds=5), None],
        "tm": [dt.time(1, 2), dt.time(3, 4), None],
        "dec": pl.Series([Decimal("1.5"), Decimal("2.5"), None], dtype=pl.Decimal(10, 2)),
        "tz": pl.Series([dt.datetime(2024, 1, 1), dt.datetime(2024, 6, 1), None])
        .dt.replace_time_zone("Europe/Berlin"),
        "en": pl.Series(["a", "b", None], dtype=pl.Enum(["a", "b"])),
        "cat": pl.Series(["x", "y", "x"], dtype=pl.Categorical),
        "bin": [b"a", b"b", None],
        "st": [{"a": 1}, {"a": 2}, None],
        "u8": pl.Series([1, 2, 3], dtype=pl.UInt8),
    })
    p = profile(df)
    assert [c.kind for c in p.columns] == ["temporal", "temporal", "numeric", "temporal",
                                           "categorical", "categorical", "other", "other", "numeric"]
    assert (p["tz"].min, p["tm"].max, p["dec"].mean) == ("2024-01-01T00:00:00+01:00", "03:04:00", 2.0)
    assert p["cat"].top_values == [("x", 2), ("y", 1)]
    assert "type Binary is only counted (nulls), not profiled" in p["bin"].notes
    assert Profile.from_json(p.to_json()) == p
    assert render_html(p).count("<div class=chart") == 7
    assert suggest(p, format="gx") and suggest(p, format="pandera")
