"""The passes of a large Parquet profile in bounded memory: nothing holds a whole column.

``validation/profile.py`` profiles Parquet data of ``COLUMNWISE_ROWS`` rows or more a column at a
time on polars' streaming engine. What would still grow with the rows is done here instead:

- Quantiles (pass 1) of more than ``QUANTILE_EXACT_ROWS`` rows, and the median deviation, come
  from an Apache DataSketches KLL sketch fed batch by batch (a few hundred KB whatever the rows).
  They are approximate, with the normalized rank error ``QUANTILE_RANK_ERROR``; every other
  field stays exact, and so do the histogram and drift-bin *counts* (on the sketched breaks).
- Histogram and drift-bin counts are ``numpy.bincount`` of each streamed batch, summed.
- Value counts, exact distinct counts and value shapes are streaming ``group_by``s (memory is
  the groups, not the rows); shapes of many distinct values run in hash buckets.
- Duplicate rows: the 64-bit hash of every row is sunk to a temporary Parquet file, then its
  distinct count is taken hash bucket by hash bucket (like ``backends/polars/spill.py``).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from datasketches import kll_doubles_sketch

from dataqa.io import collect
from dataqa.validation.backends.polars.spill import bucket_count
from dataqa.validation.profile_model import ColumnProfile, DriftBins, Histogram
from dataqa.validation.profile_stats import (
    PATTERN_MAX_LENGTH,
    PATTERN_TOP,
    PERCENTILES,
    _finite_values,
    _numeric_text,
    _temporal_values,
    histogram_edges,
    shape_expr,
)

#: Above this many rows quantiles come from the KLL sketch (exact quantiles hold the column:
#: ~0.5 GB a column at 20M rows, so 10M rows cost at most ~0.25 GB).
QUANTILE_EXACT_ROWS = 10_000_000
#: KLL accuracy parameter: ~12k retained values (~100 KB) a sketch.
SKETCH_K = 4000
#: Normalized rank error of a sketched quantile (99% confidence): the p50 reported is a value
#: whose rank lies within 0.5 +- this of the true one.
QUANTILE_RANK_ERROR = kll_doubles_sketch.get_normalized_rank_error(SKETCH_K, False)
#: Rows a batch of a streamed column (40 MB of float64).
BATCH_ROWS = 5_000_000
#: Distinct shapes a hash bucket of the shape count holds at most (on average).
SHAPE_BUCKET_GROUPS = 4_000_000
#: Row hashes a bucket of the duplicate count holds at most (8 bytes each plus its hash table).
HASH_BUCKET_ROWS = 12_000_000
_SEED = 42


def _streamed(lf: pl.LazyFrame, source: str) -> pl.DataFrame:
    try:
        return lf.collect(engine="streaming")
    except pl.exceptions.PolarsError:
        return collect(lf, source)  # translates a read error into FileFormatError


def _batches(lf: pl.LazyFrame, x: pl.Expr, rows: int, source: str) -> Iterator[npt.NDArray[np.float64]]:
    """The values of ``x`` (float64, no nulls) in batches of ``BATCH_ROWS`` input rows: Parquet
    row groups outside a slice are not decoded."""
    for start in range(0, rows, BATCH_ROWS):
        part = _streamed(lf.slice(start, BATCH_ROWS).select(x.alias("x")), source)
        if part.height:
            yield part["x"].to_numpy()


def sketch_quantiles(lf: pl.LazyFrame, name: str, kind: str, dtype: pl.DataType, rows: int,
                     source: str) -> list[float] | None:
    """The 101 ``PERCENTILES`` of a numeric or temporal column from a KLL sketch (the first and
    last are the exact min and max); ``None`` without values."""
    x = _finite_values(name, dtype) if kind == "numeric" else _temporal_values(name)
    sketch = kll_doubles_sketch(SKETCH_K)
    for values in _batches(lf, x, rows, source):
        sketch.update(values)
    if sketch.is_empty():
        return None
    q = [float(v) for v in sketch.get_quantiles(PERCENTILES)]
    q[0], q[-1] = float(sketch.get_min_value()), float(sketch.get_max_value())
    return q


def _bins_of(values: npt.NDArray[np.float64], edges: list[float]) -> npt.NDArray[np.int64]:
    """Counts per bin with ``profile_stats._histogram``'s arithmetic (equal width), or with
    ``Expr.hist``'s bins (first closed, the others right-closed) when the width is unusable."""
    nb = len(edges) - 1
    w = (edges[-1] - edges[0]) / nb
    if nb < 2 or not math.isfinite(w) or w <= 0:
        e = np.asarray(edges)
        inside = values[(values >= e[0]) & (values <= e[-1])]
        idx = np.maximum(np.searchsorted(e, inside, side="left") - 1, 0)
        return np.bincount(idx, minlength=nb)[:nb].astype(np.int64)
    idx = np.clip(np.floor((values - edges[0]) / w), 0, nb - 1).astype(np.int64)
    return np.bincount(idx, minlength=nb).astype(np.int64)


def _numeric_pass2(lf: pl.LazyFrame, cp: ColumnProfile, key: str, dtype: pl.DataType, q: list[float],
                   ref_breaks: list[float] | None, rows: int, source: str, bins: int) -> dict[str, Any]:
    """Histogram, drift bins and median deviation of a numeric/temporal column in one streamed
    pass (sums of per-batch ``bincount``s; the deviation from the KLL sketch above
    ``QUANTILE_EXACT_ROWS`` rows, else exact)."""
    numeric = cp.kind == "numeric"
    x = _finite_values(cp.name, dtype) if numeric else _temporal_values(cp.name)
    edges = histogram_edges(q[0], q[-1], bins)
    cp.histogram = Histogram(edges=edges, counts=[])
    hist = np.zeros(len(edges) - 1, dtype=np.int64)
    breaks: list[float] = []
    if numeric:
        breaks = ref_breaks if ref_breaks is not None else sorted(set(q[1:-1]))
        cp.drift_bins = DriftBins(breaks=[float(b) for b in breaks], counts=[])
    drift = np.zeros(len(breaks) + 1, dtype=np.int64)
    sorted_breaks = np.asarray(breaks, dtype=np.float64)
    deviation = kll_doubles_sketch(SKETCH_K) if numeric and rows > QUANTILE_EXACT_ROWS else None
    for values in _batches(lf, x, rows, source):
        hist += _bins_of(values, edges)
        if numeric:
            # Expr.hist on [-inf, *breaks, inf]: a value equal to a break falls in the bin below
            drift += np.bincount(np.searchsorted(sorted_breaks, values, side="left"),
                                 minlength=len(breaks) + 1)
        if deviation is not None:
            deviation.update(np.abs(values - q[50]))
    out: dict[str, Any] = {f"{key}_hist": hist.tolist()}
    if numeric:
        out[f"{key}_drift"] = drift.tolist()
        if deviation is not None:
            out[f"{key}_mad"] = None if deviation.is_empty() else float(deviation.get_quantile(0.5))
        else:
            mad = _streamed(lf.select((x - q[50]).abs().median().alias("m")), source)
            out[f"{key}_mad"] = mad["m"][0]
    return out


def _shapes(lf: pl.LazyFrame, c: pl.Expr, distinct: int, source: str) -> list[dict[str, Any]]:
    """The ``PATTERN_TOP`` most frequent shapes: a streaming ``group_by`` per hash bucket of the
    shape (each shape lives in one bucket, so the top of the bucket tops is exact)."""
    buckets = bucket_count(distinct, SHAPE_BUCKET_GROUPS)
    shape = shape_expr(c).alias("v")
    tops = []
    for b in range(buckets):
        frame = lf.select(shape).drop_nulls()
        if buckets > 1:
            frame = frame.filter(pl.col("v").hash(_SEED) % buckets == b)
        counts = _streamed(frame.group_by("v").agg(pl.len().alias("n")), source)
        tops.append(counts.sort(["n", "v"], descending=[True, False]).head(PATTERN_TOP))
    top = pl.concat(tops).sort(["n", "v"], descending=[True, False]).head(PATTERN_TOP)
    return top.to_dicts()


def pass2_streamed(lf: pl.LazyFrame, cp: ColumnProfile, key: str, dtype: pl.DataType,
                   row1: dict[str, Any], ref_breaks: list[float] | None, *, rows: int, source: str,
                   exact_limit: int, bins: int) -> dict[str, Any]:
    """``profile_stats.pass2_exprs``' results for one column, under the same names, in bounded
    memory (``profile_stats.fill_pass2`` reads either)."""
    if cp.kind in ("null", "other") or cp.non_null == 0:
        return {}
    c = pl.col(cp.name)
    small = int(row1[f"{key}_approx"]) <= exact_limit
    out: dict[str, Any] = {}
    if cp.kind in ("numeric", "temporal"):
        if small:
            n = _streamed(lf.select(c.alias("v")).drop_nulls().unique().select(pl.len()), source)
            out[f"{key}_nunique"] = n.item()
        q = row1[f"{key}_q"]
        if q and q[0] is not None:
            out.update(_numeric_pass2(lf, cp, key, dtype, q, ref_breaks, rows, source, bins))
        return out
    if small:
        v = (c.cast(pl.String) if cp.kind != "string" else c).alias("v")
        out[f"{key}_vc"] = _streamed(lf.select(v).drop_nulls().group_by("v").agg(pl.len().alias("n")), source)
    elif cp.kind == "string":
        out[f"{key}_num"] = _streamed(lf.select(_numeric_text(c).sum().alias("n")), source).item()
    if (not small and cp.kind == "string" and cp.length_min == cp.length_max
            and (cp.length_max or 0) <= PATTERN_MAX_LENGTH):
        out[f"{key}_shape"] = _shapes(lf, c, int(row1[f"{key}_approx"]), source)
    return out


def duplicate_rows(lf: pl.LazyFrame, rows: int, source: str) -> dict[str, Any]:
    """``profile.duplicate_row_exprs``' two numbers: every row is a candidate; its 64-bit hash
    is sunk to a temporary Parquet file (8 bytes a row on disk), whose distinct count is then
    summed over hash buckets of at most ``HASH_BUCKET_ROWS`` rows."""
    buckets = bucket_count(rows, HASH_BUCKET_ROWS)
    with tempfile.TemporaryDirectory(prefix="dataqa-profile-") as tmp:
        path = Path(tmp) / "row-hashes.parquet"
        try:
            lf.select(pl.struct(pl.all()).hash(_SEED).alias("h")).sink_parquet(path, engine="streaming")
        except pl.exceptions.PolarsError:
            collect(lf.select(pl.len()), source)  # names the unreadable file
            raise
        hashes = pl.scan_parquet(path)
        distinct = 0
        for b in range(buckets):
            part = hashes.filter(pl.col("h") % buckets == b) if buckets > 1 else hashes
            distinct += int(part.unique().select(pl.len()).collect(engine="streaming").item())
    return {"__dup_candidates": rows, "__dup_distinct": distinct}
