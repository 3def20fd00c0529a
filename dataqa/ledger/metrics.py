"""Accuracy, macro-F1 and log loss with seeded bootstrap intervals, and paired deltas.

All metrics are computed from per-row arrays so that one bootstrap resample (a row of indices)
scores both models of a comparison on exactly the same rows: the paired bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
from numpy.typing import NDArray

METRICS = ("accuracy", "macro_f1", "log_loss")
HIGHER_IS_BETTER = {"accuracy": True, "macro_f1": True, "log_loss": False}


def gain(metric: str, delta: float) -> float:
    """A change of ``metric`` oriented so that positive is better (a drop in log loss is a gain).

    The one sign convention of a metric delta: the ledger, its chart, the gates and the app use it.
    """
    return delta if HIGHER_IS_BETTER[metric] else -delta


def regressed(metric: str, delta: float, tolerance: float) -> bool:
    """The regression gate: ``metric`` got worse by more than ``tolerance``."""
    return -gain(metric, delta) > tolerance
_EPS = 1e-15
_CHUNK = 200  # resamples scored at once: bounds memory at _CHUNK x n_eval indices


@dataclass(frozen=True)
class Estimate:
    """A metric (or a delta) with its 95% bootstrap percentile interval."""

    value: float
    low: float
    high: float

    def excludes_zero(self) -> bool:
        """True when the whole interval is on one side of 0."""
        return self.low > 0 or self.high < 0

    def to_json(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class Scored:
    """One model's predictions on the evaluation rows, reduced to what the metrics need."""

    y: NDArray[Any]  # true class index per row
    pred: NDArray[Any]  # predicted class index per row
    row_loss: NDArray[Any]  # -log p(true class) per row
    n_classes: int


def score(y: NDArray[Any], proba: NDArray[Any]) -> Scored:
    """Reduce ``proba`` (n x K, columns in the shared class order) against true indices ``y``."""
    p_true = np.clip(proba[np.arange(len(y)), y], _EPS, 1.0)
    return Scored(y=y, pred=proba.argmax(axis=1), row_loss=-np.log(p_true), n_classes=proba.shape[1])


def _metrics(s: Scored, idx: NDArray[Any]) -> dict[str, NDArray[Any]]:
    """Every metric for each resample (row of ``idx``); vectorised over resamples."""
    k = s.n_classes
    y, pred = s.y[idx], s.pred[idx]
    b = idx.shape[0]
    codes = (np.arange(b)[:, None] * k * k + y * k + pred).ravel()
    conf = np.bincount(codes, minlength=b * k * k).reshape(b, k, k)
    tp = np.diagonal(conf, axis1=1, axis2=2).astype(float)
    support, predicted = conf.sum(axis=2), conf.sum(axis=1)
    denom = support + predicted
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    # macro over classes present in truth or predictions (scikit-learn's default label set)
    macro_f1 = f1.sum(axis=1) / np.maximum((denom > 0).sum(axis=1), 1)
    return {"accuracy": (y == pred).mean(axis=1), "macro_f1": macro_f1, "log_loss": s.row_loss[idx].mean(axis=1)}


def _resamples(n: int, n_boot: int, seed: int) -> Iterator[NDArray[Any]]:
    rng = np.random.default_rng(seed)
    done = 0
    while done < n_boot:
        m = min(_CHUNK, n_boot - done)
        yield rng.integers(0, n, size=(m, n))
        done += m


def point(s: Scored) -> dict[str, float]:
    """The metrics on all evaluation rows."""
    full = _metrics(s, np.arange(len(s.y))[None, :])
    return {m: float(v[0]) for m, v in full.items()}


def _interval(values: NDArray[Any], centre: float) -> Estimate:
    lo, hi = np.percentile(values, [2.5, 97.5])
    return Estimate(centre, float(lo), float(hi))


def estimate(s: Scored, *, n_boot: int = 1000, seed: int = 0) -> dict[str, Estimate]:
    """Each metric with a 95% percentile-bootstrap interval over the evaluation rows."""
    parts: dict[str, list[NDArray[Any]]] = {m: [] for m in METRICS}
    for idx in _resamples(len(s.y), n_boot, seed):
        for m, v in _metrics(s, idx).items():
            parts[m].append(v)
    centre = point(s)
    return {m: _interval(np.concatenate(parts[m]), centre[m]) for m in METRICS}


def paired_delta(before: Scored, after: Scored, *, n_boot: int = 1000, seed: int = 0) -> dict[str, Estimate]:
    """``after - before`` for each metric, with a paired-bootstrap 95% interval.

    Both models are scored on the same resampled rows in every resample, so the interval
    reflects the difference the data change made, not the sampling noise of each model alone.
    """
    if not np.array_equal(before.y, after.y):
        raise ValueError("paired_delta needs both models scored on the same rows and truth")
    parts: dict[str, list[NDArray[Any]]] = {m: [] for m in METRICS}
    for idx in _resamples(len(after.y), n_boot, seed):
        ma, mb = _metrics(after, idx), _metrics(before, idx)
        for m in METRICS:
            parts[m].append(ma[m] - mb[m])
    pa, pb = point(after), point(before)
    return {m: _interval(np.concatenate(parts[m]), pa[m] - pb[m]) for m in METRICS}
