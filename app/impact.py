"""The fix ledger for the Impact page: retrain per version in the worker (cached by content), tables, chart."""

from __future__ import annotations

from typing import Any, Hashable, Literal

import altair as alt
import polars as pl

from dataqa.app import jobs, versioning
from dataqa.config import ProjectConfig
from dataqa.ledger.chart import waterfall_chart
from dataqa.ledger.metrics import METRICS, gain


def history_key(cfg: ProjectConfig) -> tuple[tuple[str, str], ...]:
    """(version id, data hash) of every version: the ledger's cache key."""
    return tuple((r.id, r.data_hash) for r in versioning.history(cfg))


def _key(cfg: ProjectConfig) -> tuple[Hashable, ...]:
    return ("ledger", str(versioning.store(cfg).path), history_key(cfg), repr(cfg.baseline))


def ledger_job(cfg: ProjectConfig) -> jobs.Job:
    """``build_ledger`` on the workspace store in the worker, once per history (version hashes)."""
    return jobs.start(_key(cfg), "Retraining the baseline", "dataqa.app.tasks:build_ledger",
                      {"store_path": str(versioning.store(cfg).path), "config": cfg})


def running_or_done(cfg: ProjectConfig) -> jobs.Job | None:
    """The ledger job of the current history if one was started (running or finished)."""
    return jobs.get(_key(cfg))


def metrics() -> tuple[str, ...]:
    return tuple(METRICS)


def ledger_table(led: Any, metric: str) -> pl.DataFrame:
    """One row per version: fix, rows changed, the metric and its delta to the parent with 95% CIs."""
    f: pl.DataFrame = led.to_frame()
    return f.select(
        "version", pl.col("fix_kind").alias("fix"), "reviewed", pl.col("rows_changed").alias("rows changed"),
        pl.col(f"{metric}_value").round(4).alias(metric),
        pl.format("[{}, {}]", pl.col(f"{metric}_low").round(4), pl.col(f"{metric}_high").round(4)).alias("95% CI"),
        pl.col(f"delta_{metric}_value").round(4).alias("delta"),
        pl.format("[{}, {}]", pl.col(f"delta_{metric}_low").round(4),
                  pl.col(f"delta_{metric}_high").round(4)).alias("delta 95% CI"),
        "message",
    )


def head_deltas(led: Any) -> tuple[str, str, dict[str, tuple[float, float, float, float, float, bool]]] | None:
    """The newest entry against its parent: per metric (value, delta, low, high, gain, interval
    excludes 0), where gain is the delta oriented so that positive is better; ``None`` for one version."""
    e = led.entries[-1]
    if not e.delta:
        return None
    out = {}
    for m, d in e.delta.items():
        out[m] = (e.metrics[m].value, d.value, d.low, d.high, gain(m, d.value), d.excludes_zero())
    return e.version, str(e.parent), out


def delta_color(metric: str) -> Literal["normal", "inverse"]:
    """``st.metric``'s colouring of a delta of ``metric``: green when the change is a gain."""
    return "normal" if gain(metric, 1.0) > 0 else "inverse"


def chart(led: Any, metric: str) -> alt.LayerChart | None:
    """The waterfall of cumulative gain by fix with each delta's interval (needs 2+ versions)."""
    return waterfall_chart(led, metric) if len(led.entries) > 1 else None
