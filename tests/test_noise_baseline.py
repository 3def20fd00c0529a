"""The fixed baseline (``dataqa.labeling.baseline``): feature roles, the fit/predict contract used by
the ledger, and out-of-fold probabilities used by noise detection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl
import pytest
from threadpoolctl import threadpool_limits

from dataqa.config import BaselineConfig
from dataqa.errors import LabelingError, MissingColumnError
from dataqa.labeling import baseline

FAST = BaselineConfig(folds=3, params={"max_iter": 30, "min_samples_leaf": 5})


@pytest.fixture(autouse=True)
def _one_openmp_thread() -> Iterator[None]:
    with threadpool_limits(1, user_api="openmp"):  # shared machine: spinning OpenMP threads thrash
        yield


def table(n: int = 180, seed: int = 0) -> pl.DataFrame:
    """Class = which side of 0 ``x`` is on, plus ``colour`` (a: red, b: blue); noise columns."""
    rng = np.random.default_rng(seed)
    y = np.array(["a", "b"])[np.arange(n) % 2]
    x = np.where(y == "a", -2.0, 2.0) + rng.normal(0, 0.5, n)
    return pl.DataFrame({
        "key": [f"k{i}" for i in range(n)],                        # unique strings: not a feature
        "x": x,
        "colour": np.where(y == "a", "red", "blue"),
        "when": [dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 999, n)],
        "note": [f"free text {i}" for i in range(n)],              # free text: ignored
        "gone": pl.Series([None] * n, dtype=pl.Float64),          # entirely null: ignored
        "y": y,
    })


def test_feature_roles() -> None:
    spec = baseline.learn_features(table(), exclude=["y", "key"])
    assert spec.numeric == ("x",)
    assert spec.temporal == ("when",)
    assert spec.categorical == {"colour": ("blue", "red")}
    assert set(spec.ignored) == {"note", "gone"}
    assert spec.columns == ["x", "when", "colour"]
    assert spec.categorical_mask.tolist() == [False, False, True]


def test_matrix_unknown_category_and_nan_become_missing() -> None:
    spec = baseline.learn_features(table(), exclude=["y", "key"])
    new = pl.DataFrame({"x": [float("nan"), float("inf"), 1.0], "colour": ["green", None, "red"],
                        "when": [dt.date(2020, 1, 2)] * 3})
    m = baseline.to_matrix(new, spec)
    assert m.dtype == np.float64 and m.shape == (3, 3)
    assert np.isnan(m[:2, 0]).all() and m[2, 0] == 1.0
    assert np.isnan(m[:2, 2]).all() and m[2, 2] == 1.0        # 'red' is code 1 of (blue, red)
    assert m[0, 1] == pytest.approx(dt.datetime(2020, 1, 2).timestamp() / 86400)  # days since epoch


def test_fit_predict_proba_contract() -> None:
    df = table()
    train, test = df.head(120), df.tail(60)
    proba, classes = baseline.fit_predict_proba(train, test.drop("y"), label_column="y",
                                                exclude=["key"], config=FAST, seed=7)
    assert classes == ["a", "b"]
    assert proba.shape == (60, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = np.array(classes)[proba.argmax(axis=1)]
    assert (pred == test["y"].to_numpy()).mean() == 1.0  # separable
    again, _ = baseline.fit_predict_proba(train, test, label_column="y", exclude=["key"], config=FAST, seed=7)
    np.testing.assert_array_equal(proba, again)  # fixed seed, fixed model: reproducible


def test_out_of_fold_proba_finds_a_flipped_row_and_reports_progress() -> None:
    df = table()
    df = df.with_columns(y=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("b")).otherwise("y"))
    calls: list[tuple[int, int]] = []
    proba, classes = baseline.out_of_fold_proba(df, label_column="y", exclude=["key"], config=FAST,
                                                progress=lambda i, n: calls.append((i, n)))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert proba.shape == (180, 2) and classes == ["a", "b"]
    # Row 0 is truly 'a' but labelled 'b'; out of fold, its model never saw it: it predicts 'a'.
    assert proba[0, 0] > 0.8
    again, _ = baseline.out_of_fold_proba(df, label_column="y", exclude=["key"], config=FAST)
    np.testing.assert_array_equal(proba, again)


def test_bad_input() -> None:
    df = table(60)
    with pytest.raises(MissingColumnError, match="label column 'cut' not found"):
        baseline.out_of_fold_proba(df, label_column="cut", config=FAST)
    with pytest.raises(LabelingError, match=r"single class \('a'\)"):
        baseline.fit_predict_proba(df.with_columns(y=pl.lit("a")), df, label_column="y", config=FAST)
    with pytest.raises(LabelingError, match="unknown baseline model 'svm'"):
        baseline.fit_predict_proba(df, df, label_column="y", config=BaselineConfig(model="svm"))
