"""The k-nearest-neighbour graph behind the outlier and near-duplicate issues, at any size.

Up to ``EXACT_MAX`` rows the graph is exact (brute force, ``O(n^2)``: about 2 s at 20k rows on
2 cores). Above that an exact graph would dominate the run (1M rows: hours), so:

- **outliers**: each row's ``k`` nearest neighbours are searched among a seeded random reference
  sample of ``SAMPLE`` rows (itself excluded). The average distance then estimates the same local
  density at a coarser scale, which is what the outlier rule ranks.
- **near-duplicates**: the median nearest-neighbour distance is estimated from ``PROBE`` seeded
  random rows queried against all rows; candidate pairs come from hashing every row into grid
  cells of side ``0.13 x median`` (two grids offset by half a cell, categorical codes included),
  and each candidate's distance to its cell-mate is computed exactly. Pairs far closer than the
  radius share a cell in one of the grids (a copy whose values moved by 1% of the radius shares
  it with probability ~0.99 per moved value); pairs right at the radius can be missed. A row's
  nearest-neighbour distance is the smaller of its cell-mate's and its nearest sample row's.

scikit-learn is imported inside :func:`neighbours` (about 2 s to import), when neighbours are needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

#: Largest row count with an exact kNN graph.
EXACT_MAX = 20_000
#: Reference rows for the outlier neighbours above ``EXACT_MAX``.
SAMPLE = 2_000
#: Rows whose exact nearest-neighbour distance estimates the median above ``EXACT_MAX``.
PROBE = 500
_EPS = 1e-12


@dataclass(frozen=True)
class Neighbours:
    """The neighbour facts the detectors use.

    Attributes
    ----------
    distances, indices:
        ``(n, k)`` sorted distances to (and row indices of) neighbours, self excluded.
    nn_distance, nn_index:
        ``(n,)`` distance to (and index of) the nearest other row found.
    nn_median:
        Median nearest-neighbour distance (exact, or estimated from ``PROBE`` rows).
    exact:
        Whether the graph is exact.
    """

    distances: NDArray[Any]
    indices: NDArray[Any]
    nn_distance: NDArray[Any]
    nn_index: NDArray[Any]
    nn_median: float
    exact: bool


def neighbours(x: NDArray[Any], k: int, *, near_radius: float, exact_max: int = EXACT_MAX,
               seed: int = 0) -> Neighbours:
    """Neighbours of every row of ``x`` (float matrix without NaN).

    ``near_radius`` is the near-duplicate radius as a fraction of the median nearest-neighbour
    distance (it sizes the grid cells of the large-data path).
    """
    from sklearn.neighbors import NearestNeighbors

    n = x.shape[0]
    k = min(k, n - 1)
    if k < 1:
        empty = np.zeros((n, 0))
        return Neighbours(empty, empty.astype(np.int64), np.full(n, np.inf), np.arange(n), 1.0, True)
    if n <= exact_max:
        dist, idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x).kneighbors()
        return Neighbours(dist, idx, dist[:, 0], idx[:, 0], float(np.median(dist[:, 0])), True)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, size=min(SAMPLE, n), replace=False))
    k = min(k, sample.size - 1)
    dist, pos = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(x[sample]).kneighbors(x)
    idx = sample[pos]
    # Drop each sample row's match with itself (else the last, farthest, column).
    order = np.argsort(idx == np.arange(n)[:, None], axis=1, kind="stable")[:, :k]
    dist, idx = np.take_along_axis(dist, order, axis=1), np.take_along_axis(idx, order, axis=1)
    probe = rng.choice(n, size=min(PROBE, n), replace=False)
    pd, _ = NearestNeighbors(n_neighbors=2, algorithm="brute").fit(x).kneighbors(x[probe])
    median = max(float(np.median(pd[:, 1])), _EPS)
    nn_d, nn_i = dist[:, 0].copy(), idx[:, 0].copy()
    for offset in (0.0, 0.5):
        mate = _cell_mates(x, near_radius * median, offset)
        has = mate >= 0
        d = np.linalg.norm(x[has] - x[mate[has]], axis=1)
        rows = np.flatnonzero(has)
        better = d < nn_d[rows]
        nn_d[rows[better]], nn_i[rows[better]] = d[better], mate[rows[better]]
    return Neighbours(dist, idx, nn_d, nn_i, median, False)


def _cell_mates(x: NDArray[Any], side: float, offset: float) -> NDArray[Any]:
    """For each row, another row in the same grid cell (``-1`` if alone): the cell's first row,
    or for that first row the second."""
    cells = np.floor(x / max(side, _EPS) + offset)
    cells = np.clip(cells, -(2.0**62), 2.0**62).astype(np.int64)
    key = pl.DataFrame(cells, schema=[f"c{j}" for j in range(cells.shape[1])]).select(
        pl.struct(pl.all()).hash(seed=0).alias("key")).with_row_index("row")
    ranked = key.with_columns(
        pl.col("row").first().over("key").alias("first"),
        pl.col("row").slice(1, 1).first().over("key").alias("second"),
    )
    mate = ranked.select(
        pl.when(pl.col("row") == pl.col("first")).then(pl.col("second")).otherwise(pl.col("first"))
    ).to_series().fill_null(-1).to_numpy().astype(np.int64)
    return mate
