"""SQL that reads any version with DuckDB alone (no dataqa at read time).

``duckdb_sql(store, "v3")`` writes out the recipe of ``README.md`` for one version: the base
snapshot, the last edit of each cell up to that version, minus the rows dropped by then.
Above the repository; below the ``VersionStore`` front.
"""

from __future__ import annotations

import polars as pl

from dataqa.versions.layout import ROW_ID
from dataqa.versions.repository import Repository

__all__ = ["duckdb_sql"]

_DUCK_TYPES = {
    pl.Int8: "TINYINT", pl.Int16: "SMALLINT", pl.Int32: "INTEGER", pl.Int64: "BIGINT",
    pl.UInt8: "UTINYINT", pl.UInt16: "USMALLINT", pl.UInt32: "UINTEGER", pl.UInt64: "UBIGINT",
    pl.Float32: "FLOAT", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN", pl.Date: "DATE",
}


def _duck_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    return _DUCK_TYPES.get(dtype.base_type(), "VARCHAR")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_sql(store: Repository, ref: str = "head") -> str:
    """A DuckDB query returning version ``ref`` (rows unordered: ``ORDER BY row_id`` if needed)."""
    rec = store.resolve(ref)
    schema = store.checkout(rec.id).collect_schema()
    columns = sorted({c for r in store.chain(rec.id) for c in r.columns_changed})
    root = str(store.path).replace("'", "''")
    n = rec.seq
    joins, replaces = [], []
    for i, col in enumerate(columns):
        alias = f"e{i}"
        value = f"{alias}.new" if _duck_type(schema[col]) == "VARCHAR" else f"CAST({alias}.new AS {_duck_type(schema[col])})"
        replaces.append(f"CASE WHEN {alias}.row_id IS NULL THEN b.{_q(col)} ELSE {value} END AS {_q(col)}")
        joins.append(f"LEFT JOIN (SELECT row_id, new FROM edits WHERE \"column\" = '{col.replace(chr(39), chr(39) * 2)}') "
                     f"{alias} ON {alias}.row_id = b.row_id")
    select = f"b.* REPLACE ({', '.join(replaces)})" if replaces else "b.*"
    return "\n".join([
        "WITH edits AS (",
        f"  SELECT row_id, \"column\", new FROM read_parquet('{root}/changes/*.cells.parquet')",
        f"  WHERE seq <= {n}",
        "  QUALIFY row_number() OVER (PARTITION BY row_id, \"column\" ORDER BY seq DESC) = 1",
        "), dropped AS (",
        f"  SELECT row_id FROM read_parquet('{root}/changes/*.rows.parquet')",
        f"  WHERE seq <= {n}",
        "  QUALIFY row_number() OVER (PARTITION BY row_id ORDER BY seq DESC) = 1 AND op = 'drop'",
        ")",
        f"SELECT {select}",
        f"FROM read_parquet('{root}/base.parquet') b",
        *joins,
        f"WHERE b.{ROW_ID} NOT IN (SELECT row_id FROM dropped)",
    ])
