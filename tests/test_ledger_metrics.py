"""Ledger metrics: hand-computed values, seeded intervals, paired deltas, agreement with scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score, log_loss

from dataqa.ledger.metrics import estimate, paired_delta, point, score

Y = np.array([0, 0, 1, 1])
P = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]])


def test_hand_computed_metrics() -> None:
    m = point(score(Y, P))
    # predictions 0,1,1,0: 2 of 4 right; each class has tp=1, fp=1, fn=1 -> F1 = 2/4
    assert m["accuracy"] == 0.5 and m["macro_f1"] == 0.5
    assert m["log_loss"] == pytest.approx(-(math.log(0.9) + math.log(0.4) + math.log(0.8) + math.log(0.3)) / 4)


def test_intervals_are_seeded_and_contain_the_estimate() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 300)
    p = rng.dirichlet(np.ones(3), 300)
    a, b = estimate(score(y, p), n_boot=300, seed=5), estimate(score(y, p), n_boot=300, seed=5)
    assert a == b
    for e in a.values():
        assert e.low <= e.value <= e.high


def test_paired_delta_of_a_model_with_itself_is_exactly_zero() -> None:
    s = score(Y, P)
    for e in paired_delta(s, s, n_boot=100, seed=0).values():
        assert (e.value, e.low, e.high) == (0.0, 0.0, 0.0) and not e.excludes_zero()


def test_paired_delta_sees_a_clearly_better_model() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 400)
    bad = np.full((400, 2), 0.5)
    bad[np.arange(400), 1 - y] += 0.1  # wrong side of 0.5 everywhere
    good = np.full((400, 2), 0.5)
    good[np.arange(400), y] += 0.1
    bad, good = bad / bad.sum(1, keepdims=True), good / good.sum(1, keepdims=True)
    d = paired_delta(score(y, bad), score(y, good), n_boot=200, seed=0)
    assert d["accuracy"].value == 1.0 and d["accuracy"].excludes_zero()
    assert d["log_loss"].high < 0  # lower loss is better


def test_paired_delta_refuses_different_truth() -> None:
    with pytest.raises(ValueError, match="same rows and truth"):
        paired_delta(score(Y, P), score(1 - Y, P))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_point_metrics_match_scikit_learn(k: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), n)
    m = point(score(y, p))
    assert m["accuracy"] == pytest.approx(accuracy_score(y, p.argmax(1)))
    assert m["macro_f1"] == pytest.approx(f1_score(y, p.argmax(1), average="macro", zero_division=0))
    assert m["log_loss"] == pytest.approx(log_loss(y, p, labels=list(range(k))))
