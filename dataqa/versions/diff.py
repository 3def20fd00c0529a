"""Row-level differences between two versions, each changed cell naming the fix that changed it.

Above the repository (reads versions through it); below the ``VersionStore`` front.
"""

from __future__ import annotations

import polars as pl

from dataqa.versions.layout import ROW_ID, to_text
from dataqa.versions.materialize import last_cell_values, scan_changes
from dataqa.versions.repository import Repository

__all__ = ["diff"]


def diff(store: Repository, ref_a: str, ref_b: str) -> pl.DataFrame:
    """What differs from version ``ref_a`` to ``ref_b``, one row per changed cell or row.

    Columns: ``row_id``; ``change`` (``cell``, ``dropped``, ``restored``); ``column`` (``*`` for
    a whole row); ``before`` (value in ``ref_a``), ``after`` (value in ``ref_b``), as text;
    ``changed_by``, ``fix_kind``, ``message``: the last fix between the two that changed it.
    Reads only the changesets between the two versions plus the edited cells' earlier values.

    Examples
    --------
    >>> store.diff("v1", "v3").filter(pl.col("change") == "cell")  # doctest: +SKIP
    """
    a, b = store.resolve(ref_a), store.resolve(ref_b)
    lo, hi = (a, b) if a.seq <= b.seq else (b, a)
    between = [r for r in store.chain(hi.id) if r.seq > lo.seq]
    fixes = pl.DataFrame({
        "seq": [r.seq for r in between], "changed_by": [r.id for r in between],
        "fix_kind": [r.kind.value for r in between], "message": [r.message for r in between],
    }, schema={"seq": pl.Int64, "changed_by": pl.String, "fix_kind": pl.String, "message": pl.String})
    base_schema = store.checkout(lo.id).collect_schema()
    rid = base_schema[ROW_ID]
    gone_lo, gone_hi = store.dropped(lo.id).to_frame(), store.dropped(hi.id).to_frame()

    last = last_cell_values(scan_changes([store.path / r.cells_file for r in between], "cells", rid)).collect()
    last = last.join(gone_lo, on=ROW_ID, how="anti").join(gone_hi, on=ROW_ID, how="anti")
    columns = sorted(last["column"].unique().to_list())
    if columns:
        earlier = (store.checkout(lo.id).join(last.select(ROW_ID).unique().lazy(), on=ROW_ID, how="semi")
                   .select(ROW_ID, *[to_text(pl.col(c), base_schema[c]).alias(c) for c in columns])
                   .unpivot(index=ROW_ID, variable_name="column", value_name="lo_value").collect())
        cells = (last.join(earlier, on=[ROW_ID, "column"], how="left")
                 .filter(~pl.col("lo_value").eq_missing(pl.col("new")))
                 .select(ROW_ID, pl.lit("cell").alias("change"), "column",
                         pl.col("lo_value").alias("lo"), pl.col("new").alias("hi"), "seq"))
    else:
        cells = pl.DataFrame(schema={ROW_ID: rid, "change": pl.String, "column": pl.String,
                                     "lo": pl.String, "hi": pl.String, "seq": pl.Int64})

    ops = (scan_changes([store.path / r.rows_file for r in between], "rows", rid)
           .sort("seq", maintain_order=True).unique(subset=[ROW_ID], keep="last").collect())
    dropped = gone_hi.join(gone_lo, on=ROW_ID, how="anti").with_columns(
        pl.lit("dropped").alias("change"), pl.lit("present").alias("lo"), pl.lit("dropped").alias("hi"))
    restored = gone_lo.join(gone_hi, on=ROW_ID, how="anti").with_columns(
        pl.lit("restored").alias("change"), pl.lit("dropped").alias("lo"), pl.lit("present").alias("hi"))
    rows = (pl.concat([dropped, restored]).join(ops.select(ROW_ID, "seq"), on=ROW_ID, how="left")
            .select(ROW_ID, "change", pl.lit("*").alias("column"), "lo", "hi", "seq"))

    out = pl.concat([cells, rows.cast(cells.schema)]).join(fixes, on="seq", how="left")
    forward = a.seq <= b.seq
    if not forward:  # reading history backwards: a dropped row reappears, and vice versa
        out = out.with_columns(pl.col("change").replace({"dropped": "restored", "restored": "dropped"}))
    return out.select(
        ROW_ID, "change", "column",
        pl.col("lo" if forward else "hi").alias("before"), pl.col("hi" if forward else "lo").alias("after"),
        "changed_by", "fix_kind", "message",
    ).sort(ROW_ID, "column")
