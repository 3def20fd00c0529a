"""``dataqa label push|pull``: round-trip suspect rows through Label Studio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(name="label", help="Send suspect rows to Label Studio and bring the reviews back.",
                  no_args_is_help=True)


@app.command("push")
def push(
    suspects: Annotated[Path, typer.Argument(help="Suspects table from `dataqa noise` (Parquet or CSV).")],
    top: Annotated[Optional[int], typer.Option("--top", "-n", min=1, help="Push only the N worst rows.")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="Project title (default: label_studio.project in dataqa.toml, else 'dataqa: <dataset>').")] = None,
    include_unflagged: Annotated[bool, typer.Option("--all", help="Also push rows no detector flagged.")] = False,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Also write the pushed rows to this CSV for reviewers (formulas neutralised).")] = None,
    budget: Annotated[Optional[int], typer.Option("--budget", help="Push the N rows with the highest expected value of a review, P(error), flagged or not.")] = None,
) -> None:
    """Create or reuse a review project and add the suspect rows not yet in it.

    Exit 0 done, 2 bad suspects file, 4 Label Studio unreachable, 6 token refused / server error.
    """
    from dataqa.config import load_config
    from dataqa.labeling.labelstudio.push import push_suspects

    cfg = load_config()
    result = push_suspects(suspects, top=top,
                           project=project or cfg.label_studio.project,
                           include_unflagged=include_unflagged, review_csv=csv, budget=budget)
    typer.echo(result.summary())


@app.command("pull")
def pull(
    project: Annotated[Optional[str], typer.Option("--project", help="Project title (default: label_studio.project in dataqa.toml, else 'dataqa: <dataset stem>').")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Changeset file, .parquet or .csv (default: <workspace>/changesets/<project>.parquet).")] = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset", help="Dataset the reviews are for; rows not in it are 'orphan' (default: dataset.path in dataqa.toml).")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="The dataset's key column (default: row position).")] = None,
    suspects: Annotated[Optional[Path], typer.Option("--suspects", help="Suspects table the reviews came from, to measure the round's precision (default: <workspace>/noise/<dataset>.suspects.parquet when present).")] = None,
) -> None:
    """Read completed reviews and write the changeset (relabel / confirmed / unsure / tie / orphan).

    Also prints the round's measured precision (relabel vs confirmed) beside the detector's
    expected precision, and records it so the next `dataqa noise` recalibrates P(error).
    Exit 0 done, 2 bad dataset, 4 Label Studio unreachable, 6 token refused / project gone.
    """
    from dataqa.config import load_config
    from dataqa.labeling import calibration
    from dataqa.labeling.labelstudio.pull import pull_reviews
    from dataqa.labeling.labelstudio.suspects import read_suspects

    cfg = load_config()
    data = dataset or cfg.resolve(cfg.dataset.path)
    cs = pull_reviews(project or cfg.label_studio.project, dataset=data, id_column=cfg.id_column_for(dataset, id_column))
    path = cs.write(out or cfg.changeset_path(str(cs.meta["project"])))
    typer.echo(f"{cs.summary()} -> {path}")
    noise_dir = cfg.workspace_path / "noise"
    source = suspects or (cfg.suspects_path(data) if data else None)
    if source is not None and source.is_file():
        sus = read_suspects(source)
        rnd = calibration.measure(cs.frame, sus.frame, sus.dataset)
        if rnd is not None:
            calibration.save(noise_dir, rnd)
            typer.echo(rnd.summary())


@app.command("watch")
def watch(
    project: Annotated[Optional[str], typer.Option("--project", help="Project title (default: label_studio.project in dataqa.toml, else 'dataqa: <dataset stem>').")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Changeset file rewritten on each review (default as for pull).")] = None,
    dataset: Annotated[Optional[str], typer.Option("--dataset", help="Dataset the reviews are for (default: dataset.path in dataqa.toml).")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="The dataset's key column (default: row position).")] = None,
    port: Annotated[int, typer.Option("--port", help="Loopback port of the webhook receiver (0: any free port).")] = 0,
) -> None:
    """Re-pull the changeset whenever a reviewer annotates (loopback webhook; Ctrl-C stops).

    Needs a Label Studio that may call 127.0.0.1 (the embedded server does).
    """
    from dataqa.config import load_config
    from dataqa.errors import InputError
    from dataqa.labeling.labelstudio.projects import default_title
    from dataqa.labeling.labelstudio.webhook import ReviewWatcher

    cfg = load_config()
    data = dataset or cfg.resolve(cfg.dataset.path)
    title = project or cfg.label_studio.project or (default_title(Path(data).stem) if data else None)
    if title is None:
        raise InputError("no project given: pass --project NAME or set dataset.path in dataqa.toml")
    target = out or cfg.changeset_path(title)
    with ReviewWatcher(title, dataset=data, id_column=cfg.id_column_for(dataset, id_column), out=target,
                       port=port) as watcher:
        typer.echo(f"watching project '{title}' (webhook {watcher.url}); Ctrl-C stops")
        try:
            watcher.run(lambda cs: typer.echo(f"{cs.summary()} -> {target}"))
        except KeyboardInterrupt:
            typer.echo("stopped watching")
