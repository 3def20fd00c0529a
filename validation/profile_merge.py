"""Merge the profiles of two parts of a dataset into the profile of their union.

A daily partition's profile is added to a running reference without re-reading the old data.
Works on the saved JSON of either engine (no sketch is stored, so old profiles merge too).

What is exact, what is estimated:

- exact: rows, counts, nulls, zeros, negatives, NaN/inf counts, min/max, sum, string lengths,
  value frequencies and top values (while the union has at most ``FREQUENCY_LIMIT`` categories),
  the distinct count of columns with frequencies on both sides, histograms with the same edges
  and drift bins with the same breaks (parts profiled against one reference share its breaks);
- exact up to float rounding: mean, std, skewness, kurtosis (Pebay's pairwise moment update);
- estimated: quantiles, from the mixture of the two parts' empirical CDFs, which each part knows
  exactly at its drift-bin breaks: a merged quantile's rank error is at most the largest
  drift-bin share of either part (about 1% when the breaks are the part's own percentiles,
  ``Profile`` notes say so); histograms and drift bins on different edges are re-binned
  assuming values spread evenly within a bin;
- bounds only: the distinct count when a side has no frequencies (more than the exact limit of
  values): it is between the larger part's and the sum; the sum (capped at the values) is kept,
  ``distinct_exact`` is false and a note gives both bounds. Duplicate rows and ids across the
  parts and ``mad`` cannot be merged and become ``None``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

import numpy as np

from dataqa.errors import InputError
from dataqa.validation.drift_stats import rebin
from dataqa.validation.profile import FREQUENCY_LIMIT, TOP_K
from dataqa.validation.profile_model import ColumnProfile, DriftBins, Histogram, Profile
from dataqa.validation.profile_stats import PATTERN_TOP, SHOWN


def merge_profiles(a: Profile, b: Profile) -> Profile:
    """The profile of the union of the data behind ``a`` and ``b`` (see the module docstring).

    Raises
    ------
    InputError
        The two profiles do not have the same columns and types.
    """
    if [(c.name, c.dtype) for c in a.columns] != [(c.name, c.dtype) for c in b.columns]:
        raise InputError(f"cannot merge profiles of different schemas: {a.source} has "
                         f"{_schema(a)}, {b.source} has {_schema(b)}")
    cols = [merge_columns(x, y) for x, y in zip(a.columns, b.columns)]
    notes = [n for n in a.notes + b.notes if not n.startswith("the dataset has no rows")]
    notes.append("merged profile: duplicate rows/ids across the parts are not counted")
    return Profile(source=f"{a.source} + {b.source}", rows=a.rows + b.rows, n_columns=a.n_columns,
                   duplicate_rows=None, columns=cols, id_column=a.id_column or b.id_column,
                   duplicate_ids=None, notes=sorted(set(notes), key=notes.index))


def _schema(p: Profile) -> str:
    return ", ".join(f"{c.name}: {c.dtype}" for c in p.columns)


def _add(x: int | None, y: int | None) -> int | None:
    return None if x is None or y is None else x + y


def _lo(x: float | str | None, y: float | str | None) -> float | str | None:
    vals = [v for v in (x, y) if v is not None]
    return min(vals) if vals else None


def _hi(x: float | str | None, y: float | str | None) -> float | str | None:
    vals = [v for v in (x, y) if v is not None]
    return max(vals) if vals else None


def _finite_n(c: ColumnProfile) -> int:
    return c.non_null - (c.nan_count or 0) - (c.inf_count or 0)


def merge_columns(a: ColumnProfile, b: ColumnProfile) -> ColumnProfile:
    """One column of ``merge_profiles``."""
    kind = a.kind if a.kind == b.kind else ("string" if "string" in (a.kind, b.kind) else a.kind)
    m = ColumnProfile(name=a.name, dtype=a.dtype, kind=kind, count=a.count + b.count,
                      null_count=a.null_count + b.null_count)
    m.notes = [n for n in a.notes + b.notes if "distinct" not in n and "NaN" not in n]
    m.min, m.max = _lo(a.min, b.min), _hi(a.max, b.max)
    m.zeros, m.negatives = _add(a.zeros, b.zeros), _add(a.negatives, b.negatives)
    m.nan_count, m.inf_count = _add(a.nan_count, b.nan_count), _add(a.inf_count, b.inf_count)
    if m.nan_count or m.inf_count:
        m.notes.append(f"{m.nan_count} NaN and {m.inf_count} infinite value(s) are excluded from "
                       "min/max/mean/std/quantiles")
    m.length_min = _lo(a.length_min, b.length_min)  # type: ignore[assignment]
    m.length_max = _hi(a.length_max, b.length_max)  # type: ignore[assignment]
    if a.length_mean is not None or b.length_mean is not None:
        m.length_mean = _weighted(a.length_mean, a.non_null, b.length_mean, b.non_null)
    if a.kind == "numeric":
        _merge_moments(m, a, b)
    elif a.kind == "temporal":
        m.mean = _merge_time_mean(a, b)
    _merge_distinct(m, a, b)
    _merge_bins(m, a, b)
    m.quantiles = _merge_quantiles(a, b) if a.kind == "numeric" else {}
    if a.kind == "temporal" and (a.quantiles or b.quantiles):
        m.notes.append("merged profile: temporal quantiles are not merged")
    if a.mad is not None or b.mad is not None:
        m.notes.append("merged profile: the median absolute deviation is not mergeable")
    if a.patterns is not None or b.patterns is not None:
        shapes: dict[str, int] = {}
        for s, n in (a.patterns or []) + (b.patterns or []):
            shapes[s] = shapes.get(s, 0) + n
        m.patterns = sorted(shapes.items(), key=lambda t: (-t[1], t[0]))[:PATTERN_TOP]
    return m


def _weighted(x: float | None, nx: int, y: float | None, ny: int) -> float | None:
    if x is None or nx == 0:
        return y if ny else x
    if y is None or ny == 0:
        return x
    return (x * nx + y * ny) / (nx + ny)


def _merge_moments(m: ColumnProfile, a: ColumnProfile, b: ColumnProfile) -> None:
    """Mean, std (ddof 1), skewness and excess kurtosis (biased, as polars and Spark give them)."""
    na, nb = _finite_n(a), _finite_n(b)
    m.sum = (a.sum or 0.0) + (b.sum or 0.0) if (a.sum is not None or b.sum is not None) else None
    if na == 0 or nb == 0:
        src = a if na else b
        m.mean, m.std, m.skewness, m.kurtosis = src.mean, src.std, src.skewness, src.kurtosis
        return
    moments = [_central(c, n) for c, n in ((a, na), (b, nb))]
    n, mean, m2, m3, m4 = _combine(moments[0], moments[1])
    m.mean = mean
    m.std = math.sqrt(m2 / (n - 1)) if n > 1 else None
    var = m2 / n
    m.skewness = (m3 / n) / var ** 1.5 if var > 0 else None
    m.kurtosis = (m4 / n) / var ** 2 - 3.0 if var > 0 else None


def _central(c: ColumnProfile, n: int) -> tuple[int, float, float, float, float]:
    """(n, mean, M2, M3, M4): sums of powers of deviations, back from std/skewness/kurtosis."""
    mean = float(c.mean or 0.0)
    m2 = (c.std or 0.0) ** 2 * (n - 1)
    var = m2 / n
    m3 = (c.skewness or 0.0) * var ** 1.5 * n
    m4 = ((c.kurtosis or 0.0) + 3.0) * var ** 2 * n if var > 0 else 0.0
    return n, mean, m2, m3, m4


def _combine(x: tuple[int, float, float, float, float],
             y: tuple[int, float, float, float, float]) -> tuple[int, float, float, float, float]:
    """Pebay (2008), pairwise update of central moment sums up to the fourth."""
    na, ma, a2, a3, a4 = x
    nb, mb, b2, b3, b4 = y
    n = na + nb
    d = mb - ma
    mean = ma + d * nb / n
    m2 = a2 + b2 + d * d * na * nb / n
    m3 = a3 + b3 + d ** 3 * na * nb * (na - nb) / n ** 2 + 3 * d * (na * b2 - nb * a2) / n
    m4 = (a4 + b4 + d ** 4 * na * nb * (na * na - na * nb + nb * nb) / n ** 3
          + 6 * d * d * (na * na * b2 + nb * nb * a2) / n ** 2 + 4 * d * (na * b3 - nb * a3) / n)
    return n, mean, m2, m3, m4


def _merge_time_mean(a: ColumnProfile, b: ColumnProfile) -> str | None:
    if not isinstance(a.mean, str) or not isinstance(b.mean, str):
        return a.mean if isinstance(a.mean, str) else b.mean if isinstance(b.mean, str) else None
    ta, tb = datetime.fromisoformat(a.mean), datetime.fromisoformat(b.mean)
    return (ta + (tb - ta) * (b.non_null / (a.non_null + b.non_null))).isoformat()


def _merge_distinct(m: ColumnProfile, a: ColumnProfile, b: ColumnProfile) -> None:
    if a.frequencies is not None and b.frequencies is not None:
        freq = dict(a.frequencies)
        for k, n in b.frequencies.items():
            freq[k] = freq.get(k, 0) + n
        ranked = sorted(freq.items(), key=lambda t: (-t[1], t[0]))
        m.distinct, m.distinct_exact = len(freq), True
        m.top_values = ranked[:TOP_K]
        if len(freq) <= FREQUENCY_LIMIT:
            m.frequencies = dict(ranked)
        else:
            m.notes.append(f"{len(freq)} distinct values (more than {FREQUENCY_LIMIT}): no "
                           "category frequencies kept, so no value drift for this column")
        return
    if a.distinct is None or b.distinct is None:
        m.distinct = a.distinct if b.distinct is None else b.distinct
        return
    if m.non_null == 0:
        m.distinct, m.distinct_exact = 0, True
        return
    lo, hi = max(a.distinct, b.distinct), min(a.distinct + b.distinct, m.non_null)
    m.distinct, m.distinct_exact = hi, lo == hi
    if lo != hi:
        m.notes.append(f"merged profile: between {lo} and {hi} distinct values (the parts' values "
                       "may overlap); the upper bound is kept")


def _merge_bins(m: ColumnProfile, a: ColumnProfile, b: ColumnProfile) -> None:
    ha, hb = a.histogram, b.histogram
    if ha is not None and hb is not None:
        if ha.edges == hb.edges:
            m.histogram = Histogram(edges=list(ha.edges), counts=[x + y for x, y in zip(ha.counts, hb.counts)])
        else:
            lo, hi = min(ha.edges[0], hb.edges[0]), max(ha.edges[-1], hb.edges[-1])
            edges = list(np.linspace(lo, hi, len(ha.edges)))
            counts = _rebin_hist(ha, edges) + _rebin_hist(hb, edges)
            m.histogram = Histogram(edges=[float(e) for e in edges], counts=[int(round(c)) for c in counts])
    else:
        m.histogram = ha or hb
    da, db = a.drift_bins, b.drift_bins
    if da is not None and db is not None:
        if da.breaks == db.breaks:
            m.drift_bins = DriftBins(breaks=list(da.breaks), counts=[x + y for x, y in zip(da.counts, db.counts)])
        else:
            moved = rebin(db, da.breaks)
            m.drift_bins = DriftBins(breaks=list(da.breaks),
                                     counts=[int(round(x + y)) for x, y in zip(da.counts, moved)])
    else:
        m.drift_bins = replace(da or db) if (da or db) is not None else None  # type: ignore[type-var]


def _rebin_hist(h: Histogram, edges: list[float]) -> np.ndarray:  # type: ignore[type-arg]
    """Counts moved onto ``edges`` in proportion to overlap (values spread evenly in a bin)."""
    out = np.zeros(len(edges) - 1)
    for i, n in enumerate(h.counts):  # per bin (20), not per value
        lo, hi = h.edges[i], h.edges[i + 1]
        width = hi - lo
        for j in range(len(edges) - 1):
            ov = min(hi, edges[j + 1]) - max(lo, edges[j])
            if ov > 0:
                out[j] += n * ov / width if width > 0 else n
    return out


def _cdf_knots(c: ColumnProfile) -> tuple[list[float], list[float]] | None:
    """Points where a part's empirical CDF is known: its drift breaks (exact), min and max."""
    if c.drift_bins is None or not isinstance(c.min, float) or not isinstance(c.max, float):
        return None
    total = sum(c.drift_bins.counts)
    if total == 0:
        return None
    xs, fs = [c.min], [0.0]
    cum = 0
    for brk, n in zip(c.drift_bins.breaks, c.drift_bins.counts):
        cum += n
        if c.min < brk < c.max:
            xs.append(brk)
            fs.append(cum / total)
    xs.append(c.max)
    fs.append(1.0)
    return xs, fs


def _merge_quantiles(a: ColumnProfile, b: ColumnProfile) -> dict[str, float | str | None]:
    ka, kb = _cdf_knots(a), _cdf_knots(b)
    if ka is None or kb is None:
        return dict((a if kb is None else b).quantiles) if (ka or kb) else {k: None for k in SHOWN}
    na, nb = sum(a.drift_bins.counts), sum(b.drift_bins.counts)  # type: ignore[union-attr]
    grid = np.unique(np.concatenate([ka[0], kb[0]]))
    f = (na * np.interp(grid, ka[0], ka[1]) + nb * np.interp(grid, kb[0], kb[1])) / (na + nb)
    return {k: float(np.interp(p / 100, f, grid)) for k, p in SHOWN.items()}


__all__ = ["merge_profiles", "merge_columns"]
