"""Each registered issue kind on a tiny hand-computed input, plus the registry guard."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dataqa.labeling.issues import REGISTRY, IssueInput


def make_input(n: int, **overrides: object) -> IssueInput:
    """A neutral input of ``n`` rows (two balanced classes, far-apart rows, no nulls)."""
    labels = np.arange(n) % 2
    proba = np.where(labels[:, None] == np.arange(2), 0.9, 0.1)
    base: dict[str, object] = dict(
        labels=labels, pred_probs=proba,
        knn_distances=np.ones((n, 3)),
        nn_distance=np.ones(n), nn_index=(np.arange(n) + 1) % n, nn_median=1.0,
        categories=np.zeros((n, 1), dtype=np.int64), null_fraction=np.zeros(n),
    )
    base.update(overrides)
    return IssueInput(**base)  # type: ignore[arg-type]


def run(kind: str, inp: IssueInput) -> tuple[list[bool], list[float]]:
    frame = REGISTRY[kind](inp).frame
    return frame[f"is_{kind}_issue"].to_list(), frame[f"{kind}_score"].to_list()


def case_label() -> None:
    # 8 confident rows; row 8 is labelled 0 but the model gives class 1 probability 0.95.
    labels = np.array([0, 1] * 4 + [0])
    proba = np.where(labels[:, None] == np.arange(2), 0.9, 0.1)
    proba[8] = [0.05, 0.95]
    flags, scores = run("label", make_input(9, labels=labels, pred_probs=proba))
    assert flags == [False] * 8 + [True]
    assert scores[8] == pytest.approx(0.05)  # self-confidence: probability of the given label
    assert scores[:8] == pytest.approx([0.9] * 8)


def case_outlier() -> None:
    # Average kNN distances 1,1,1,1,10: Q1 = Q3 = 1, IQR 0, so the limit is 1 and only 10 is beyond.
    dist = np.array([[1.0, 1.0, 1.0]] * 4 + [[10.0, 10.0, 10.0]])
    flags, scores = run("outlier", make_input(5, knn_distances=dist))
    assert flags == [False, False, False, False, True]
    assert scores == pytest.approx([math.exp(-1)] * 4 + [math.exp(-10)])  # exp(-d / median d)


def case_near_duplicate() -> None:
    # Rows 0 and 1 are 0.01 apart (radius 0.13 x median 1); rows 3 and 4 as close but in different
    # categories; row 2 is far from everything.
    nn_d = np.array([0.01, 0.01, 1.0, 0.01, 0.01])
    nn_i = np.array([1, 0, 3, 4, 3])
    cats = np.array([[0], [0], [0], [1], [2]])
    flags, scores = run("near_duplicate", make_input(5, nn_distance=nn_d, nn_index=nn_i, categories=cats))
    assert flags == [True, True, False, False, False]
    assert scores == pytest.approx([math.tanh(0.01)] * 2 + [math.tanh(1.0)] + [math.tanh(0.01)] * 2)


def case_near_duplicate_partner() -> None:
    # Row 2 is close to row 0; row 0's own best neighbour found is farther (the sampled graph of
    # large data gives upper bounds): row 0 is still flagged, as row 2's partner.
    nn_d = np.array([1.0, 1.0, 0.05, 1.0])
    nn_i = np.array([1, 0, 0, 2])
    flags, _ = run("near_duplicate", make_input(4, nn_distance=nn_d, nn_index=nn_i))
    assert flags == [True, False, True, False]


def case_null() -> None:
    flags, scores = run("null", make_input(3, null_fraction=np.array([0.0, 0.5, 1.0])))
    assert flags == [False, False, True]
    assert scores == pytest.approx([1.0, 0.5, 0.0])


def case_class_imbalance() -> None:
    # 39 rows of class 0, 1 of class 1: frequency 1/40 < 0.1 x 1/2; score = 1/40 x 2 = 0.05.
    labels = np.array([0] * 39 + [1])
    proba = np.where(labels[:, None] == np.arange(2), 0.9, 0.1)
    flags, scores = run("class_imbalance", make_input(40, labels=labels, pred_probs=proba))
    assert flags == [False] * 39 + [True]
    assert scores == pytest.approx([1.0] * 39 + [0.05])


CASES = {
    "label": [case_label],
    "outlier": [case_outlier],
    "near_duplicate": [case_near_duplicate, case_near_duplicate_partner],
    "null": [case_null],
    "class_imbalance": [case_class_imbalance],
}


@pytest.mark.parametrize("case", [c for cs in CASES.values() for c in cs], ids=lambda c: c.__name__)
def test_issue_kind(case) -> None:  # type: ignore[no-untyped-def]
    case()


def test_every_registered_kind_has_a_case() -> None:
    untested = sorted(set(REGISTRY) - set(CASES))
    assert not untested, f"issue kinds without a hand-computed case: {untested}"
    assert not sorted(set(CASES) - set(REGISTRY)), "cases for kinds that are not registered"


def test_summary_is_one_line_with_the_count() -> None:
    issues = REGISTRY["null"](make_input(4, null_fraction=np.array([1.0, 0.0, 1.0, 0.2])))
    assert issues.summary == "null: 2 of 4 rows (50.0%) have only null features"
    assert issues.count == 2


def test_registry_holds_one_manager_per_kind_named_after_it() -> None:
    from dataqa.labeling.issues import IssueManager

    for kind, manager in REGISTRY.items():
        assert isinstance(manager, IssueManager)
        assert manager.issue_name == kind
        assert type(manager).__name__ == "".join(p.title() for p in kind.split("_")) + "IssueManager"
