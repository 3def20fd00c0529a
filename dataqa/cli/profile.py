"""``dataqa profile``: profile a dataset, optionally against a reference (drift)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dataqa.cli.exit_codes import ExitCode
from dataqa.errors import InputError


def profile(
    data: Annotated[Optional[str], typer.Argument(help="Dataset file (CSV, Parquet, JSON Lines); default from dataqa.toml.")] = None,
    reference: Annotated[Optional[str], typer.Option("--reference", "-r", help="Reference dataset or saved profile JSON: adds drift.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the profile JSON here (reusable as --reference).")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Key column: duplicated ids are counted.")] = None,
    label_column: Annotated[Optional[str], typer.Option("--label", help="Label column for label drift (default from dataqa.toml).")] = None,
    drift_config: Annotated[Optional[Path], typer.Option("--drift-config", help="TOML file with drift thresholds ([drift] psi/ks/js/unseen/label = {warning, failed}).")] = None,
    engine: Annotated[Optional[str], typer.Option("--engine", help="polars (default) or spark; default from [engine] name in dataqa.toml.")] = None,
    spark_master: Annotated[Optional[str], typer.Option("--spark-master", help="Spark master: local[*] (default), spark://HOST:PORT or sc://HOST:PORT.")] = None,
    spark_conf: Annotated[Optional[list[str]], typer.Option("--spark-conf", help="Spark setting KEY=VALUE; repeatable.")] = None,
) -> None:
    """Profile DATA: per-column statistics, and drift against --reference. Exit 0, or 2 on bad input."""
    from dataqa.config import load_config
    from dataqa.validation.profile import load_reference
    from dataqa.validation.profile import profile as run_profile
    from dataqa.validation.profile_html import write_html
    from dataqa.validation.profile_text import render_text

    cfg = load_config()
    data_path = cfg.dataset_path(data)
    id_col = cfg.id_column_for(data, id_column)
    ref = load_reference(reference) if reference else None
    name = engine or cfg.engine.name
    if name not in ("polars", "spark"):
        raise InputError(f"--engine must be polars or spark; got '{name}'")
    if name == "spark":
        # pyspark is an optional extra: imported only when Spark is asked for
        from dataqa.validation.backends.spark.profile import profile_spark
        from dataqa.validation.backends.spark.session import get_spark

        spark = get_spark(spark_master or cfg.engine.master,
                          spark_settings(cfg.engine.conf, spark_conf or []))
        prof = profile_spark(data_path, spark=spark, id_column=id_col, reference=ref)
    else:
        prof = run_profile(data_path, id_column=id_col, reference=ref)
    drift = None
    if ref is not None:
        from dataqa.validation.drift import compare, load_drift_config

        thresholds = load_drift_config(drift_config) if drift_config else None
        drift = compare(prof, ref, label_column=cfg.label_column_for(label_column),
                        config=thresholds)
    if json_out:
        prof.save(json_out)
    if html_out:
        write_html(prof, html_out, drift)
    sys.stdout.write(render_text(prof, drift))
    for path in (json_out, html_out):
        if path:
            typer.echo(f"wrote {path}")
    raise typer.Exit(int(ExitCode.OK))


def spark_settings(base: dict[str, str], items: list[str]) -> dict[str, str]:
    """``[engine] conf`` plus ``--spark-conf KEY=VALUE`` options (the options win)."""
    settings = {k: str(v) for k, v in base.items()}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--spark-conf expects KEY=VALUE, got '{item}'")
        settings[key.strip()] = value.strip()
    return settings
