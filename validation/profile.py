"""Profile a dataset with polars in two lazy passes.

Pass 1 is one ``select`` of every per-column aggregate (counts, nulls, approximate distinct,
min/max/mean/std and 101 percentiles over the finite values, NaN/inf counts, string lengths,
row-hash distinct for duplicate rows, id distinct). Pass 2 is one ``select`` that needs pass 1's
results: equal-width histograms between the observed min and max, counts in the percentile bins
kept for drift, exact distinct counts (only where pass 1 saw at most ``DISTINCT_EXACT_LIMIT``
values) and value frequencies of text, categorical and boolean columns.

Small data is read once and each pass is one ``select``. Parquet data of ``COLUMNWISE_ROWS`` rows
or more is never read whole: pass 1 runs one select per column on polars' streaming engine
(Parquet decodes just that column) and pass 2 and the duplicate rows run in bounded memory
(``validation/profile_stream.py``): nothing holds a whole column. Exact fields are the same
either way; means and moments can differ in the last bits (summation order). Above
``profile_stream.QUANTILE_EXACT_ROWS`` rows, quantiles, the median deviation and the drift-bin
breaks come from a KLL sketch (noted in each such column with its rank error).

Never goes through pandas. The result is a ``Profile`` (``validation/profile_model.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from dataqa.errors import FileFormatError
from dataqa.io import Dataset, collect, read_dataset
from dataqa.validation.profile_model import (
    ColumnProfile,
    DriftBins,
    Histogram,
    Kind,
    Profile,
    is_profile_file,
    load_profile,
)
from dataqa.validation.profile_stats import column_aggs, fill_pass1, fill_pass2, pass2_exprs
from dataqa.validation.profile_stream import (
    QUANTILE_EXACT_ROWS,
    QUANTILE_RANK_ERROR,
    duplicate_rows,
    pass2_streamed,
    sketch_quantiles,
)

#: Above this many (approximate) distinct values a column's distinct count stays approximate
#: and text columns get no value frequencies (they are near-unique, like ids or emails).
DISTINCT_EXACT_LIMIT = 100_000
#: At most this many category frequencies are stored per column (enough for drift).
FREQUENCY_LIMIT = 1_000
#: Text columns with at most this many distinct values are reported as ``categorical``.
CATEGORICAL_MAX = 50
#: Equal-width display bins per numeric/temporal column.
HISTOGRAM_BINS = 20
#: How many top values are listed per text/categorical column.
TOP_K = 10
#: Parquet data with at least this many rows is profiled a column at a time from the scan,
#: never read whole, in bounded memory (20M rows of the benchmark table took 5.8 GB read whole).
COLUMNWISE_ROWS = 2_000_000


def kind_of(dtype: pl.DataType) -> Kind:
    """The profile kind of a polars dtype (text refined to ``categorical`` after counting)."""
    if dtype == pl.Null:
        return "null"
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_temporal():
        return "temporal"
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "categorical"
    if dtype == pl.String:
        return "string"
    return "other"


def _as_dataset(data: Any, id_column: str | None) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pl.DataFrame):
        return Dataset(path="<DataFrame>", lf=data.lazy(), id_column=id_column)
    if isinstance(data, pl.LazyFrame):
        return Dataset(path="<LazyFrame>", lf=data, id_column=id_column)
    return read_dataset(data, id_column=id_column, check_ids=False)


def profile(
    data: str | Path | Dataset | pl.DataFrame | pl.LazyFrame,
    *,
    id_column: str | None = None,
    reference: Profile | None = None,
    duplicates: bool = True,
) -> Profile:
    """Compute the profile of a dataset.

    Parameters
    ----------
    data:
        A file path (CSV, Parquet, JSON Lines), a ``Dataset`` from ``dataqa.io.read_dataset``,
        or a polars frame.
    id_column:
        Key column: its duplicated values are counted in ``duplicate_ids`` (for a ``Dataset``
        its own ``id_column`` is used).
    reference:
        A reference profile: numeric columns present in both are binned on the reference's
        percentile breaks, so ``dataqa.validation.drift.compare`` compares like with like.
    duplicates:
        Count duplicate rows (``False``: ``duplicate_rows`` is 0; for a caller that profiles
        column groups and counts duplicates over the whole table once, like the workbench).

    Returns
    -------
    Profile

    Raises
    ------
    FileFormatError
        The file cannot be read. (A CSV whose column types change after the first rows is
        re-read as text, with a note, instead.)

    Examples
    --------
    >>> import polars as pl
    >>> p = profile(pl.DataFrame({"x": [1.0, 2.0, 3.0, float("nan")], "c": ["a", "b", "a", None]}))
    >>> p["x"].mean, p["x"].nan_count, p["c"].top_values
    (2.0, 1, [('a', 2), ('b', 1)])
    """
    ds = _as_dataset(data, id_column)
    try:
        return _profile(ds, reference, [], duplicates)
    except FileFormatError:
        if ds.format != "csv":
            raise
        # Polars infers CSV types from the first rows; a later row of another type is a
        # mixed-type column. Profile every column as text rather than fail.
        lf = pl.scan_csv(ds.path, infer_schema=False,
                         separator="\t" if ds.path.lower().endswith(".tsv") else ",")
        text_ds = Dataset(path=ds.path, lf=lf, id_column=ds.id_column, format="csv")
        note = ("column types change after the first rows of the CSV (mixed-type columns): "
                "every column was profiled as text")
        return _profile(text_ds, reference, [note], duplicates)


def _profile(ds: Dataset, reference: Profile | None, notes: list[str], duplicates: bool = True) -> Profile:
    schema = ds.schema
    names = schema.names()
    kinds = {n: kind_of(schema[n]) for n in names}
    big_rows = _columnwise_rows(ds)
    columnwise = big_rows is not None
    sketched = big_rows is not None and big_rows > QUANTILE_EXACT_ROWS
    # Small data is read once: pass 2 depends on pass 1's results, so two lazy queries would
    # parse a CSV (or decode Parquet) twice, and each select over every column holds them all
    # anyway. Large Parquet data is scanned a column group at a time instead (same expressions,
    # same results; Parquet reads just the columns a select names).
    lf = ds.lf if columnwise else collect(ds.lf, ds.path).lazy()
    id_col = ds.id_column

    # ---- pass 1: every per-column aggregate in one select -------------------------------
    groups1: list[list[pl.Expr]] = [[pl.len().alias("__rows")]]
    if id_col is not None:
        groups1[0] += [pl.col(id_col).drop_nulls().n_unique().alias("__id_distinct"),
                       pl.col(id_col).null_count().alias("__id_nulls")]
    for i, n in enumerate(names):
        groups1.append(column_aggs(n, f"c{i}", kinds[n], schema[n], quantiles=not sketched))
    row1 = _select(lf, groups1, columnwise, ds.path, lambda df: df.row(0, named=True))
    rows = int(row1["__rows"])
    if sketched:
        for i, n in enumerate(names):
            if kinds[n] in ("numeric", "temporal"):
                row1[f"c{i}_q"] = sketch_quantiles(lf, n, kinds[n], schema[n], rows, ds.path)

    cols: list[ColumnProfile] = []
    for i, n in enumerate(names):
        cp = ColumnProfile(name=n, dtype=str(schema[n]), kind=kinds[n], count=rows, null_count=0)
        fill_pass1(cp, row1, f"c{i}", schema[n])
        if sketched and row1.get(f"c{i}_q"):
            what = "quantiles, median deviation and drift-bin breaks" if cp.kind == "numeric" else "quantiles"
            cp.notes.append(f"{what} are approximate above {QUANTILE_EXACT_ROWS:,} rows (KLL sketch, "
                            f"rank error +-{QUANTILE_RANK_ERROR:.2%}); counts, min and max are exact")
        cols.append(cp)

    # ---- pass 2: histograms, drift bins, exact distinct, frequencies -------------------
    ref_breaks = reference_breaks(reference)
    duplicates = duplicates and bool(names) and bool(rows)
    row2: dict[str, Any] = {}
    if columnwise:
        for i, cp in enumerate(cols):
            row2.update(pass2_streamed(lf, cp, f"c{i}", schema[cp.name], row1, ref_breaks.get(cp.name),
                                       rows=rows, source=ds.path, exact_limit=DISTINCT_EXACT_LIMIT,
                                       bins=HISTOGRAM_BINS))
        if duplicates:
            row2.update(duplicate_rows(lf, rows, ds.path))
    else:
        groups2: list[list[pl.Expr]] = []
        for i, cp in enumerate(cols):
            groups2.append(pass2_exprs(cp, f"c{i}", schema[cp.name], row1, ref_breaks.get(cp.name),
                                       exact_limit=DISTINCT_EXACT_LIMIT, bins=HISTOGRAM_BINS))
        if duplicates:
            groups2.append(duplicate_row_exprs(names, kinds, row1))
        groups2 = [g for g in groups2 if g]
        row2 = _select(lf, groups2, columnwise, ds.path, _pass2_row) if groups2 else {}
    for i, cp in enumerate(cols):
        fill_pass2(cp, row2, f"c{i}", row1, schema[cp.name], frequency_limit=FREQUENCY_LIMIT, top_k=TOP_K,
                   categorical_max=CATEGORICAL_MAX, exact_limit=DISTINCT_EXACT_LIMIT)

    if rows == 0:
        notes.append("the dataset has no rows: only the schema is profiled")
    dup_rows = int(row2["__dup_candidates"]) - int(row2["__dup_distinct"]) if duplicates else 0
    dup_ids = None
    if id_col is not None:
        dup_ids = rows - int(row1["__id_nulls"]) - int(row1["__id_distinct"])
        if row1["__id_nulls"]:
            notes.append(f"id column '{id_col}' has {row1['__id_nulls']} null value(s)")
    return Profile(source=ds.path, rows=rows, n_columns=len(names), duplicate_rows=dup_rows,
                   columns=cols, id_column=id_col, duplicate_ids=dup_ids, notes=notes)


def _columnwise_rows(ds: Dataset) -> int | None:
    """The row count of data to profile a column at a time: Parquet (its row count is metadata)
    of ``COLUMNWISE_ROWS`` rows or more; ``None`` for other data."""
    if ds.format != "parquet":
        return None
    try:
        rows = int(ds.lf.select(pl.len()).collect().item())
    except pl.exceptions.PolarsError:
        return None  # the whole read reports the error
    return rows if rows >= COLUMNWISE_ROWS else None


def _select(lf: pl.LazyFrame, groups: list[list[pl.Expr]], columnwise: bool, source: str,
            read: Callable[[pl.DataFrame], dict[str, Any]]) -> dict[str, Any]:
    """The one-row results of the expression ``groups``: one select, or one per group."""
    if not columnwise:
        return read(collect(lf.select([e for g in groups for e in g]), source))
    out: dict[str, Any] = {}
    for group in groups:
        out.update(read(_streamed(lf.select(group), source)))
    return out


def _streamed(lf: pl.LazyFrame, source: str) -> pl.DataFrame:
    """``lf`` on polars' streaming engine (at 5M rows it halves a column's peak memory: the
    Parquet scan is decoded in morsels), else on the default one, whose read errors
    ``collect`` translates."""
    try:
        return lf.collect(engine="streaming")
    except pl.exceptions.PolarsError:
        return collect(lf, source)


def _pass2_row(df: pl.DataFrame) -> dict[str, Any]:
    """Pass-2 scalars as Python values; value counts as (v, n) frames, never Python lists."""
    vc = [c for c in df.columns if c.endswith("_vc")]
    row = df.drop(vc).row(0, named=True)
    for c in vc:
        row[c] = df[c].explode().struct.unnest().drop_nulls()
    return row


def duplicate_row_exprs(names: list[str], kinds: Mapping[str, str],
                        row1: dict[str, Any]) -> list[pl.Expr]:
    """Duplicate rows = candidate rows - their distinct rows.

    Two equal rows agree on every column, so only rows whose value in the most selective
    column (highest distinct count from pass 1) is repeated can be duplicates; the 64-bit row
    hash then runs on those few rows instead of all of them (hash collisions at 1e6 rows have
    probability ~3e-8).
    """
    distinct = {n: row1.get(f"c{i}_approx") or 0 for i, n in enumerate(names)
                if kinds[n] not in ("other", "null")}
    if distinct:
        key = pl.col(max(distinct, key=lambda n: distinct[n])).is_duplicated()
        rows = pl.struct(pl.all()).filter(key)
    else:
        key, rows = pl.lit(True), pl.struct(pl.all())
    return [key.sum().alias("__dup_candidates") if distinct else pl.len().alias("__dup_candidates"),
            rows.hash(42).n_unique().alias("__dup_distinct")]


def reference_breaks(reference: Profile | None) -> dict[str, list[float]]:
    """The reference's drift-bin breaks per numeric column (a new profile bins on them)."""
    if reference is None:
        return {}
    return {c.name: c.drift_bins.breaks for c in reference.columns
            if c.kind == "numeric" and c.drift_bins is not None}


def load_reference(path: str | Path, *, id_column: str | None = None) -> Profile:
    """A reference for drift: a saved profile JSON, or a dataset file that is profiled now."""
    if is_profile_file(path):
        return load_profile(path)
    return profile(path, id_column=id_column)


__all__ = ["profile", "load_reference", "Profile", "ColumnProfile", "Histogram", "DriftBins",
           "DISTINCT_EXACT_LIMIT", "FREQUENCY_LIMIT", "kind_of"]
