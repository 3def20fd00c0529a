"""Drift statistics on binned counts: PSI, Jensen-Shannon distance, binned KS, re-binning.

Pure numpy functions over count vectors of the same bins; ``validation.drift`` applies them to
profiles.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from dataqa.validation.profile_model import DriftBins

_EPS = 1e-4  # floor on bin shares so that an empty bin gives a large but finite PSI term

def psi(reference: npt.NDArray[np.float64], current: npt.NDArray[np.float64]) -> float:
    """Population stability index of two count vectors over the same bins.

    >>> round(psi(np.array([50, 50]), np.array([50, 50])), 6)
    0.0
    >>> round(psi(np.array([50, 50]), np.array([25, 75])), 4)
    0.2747
    """
    r = np.maximum(reference / max(reference.sum(), 1), _EPS)
    c = np.maximum(current / max(current.sum(), 1), _EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def js_distance(reference: npt.NDArray[np.float64], current: npt.NDArray[np.float64]) -> float:
    """Jensen-Shannon distance (base 2, in [0, 1]) of two count vectors.

    >>> js_distance(np.array([1, 0]), np.array([0, 1]))
    1.0
    """
    p = reference / max(reference.sum(), 1)
    q = current / max(current.sum(), 1)
    m = (p + q) / 2

    def kl(a: npt.NDArray[np.float64]) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log2(a[mask] / m[mask])))

    return float(math.sqrt(max(0.0, (kl(p) + kl(q)) / 2)))


def ks_binned(reference: npt.NDArray[np.float64], current: npt.NDArray[np.float64]) -> float:
    """Largest gap between the two cumulative distributions at the bin boundaries."""
    r = np.cumsum(reference) / max(reference.sum(), 1)
    c = np.cumsum(current) / max(current.sum(), 1)
    return float(np.max(np.abs(r - c))) if len(r) else 0.0


def decile_groups(reference: npt.NDArray[np.float64], current: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Merge consecutive fine bins into groups holding >= 10% of the reference each (PSI is
    calibrated for ~10 bins; ties in integer data make some percentile bins empty)."""
    total = max(reference.sum(), 1)
    rg, cg, r_acc, c_acc = [], [], 0, 0
    for r, c in zip(reference, current):
        r_acc, c_acc = r_acc + r, c_acc + c
        if r_acc / total >= 0.1 - 1e-9:
            rg.append(r_acc)
            cg.append(c_acc)
            r_acc = c_acc = 0
    if r_acc or c_acc:
        if rg:
            rg[-1] += r_acc
            cg[-1] += c_acc
        else:
            rg, cg = [r_acc], [c_acc]
    return np.array(rg, dtype=float), np.array(cg, dtype=float)


def rebin(bins: DriftBins, breaks: list[float]) -> npt.NDArray[np.float64]:
    """Approximate counts of ``bins`` on other ``breaks`` (linear CDF inside each bin).

    Only used when two saved profiles with different percentile breaks are compared; a profile
    computed with ``profile(data, reference=ref)`` already uses the reference's breaks.
    """
    src = np.asarray(bins.breaks, dtype=float)
    cum = np.concatenate([[0.0], np.cumsum(bins.counts, dtype=float)])  # at -inf, b0.., +inf
    if len(src) == 0:
        at = np.full(len(breaks), cum[-1] if len(cum) > 1 else 0.0)
    else:
        # outside the source breaks the CDF is unknown: take the open end bins' far edges
        at = np.interp(np.asarray(breaks, dtype=float), src, cum[1:-1], left=0.0, right=cum[-1])
    edges = np.concatenate([[0.0], at, [cum[-1]]])
    out: npt.NDArray[np.float64] = np.maximum(np.diff(edges), 0.0)
    return out
