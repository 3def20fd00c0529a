"""How many labels are wrong, which ones, and how many real errors a review queue should yield.

The estimator (documented in the README's label-noise section)
----------------------------------------------------------------
Out-of-fold probabilities ``q_i`` of a model trained on the *given* (noisy) labels estimate
``P(given label | x)``. Under class-conditional noise, ``q(x) = T^T p(x)`` where ``p(x)`` is the
clean posterior and ``T[k, j] = P(given j | true k)`` is the noise transition matrix.

1. **T from anchor points** (Patrini et al., "Making deep neural networks robust to label noise:
   a loss correction approach", CVPR 2017, sec. 3.2; Liu & Tao, TPAMI 2016): rows where the
   model is surest of class ``k`` are (nearly) all of true class ``k``, so their ``q`` is the row
   ``T[k, :]``. We average ``q`` over the top :data:`ANCHOR_SHARE` of ``n / K`` rows by ``q_k``
   (Patrini takes the single row at the 97th percentile; the mean over that tail is steadier on
   small tables). The model's confusion between overlapping classes stays out of ``T`` as long
   as such anchors exist, which is what keeps a 75%-accurate model from counting its own errors
   as noise the way cleanlab's confident joint does; when the model is weak everywhere there are
   none, and the count is too high: hence the weak-model warning.
2. **Count, calibrated on synthetic flips** (mixture-proportion estimation: Blanchard, Lee &
   Scott, "Semi-supervised novelty detection", JMLR 2010; Scott, AISTATS 2015). Rows below the
   anchor count (likely clean) get a wrong label drawn from ``T``'s off-diagonal; their
   suspicion score needs no refit, because out-of-fold probabilities never saw the row's label.
   That gives the score distribution of a wrong label, and ``R(m)``, the share of wrong labels
   that would rank in the top ``m``. The top ``m`` rows hold at most ``m`` errors and at least
   ``N R(m)``, so ``N <= m / R(m)`` for every ``m``: the estimate is the smallest ratio over the
   ranks with ``R(m) >=`` :data:`MIN_RECALL` and ``m >=`` :data:`MIN_FLAGS`, the bound being
   tight where few correct labels score that high. This is what keeps a model's own confusion
   out of the count: confusion puts correct labels in the middle of the ranking, not in its
   tail. The anchors' ``T`` splits the count per given class ``g`` (``sum_{k != g} m_k T[k, g]``
   with ``m = solve(T^T, n_given)``, scaled to the count); they add up to it. (The anchors' own
   count ``sum_k m_k (1 - T[k, k])`` was off by 30-90% on 5 of 8 benchmark tables: boosted trees
   are over-confident exactly at the anchors.)
3. **Ranking**: cleanlab's self-confidence (``rank.get_label_quality_scores``), worst first; it
   beat the Bayes posterior ``1 - p[g] T[g, g] / q[g]`` on every benchmark table (that one
   saturates at 1 and ties). The default flags are the top ``round(N)`` rows.
4. **P(error) per row**: the expected errors in the top ``m`` are ``min(m, N R(m))``; a row's
   ``P(error)`` is that curve's increment at its rank, made non-increasing with scikit-learn's
   isotonic regression. Summed over all rows it is ``N``.
5. **Intervals**: a seeded bootstrap (:data:`BOOTSTRAP` resamples) of the rows' scores and of the
   synthetic flips' scores for the count; for a queue's yield, the bootstrap spread of the count widened by the Poisson-binomial
   spread of the hits themselves (normal approximation).

**Where the synthetic wrong labels go** (``flip_model``; :data:`FLIP_MODELS`). The count and
``P(error)`` are right only if the synthetic wrong labels rank like the real ones, and the
direction of the noise (which wrong label a class gets) changes that a lot: a wrong label the model
rules out scores near 1, one the model learned to expect scores like a correct one. Out-of-fold
probabilities do not identify the direction (``q = T^T p`` holds for many ``T``), so each choice is
an assumption: ``anchors`` (the default: the anchor matrix's off-diagonal, i.e. the model's own
confusion), ``uniform``, ``joint`` (the confident joint's off-diagonal), ``learned`` (start uniform,
then re-aim the synthetic labels where the rows this estimate deems wrong point: a soft EM step in
the spirit of Dawid & Skene 1979, repeated until the count settles) and ``auto`` (per table, the
candidate whose count and synthetic scores reproduce the observed score distribution best as a
mixture with the scores of correct labels; :func:`_mixture_ks`). The benchmark compares them; the
README's noise-quality section says which wins where.

Expected precision of a queue = the mean ``P(error)`` of its rows. The benchmark
(``benchmarks/bench_noise_quality.py``) checks it against the measured precision with synthetic
flips; a Label Studio round measures it for real (relabel vs confirmed verdicts), and the ratio
recalibrates the next round (:func:`recalibrate`).

cleanlab and scikit-learn are imported inside the functions that use them (about 2 s each to
import), so that reading an estimate or recalibrating does not pay for them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

#: Share of rows (per class, by the model's probability of that class) used as anchor points.
ANCHOR_SHARE = 0.03
#: Fewest anchor rows per class.
MIN_ANCHORS = 10
#: Bootstrap resamples for the intervals.
BOOTSTRAP = 100
#: Rows drawn per bootstrap resample at most (larger tables: a sample, scaled back).
BOOTSTRAP_MAX_ROWS = 200_000
#: Ranks where the synthetic-flip recall is below this are too noisy for the count.
MIN_RECALL = 0.2
#: Fewest flags at which the count's ratio is read (the extreme tail is too noisy).
MIN_FLAGS = 5
#: Rows given a synthetic wrong label to calibrate ``P(error)``, at most.
SYNTHETIC_MAX_ROWS = 100_000
#: Where a synthetic wrong label goes (``estimate(flip_model=...)``): ``anchors`` (the default) draws
#: from the anchor matrix's off-diagonal row; ``uniform`` to any other class; ``joint`` from the
#: off-diagonal of the confident joint (given label vs the model's top class). Only the default is
#: used by dataqa; the others are for ``benchmarks/bench_noise_quality.py --flip-model``.
#: ``learned`` starts uniform and re-estimates the direction from the rows the estimate itself
#: deems wrong (see :func:`_learned_direction`).
FLIP_MODELS = ("anchors", "uniform", "joint", "learned", "auto")
#: ``auto`` picks, per table, the candidate whose count and synthetic wrong labels best reproduce the
#: observed score distribution as a mixture with the scores of correct labels (see :func:`_mixture_ks`).
AUTO_CANDIDATES = ("anchors", "uniform", "joint", "learned")
#: The flip model dataqa uses.
DEFAULT_FLIP_MODEL = "anchors"
#: ``learned``: rounds of re-estimating the direction (stops early once the count moves < 1%).
LEARN_ROUNDS = 5
#: ``learned``: pseudo-errors per true class spread uniformly over its wrong labels (a weak
#: Dirichlet prior, so a class pair no suspect shows still gets a share).
LEARN_PRIOR = 1.0


@dataclass(frozen=True)
class NoiseEstimate:
    """The estimated label noise of one table.

    Attributes
    ----------
    count, low, high:
        Estimated wrong labels and its interval (``level``).
    rows:
        Rows in the table.
    per_class_errors:
        Per given class: estimated wrong labels among the rows carrying it (sums to ``count``).
    transition:
        ``T[k, j] = P(given j | true k)``.
    p_error:
        Per row: probability that its given label is wrong.
    level:
        Confidence level of the intervals.
    calibration:
        Factor applied to ``p_error`` from a measured review round (1.0: none).
    """

    count: float
    low: float
    high: float
    rows: int
    per_class_errors: NDArray[Any]
    transition: NDArray[Any]
    p_error: NDArray[Any]
    level: float
    score: NDArray[Any] | None = None
    """Per row: the ranking score (uncalibrated ``P(error)`` from Bayes' rule); ``p_error`` is
    non-increasing along it."""
    calibration: float = 1.0
    boot_scale: NDArray[Any] | None = None
    """Bootstrap replicates of the count over the point count, for queue intervals."""
    flip_model: str = DEFAULT_FLIP_MODEL
    """The flip model the synthetic wrong labels were drawn from."""

    @property
    def rate(self) -> float:
        return self.count / max(self.rows, 1)

    @property
    def rate_low(self) -> float:
        return self.low / max(self.rows, 1)

    @property
    def rate_high(self) -> float:
        return self.high / max(self.rows, 1)

    @property
    def flag_count(self) -> int:
        """How many rows the default flags hold: the estimated count, rounded."""
        return int(min(round(self.count), self.rows))

    def ranking(self) -> NDArray[Any]:
        """Row positions by ``P(error)``, highest first (ties by position)."""
        key = self.p_error if self.score is None else self.score
        order: NDArray[Any] = np.lexsort((np.arange(self.rows), -key))
        return order

    def queue_yield(self, rows: NDArray[Any]) -> tuple[float, float, float]:
        """Expected real errors among ``rows`` and its interval at ``level``."""
        p = self.p_error[rows]
        hits = float(p.sum())
        z = float(norm.ppf(0.5 + self.level / 2))
        spread = z * float(np.sqrt(np.sum(p * (1 - p))))
        lo_s, hi_s = (1.0, 1.0)
        if self.boot_scale is not None and len(self.boot_scale):
            a = (1 - self.level) / 2
            lo_s, hi_s = (float(v) for v in np.quantile(self.boot_scale, [a, 1 - a]))
        low = max(0.0, min(hits * lo_s, hits) - spread)
        high = min(float(len(rows)), max(hits * hi_s, hits) + spread)
        return hits, low, high


def _transition(labels: NDArray[Any], proba: NDArray[Any]) -> NDArray[Any]:
    """Anchor-point estimate of ``T`` (Patrini et al. 2017): mean probabilities at each class's anchors."""
    n, k = proba.shape
    take = int(min(n, max(MIN_ANCHORS, np.ceil(ANCHOR_SHARE * n / k))))
    t = np.empty((k, k))
    for c in range(k):
        top = np.argpartition(-proba[:, c], take - 1)[:take]
        t[c] = proba[top].mean(axis=0)
    t /= t.sum(axis=1, keepdims=True)
    # Keep T diagonally dominant (noise below one half per class) so the inversion stays meaningful
    # where a class has no clean region at all.
    diag = np.maximum(np.diag(t), 0.5)
    off = t - np.diag(np.diag(t))
    off_sum = off.sum(axis=1, keepdims=True)
    scale = np.divide(1 - diag[:, None], off_sum, out=np.zeros_like(off_sum), where=off_sum > 0)
    out: NDArray[Any] = off * scale + np.diag(diag)
    return out


def _score(labels: NDArray[Any], proba: NDArray[Any]) -> NDArray[Any]:
    """Ranking score, higher = more suspect: 1 - cleanlab's self-confidence label quality."""
    from cleanlab.rank import get_label_quality_scores

    return 1.0 - np.asarray(get_label_quality_scores(labels, proba, method="self_confidence"), dtype=np.float64)


def _count(labels: NDArray[Any], t: NDArray[Any], k: int) -> tuple[float, NDArray[Any]]:
    given = np.bincount(labels, minlength=k).astype(np.float64)
    true = np.clip(np.linalg.pinv(t.T) @ given, 0.0, None)
    if true.sum() > 0:
        true *= given.sum() / true.sum()
    into = true[:, None] * t  # into[k, g]: rows of true class k given label g
    per_class = into.sum(axis=0) - np.diag(into)
    return float(per_class.sum()), per_class


def _wrong_labels(labels: NDArray[Any], t: NDArray[Any], rng: np.random.Generator) -> NDArray[Any]:
    """A wrong label per row, drawn from ``T``'s off-diagonal row of its class (uniform if that is empty)."""
    n, k = len(labels), t.shape[0]
    w = t[labels].copy()
    w[np.arange(n), labels] = 0.0
    empty = w.sum(axis=1) <= 0
    w[empty] = 1.0
    w[empty, labels[empty]] = 0.0
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    new = (rng.random(n)[:, None] > cum).sum(axis=1)
    out: NDArray[Any] = np.minimum(new, k - 1)
    return out


def _recall(ranked: NDArray[Any], synthetic: NDArray[Any]) -> NDArray[Any]:
    """Per rank (scores sorted high to low): share of synthetic-flip scores at least that high."""
    return 1.0 - np.searchsorted(synthetic, ranked, side="left") / len(synthetic)


def _mpe(ranked: NDArray[Any], synthetic: NDArray[Any]) -> float:
    """Mixture-proportion estimate of the error count: ``min_m m / R(m)`` over the trusted ranks."""
    recall = _recall(ranked, synthetic)
    m = np.arange(1, len(ranked) + 1, dtype=np.float64)
    ok = (recall >= MIN_RECALL) & (m >= MIN_FLAGS)
    if not ok.any():
        return float("nan")  # too few rows to read the ratio: the caller falls back to the anchors
    return float(min(np.min(m[ok] / recall[ok]), len(ranked)))


def _flip_weights(labels: NDArray[Any], proba: NDArray[Any], t: NDArray[Any], flip_model: str) -> NDArray[Any]:
    """Row ``k``: relative odds that a wrong label of true class ``k`` is each other class."""
    k = t.shape[0]
    if flip_model == "anchors":
        return t
    if flip_model == "uniform":
        return np.ones((k, k))
    if flip_model == "joint":
        joint = np.zeros((k, k))
        np.add.at(joint, (proba.argmax(axis=1), labels), 1.0)
        return joint + 1e-3  # a class pair never confused still gets a (tiny) share
    if flip_model in ("learned", "auto"):
        return np.ones((k, k))
    raise ValueError(f"flip_model must be one of {', '.join(FLIP_MODELS)}, not {flip_model!r}")


def _p_by_rank(ranked: NDArray[Any], synthetic: NDArray[Any], count: float) -> NDArray[Any]:
    """``P(error)`` per rank: the increments of ``min(m, N R(m))``, made non-increasing."""
    from sklearn.isotonic import IsotonicRegression

    n = len(ranked)
    hits = np.maximum.accumulate(np.minimum(np.arange(1, n + 1), count * _recall(ranked, synthetic)))
    out: NDArray[Any] = IsotonicRegression(increasing=False, y_min=0.0, y_max=1.0).fit_transform(
        np.arange(n, dtype=np.float64), np.diff(hits, prepend=0.0))
    return out


def _mixture_ks(observed: NDArray[Any], clean: NDArray[Any], synthetic: NDArray[Any], count: float) -> float:
    """KS distance between the observed scores and ``(1 - pi) clean + pi synthetic``, ``pi = count / n``.

    All three sorted ascending. ``clean`` stands for the scores of correct labels: the score of
    the model's own top class, i.e. a correct label where the model is right.
    """
    n = len(observed)
    pi = min(max(count / n, 0.0), 1.0)
    grid = observed[np.linspace(0, n - 1, min(n, 2000)).astype(np.int64)]

    def cdf(x: NDArray[Any]) -> NDArray[Any]:
        out: NDArray[Any] = np.searchsorted(x, grid, side="right") / len(x)
        return out

    return float(np.max(np.abs(cdf(observed) - (1 - pi) * cdf(clean) - pi * cdf(synthetic))))


def _learned_direction(labels: NDArray[Any], proba: NDArray[Any], p_err: NDArray[Any]) -> NDArray[Any]:
    """``W[k, g]``: expected wrong labels ``g`` of true class ``k``, from the rows' ``P(error)``.

    A row with given label ``g`` is wrong with probability ``p_err``; if so, its true class is one
    of the others, in proportion to the model's probabilities of them. Summing those soft counts
    is one EM step for the off-diagonal of the noise matrix (Dawid & Skene, 1979), restricted to
    the likely errors rather than to every row the model disagrees with (cleanlab's confident
    joint, which counts a weak model's confusion among correct labels as well).
    """
    n, k = proba.shape
    other = proba.astype(np.float64, copy=True)
    other[np.arange(n), labels] = 0.0
    total = other.sum(axis=1, keepdims=True)
    other = np.divide(other, total, out=np.full_like(other, 1.0 / max(k - 1, 1)), where=total > 0)
    other[np.arange(n), labels] = 0.0
    other *= p_err[:, None]
    w = np.stack([other[labels == g].sum(axis=0) for g in range(k)], axis=1)
    prior = np.full((k, k), LEARN_PRIOR / max(k - 1, 1))
    np.fill_diagonal(prior, 0.0)
    out: NDArray[Any] = w + prior
    return out


def estimate(labels: NDArray[Any], proba: NDArray[Any], *, level: float = 0.95, seed: int = 42,
             calibration: float = 1.0, flip_model: str = DEFAULT_FLIP_MODEL) -> NoiseEstimate:
    """Estimate the wrong labels of a table from out-of-fold probabilities (see the module doc).

    ``calibration`` multiplies ``P(error)`` (clipped to 1) and the count: the measured / expected
    precision of the last review round (:func:`recalibrate`); 1.0 means none. ``flip_model``: see
    :data:`FLIP_MODELS` (the count and ``P(error)`` hinge on the synthetic wrong labels ranking like
    the real ones; which direction real noise takes is not identifiable from the probabilities).
    """
    n, k = proba.shape
    t = _transition(labels, proba)
    anchor_count, anchor_per_class = _count(labels, t, k)
    score = _score(labels, proba)
    order = np.lexsort((np.arange(n), -score))
    ranked = score[order]
    rng = np.random.default_rng(seed)
    # Synthetic flips, free of refitting: a row's out-of-fold probabilities never saw its own
    # label, so the score it would get with a wrong label is the score of that label. They are
    # drawn from rows below the anchor count (likely clean: flipping a wrong label may restore it).
    pool = order[min(int(round(anchor_count)), n - 1):]
    rows = rng.choice(pool, min(len(pool), SYNTHETIC_MAX_ROWS), replace=False)

    def synthetic_count(weights: NDArray[Any]) -> tuple[NDArray[Any], float]:
        syn = np.sort(_score(_wrong_labels(labels[rows], weights, rng), proba[rows]))
        c = _mpe(ranked, syn)
        return syn, (c if np.isfinite(c) else anchor_count)

    def flip_count(model: str) -> tuple[NDArray[Any], float]:
        if model != "learned" or k == 2:  # two classes: a wrong label has one place to go
            return synthetic_count(_flip_weights(labels, proba, t, model))
        # Start from no assumption about the direction (uniform) and re-aim the synthetic wrong labels
        # where the rows this count deems wrong point: a learned k -> k+1 noise then calibrates on
        # k -> k+1 flips, a uniform one on uniform flips.
        syn, c = synthetic_count(np.ones((k, k)))
        for _ in range(LEARN_ROUNDS):
            p_row = np.empty(n)
            p_row[order] = _p_by_rank(ranked, syn, c)
            syn, new = synthetic_count(_learned_direction(labels, proba, p_row))
            done = abs(new - c) <= 0.01 * max(c, 1.0)
            c = new
            if done:
                break
        return syn, c

    chosen = flip_model
    if flip_model == "auto":
        fits = {m: flip_count(m) for m in AUTO_CANDIDATES}
        clean = np.sort(1.0 - proba.max(axis=1))
        observed = np.sort(score)
        misfit = {m: _mixture_ks(observed, clean, syn, c) for m, (syn, c) in fits.items()}
        chosen = min(misfit, key=lambda m: misfit[m])
        synthetic, count = fits[chosen]
    else:
        synthetic, count = flip_count(flip_model)
    per_class = anchor_per_class * (count / anchor_count if anchor_count > 0 else 0.0)
    p_error = np.empty(n)
    p_error[order] = _p_by_rank(ranked, synthetic, count)
    m = min(n, BOOTSTRAP_MAX_ROWS)
    counts = np.empty(BOOTSTRAP)
    for b in range(BOOTSTRAP):
        obs = np.sort(score[rng.integers(0, n, m)])[::-1]
        syn = np.sort(synthetic[rng.integers(0, len(synthetic), len(synthetic))])
        counts[b] = np.nan_to_num(_mpe(obs, syn), nan=anchor_count * m / n) * n / m
    a = (1 - level) / 2
    lo, hi = (float(v) for v in np.quantile(counts, [a, 1 - a]))
    est = NoiseEstimate(count=count, low=min(lo, count), high=max(hi, count), rows=n,
                        per_class_errors=per_class, transition=t, p_error=p_error, score=score, level=level,
                        boot_scale=counts / count if count > 0 else np.ones(BOOTSTRAP), flip_model=chosen)
    return with_calibration(est, calibration)


def recalibrate(expected: float, relabels: int, prior: float = 5.0) -> float:
    """Factor for the next round's ``P(error)`` from a measured review round.

    ``expected`` is the summed ``P(error)`` of the rows that got a verdict (relabel or confirmed;
    ``unsure`` and ties carry none), ``relabels`` the real errors found among them. The ratio of
    found to expected errors is shrunk towards 1 by ``prior`` pseudo-errors, so one small round
    cannot swing it.
    """
    if expected <= 0:
        return 1.0
    return float((relabels + prior) / (expected + prior))


def with_calibration(est: NoiseEstimate, factor: float) -> NoiseEstimate:
    """``est`` with ``P(error)`` and the count scaled by ``factor`` (see :func:`recalibrate`)."""
    if factor == 1.0:
        return est
    return replace(est, p_error=np.clip(est.p_error * factor, 0.0, 1.0), count=est.count * factor,
                   low=est.low * factor, high=est.high * factor, per_class_errors=est.per_class_errors * factor,
                   calibration=est.calibration * factor)
