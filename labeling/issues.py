"""The one registry of row-level issue kinds found by ``dataqa noise``.

Every kind is a small function registered with :func:`register_issue`. It receives the shared
:class:`IssueInput` (labels, out-of-fold probabilities, the k-nearest-neighbour graph, null
fractions) and returns an :class:`Issues`: one row per input row with ``is_<kind>_issue`` (bool)
and ``<kind>_score`` in [0, 1], lower meaning worse (STYLE habit 2), plus a one-line summary.

Kinds and their rules (thresholds follow cleanlab Datalab's defaults, so results are comparable):

``label``
    cleanlab ``filter.find_label_issues`` (confident learning, ``prune_by_noise_rate``) flags;
    the score is ``rank.get_label_quality_scores`` (self-confidence: the out-of-fold probability
    of the given label).
``outlier``
    Average distance to the ``K_NEIGHBOURS`` nearest other rows; score ``exp(-d / median(d))``
    (cleanlab ``OutOfDistribution``'s transform); flagged when ``d > Q3 + (1/0.37 - 1) * IQR``
    (Datalab's ``OutlierIssueManager`` rule for features).
``near_duplicate``
    Distance to the nearest other row ``d1``; flagged when ``d1 < 0.13 * median(d1)`` and the
    two rows share every categorical value (Datalab's ``NearDuplicateIssueManager`` rule; both
    rows of a pair are flagged); score ``tanh(d1 / median(d1))``. Rows whose features are all
    null are left to the ``null`` kind.
``null``
    Score is the fraction of non-null feature values; flagged when every feature is null.
``class_imbalance``
    Rows of a class whose frequency is below ``0.1 * 1/K`` (K classes); score
    ``min(1, frequency * K)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numpy.typing import NDArray
import polars as pl

#: Neighbours averaged for the outlier score (Datalab's default k).
K_NEIGHBOURS = 10
#: Datalab's outlier threshold for features: flagged beyond Q3 + (1/t - 1) * IQR.
OUTLIER_THRESHOLD = 0.37037
#: Datalab's near-duplicate radius, as a fraction of the median nearest-neighbour distance.
NEAR_DUPLICATE_THRESHOLD = 0.13
#: Datalab's class-imbalance threshold, as a fraction of the balanced frequency 1/K.
IMBALANCE_THRESHOLD = 0.1
_EPS = 1e-12


@dataclass(frozen=True)
class IssueInput:
    """What the detectors share (computed once per run by :func:`dataqa.labeling.noise.find_noise`).

    Attributes
    ----------
    labels:
        Given class index per row, shape ``(n,)``.
    pred_probs:
        Out-of-fold class probabilities, shape ``(n, K)``.
    knn_distances:
        Sorted distances to the nearest other rows, shape ``(n, k)`` (self excluded).
    knn_indices:
        Row indices of those neighbours, shape ``(n, k)``.
    nn_distance, nn_index:
        Distance to, and index of, the nearest other row, shape ``(n,)``.
    nn_median:
        Median nearest-neighbour distance (see :mod:`dataqa.labeling.neighbours`).
    categories:
        Categorical codes per row (``-1`` for null), shape ``(n, c)``; may have 0 columns.
    null_fraction:
        Fraction of null feature values per row, shape ``(n,)``.
    """

    labels: NDArray[Any]
    pred_probs: NDArray[Any]
    knn_distances: NDArray[Any]
    knn_indices: NDArray[Any]
    nn_distance: NDArray[Any]
    nn_index: NDArray[Any]
    nn_median: float
    categories: NDArray[Any]
    null_fraction: NDArray[Any]
    cleanlab_kwargs: dict[str, Any] | None = None
    """Extra keyword arguments for ``find_label_issues`` (e.g. a precomputed confident joint)."""


@dataclass(frozen=True)
class Issues:
    """One kind's result: ``frame`` has ``is_<kind>_issue`` and ``<kind>_score``, one row per row."""

    kind: str
    frame: pl.DataFrame
    summary: str

    @property
    def count(self) -> int:
        """Number of flagged rows."""
        return int(self.frame.get_column(f"is_{self.kind}_issue").sum())


Detector = Callable[[IssueInput], Issues]
#: Issue kind -> detector, in the order the columns appear in the suspects table.
REGISTRY: dict[str, Detector] = {}


def register_issue(kind: str) -> Callable[[Detector], Detector]:
    """Register a detector under ``kind`` (its columns become ``is_<kind>_issue``, ``<kind>_score``)."""

    def deco(fn: Detector) -> Detector:
        REGISTRY[kind] = fn
        return fn

    return deco


def _issues(kind: str, flags: NDArray[Any], scores: NDArray[Any], what: str) -> Issues:
    scores = np.clip(np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=1.0), 0.0, 1.0)
    flags = np.asarray(flags, dtype=bool)
    frame = pl.DataFrame({f"is_{kind}_issue": flags, f"{kind}_score": scores})
    n, hit = len(flags), int(flags.sum())
    share = f" ({hit / n:.1%})" if n else ""
    return Issues(kind, frame, f"{kind}: {hit} of {n} rows{share} {what}")


@register_issue("label")
def label_issues(inp: IssueInput) -> Issues:
    """Confident-learning label issues; score = probability of the given label (self-confidence)."""
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    flags = find_label_issues(inp.labels, inp.pred_probs, **(inp.cleanlab_kwargs or {}))
    scores = get_label_quality_scores(inp.labels, inp.pred_probs)
    return _issues("label", flags, scores, "have a given label the baseline finds unlikely")


@register_issue("outlier")
def outlier_issues(inp: IssueInput) -> Issues:
    """Rows far from their nearest neighbours (Datalab's IQR rule on the average kNN distance)."""
    k = min(K_NEIGHBOURS, inp.knn_distances.shape[1])
    n = inp.knn_distances.shape[0]
    if k == 0:
        return _issues("outlier", np.zeros(n, bool), np.ones(n), "are outliers (too few rows)")
    avg = inp.knn_distances[:, :k].mean(axis=1)
    scores = np.exp(-avg / max(float(np.median(avg)), _EPS))
    q1, q3 = np.percentile(avg, [25, 75])
    limit = q3 + (1.0 / OUTLIER_THRESHOLD - 1.0) * (q3 - q1)
    return _issues("outlier", avg > limit, scores, "are outliers in feature space")


@register_issue("near_duplicate")
def near_duplicate_issues(inp: IssueInput) -> Issues:
    """Rows (and their partner) much closer to another row than rows usually are."""
    n = inp.nn_distance.shape[0]
    if n < 2:
        return _issues("near_duplicate", np.zeros(n, bool), np.ones(n), "are near-duplicates (too few rows)")
    d1, nearest = inp.nn_distance, inp.nn_index
    median = max(inp.nn_median, _EPS)
    same_cats = (inp.categories == inp.categories[nearest]).all(axis=1)
    usable = inp.null_fraction < 1.0
    close = (d1 < NEAR_DUPLICATE_THRESHOLD * median) & same_cats & usable & usable[nearest]
    flags = close.copy()
    flags[nearest[close]] = True  # the partner is a near-duplicate too
    return _issues("near_duplicate", flags, np.tanh(d1 / median), "are near-duplicates of another row")


@register_issue("null")
def null_issues(inp: IssueInput) -> Issues:
    """Rows whose feature values are all null; score = share of non-null features."""
    return _issues("null", inp.null_fraction >= 1.0, 1.0 - inp.null_fraction, "have only null features")


@register_issue("class_imbalance")
def class_imbalance_issues(inp: IssueInput) -> Issues:
    """Rows of a class rarer than a tenth of the balanced share."""
    n, k = inp.pred_probs.shape
    freq = np.bincount(inp.labels, minlength=k) / max(n, 1)
    row_freq = freq[inp.labels]
    return _issues("class_imbalance", row_freq < IMBALANCE_THRESHOLD / k, np.minimum(1.0, row_freq * k),
                   "belong to a rare class")
