"""``dataqa impact``: retrain the fixed baseline on every version and print the fix ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from dataqa.cli.exit_codes import ExitCode
from dataqa.errors import InputError, TrackingError


def impact(
    store: Annotated[Optional[Path], typer.Option("--store", help="Version store folder (default: <workspace>/versions).")] = None,
    metric: Annotated[str, typer.Option("--metric", help="accuracy, macro_f1 or log_loss: the chart and the gate.")] = "accuracy",
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", help="Where ledger.json and the waterfall go (default: <workspace>/impact).")] = None,
    reference: Annotated[str, typer.Option("--reference", help="Version whose evaluation labels are the truth.")] = "head",
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Column that is not a feature; repeatable.")] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples for the intervals.")] = 1000,
    repeats: Annotated[int, typer.Option("--repeats", help="Fits per version on seeded 80% subsamples, averaged (1: the plain baseline).")] = 1,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Retrain every version even if a cached result matches.")] = False,
    fail_below: Annotated[Optional[float], typer.Option("--fail-below", help="Exit 1 if the head's metric is worse than its parent's by more than this.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ledger as JSON.")] = False,
    mlflow: Annotated[Optional[bool], typer.Option("--mlflow/--no-mlflow", help="Log each version's retrain as an MLflow run (default: on when [tracking] mlflow_uri is set); without a URI, to <workspace>/mlflow.db.")] = None,
    mlflow_uri: Annotated[Optional[str], typer.Option("--mlflow-uri", help="MLflow tracking URI to log to (implies --mlflow; overrides [tracking] mlflow_uri).")] = None,
) -> None:
    """Print the fix ledger (metrics, deltas to parent with 95% CIs) and write the waterfall chart.

    With MLflow tracking, each version's retrain is also an MLflow run (one experiment per
    dataset); runs already tracked with the same data and settings are skipped, not duplicated.
    """
    from dataqa.cli.version import open_store
    from dataqa.config import load_config
    from dataqa.ledger.chart import write_waterfall
    from dataqa.ledger.ledger import build_ledger
    from dataqa.ledger.metrics import METRICS, regressed
    from dataqa.ledger.runs_index import tracking_uri

    if metric not in METRICS:
        raise InputError(f"unknown metric '{metric}'; use one of {', '.join(METRICS)}")
    cfg = load_config()
    track = mlflow if mlflow is not None else bool(mlflow_uri or cfg.tracking.mlflow_uri)
    if track:  # an optional extra: fails here, before any retrain, when mlflow is not installed
        from dataqa.ledger import tracking
    s = open_store(store)
    led = build_ledger(s, config=cfg, reference=reference, exclude=exclude or (), n_boot=bootstrap,
                       repeats=repeats, cache=not no_cache, progress=lambda msg: typer.echo(msg, err=True))
    out = out_dir or cfg.workspace_path / "impact"
    out.mkdir(parents=True, exist_ok=True)
    led.save(out / "ledger.json")
    typer.echo(json.dumps(led.to_json(), indent=2) if as_json else led.render())
    if len(led.entries) > 1:
        html, png = write_waterfall(led, out, metric)
        typer.echo(f"wrote {out / 'ledger.json'}, {html}, {png}", err=True)
    last = led.entries[-1]
    code = ExitCode.OK
    if fail_below is not None and last.delta is not None:
        d = last.delta[metric].value
        if regressed(metric, d, fail_below):
            typer.echo(f"gate: {last.version} {metric} {d:+.4f} vs {last.parent}, worse than the "
                       f"tolerance {fail_below}", err=True)
            code = ExitCode.CHECK_FAILURES
    if track:
        uri, artifact_root = tracking_uri(cfg, mlflow_uri)
        try:
            tracked = tracking.log_ledger(led, s, uri, artifact_root=artifact_root)
        except TrackingError as exc:
            raise type(exc)(f"{exc}; the ledger itself was written to {out / 'ledger.json'}") from None
        index = tracked.save(out)
        typer.echo(f"{tracked.summary()}; run index {index}", err=True)
    raise typer.Exit(int(code))
