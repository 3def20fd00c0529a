"""``dataqa noise``: rank rows by label quality, flag other row issues, write the suspects table."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from dataqa.cli.exit_codes import ExitCode, exit_code_for_error
from dataqa.errors import DataqaError, InputError

if TYPE_CHECKING:
    from rich.console import Console

    from dataqa.labeling.noise import NoiseResult


def noise(
    data: Annotated[Optional[str], typer.Argument(help="Dataset file (CSV, Parquet, JSON Lines); default from dataqa.toml.")] = None,
    label: Annotated[Optional[str], typer.Option("--label", help="Label column (default: [dataset] label_column).")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Key column identifying rows (default: row position).")] = None,
    folds: Annotated[Optional[int], typer.Option("--folds", min=2, help="Stratified folds (default: [baseline] folds, 5).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Suspects table, .parquet or .csv (default: <workspace>/noise/<name>.suspects.parquet).")] = None,
) -> None:
    """Find label noise, outliers, near-duplicates, null rows and rare classes in DATA.

    Writes the suspects table (worst first) and prints issues by kind, the estimated noise
    rate per class and the confusion matrix of given vs suggested labels. Exit 0, or 2 on bad input.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dataqa.config import load_config
    from dataqa.labeling.noise import find_noise_in_file

    try:
        cfg = load_config()
        data_path = data or cfg.resolve(cfg.dataset.path)
        if data_path is None:
            raise InputError("no dataset given: pass DATA or set [dataset] path in dataqa.toml")
        label_column = label or cfg.dataset.label_column
        if label_column is None:
            raise InputError("no label column given: pass --label COL or set [dataset] label_column in dataqa.toml")
        id_col = id_column or (cfg.dataset.id_column if data is None else None)
        baseline = cfg.baseline if folds is None else dataclasses.replace(cfg.baseline, folds=folds)
        target = out or cfg.workspace_path / "noise" / f"{Path(data_path).stem}.suspects.parquet"
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(f"{baseline.folds} folds + issues", total=baseline.folds + 1)
            result = find_noise_in_file(data_path, label_column=label_column, id_column=id_col,
                                        config=baseline,
                                        progress=lambda done, total: bar.update(task, completed=done))
        written = result.write(target)
    except DataqaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(int(exit_code_for_error(exc))) from None
    _render(result, Console(highlight=False))
    typer.echo(f"wrote {written}")
    raise typer.Exit(int(ExitCode.OK))


def _render(result: NoiseResult, console: Console) -> None:
    """Issues by kind, noise rate per class, and the confusion matrix of the label issues."""
    from rich.table import Table

    console.print(f"{result.rows} rows, label '{result.label_column}', {len(result.classes)} classes")
    kinds = Table("issue", "rows flagged", "share", title="Issues by kind")
    for kind, n in result.counts.items():
        kinds.add_row(kind, str(n), f"{n / max(result.rows, 1):.1%}")
    for kind, msg in result.errors.items():
        kinds.add_row(kind, "error", msg)
    per_class = Table("class", "rows", "label issues", "estimated noise rate", title="Per class")
    for row in result.per_class.iter_rows():
        per_class.add_row(str(row[0]), str(row[1]), str(row[2]), f"{row[3]:.1%}")
    confusion = Table("given \\ suggested", *result.confusion.columns[1:],
                      title="Label issues: given vs suggested label")
    for row in result.confusion.iter_rows():
        confusion.add_row(*(str(v) for v in row))
    for table in (kinds, per_class, confusion):
        console.print(table)
