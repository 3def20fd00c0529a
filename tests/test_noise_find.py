"""``find_noise`` on small synthetic tables: the result contract, label types, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from dataqa.config import BaselineConfig, NoiseConfig
from dataqa.errors import InputError, LabelingError, MissingColumnError
from dataqa.labeling.issues import REGISTRY
from dataqa.labeling.noise import find_noise

# Small, fast baseline for tests (the project's fixed params are exercised by the quality test).
FAST = BaselineConfig(folds=3, params={"max_iter": 20, "min_samples_leaf": 5})


@pytest.fixture(autouse=True)
def _one_openmp_thread() -> Iterator[None]:
    # The test machine is shared; spinning OpenMP workers slow HistGradientBoosting 10x under load.
    with threadpool_limits(1, user_api="openmp"):
        yield


def blobs(n: int = 240, flips: int = 6, seed: int = 0) -> tuple[pl.DataFrame, list[int]]:
    """Three well-separated classes in 2-D plus a categorical; the first ``flips`` rows of class
    ``a`` relabelled ``b``. Returns the frame and the flipped row positions."""
    rng = np.random.default_rng(seed)
    cls = np.array(["a", "b", "c"])[np.arange(n) % 3]
    centre = {"a": (0.0, 0.0), "b": (6.0, 0.0), "c": (0.0, 6.0)}
    xy = np.array([centre[c] for c in cls]) + rng.normal(0, 0.7, (n, 2))
    label = cls.copy()
    flipped = list(np.flatnonzero(cls == "a")[:flips])
    label[flipped] = "b"
    df = pl.DataFrame({"key": [f"k{i}" for i in range(n)], "x": xy[:, 0], "y": xy[:, 1],
                       "colour": rng.choice(["red", "blue"], n), "label": label})
    return df, [int(i) for i in flipped]


def test_result_contract_and_order() -> None:
    df, flipped = blobs()
    res = find_noise(df, label_column="label", config=FAST)
    s = res.suspects
    kinds = [k for k in REGISTRY if k != "label"]
    assert s.columns == ["row_id", "given_label", "suggested_label", "label_score", "is_label_issue",
                         *(c for k in kinds for c in (f"is_{k}_issue", f"{k}_score")),
                         "p_error", "models_rejecting", "label_margin", "key", "x", "y", "colour"]
    assert sorted(s["row_id"].to_list()) == list(range(df.height))
    flagged = set(s.filter("is_label_issue")["row_id"].to_list())
    # Separable blobs: the six worst label scores hold at least five flips; the default flags (the
    # top of the ranking up to the estimated count) hold at least five flips and at most one other row.
    assert len(set(s.sort("label_score")["row_id"][:6].to_list()) & set(flipped)) >= 5
    assert len(flagged & set(flipped)) >= len(flipped) - 1
    assert len(flagged - set(flipped)) <= 1
    # Label issues first, worst first.
    n = len(flagged)
    assert s["is_label_issue"][:n].all()
    assert s["label_score"][:n].is_sorted()
    assert s.filter(pl.col("row_id").is_in(flipped))["suggested_label"].to_list() == ["a"] * len(flipped)
    assert res.counts["label"] == n
    assert res.classes == ["a", "b", "c"]
    assert res.per_class["class"].to_list() == ["a", "b", "c"]
    assert res.per_class["rows"].to_list() == [74, 86, 80]
    # The confusion matrix counts flagged rows: the flips are given b, suggested a.
    conf = res.confusion.filter(pl.col("given") == "b")
    assert conf["a"].item() == len(flagged & set(flipped))
    assert int(res.confusion.select(pl.exclude("given")).sum_horizontal().sum()) == n


def test_id_column_becomes_row_id_and_is_not_a_feature() -> None:
    df, flipped = blobs()
    res = find_noise(df, label_column="label", id_column="key", config=FAST)
    assert res.suspects["row_id"].dtype == pl.String
    worst = res.suspects.sort("label_score")["row_id"][:len(flipped)].to_list()
    assert len(set(worst) & {f"k{i}" for i in flipped}) >= len(flipped) - 1


@pytest.mark.parametrize("mapping", [{"a": 0, "b": 1, "c": 2}, {"a": 0.0, "b": 1.5, "c": 3.0},
                                     {"a": "0", "b": "1", "c": "2"}], ids=["int", "float", "str"])
def test_numeric_and_string_labels_give_the_same_flags(mapping: dict[str, object]) -> None:
    df, _ = blobs()
    ref = find_noise(df, label_column="label", config=FAST).suspects.sort("row_id")
    mapped = df.with_columns(pl.col("label").replace_strict(mapping))
    res = find_noise(mapped, label_column="label", config=FAST)
    got = res.suspects.sort("row_id")
    assert got["is_label_issue"].to_list() == ref["is_label_issue"].to_list()
    assert got["given_label"].dtype == mapped["label"].dtype  # labels keep their type
    assert res.classes == sorted(mapping.values())


def test_writes_parquet_with_metadata_and_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    df, _ = blobs(90, flips=2)
    res = find_noise(df, label_column="label", config=FAST, dataset="blobs", dataset_path="data/blobs.csv")
    p = res.write(tmp_path / "out" / "s.parquet", version="v3")
    meta = json.loads(pq.read_schema(p).metadata[b"dataqa"])
    estimate = meta.pop("noise_estimate")
    assert meta == {"dataset": "blobs", "dataset_path": "data/blobs.csv", "version": "v3",
                    "label_column": "label", "id_column": None, "classes": ["a", "b", "c"]}
    assert estimate["rows"] == 90 and estimate["low"] <= estimate["count"] <= estimate["high"]
    assert pl.read_parquet(p).equals(res.suspects)
    c = res.write(tmp_path / "s.csv")
    assert pl.read_csv(c).height == df.height
    assert json.loads((tmp_path / "s.csv.meta.json").read_text())["dataset"] == "blobs"
    with pytest.raises(InputError, match="write the suspects table as .parquet or .csv"):
        res.write(tmp_path / "s.xlsx")


def test_missing_label_column() -> None:
    df, _ = blobs(60)
    with pytest.raises(MissingColumnError, match="column 'cut' not found; columns are key, x, y, colour, label"):
        find_noise(df, label_column="cut", config=FAST)


def test_single_class() -> None:
    df, _ = blobs(60)
    with pytest.raises(LabelingError, match=r"label column 'label' has a single class \('a'\)"):
        find_noise(df.with_columns(label=pl.lit("a")), label_column="label", config=FAST)


def test_class_smaller_than_folds() -> None:
    df, _ = blobs(60)
    df = df.with_columns(label=pl.when(pl.int_range(pl.len()) < 2).then(pl.lit("rare")).otherwise("label"))
    with pytest.raises(LabelingError, match=r"class\(es\) 'rare' \(2 rows\) have fewer rows than the 3 folds"):
        find_noise(df, label_column="label", config=FAST)


@pytest.mark.parametrize("missing", [None, float("nan")], ids=["null", "nan"])
def test_missing_labels_are_an_error(missing: float | None) -> None:
    df, _ = blobs(60)
    df = df.with_columns(label=pl.col("label").replace_strict({"a": 0.0, "b": 1.0, "c": 2.0}))
    df = df.with_columns(label=pl.when(pl.int_range(pl.len()) == 5).then(missing).otherwise("label"))
    with pytest.raises(LabelingError, match="label column 'label' has 1 missing value"):
        find_noise(df, label_column="label", config=FAST)


def test_all_null_features_are_a_clear_error() -> None:
    df = pl.DataFrame({"x": [None] * 30, "y": [None] * 30, "label": ["a", "b", "c"] * 10},
                      schema={"x": pl.Float64, "y": pl.String, "label": pl.String})
    with pytest.raises(LabelingError, match="no usable feature columns .* entirely null"):
        find_noise(df, label_column="label", config=FAST)


def test_rows_with_all_features_null_are_null_issues_never_near_duplicates() -> None:
    # Identical emptiness is not duplication: the 6 empty rows are null issues only.
    df, _ = blobs(90)
    df = df.drop("colour").with_columns(
        pl.when(pl.int_range(pl.len()) < 6).then(None).otherwise(pl.col(c)).alias(c) for c in ("x", "y"))
    res = find_noise(df, label_column="label", config=FAST)
    s = res.suspects.sort("row_id")
    assert s["is_null_issue"].to_list() == [True] * 6 + [False] * 84
    assert s["null_score"][:6].to_list() == [0.0] * 6
    assert not s["is_near_duplicate_issue"][:6].any()


def test_no_usable_feature() -> None:
    df = pl.DataFrame({"text": [f"free text {i}" for i in range(90)], "label": ["a", "b", "c"] * 30})
    with pytest.raises(LabelingError, match="no usable feature columns"):
        find_noise(df, label_column="label", config=FAST)


def test_a_row_id_column_that_is_not_the_id_is_refused() -> None:
    df, _ = blobs(60)
    with pytest.raises(InputError, match="pass --id row_id if it is the key"):
        find_noise(df.with_columns(row_id=pl.lit(1)), label_column="label", config=FAST)


def test_large_data_path_finds_the_same_near_duplicates() -> None:
    # Above knn_exact_max the graph is sampled and near-duplicates come from grid hashing.
    df, _ = blobs(240)
    copies = df.head(4).with_columns(pl.col("x") + 1e-4)
    both = pl.concat([df, copies])
    exact = find_noise(both, label_column="label", config=FAST)
    approx = find_noise(both, label_column="label", config=FAST, knn_exact_max=50)
    expected = {0, 1, 2, 3, 240, 241, 242, 243}
    # (Random 2-D points also make a few natural close pairs; those may differ between the paths.)
    for res in (exact, approx):
        assert expected <= set(res.suspects.filter("is_near_duplicate_issue")["row_id"].to_list())


rows = st.integers(min_value=12, max_value=40)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=rows, seed=st.integers(0, 2**16), null_share=st.sampled_from([0.0, 0.3]), k=st.sampled_from([2, 3]))
def test_property_one_row_out_per_row_in_scores_in_unit_interval(n: int, seed: int, null_share: float,
                                                                  k: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    x[rng.random(n) < null_share] = np.nan
    labels = np.arange(n) % k  # at least 4 per class for 2 folds
    df = pl.DataFrame({"x": x, "c": rng.choice(["u", "v"], n), "label": labels}).with_columns(
        pl.col("x").fill_nan(None))
    res = find_noise(df, label_column="label", noise=NoiseConfig(folds=2, models=("logistic",)))
    s = res.suspects
    assert s.height == n and s["row_id"].n_unique() == n
    assert set(s["row_id"].to_list()) == set(range(n))
    for kind in REGISTRY:
        scores = s[f"{kind}_score"]
        assert scores.null_count() == 0 and scores.min() >= 0.0 and scores.max() <= 1.0
        assert res.counts[kind] == int(s[f"is_{kind}_issue"].sum()) <= n


def test_a_dataset_brings_its_id_name_and_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataqa.io import read_dataset

    df, flipped = blobs(90, flips=2)
    path = tmp_path / "blobs.parquet"
    df.write_parquet(path)
    res = find_noise(read_dataset(path, id_column="key"), label_column="label", config=FAST)
    assert (res.id_column, res.dataset, res.dataset_path) == ("key", "blobs", str(path))
    assert set(res.suspects.sort("label_score")["row_id"][:2].to_list()) == {f"k{i}" for i in flipped}
    out = res.write(tmp_path / "s.parquet")
    assert json.loads(pq.read_schema(out).metadata[b"dataqa"])["id_column"] == "key"
