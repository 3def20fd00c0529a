"""Bounded memory for the polars backend: failing rows spilled to Parquet, duplicates by bucket.

On a large dataset (``PolarsBackend(spill_rows=...)``) nothing grows with the table or with the
failing rows:

- The failing-rows queries are *sunk* to Parquet files in a temporary folder by polars'
  streaming engine instead of being collected. Counts, the first N rows per check and the
  ``--failures`` file are then read from those files lazily (a top-k by row position, a sum,
  a streaming copy).
- A check whose row flags need the whole column only to compare rows holding the same value
  (``is_duplicated``, ``is_unique``, ``is_first_distinct``, ``is_last_distinct`` of one
  expression: uniqueness of a column or of a combination) is exact within a partition of the
  rows by the hash of that expression. Such checks run bucket by bucket (``bucket_count`` buckets
  of at most ``BUCKET_ROWS`` rows each), each bucket holding only its share of the column.
  Other whole-column checks (order, windows, Python predicates) run in one query as before.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dataqa.validation.backends.base import Compiled
from dataqa.validation.backends.polars.query import Group, row_exprs, rows_query, whole_column_ops
from dataqa.validation.registry import IDX

#: Rows per hash bucket of a duplicate check: bounds the memory of one bucket (~40 bytes a row).
BUCKET_ROWS = 12_000_000
#: Whole-column operations whose result for a row depends only on rows with an equal argument.
_PARTITIONABLE = ("is_duplicated()", "is_unique()", "is_first_distinct()", "is_last_distinct()")
_SEED = 42


def partition_key(c: Compiled) -> pl.Expr | None:
    """The expression whose hash partitions the rows exactly for check ``c``, or ``None``.

    ``c`` qualifies when every whole-column operation in its row expressions is one of the
    partitionable ones, all applied to the same argument.
    """
    used = whole_column_ops(c)
    if not used or any(op.lstrip(".") not in {p[:-1] for p in _PARTITIONABLE} for op in used):
        return None
    args: dict[str, pl.Expr] = {}
    stack = row_exprs(c)
    while stack:
        node = stack.pop()
        children = node.meta.pop()
        if len(children) == 1 and any(str(node).endswith("." + p) for p in _PARTITIONABLE):
            args[str(children[0])] = children[0]
        stack.extend(children)
    return next(iter(args.values())) if len(args) == 1 else None


def bucket_count(rows: int, bucket_rows: int = BUCKET_ROWS) -> int:
    """How many hash buckets keep each bucket at most ``bucket_rows`` rows (on average)."""
    return max(1, -(-rows // bucket_rows))


def sink_group(base: pl.LazyFrame, group: Group, folder: Path, name: str,
               buckets: int) -> list[tuple[list[Compiled], pl.LazyFrame]]:
    """Write the failing rows of a group of checks to Parquet in ``folder``; returns lazy scans
    of what was written, one per sub-group (checks sharing a partition key run bucket by bucket)."""
    checks, _ = group
    by_key: dict[str, tuple[pl.Expr, list[Compiled]]] = {}
    rest: list[Compiled] = []
    for c in checks:
        key = partition_key(c) if buckets > 1 else None
        if key is None:
            rest.append(c)
        else:
            by_key.setdefault(str(key), (key, []))[1].append(c)
    out: list[tuple[list[Compiled], pl.LazyFrame]] = []
    if rest:
        path = folder / f"{name}.parquet"
        rows_query(base, rest).sink_parquet(path, engine="streaming")
        out.append((rest, pl.scan_parquet(path)))
    for k, (key, members) in enumerate(by_key.values()):
        paths = []
        for b in range(buckets):
            path = folder / f"{name}-k{k}-b{b}.parquet"
            part = base.filter(key.hash(_SEED) % buckets == b)
            rows_query(part, members).sink_parquet(path, engine="streaming")
            paths.append(path)
        out.append((members, pl.scan_parquet(paths)))
    return out


def first_rows(failing: pl.LazyFrame, n: int | None) -> pl.DataFrame:
    """The failing rows in row order, only the first ``n`` (a top-k, not a sort) when given."""
    ordered = failing.sort(IDX) if n is None else failing.bottom_k(n, by=IDX).sort(IDX)
    return ordered.drop(IDX).collect(engine="streaming")


def flag_counts(groups: list[tuple[list[Compiled], pl.LazyFrame]]) -> dict[int, int]:
    """Failing rows per check: the sums of the flags, one query per group."""
    counts: dict[int, int] = {}
    for checks, frame in groups:
        row = frame.select([pl.col(c.flag_column).sum().alias(str(c.index)) for c in checks]).collect(
            engine="streaming").row(0)
        counts.update({c.index: int(v or 0) for c, v in zip(checks, row)})
    return counts
