"""``dataqa check``: run suites on a dataset; the pipeline gate."""

from __future__ import annotations

import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import polars as pl
import typer

from dataqa.cli.exit_codes import exit_code_for
from dataqa.errors import InputError
from dataqa.io import ensure_writable

#: Failing rows per check kept in the report by default (counts are always exact).
MAX_FAILURES = 1000


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    markdown = "markdown"
    github = "github"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    new = "new"


def check(
    data: Annotated[Optional[str], typer.Argument(help="Dataset file (CSV, Parquet, JSON Lines); default from dataqa.toml.")] = None,
    suite: Annotated[Optional[list[str]], typer.Option("--suite", "-s", help="Suite file (GX .json, pandera .yaml/.py); repeatable.")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Key column identifying rows (default: row position).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report here instead of stdout.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Close the gate on errors only, on warnings too, or only on new failures vs the baseline (needs --baseline-report or --since).")] = None,
    plugin: Annotated[Optional[list[str]], typer.Option("--plugin", help="Python file registering custom checks; repeatable.")] = None,
    reference: Annotated[Optional[str], typer.Option("--reference", help="Reference dataset or profile JSON: adds drift checks.")] = None,
    baseline_tolerance: Annotated[Optional[float], typer.Option("--baseline-tolerance", help="Also fail when the version store's newest version drops the fixed baseline's metric by more than this vs its parent.")] = None,
    baseline_metric: Annotated[Optional[str], typer.Option("--baseline-metric", help="accuracy, macro_f1 or log_loss (default: [check] baseline_metric or accuracy).")] = None,
    version: Annotated[Optional[str], typer.Option("--version", help="Check this version of the store (v3, head) instead of DATA; its report is stored with it.")] = None,
    baseline_report: Annotated[Optional[Path], typer.Option("--baseline-report", help="A previous JSON report: split failing rows into new / still failing / fixed.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Like --baseline-report, against the report stored with this version.")] = None,
    incremental: Annotated[bool, typer.Option("--incremental", help="With --version: re-validate only the rows changed since the nearest version with a stored report.")] = False,
    engine: Annotated[Optional[str], typer.Option("--engine", help="polars (default) or spark; default from [engine] name in dataqa.toml.")] = None,
    spark_master: Annotated[Optional[str], typer.Option("--spark-master", help="Spark master: local[*] (default), spark://HOST:PORT or sc://HOST:PORT.")] = None,
    spark_conf: Annotated[Optional[list[str]], typer.Option("--spark-conf", help="Spark setting KEY=VALUE; repeatable.")] = None,
    failures: Annotated[Optional[Path], typer.Option("--failures", help="Write every failing row (row id, suite, check, column, value) here as Parquet.")] = None,
    max_failures: Annotated[int, typer.Option("--max-failures", help="Keep at most N failing rows per check in the report (counts stay exact; every row goes to --failures).")] = MAX_FAILURES,
    max_label_noise: Annotated[Optional[float], typer.Option("--max-label-noise", help="Also fail when the lower bound of the estimated label-noise rate exceeds this share (default: [check] max_label_noise).")] = None,
) -> None:
    """Run suites on DATA. Exit 0 passed, 1 checks failed, 2 bad input, 3 bad suite file, 7 a check could not be evaluated."""
    from dataqa.config import load_config
    from dataqa.validation.api import check_dataset
    from dataqa.validation.render import RENDERERS

    # every failing row of this run, for the comparison with a baseline when --failures is not given
    scratch = tempfile.TemporaryDirectory(prefix="dataqa-check-")
    try:
        cfg = load_config()
        gate = (fail_on.value if fail_on else cfg.check.fail_on)
        if output is not None:
            ensure_writable(output, "--output")  # before the run, not after every check
        if failures is not None:
            ensure_writable(failures, "--failures")
        if max_failures < 0:
            raise InputError(f"--max-failures must be 0 or more, got {max_failures}")
        if baseline_report is not None and since is not None:
            raise InputError("give one baseline: --baseline-report FILE or --since VERSION, not both")
        if gate == "new" and baseline_report is None and since is None:
            raise InputError("--fail-on new needs a baseline: --baseline-report FILE or --since VERSION")
        if version is not None and data is not None:
            raise InputError("give DATA or --version VERSION, not both")
        if incremental and version is None:
            raise InputError("--incremental needs --version VERSION (a version of the store)")
        from dataqa.validation.version_check import check_version_files, load_baseline
        from dataqa.versions import VersionStore

        store = VersionStore(cfg.workspace_path / "versions")
        baseline = (load_baseline(report=baseline_report, since=since, store=store)
                    if baseline_report is not None or since is not None else None)
        data_path = cfg.dataset_path(data) if version is None else ""
        if max_label_noise is not None and not 0.0 <= max_label_noise <= 1.0:
            raise InputError(f"--max-label-noise {max_label_noise}: must be a share of rows between 0 and 1")
        every = failures if failures is not None or (baseline is None and version is None) else (
            Path(scratch.name) / "failures.parquet")
        suites = list(suite or [cfg.resolve(s) for s in cfg.check.suites])
        if not suites and not (reference or (cfg.dataset.reference and data is None)):
            raise InputError("no suite given: pass --suite FILE or set [check] suites in dataqa.toml")
        if incremental:
            from dataqa.validation.incremental import check_version_files_incremental as check_version_files
        report = check_version_files(
            store, version, suites,
            plugins=list(plugin or [cfg.resolve(p) for p in cfg.check.plugins]),
            baseline=baseline, max_failures=max_failures, failures_path=every,
        ) if version is not None else check_dataset(
            data_path,
            suites,
            **_engine_options(cfg, engine, spark_master, spark_conf),
            max_failures=max_failures,
            failures_path=every,
            id_column=cfg.id_column_for(data, id_column),
            plugins=list(plugin or [cfg.resolve(p) for p in cfg.check.plugins]),
            reference=reference or (cfg.resolve(cfg.dataset.reference) if data is None else None),
            label_column=cfg.dataset.label_column,
            drift=cfg.drift,
        )
        tolerance = baseline_tolerance if baseline_tolerance is not None else cfg.check.baseline_tolerance
        if tolerance is not None:
            from dataqa.cli.baseline_gate import baseline_gate_result

            report.extend([baseline_gate_result(cfg, metric=baseline_metric or cfg.check.baseline_metric,
                                                tolerance=tolerance)])
        noise_rate = max_label_noise if max_label_noise is not None else cfg.check.max_label_noise
        if noise_rate is not None and version is None:
            from dataqa.labeling.gate import label_noise_result

            report.extend([label_noise_result(cfg, data_path, max_rate=noise_rate,
                                              id_column=cfg.id_column_for(data, id_column))])
        if failures is not None:
            report.failures_file = str(failures.resolve())
        if baseline is not None and report.comparison is None:
            from dataqa.validation.compare import compare_reports

            compare_reports(report, baseline, current_failures=None if every is None else pl.scan_parquet(every))
        text = RENDERERS[format.value](report)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        raise typer.Exit(int(exit_code_for(report, gate)))
    finally:  # a DataqaError goes on to the CLI's one boundary (dataqa.cli.boundary)
        scratch.cleanup()


def _engine_options(cfg: Any, engine: str | None, master: str | None,
                    conf: list[str] | None) -> dict[str, Any]:
    """``--engine``/``--spark-master``/``--spark-conf``, falling back to ``[engine]`` of dataqa.toml."""
    section = getattr(cfg, "engine", None)
    settings: dict[str, str] = dict(getattr(section, "conf", None) or {})
    for item in conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--spark-conf expects KEY=VALUE, got '{item}'")
        settings[key.strip()] = value.strip()
    return {"engine": engine or getattr(section, "name", None),
            "spark_master": master or getattr(section, "master", None),
            "spark_conf": settings or None}
