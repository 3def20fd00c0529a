"""``dataqa version``: import a dataset, record fixes, and read any version back.

Glue only: options in, ``dataqa.versions`` does the work (the fix kind of a file is
``VersionStore.apply_file``'s choice), a line out. Errors propagate to the CLI's one boundary.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import polars as pl
import typer

from dataqa.columns import ROW_ID
from dataqa.config import load_config
from dataqa.io import collect, ensure_writable, read_dataset, write_dataset
from dataqa.versions import VersionRecord, VersionStore

app = typer.Typer(help="Versioned datasets with lineage: add, apply fixes, list, diff, checkout, rollback.",
                  no_args_is_help=True)

StoreOpt = Annotated[Optional[Path], typer.Option("--store", help="Version store folder (default: <workspace>/versions).")]


class ApplyKind(str, Enum):
    auto = "auto"
    relabel = "relabel"
    repair = "repair"
    manual_edit = "manual_edit"
    drop = "drop"


def open_store(store: Optional[Path]) -> VersionStore:
    """The store named by ``--store`` or the workspace's default one."""
    return VersionStore(store or load_config().store_path)


def _line(rec: VersionRecord) -> str:
    what = f"{rec.cells_changed} cells in {rec.rows_changed} rows"
    if rec.rows_dropped or rec.rows_restored:
        what += f", {rec.rows_dropped} dropped, {rec.rows_restored} restored"
    mark = " [reviewed, touches eval rows]" if rec.eval_rows_changed else ""
    return f"{rec.id}: {rec.kind.value} ({what}; {rec.n_rows} rows){mark}: {rec.message}"


@app.command("add")
def add(
    data: Annotated[Optional[str], typer.Argument(help="Dataset file; default from dataqa.toml.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Dataset name (default: file stem).")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Key column (default: row position).")] = None,
    label: Annotated[Optional[str], typer.Option("--label", help="Label column (freezes the evaluation split).")] = None,
    message: Annotated[str, typer.Option("--message", "-m")] = "",
    store: StoreOpt = None,
) -> None:
    """Import DATA as version v1, with a frozen, stratified evaluation split."""
    cfg = load_config()
    path = cfg.dataset_path(data)
    ds = read_dataset(path, id_column=cfg.id_column_for(data, id_column))
    rec = open_store(store).add(
        ds, name or Path(path).stem, label_column=cfg.label_column_for(label),
        eval_fraction=cfg.baseline.eval_fraction, seed=cfg.baseline.seed, message=message)
    typer.echo(_line(rec))


@app.command("list")
def list_(store: StoreOpt = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print the lineage records as JSON.")] = False) -> None:
    """Every version, oldest first."""
    recs = open_store(store).list()
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in recs], indent=2))
        return
    for rec in recs:
        typer.echo(_line(rec))


@app.command("show")
def show(version: Annotated[str, typer.Argument(help="v3, 3, head or head~1.")] = "head", store: StoreOpt = None,
         limit: Annotated[int, typer.Option("--limit", help="Changed cells to print.")] = 20,
         out: Annotated[Optional[Path], typer.Option("--out", help="Write every changed cell here (csv/parquet).")] = None) -> None:
    """The lineage record of VERSION and the cells it changed."""
    if out:
        ensure_writable(out, "--out")
    s = open_store(store)
    rec = s.resolve(version)
    typer.echo(json.dumps(rec.to_json(), indent=2))
    changes = s.changes(rec.id)
    if out:
        write_dataset(changes, out)
    with pl.Config(tbl_rows=limit, tbl_cols=-1, fmt_str_lengths=40):
        typer.echo(changes.head(limit))


@app.command("diff")
def diff(a: Annotated[str, typer.Argument()], b: Annotated[str, typer.Argument()] = "head", store: StoreOpt = None,
         limit: Annotated[int, typer.Option("--limit", help="Rows to print.")] = 30,
         out: Annotated[Optional[Path], typer.Option("--out", help="Write the whole diff here (csv/parquet).")] = None) -> None:
    """Row-level differences from A to B; every changed cell names the fix that changed it."""
    if out:
        ensure_writable(out, "--out")
    d = open_store(store).diff(a, b)
    if out:
        write_dataset(d, out)
    counts = d.group_by("change").len().sort("change").rows()
    typer.echo(f"{a} -> {b}: " + (", ".join(f"{n} {c}" for c, n in counts) or "no differences"))
    with pl.Config(tbl_rows=limit, tbl_cols=-1, fmt_str_lengths=40):
        typer.echo(d.head(limit))


@app.command("checkout")
def checkout(version: Annotated[str, typer.Argument()] = "head", store: StoreOpt = None,
             out: Annotated[Optional[Path], typer.Option("--out", help="Write the version here (csv/parquet/jsonl).")] = None,
             row_id: Annotated[bool, typer.Option("--row-id/--no-row-id", help="Also write the store's row_id column (the row's key or import position): read it back with --id row_id.")] = False) -> None:
    """Materialise VERSION (to --out, or print its first rows).

    The file has the imported file's columns, so it goes back into check, profile, noise and
    version add with the same --id as the original; --row-id adds the store's row_id.
    """
    if out is not None:
        ensure_writable(out, "--out")  # before materialising the version
    s = open_store(store)
    rec = s.resolve(version)
    lf = s.checkout(rec.id)
    if not row_id and s.meta.get("id_column") != ROW_ID:  # a key named row_id is the user's column
        lf = lf.drop(ROW_ID)
    if out is None:
        typer.echo(collect(lf.head(10), str(s.path)))
        return
    write_dataset(collect(lf, str(s.path)), out)
    typer.echo(f"{rec.id}: wrote {rec.n_rows} rows to {out}")


@app.command("rollback")
def rollback(version: Annotated[str, typer.Argument()], store: StoreOpt = None,
             message: Annotated[Optional[str], typer.Option("--message", "-m")] = None) -> None:
    """Commit a new version whose content is VERSION's (the history is kept)."""
    typer.echo(_line(open_store(store).rollback(version, message=message)))


@app.command("apply")
def apply(
    file: Annotated[Path, typer.Argument(help="Review changeset (row_id, kind, new_label...), cell edits "
                                              "(row_id, column, new) or rows to drop (row_id[, reason]).")],
    kind: Annotated[ApplyKind, typer.Option("--kind", help="Fix kind; auto: from the file's columns.")] = ApplyKind.auto,
    message: Annotated[Optional[str], typer.Option("--message", "-m")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why rows are dropped.")] = "dropped",
    reviewed: Annotated[bool, typer.Option("--reviewed", help="A human reviewed these drops (may touch eval rows).")] = False,
    parent: Annotated[Optional[str], typer.Option("--parent", help="Refuse (exit 5) if the head is no longer this version.")] = None,
    user: Annotated[Optional[str], typer.Option("--user", help="Who made the fix (recorded as the source).")] = None,
    store: StoreOpt = None,
) -> None:
    """Apply a fix FILE as a new version."""
    src = {"type": "user", "user": user} if user else None
    rec = open_store(store).apply_file(file, kind.value, message=message, reason=reason, reviewed=reviewed,
                                       source=src, expected_parent=parent)
    typer.echo(_line(rec))
    if rec.report.get("changeset"):
        r = rec.report
        typer.echo("changeset: " + ", ".join(f"{n} {k}" for k, n in r["changeset"].items())
                   + f"; applied {r['applied']}, already so {r['already_so']}, stale {r['stale']}")


@app.command("sql")
def sql(version: Annotated[str, typer.Argument()] = "head", store: StoreOpt = None) -> None:
    """Print a DuckDB query that reads VERSION from the store's Parquet files (no dataqa needed)."""
    typer.echo(open_store(store).duckdb_sql(version))
