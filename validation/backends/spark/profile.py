"""Profile a dataset on Spark: the same ``Profile`` (and JSON) as the polars profile, in a few jobs.

- job 1: rows, and per column nulls, min/max/mean/std/sum/skewness/kurtosis, zeros, negatives,
  NaN/inf counts and string lengths (exact), in aggregations of a few columns each (one scan of
  just those columns each): sized so that each stays under ``spark.sql.codegen.maxFields``
  aggregation-buffer fields, the limit above which Spark runs the aggregate without whole-stage
  codegen (the 157 aggregates of a 20-column table in one ``agg`` ran interpreted, 5x slower);
  then one ``agg`` over every column of the sketches: the distinct count (a DataSketches
  HyperLogLog, ``hll_sketch_agg`` with ``HLL_LG_K``: 0.8% relative standard error) and 101
  percentiles by ``percentile_approx`` (rank error at most ``1 / PERCENTILE_ACCURACY`` of the
  rows). Sketches are Spark's imperative aggregates, which never get whole-stage codegen, so
  they are kept apart from the exact ones;
- job 2, one ``agg`` (only when needed): the median absolute deviation (``percentile_approx``)
  and the number-like values of near-unique text;
- job 3, one ``groupBy``: every (column, value) pair that needs counting, in one exploded
  aggregation: value frequencies of text and boolean columns, exact distinct counts of columns
  with at most ``DISTINCT_EXACT_LIMIT`` values, and the value shapes of fixed-width text;
  collected through Arrow (distinct values, never rows); and one ``groupBy`` of int codes:
  the equal-width histogram bins and the drift bins of numeric and temporal columns (a
  balanced ``CASE WHEN`` tree, 7 comparisons a row);
- job 4: duplicate rows, by grouping the rows' 64-bit hash (collision odds ~1e-5 at 20M rows);
  job 5 (with an id column): duplicated ids, exactly.

Exact fields are exact; ``distinct`` is exact up to the limit (counted in job 3 for the columns
whose sketch says at most ``DISTINCT_EXACT_LIMIT``) and the sketch's estimate above it; the
quantiles and ``mad`` are sketched (the profile's notes say so, as on polars). The results go
through the polars profile's own fill functions (``validation/profile_stats.py``), so both
engines write one format.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyspark.sql.functions as F
import pyspark.sql.types as T
from pyspark import StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession

from dataqa.validation.backends.spark.reader import (
    POSITION_COLUMN,
    SparkDataset,
    read_spark_dataset,
    spark_errors,
)
from dataqa.validation.profile import (
    CATEGORICAL_MAX,
    DISTINCT_EXACT_LIMIT,
    FREQUENCY_LIMIT,
    HISTOGRAM_BINS,
    TOP_K,
    kind_of,
    reference_breaks,
)
from dataqa.validation.profile_model import ColumnProfile, DriftBins, Histogram, Profile
from dataqa.validation.profile_stats import (
    PATTERN_MAX_LENGTH,
    PATTERN_TOP,
    PERCENTILES,
    fill_pass1,
    fill_pass2,
    histogram_edges,
)

#: log2 of the buckets of the distinct-count sketch (``hll_sketch_agg``): relative standard error
#: 1.04 / sqrt(2**14) = 0.8% (measured: 0.7-0.95% rms over 24 columns of 1M values, at a 40th of
#: the CPU of ``approx_count_distinct`` at its 1% setting; lg_k 12: 1.8%, no cheaper).
HLL_LG_K = 14
#: the stated error of ``HLL_LG_K`` (relative standard error of the distinct estimate).
DISTINCT_RSE = 1.04 / 2 ** (HLL_LG_K / 2)
#: Spark's default of ``spark.sql.codegen.maxFields`` (read from the session when set).
CODEGEN_MAX_FIELDS = 100
#: ``percentile_approx`` accuracy: a quantile's rank is within rows / 10,000 of the exact one.
PERCENTILE_ACCURACY = 10_000

_SHAPE_FROM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_SHAPE_TO = "A" * 26 + "a" * 26 + "9" * 10


def polars_dtype(dtype: T.DataType) -> pl.DataType:
    """The polars dtype a Spark column's values have (the profile records polars names)."""
    simple: list[tuple[type[T.DataType], pl.DataType]] = [
        (T.ByteType, pl.Int8()), (T.ShortType, pl.Int16()), (T.IntegerType, pl.Int32()),
        (T.LongType, pl.Int64()), (T.FloatType, pl.Float32()), (T.DoubleType, pl.Float64()),
        (T.StringType, pl.String()), (T.BooleanType, pl.Boolean()), (T.DateType, pl.Date()),
        (T.TimestampNTZType, pl.Datetime("us")), (T.TimestampType, pl.Datetime("us", "UTC")),
        (T.NullType, pl.Null()), (T.BinaryType, pl.Binary()),
    ]
    for cls, pdt in simple:
        if isinstance(dtype, cls):
            return pdt
    if isinstance(dtype, T.DecimalType):
        return pl.Decimal(dtype.precision, dtype.scale)
    if isinstance(dtype, T.ArrayType):
        return pl.List(polars_dtype(dtype.elementType))
    return pl.Object()


def profile_spark(
    data: str | Path | DataFrame | SparkDataset,
    *,
    spark: SparkSession,
    id_column: str | None = None,
    reference: Profile | None = None,
) -> Profile:
    """Compute the profile of a dataset on Spark (same format as ``validation.profile.profile``).

    Parameters
    ----------
    data:
        A file, a directory or glob of Parquet files, a pyspark DataFrame, or a ``SparkDataset``.
    spark:
        The session (``get_spark()``).
    id_column:
        Key column: its duplicated values are counted in ``duplicate_ids``.
    reference:
        A reference profile: numeric columns are binned on its drift-bin breaks.

    Raises
    ------
    FileFormatError, MissingColumnError
        The data cannot be read (the polars reader's messages).
    """
    if isinstance(data, SparkDataset):
        ds = data
    else:
        ds = read_spark_dataset(data if isinstance(data, DataFrame) else str(data), spark=spark,
                                id_column=id_column, check_ids=False)
    with spark_errors(ds.path):
        return _profile(ds, reference)


def _profile(ds: SparkDataset, reference: Profile | None) -> Profile:
    df = ds.df.drop(POSITION_COLUMN)
    fields = {f.name: f.dataType for f in df.schema.fields}
    names = list(fields)
    dtypes = {n: polars_dtype(fields[n]) for n in names}
    kinds = {n: kind_of(dtypes[n]) if not isinstance(dtypes[n], pl.Object) else "other" for n in names}
    keys = {n: f"c{i}" for i, n in enumerate(names)}

    row1 = _fix_quantiles(_job1(df, names, keys, kinds, fields), names, keys)
    rows = int(row1["__rows"])

    cols: list[ColumnProfile] = []
    for n in names:
        cp = ColumnProfile(name=n, dtype=str(dtypes[n]), kind=kinds[n], count=rows, null_count=0)
        fill_pass1(cp, row1, keys[n], dtypes[n])
        cols.append(cp)

    ref_breaks = reference_breaks(reference)
    row2: dict[str, Any] = {}
    aggs2: list[Column] = []
    pairs: list[Column] = []
    keep_values: set[str] = set()
    binned: dict[str, tuple[Column, int]] = {}
    for cp in cols:
        a, p, keep = _pass2(cp, keys[cp.name], fields[cp.name], row1, ref_breaks.get(cp.name), binned)
        aggs2 += a
        pairs += p
        keep_values |= keep
    if aggs2:
        row2.update(df.agg(*aggs2).first().asDict())  # type: ignore[union-attr]
    if pairs:
        row2.update(_count_pairs(df, pairs, keep_values))
    if binned:
        row2.update(_count_bins(df, binned))
    for cp in cols:
        fill_pass2(cp, row2, keys[cp.name], row1, dtypes[cp.name], frequency_limit=FREQUENCY_LIMIT,
                   top_k=TOP_K, categorical_max=CATEGORICAL_MAX, exact_limit=DISTINCT_EXACT_LIMIT)

    notes: list[str] = []
    if rows == 0:
        notes.append("the dataset has no rows: only the schema is profiled")
    dup_rows = _duplicate_rows(df, names) if names and rows else 0
    dup_ids = None
    if ds.id_column is not None:
        idc = F.col(f"`{ds.id_column}`")
        nulls, distinct = df.agg(F.count_if(idc.isNull()), F.count_distinct(idc)).first()  # type: ignore[misc]
        dup_ids = rows - int(nulls) - int(distinct)
        if nulls:
            notes.append(f"id column '{ds.id_column}' has {nulls} null value(s)")
    return Profile(source=ds.path, rows=rows, n_columns=len(names), duplicate_rows=dup_rows,
                   columns=cols, id_column=ds.id_column, duplicate_ids=dup_ids, notes=notes)


def _finite(name: str, dtype: T.DataType) -> Column:
    """The column as double, null where it is NaN or infinite (those are counted apart)."""
    x = F.col(f"`{name}`").cast("double")
    if isinstance(dtype, (T.FloatType, T.DoubleType)):
        return F.when(~F.isnan(x) & (F.abs(x) != float("inf")), x)
    return x


def _physical(name: str, dtype: T.DataType) -> Column:
    """Dates as days, timestamps as microseconds since the epoch: polars' physical values."""
    c = F.col(f"`{name}`")
    if isinstance(dtype, T.DateType):
        return F.unix_date(c).cast("double")
    return F.unix_micros(c.cast("timestamp")).cast("double")


def _quantiles(x: Column) -> Column:
    return F.percentile_approx(x, PERCENTILES, PERCENTILE_ACCURACY)


def _job1(df: DataFrame, names: list[str], keys: dict[str, str], kinds: Mapping[str, str],
          fields: dict[str, T.DataType]) -> dict[str, Any]:
    """Pass 1: the exact aggregates in codegen-sized groups, then every sketch in one ``agg``."""
    spark = df.sparkSession
    budget = int(spark.conf.get("spark.sql.codegen.maxFields", str(CODEGEN_MAX_FIELDS)) or CODEGEN_MAX_FIELDS)
    groups: list[list[Column]] = [[F.count(F.lit(1)).alias("__rows")]]
    used = 1
    sketches: list[Column] = []
    for n in names:
        exact, sketch = _pass1(n, keys[n], kinds[n], fields[n])
        width = sum(w for _, w in exact)
        if used + width > budget and groups[-1]:
            groups.append([])
            used = 0
        groups[-1] += [c for c, _ in exact]
        used += width
        sketches += sketch
    row: dict[str, Any] = {}
    for group in groups:
        row.update(df.agg(*group).first().asDict())  # type: ignore[union-attr]
    if sketches:
        row.update(df.agg(*sketches).first().asDict())  # type: ignore[union-attr]
    return row


def _distinct(c: Column, dtype: T.DataType) -> Column:
    """The distinct count of ``c``'s non-null values, by a DataSketches HyperLogLog sketch.

    ``hll_sketch_agg`` takes ints, longs, strings and binary; other types go in as their 64-bit
    ``xxhash64`` (collision odds ~1e-5 at 20M distinct values, far below the sketch's error),
    null kept null (``xxhash64`` of null is its seed, which the sketch would count).
    """
    if isinstance(dtype, (T.ByteType, T.ShortType)):
        x = c.cast("int")
    elif isinstance(dtype, (T.IntegerType, T.LongType, T.StringType, T.BinaryType)):
        x = c
    else:
        x = F.when(c.isNotNull(), F.xxhash64(c))
    return F.hll_sketch_estimate(F.hll_sketch_agg(x, HLL_LG_K))


def _pass1(name: str, key: str, kind: str,
           dtype: T.DataType) -> tuple[list[tuple[Column, int]], list[Column]]:
    """One column's exact aggregates, each with its number of aggregation-buffer fields (the
    codegen budget), and its sketches."""
    c = F.col(f"`{name}`")
    exact = [(F.count_if(c.isNull()).alias(f"{key}_nulls"), 1)]
    if kind in ("null", "other"):
        return exact, []
    sketch = [_distinct(c, dtype).alias(f"{key}_approx")]
    if kind == "numeric":
        x = _finite(name, dtype)
        # buffers: avg (sum, count), stddev (n, avg, m2), skewness + m3, kurtosis + m4
        exact += [(F.min(x).alias(f"{key}_min"), 1), (F.max(x).alias(f"{key}_max"), 1),
                  (F.avg(x).alias(f"{key}_mean"), 2), (F.stddev_samp(x).alias(f"{key}_std"), 3),
                  (F.coalesce(F.sum(x), F.lit(0.0)).alias(f"{key}_sum"), 1),  # 0 on no rows, as polars
                  (F.skewness(x).alias(f"{key}_skew"), 4), (F.kurtosis(x).alias(f"{key}_kurt"), 5),
                  (F.count_if(x == 0).alias(f"{key}_zeros"), 1),
                  (F.count_if(x < 0).alias(f"{key}_neg"), 1)]
        sketch.append(_quantiles(x).alias(f"{key}_q"))
        if isinstance(dtype, (T.FloatType, T.DoubleType)):
            exact += [(F.count_if(F.isnan(c)).alias(f"{key}_nan"), 1),
                      (F.count_if(F.abs(c) == float("inf")).alias(f"{key}_inf"), 1)]
    elif kind == "temporal":
        x = _physical(name, dtype)
        exact += [(F.min(x).alias(f"{key}_min"), 1), (F.max(x).alias(f"{key}_max"), 1),
                  (F.avg(x).alias(f"{key}_mean"), 2)]
        sketch.append(_quantiles(x).alias(f"{key}_q"))
    elif kind == "string":
        n = F.char_length(c)
        exact += [(F.min(n).alias(f"{key}_lmin"), 1), (F.max(n).alias(f"{key}_lmax"), 1),
                  (F.avg(n).alias(f"{key}_lmean"), 2)]
    return exact, sketch


def _fix_quantiles(row: dict[str, Any], names: list[str], keys: dict[str, str]) -> dict[str, Any]:
    """Spark's empty-input skewness/kurtosis/std are NaN or null like polars'; lists as floats."""
    for n in names:
        q = row.get(f"{keys[n]}_q")
        if q is not None:
            row[f"{keys[n]}_q"] = [float(v) for v in q]
        for s in ("min", "max", "mean", "std", "sum", "skew", "kurt"):
            v = row.get(f"{keys[n]}_{s}")
            if v is not None and not isinstance(v, float):
                row[f"{keys[n]}_{s}"] = float(v)
    return row


def bucket(x: Column, breaks: list[float]) -> Column:
    """How many ``breaks`` are below ``x``: the drift bin ``(b[i-1], b[i]]`` of ``x``.

    A balanced tree of ``CASE WHEN`` (log2 comparisons a row, compiled by Spark's codegen).
    """
    def node(lo: int, hi: int) -> Column:
        if lo == hi:
            return F.lit(lo)
        mid = (lo + hi) // 2
        return F.when(x <= F.lit(breaks[mid]), node(lo, mid)).otherwise(node(mid + 1, hi))
    return node(0, len(breaks))


def _pair(tag: str, value: Column) -> Column:
    return F.struct(F.lit(tag).alias("k"), value.cast("string").alias("v"))


def _pass2(cp: ColumnProfile, key: str, dtype: T.DataType, row1: dict[str, Any],
           ref_breaks: list[float] | None,
           binned: dict[str, tuple[Column, int]]) -> tuple[list[Column], list[Column], set[str]]:
    """Job-2 aggregates, job-3 (key, value) pairs, and the keys whose values are collected
    (``binned`` receives each histogram and drift key's bin index and number of bins)."""
    if cp.kind in ("null", "other") or cp.non_null == 0:
        return [], [], set()
    c = F.col(f"`{cp.name}`")
    small = int(row1[f"{key}_approx"]) <= DISTINCT_EXACT_LIMIT
    aggs: list[Column] = []
    pairs: list[Column] = []
    keep: set[str] = set()
    if cp.kind in ("numeric", "temporal"):
        x = _finite(cp.name, dtype) if cp.kind == "numeric" else _physical(cp.name, dtype)
        if small:  # distinct values counted in job 3, not collected
            pairs.append(_pair(f"{key}_nunique", c))
        q = row1[f"{key}_q"]
        if q and q[0] is not None:
            if cp.kind == "numeric":
                aggs.append(F.percentile_approx(F.abs(x - F.lit(q[50])), 0.5, PERCENTILE_ACCURACY)
                            .alias(f"{key}_mad"))
            edges = histogram_edges(q[0], q[-1], HISTOGRAM_BINS)
            nb = len(edges) - 1
            w = (edges[-1] - edges[0]) / nb
            # greatest/least skip nulls, so null (NaN, inf, missing) must stay out explicitly
            idx = F.when(x.isNotNull(),
                         F.least(F.greatest(F.floor((x - F.lit(edges[0])) / F.lit(w)), F.lit(0)),
                                 F.lit(nb - 1)) if nb > 1 and w > 0 else F.lit(0))
            binned[f"{key}_hist"] = (idx, nb)
            cp.histogram = Histogram(edges=edges, counts=[])
            if cp.kind == "numeric":
                breaks = ref_breaks if ref_breaks is not None else sorted(set(q[1:-1]))
                binned[f"{key}_drift"] = (F.when(x.isNotNull(), bucket(x, breaks)), len(breaks) + 1)
                cp.drift_bins = DriftBins(breaks=[float(b) for b in breaks], counts=[])
    else:
        if small:
            pairs.append(_pair(f"{key}_vc", c))
            keep.add(f"{key}_vc")
        elif cp.kind == "string":
            # try_cast: under ANSI mode (Spark 4 default) a plain cast of non-numeric text raises
            number = F.trim(c).try_cast("double").isNotNull()
            aggs.append(F.count_if(number).alias(f"{key}_num"))
        if (not small and cp.kind == "string" and cp.length_min == cp.length_max
                and (cp.length_max or 0) <= PATTERN_MAX_LENGTH):
            pairs.append(_pair(f"{key}_shape", F.translate(c, _SHAPE_FROM, _SHAPE_TO)))
            keep.add(f"{key}_shape")
    return aggs, pairs, keep


def _count_pairs(df: DataFrame, pairs: list[Column], keep: set[str]) -> dict[str, Any]:
    """Job 3: count every (key, value) pair in one aggregation; results in the fill format."""
    exploded = df.select(F.explode(F.array(*pairs)).alias("p")).select("p.k", "p.v").where("v IS NOT NULL")
    # cached: the two branches of the union below would otherwise each explode and group the
    # whole table (the filter on k is pushed under the grouping, so Spark cannot reuse one)
    counts = exploded.groupBy("k", "v").agg(F.count(F.lit(1)).alias("n")).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        distinct = counts.groupBy("k").agg(F.count(F.lit(1)).alias("d"))
        # collected: value counts where kept (distinct values, at most the exact limit per column),
        # and one distinct count per other key
        kept = counts.where(F.col("k").isin(sorted(keep))) if keep else counts.limit(0)
        table = pl.from_arrow(kept.unionByName(
            distinct.select("k", F.lit(None).cast("string").alias("v"), F.col("d").alias("n"))).toArrow())
    finally:
        counts.unpersist()
    assert isinstance(table, pl.DataFrame)
    out: dict[str, Any] = {}
    for (k,), part in table.partition_by("k", as_dict=True).items():
        k = str(k)
        vals = part.filter(pl.col("v").is_not_null()).select("v", pl.col("n").cast(pl.Int64))
        if k.endswith("_nunique"):
            out[k] = int(part.filter(pl.col("v").is_null())["n"][0])
        elif k.endswith("_vc"):
            out[k] = vals
        else:  # _shape
            top = vals.sort(["n", "v"], descending=[True, False]).head(PATTERN_TOP)
            out[k] = top.to_dicts()
    return out


def _count_bins(df: DataFrame, binned: dict[str, tuple[Column, int]]) -> dict[str, list[int]]:
    """Job 3b: the histogram and drift bin counts, each (key, bin) coded as one int
    (key number * stride + bin), exploded and grouped: no string casts or (key, value) structs,
    which cost job 3 about 2 us a pair."""
    keys = list(binned)
    stride = max(nb for _, nb in binned.values())
    codes = [F.lit(i * stride) + idx.cast("int") for i, (idx, _) in enumerate(binned.values())]
    counted = (df.select(F.explode(F.array(*codes)).alias("c")).where("c IS NOT NULL")
               .groupBy("c").agg(F.count(F.lit(1)).alias("n")))
    out = {k: [0] * nb for k, (_, nb) in binned.items()}
    for code, n in counted.collect():  # at most stride rows a key
        out[keys[code // stride]][code % stride] = int(n)
    return out


def _duplicate_rows(df: DataFrame, names: list[str]) -> int:
    """Rows equal to an earlier row: rows minus distinct row hashes (one grouping job)."""
    hashable = [n for n in names if not isinstance(df.schema[n].dataType, T.MapType)]
    cols = [F.col(f"`{n}`") for n in hashable] or [F.lit(1)]
    h = df.select(F.xxhash64(*cols).alias("h")).groupBy("h").agg(F.count(F.lit(1)).alias("n"))
    extra = h.agg(F.sum(F.col("n") - 1)).first()[0]  # type: ignore[index]
    return int(extra or 0)


__all__ = ["profile_spark", "polars_dtype", "bucket", "HLL_LG_K", "DISTINCT_RSE", "PERCENTILE_ACCURACY"]
