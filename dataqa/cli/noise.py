"""``dataqa noise``: rank rows by label quality, flag other row issues, write the suspects table."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from dataqa.cli.exit_codes import ExitCode
from dataqa.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from dataqa.labeling.noise import NoiseResult


def noise(
    data: Annotated[Optional[str], typer.Argument(help="Dataset file (CSV, Parquet, JSON Lines); default from dataqa.toml.")] = None,
    label: Annotated[Optional[str], typer.Option("--label", help="Label column (default: [dataset] label_column).")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Key column identifying rows (default: row position).")] = None,
    folds: Annotated[Optional[int], typer.Option("--folds", min=2, help="Stratified folds (default: [noise] folds, 5).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Suspects table, .parquet or .csv (default: <workspace>/noise/<name>.suspects.parquet).")] = None,
    budget: Annotated[Optional[int], typer.Option("--budget", help="Keep only the N rows with the highest expected value of a review, P(error).")] = None,
) -> None:
    """Find label noise, outliers, near-duplicates, null rows and rare classes in DATA.

    Prints the estimated number of wrong labels with its interval, what the review queue should
    yield, issues by kind, the estimated errors per class and the confusion matrix of given vs
    suggested labels; warns when the detector is too weak to trust. Writes the suspects table
    (worst first; with --budget N only the N best rows to review). Exit 0, or 2 on bad input.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from dataqa.config import load_config
    from dataqa.labeling import calibration
    from dataqa.labeling.detector import check_models
    from dataqa.labeling.noise import find_noise_in_file

    cfg = load_config()
    data_path = cfg.dataset_path(data)
    label_column = cfg.label_column_for(label)
    if label_column is None:
        raise InputError("no label column given: pass --label COL or set [dataset] label_column in dataqa.toml")
    id_col = cfg.id_column_for(data, id_column)
    noise_cfg = cfg.noise if folds is None else dataclasses.replace(cfg.noise, folds=folds)
    models = check_models(noise_cfg.models)
    if budget is not None and budget < 1:
        raise InputError(f"--budget {budget}: must be at least 1")
    target = out or cfg.suspects_path(data_path)
    if target.suffix.lower() not in (".parquet", ".pq", ".csv"):
        raise InputError(f"{target}: write the suspects table as .parquet or .csv")
    factor = calibration.factor(cfg.workspace_path / "noise", Path(data_path).stem)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{noise_cfg.folds} folds x {len(models)} models + issues",
                            total=noise_cfg.folds * len(models) + 1)
        result = find_noise_in_file(data_path, label_column=label_column, id_column=id_col,
                                    noise=noise_cfg, calibration=factor,
                                    progress=lambda done, total: bar.update(task, completed=done))
    queue = result.budget(budget) if budget is not None else None  # validates before writing
    if queue is not None:
        result = dataclasses.replace(result, suspects=queue)
    written = result.write(target)
    _render(result, Console(highlight=False), budget)
    typer.echo(f"wrote {written}")
    raise typer.Exit(int(ExitCode.OK))


def _render(result: NoiseResult, console: Console, budget: int | None = None) -> None:
    """The estimate and the queue's yield, the weak-model warning, issues by kind, errors per
    class, and the confusion matrix of the label issues."""
    from rich.table import Table

    console.print(f"{result.rows} rows, label '{result.label_column}', {len(result.classes)} classes")
    est = result.estimate
    if est is not None:
        acc = ", ".join(f"{m} {a:.1%}" for m, a in result.accuracy.items())
        console.print(f"detector: {' + '.join(result.kept)} (out-of-fold accuracy: {acc})")
        console.print(f"estimated wrong labels: {est.count:,.0f} of {est.rows:,} ({est.rate:.1%}), "
                      f"{est.level:.0%} interval {est.low:,.0f}-{est.high:,.0f} "
                      f"({est.rate_low:.1%}-{est.rate_high:.1%})")
        if est.calibration != 1.0:
            console.print(f"P(error) scaled by {est.calibration:.2f} from the last review round")
        if est.flag_count:
            console.print(f"flagged: {result.yield_line(est.flag_count)}")
        if budget is not None:
            console.print(f"budget: {result.yield_line(budget)}")
    if result.warning:
        console.print(f"[bold yellow]warning:[/] {result.warning}")
    kinds = Table("issue", "rows flagged", "share", title="Issues by kind")
    for kind, n in result.counts.items():
        kinds.add_row(kind, str(n), f"{n / max(result.rows, 1):.1%}")
    for kind, msg in result.errors.items():
        kinds.add_row(kind, "error", msg)
    per_class = Table("class", "rows", "label issues", "estimated errors", "estimated noise rate",
                      title="Per class")
    for row in result.per_class.iter_rows(named=True):
        per_class.add_row(str(row["class"]), str(row["rows"]), str(row["label_issues"]),
                          f"{row['estimated_errors']:.0f}", f"{row['noise_rate']:.1%}")
    confusion = Table("given \\ suggested", *result.confusion.columns[1:],
                      title="Label issues: given vs suggested label")
    for cells in result.confusion.iter_rows():
        confusion.add_row(*(str(v) for v in cells))
    for table in (kinds, per_class, confusion):
        console.print(table)
