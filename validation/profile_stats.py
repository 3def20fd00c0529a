"""The polars expressions behind the two profile passes, and how their results fill a column.

Each column gets a short key (``c0``, ``c1``...) so that output names never clash with the
user's column names. Numeric statistics are taken over the finite values (NaN and infinities
are counted separately), which is what a reader of "mean" or "max" expects.
"""

from __future__ import annotations

import math
import string
from typing import Any

import polars as pl

from dataqa.validation.profile_model import ColumnProfile, DriftBins, Histogram

#: Percentiles computed in pass 1: 0, 1, ..., 100. The inner ones are the drift-bin breaks.
PERCENTILES = [i / 100 for i in range(101)]
#: Percentiles shown in reports.
SHOWN = {"p05": 5, "p25": 25, "p50": 50, "p75": 75, "p95": 95}
#: Value shapes are collected for text no longer than this (codes, ids; not free text).
PATTERN_MAX_LENGTH = 64
PATTERN_TOP = 5

# Multiplier from a temporal dtype's physical integer to epoch milliseconds (for charts).
_TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0}


def _finite_values(name: str, dtype: pl.DataType) -> pl.Expr:
    x = pl.col(name).cast(pl.Float64)
    return x.filter(x.is_finite()) if dtype.is_float() else x.drop_nulls()


def _temporal_values(name: str) -> pl.Expr:
    return pl.col(name).to_physical().cast(pl.Float64).drop_nulls()


def column_aggs(name: str, key: str, kind: str, dtype: pl.DataType, *, quantiles: bool = True) -> list[pl.Expr]:
    """Pass-1 aggregates of one column, each reducing to a single value named ``<key>_*``
    (``quantiles=False``: without ``<key>_q``, which holds the column; the caller sketches it)."""
    c = pl.col(name)
    out = [c.null_count().alias(f"{key}_nulls")]
    if kind in ("null", "other"):
        return out
    out.append((c.cast(pl.String) if kind == "categorical" else c)
               .drop_nulls().approx_n_unique().alias(f"{key}_approx"))
    if kind == "numeric":
        x = _finite_values(name, dtype)
        out += [x.min().alias(f"{key}_min"), x.max().alias(f"{key}_max"),
                x.mean().alias(f"{key}_mean"), x.std().alias(f"{key}_std"),
                x.sum().alias(f"{key}_sum"), x.skew().alias(f"{key}_skew"),
                x.kurtosis().alias(f"{key}_kurt"), (x == 0).sum().alias(f"{key}_zeros"),
                (x < 0).sum().alias(f"{key}_neg")]
        if quantiles:
            out.append(x.quantile(PERCENTILES, "linear").alias(f"{key}_q"))
        if dtype.is_float():
            out += [c.is_nan().sum().alias(f"{key}_nan"), c.is_infinite().sum().alias(f"{key}_inf")]
    elif kind == "temporal":
        x = _temporal_values(name)
        out += [x.min().alias(f"{key}_min"), x.max().alias(f"{key}_max"),
                x.mean().alias(f"{key}_mean")]
        if quantiles:
            out.append(x.quantile(PERCENTILES, "linear").alias(f"{key}_q"))
    elif kind == "string":
        n = c.str.len_chars()
        out += [n.min().alias(f"{key}_lmin"), n.max().alias(f"{key}_lmax"),
                n.mean().alias(f"{key}_lmean")]
    return out


def _temporal_str(v: float | None, dtype: pl.DataType) -> str | None:
    if v is None or not math.isfinite(v):
        return None
    val = pl.Series([round(v)], dtype=pl.Int64).cast(dtype).item()
    return val.isoformat() if hasattr(val, "isoformat") else str(val)


def _ms_factor(dtype: pl.DataType) -> float:
    if dtype == pl.Date:
        return 86_400_000.0
    unit = getattr(dtype, "time_unit", None) or "ns"  # pl.Time is nanoseconds
    return _TO_MS[unit]


def fill_pass1(cp: ColumnProfile, row: dict[str, Any], key: str, dtype: pl.DataType) -> None:
    """Copy pass-1 values into ``cp``."""
    cp.null_count = int(row[f"{key}_nulls"])
    if cp.kind in ("null", "other"):
        cp.distinct = None
        if cp.kind == "other":
            cp.notes.append(f"type {dtype} is only counted (nulls), not profiled")
        if cp.count and cp.kind == "null":
            cp.notes.append("all values are null")
        return
    cp.distinct = int(row[f"{key}_approx"])
    cp.distinct_exact = False
    if cp.count and cp.non_null == 0:
        cp.notes.append("all values are null")
    if cp.kind == "numeric":
        q = row[f"{key}_q"] or []
        # an overflowing mean/std of huge values is "unknown", as JSON has no inf
        cp.min, cp.max, cp.mean, cp.std = (_num(row[f"{key}_{s}"])
                                           for s in ("min", "max", "mean", "std"))
        cp.quantiles = {k: _num(q[i]) if q else None for k, i in SHOWN.items()}
        cp.sum, cp.skewness, cp.kurtosis = (_num(row[f"{key}_{s}"]) for s in ("sum", "skew", "kurt"))
        cp.zeros, cp.negatives = int(row[f"{key}_zeros"]), int(row[f"{key}_neg"])
        if dtype.is_float():
            cp.nan_count, cp.inf_count = int(row[f"{key}_nan"]), int(row[f"{key}_inf"])
            if cp.nan_count or cp.inf_count:
                cp.notes.append(f"{cp.nan_count} NaN and {cp.inf_count} infinite value(s) are "
                                "excluded from min/max/mean/std/quantiles")
    elif cp.kind == "temporal":
        q = row[f"{key}_q"] or []
        cp.min, cp.max, cp.mean = (_temporal_str(row[f"{key}_{s}"], dtype)
                                   for s in ("min", "max", "mean"))
        cp.quantiles = {k: _temporal_str(q[i], dtype) if q else None for k, i in SHOWN.items()}
    elif cp.kind == "string":
        cp.length_min, cp.length_max = row[f"{key}_lmin"], row[f"{key}_lmax"]
        cp.length_mean = row[f"{key}_lmean"]


def _numeric_text(text: pl.Expr) -> pl.Expr:
    """Values that would parse as numbers: how a mixed-type text column is spotted."""
    return text.str.strip_chars().cast(pl.Float64, strict=False).is_not_null()


def _note_mixed(cp: ColumnProfile, num: int) -> None:
    if 0 < num < cp.non_null and num * 2 >= cp.non_null:
        cp.notes.append(f"mixed types: {num} of {cp.non_null} values are numbers, the rest "
                        "text; the column is read as text")


def _num(v: Any) -> float | None:
    return float(v) if v is not None and math.isfinite(v) else None


def histogram_edges(lo: float, hi: float, bins: int) -> list[float]:
    """``bins`` equal-width display bins from ``lo`` to ``hi`` (one bin around a constant)."""
    # dedupe: a span tiny next to the values' magnitude would give repeated edges
    # step from hi/bins - lo/bins: hi - lo overflows for values near the float limits
    step = hi / bins - lo / bins
    raw = [lo + i * step for i in range(bins)] + [hi]
    edges = sorted(set(raw)) if hi > lo else [lo]
    if len(edges) < 2:  # constant column: one bin around the value
        d = max(0.5, abs(lo) * 1e-6)
        return [lo - d, lo + d]
    return [float(v) for v in edges]


def _histogram(x: pl.Expr, edges: list[float]) -> pl.Expr:
    """Counts per bin as a list. Equal-width bins use arithmetic (bin = floor((x - lo) / w)),
    about twice as cheap as a binary search per value; other edges fall back to ``hist``."""
    nb = len(edges) - 1
    w = (edges[-1] - edges[0]) / nb
    if nb < 2 or not math.isfinite(w) or w <= 0:
        return x.hist(bins=edges).implode()
    idx = ((x - edges[0]) / w).floor().clip(0, nb - 1).cast(pl.UInt32)
    return idx.alias("bin").value_counts(name="n").implode()  # (bin, n) pairs; see _bin_counts


def _bin_counts(value: list[Any], nb: int) -> list[int]:
    """Counts per bin from ``_histogram``'s output: a plain list, or (bin, n) pairs."""
    if not value or not isinstance(value[0], dict):
        return [int(n) for n in value]
    counts = [0] * nb
    for d in value:
        counts[d["bin"]] = int(d["n"])
    return counts


def pass2_exprs(cp: ColumnProfile, key: str, dtype: pl.DataType, row1: dict[str, Any],
                ref_breaks: list[float] | None, *, exact_limit: int, bins: int) -> list[pl.Expr]:
    """Pass-2 expressions for one column (they need pass 1's min/max/percentiles/distinct)."""
    if cp.kind in ("null", "other") or cp.non_null == 0:
        return []
    c = pl.col(name := cp.name)
    small = int(row1[f"{key}_approx"]) <= exact_limit
    out: list[pl.Expr] = []
    if cp.kind in ("numeric", "temporal"):
        x = _finite_values(name, dtype) if cp.kind == "numeric" else _temporal_values(name)
        if small:
            out.append(c.drop_nulls().n_unique().alias(f"{key}_nunique"))
        q = row1[f"{key}_q"]
        if q and q[0] is not None:
            if cp.kind == "numeric":  # needs the median from pass 1
                out.append((x - q[50]).abs().median().alias(f"{key}_mad"))
            edges = histogram_edges(q[0], q[-1], bins)
            out.append(_histogram(x, edges).alias(f"{key}_hist"))
            cp.histogram = Histogram(edges=edges, counts=[])
            if cp.kind == "numeric":
                breaks = ref_breaks if ref_breaks is not None else sorted(set(q[1:-1]))
                edges = [-math.inf, *breaks, math.inf]
                out.append(x.hist(bins=edges).implode().alias(f"{key}_drift"))
                cp.drift_bins = DriftBins(breaks=[float(b) for b in breaks], counts=[])
    else:
        if small:
            v = (c.cast(pl.String) if cp.kind != "string" else c).drop_nulls().alias("v")
            out.append(v.value_counts(sort=True, name="n").implode().alias(f"{key}_vc"))
        elif cp.kind == "string":  # no value counts to read it from
            out.append(_numeric_text(c).sum().alias(f"{key}_num"))
        # Shapes of many distinct values need a scan; only fixed-width text can have a single
        # shape (a shape fixes the length), so only that is worth it. Otherwise the shapes come
        # from the value counts (fill_pass2).
        if (not small and cp.kind == "string" and cp.length_min == cp.length_max
                and (cp.length_max or 0) <= PATTERN_MAX_LENGTH):
            shape = shape_expr(c.drop_nulls()).alias("v")
            out.append(shape.value_counts(sort=True, name="n").head(PATTERN_TOP)
                       .implode().alias(f"{key}_shape"))
    return out


_SHAPE_FROM = [*string.ascii_uppercase, *string.ascii_lowercase, *string.digits]
_SHAPE_TO = ["A"] * 26 + ["a"] * 26 + ["9"] * 10


def shape_expr(text: pl.Expr) -> pl.Expr:
    """``DM-04630`` -> ``AA-99999``: one Aho-Corasick pass (twice as fast as three regexes)."""
    return text.str.replace_many(_SHAPE_FROM, _SHAPE_TO)


def _shapes_from_counts(df: pl.DataFrame) -> list[tuple[str, int]]:
    top = (df.group_by(shape_expr(pl.col("v"))).agg(pl.col("n").sum())
           .sort(["n", "v"], descending=[True, False]).head(PATTERN_TOP))
    return [(str(v), int(n)) for v, n in top.iter_rows()]


def fill_pass2(cp: ColumnProfile, row: dict[str, Any], key: str, row1: dict[str, Any],
               dtype: pl.DataType, *,
               frequency_limit: int, top_k: int, categorical_max: int, exact_limit: int) -> None:
    """Copy pass-2 values into ``cp``."""
    if cp.kind in ("null", "other"):
        return
    if cp.non_null == 0:
        cp.distinct, cp.distinct_exact = 0, True
        return
    if f"{key}_nunique" in row:
        cp.distinct, cp.distinct_exact = int(row[f"{key}_nunique"]), True
    if f"{key}_hist" in row and cp.histogram is not None:
        cp.histogram.counts = _bin_counts(row[f"{key}_hist"], len(cp.histogram.edges) - 1)
        if cp.kind == "temporal":  # charts take epoch milliseconds
            cp.histogram.edges = [e * _ms_factor(dtype) for e in cp.histogram.edges]
    if f"{key}_mad" in row:
        cp.mad = _num(row[f"{key}_mad"])
    if f"{key}_drift" in row and cp.drift_bins is not None:
        cp.drift_bins.counts = [int(n) for n in row[f"{key}_drift"]]
    if f"{key}_vc" in row:
        # value counts stay a polars frame (up to DISTINCT_EXACT_LIMIT rows): no Python loop
        vc: pl.DataFrame = row[f"{key}_vc"].sort(["n", "v"], descending=[True, False])
        cp.distinct, cp.distinct_exact = vc.height, True
        cp.top_values = [(str(v), int(n)) for v, n in vc.head(top_k).iter_rows()]
        if vc.height <= frequency_limit:
            cp.frequencies = {str(v): int(n) for v, n in vc.iter_rows()}
        else:  # near-unique text (ids, emails): category frequencies would say nothing
            cp.notes.append(f"{vc.height} distinct values (more than {frequency_limit}): no "
                            "category frequencies kept, so no value drift for this column")
        if cp.kind == "string":
            _note_mixed(cp, int(vc.select((_numeric_text(pl.col("v")) * pl.col("n")).sum()).item()))
            if (cp.length_max or 0) <= PATTERN_MAX_LENGTH:
                cp.patterns = _shapes_from_counts(vc)
            if vc.height <= categorical_max:
                cp.kind = "categorical"
    if f"{key}_num" in row:
        _note_mixed(cp, int(row[f"{key}_num"]))
    if f"{key}_shape" in row:
        cp.patterns = sorted(((str(d["v"]), int(d["n"])) for d in row[f"{key}_shape"]),
                             key=lambda t: (-t[1], t[0]))
    if not cp.distinct_exact:
        cp.notes.append(f"about {cp.distinct} distinct values (more than {exact_limit}): the "
                        "distinct count is approximate (HyperLogLog)"
                        + ("; top values are skipped" if cp.kind in ("string", "categorical") else ""))

