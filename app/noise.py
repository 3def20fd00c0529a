"""Label-noise detection for the Label noise page: cached per dataset version, review queue, fixes.

The detection result is reduced to a ``NoiseView``: the suspects table (the shared contract:
``row_id, given_label, suggested_label, label_score, is_label_issue, ..., features``, worst
first), written once for Label Studio where ``dataqa noise`` writes it (``cfg.suspects_path``: a
stored version's checkout file has its content hash in its name, so each version has its own).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Hashable

import polars as pl
import streamlit as st

from dataqa.app import jobs
from dataqa.app.current import Current
from dataqa.columns import ROW_ID
from dataqa.config import ProjectConfig
from dataqa.errors import LabelingError
from dataqa.labeling import calibration
from dataqa.labeling.noise import NoiseResult


@dataclass(frozen=True)
class NoiseView:
    """What the page shows of one detection run."""

    dataset: str
    fingerprint: str
    """The dataset (version) the suspects were found in."""
    version: str | None
    rows: int
    counts: dict[str, int]
    """Flagged rows per issue kind (``label``, ``outlier``, ``near_duplicate``...)."""
    per_class: pl.DataFrame
    confusion: pl.DataFrame
    suspects: pl.DataFrame
    suspects_path: str
    classes: tuple[str, ...]
    summaries: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    """Detectors that failed (the others still ran), as readable lines."""
    estimate_line: str = ""
    """``estimated wrong labels: 273 of 5,012 (5.4%), 95% interval 255-295``."""
    flagged_line: str = ""
    """What the default flags should yield (``top 273: about 170 real errors ...``)."""
    warning: str | None = None
    """The weak-model warning, with the numbers and what to do."""
    detector: str = ""
    """Models and their out-of-fold accuracy."""
    level: float = 0.95
    scale: tuple[float, float] = (1.0, 1.0)
    """Bootstrap quantiles of the count over its point value (widen a queue's yield interval)."""


def job_key(cfg: ProjectConfig, cur: Current) -> tuple[Hashable, ...]:
    """One detection per dataset version, label and id column, baseline and detector config."""
    return ("noise", cur.fingerprint, cur.label_column, cur.id_column, repr(cfg.noise),
            calibration.factor(cfg.workspace_path / "noise", cur.dataset or cur.name))


def detect_job(cfg: ProjectConfig, cur: Current) -> jobs.Job | None:
    """The detection job of the current dataset if one was started (running or finished)."""
    return jobs.get(job_key(cfg, cur))


def start_detect(cfg: ProjectConfig, cur: Current) -> jobs.Job:
    """Find label noise in the current dataset in the worker (progress per fold, cancellable).

    The worker only computes; the suspects table is written to ``<workspace>/noise/`` for Label
    Studio after the result arrived, so a cancelled detection writes nothing. Raises
    ``LabelingError`` when no label column is chosen; the job fails with ``LabelingError`` /
    ``InputError`` (readable) for unusable data.
    """
    if cur.label_column is None:
        raise LabelingError("no label column: choose it above")
    return jobs.start(job_key(cfg, cur), "Finding label noise", "dataqa.labeling.noise:find_noise_in_file",
                      {"path": cur.path, "label_column": cur.label_column, "id_column": cur.id_column,
                       "noise": cfg.noise,
                       "calibration": calibration.factor(cfg.workspace_path / "noise", cur.dataset or cur.name)},
                      finish=lambda res: _view(cfg, cur, res))


def _view(cfg: ProjectConfig, cur: Current, res: NoiseResult) -> NoiseView:
    name = cur.dataset or cur.name
    out = cfg.suspects_path(cur.path)
    # find_noise_in_file names the dataset after the file; a stored version's checkout file has a
    # hash in its name, so the project (and the suspects metadata) use the store's dataset name.
    res = dataclasses.replace(res, dataset=name)
    res.write(out, version=cur.version)
    return NoiseView(dataset=name, fingerprint=cur.fingerprint, version=cur.version, rows=res.rows,
                     **_estimate_fields(res), counts=dict(res.counts), per_class=res.per_class, confusion=res.confusion,
                     suspects=res.suspects, suspects_path=str(out),
                     classes=tuple(str(c) for c in res.classes), summaries=tuple(res.summaries.values()),
                     errors=tuple(f"{k}: {v}" for k, v in res.errors.items()))


def _estimate_fields(res: NoiseResult) -> dict[str, Any]:
    est = res.estimate
    accuracy = ", ".join(f"{m} {a:.1%}" for m, a in res.accuracy.items())
    fields: dict[str, Any] = {"warning": res.warning,
                              "detector": f"{' + '.join(res.kept)} (out-of-fold accuracy: {accuracy})"}
    if est is not None:
        fields.update(
            estimate_line=(f"estimated wrong labels: {est.count:,.0f} of {est.rows:,} ({est.rate:.1%}), "
                           f"{est.level:.0%} interval {est.low:,.0f}-{est.high:,.0f}"),
            flagged_line=res.yield_line(est.flag_count) if est.flag_count else "",
            level=est.level,
            scale=(est.low / est.count, est.high / est.count) if est.count > 0 else (1.0, 1.0))
    return fields


def queue_yield(view: NoiseView, queue: pl.DataFrame) -> str:
    """What reviewing ``queue`` should yield: ``25 rows: about 19 real errors (expected precision
    0.76), 95% interval 15-22`` (the method of ``NoiseEstimate.queue_yield``)."""
    if "p_error" not in queue.columns or queue.height == 0:
        return ""
    from scipy.stats import norm  # about 1 s to import: only once a queue is shown

    p = queue["p_error"].cast(pl.Float64).fill_null(0.0).to_numpy()
    hits = float(p.sum())
    spread = float(norm.ppf(0.5 + view.level / 2)) * float((p * (1 - p)).sum()) ** 0.5
    low = max(0.0, min(hits * view.scale[0], hits) - spread)
    high = min(float(len(p)), max(hits * view.scale[1], hits) + spread)
    return (f"{len(p):,} rows: about {hits:,.0f} real errors (expected precision {hits / len(p):.2f}), "
            f"{view.level:.0%} interval {low:,.0f}-{high:,.0f}")


def result_for(view: NoiseView | None, cur: Current) -> NoiseView | None:
    """The last result if it belongs to the current dataset or an earlier version of it.

    Row ids are stable across versions of the store, so suspects found in v1 can still be
    reviewed after a fix made v2; a result for an unrelated file is not shown.
    """
    if view is None:
        return None
    if view.fingerprint == cur.fingerprint or (view.version is not None and cur.version is not None):
        return view
    return None


def queue(view: NoiseView, n: int, *, label_issues_only: bool = True) -> pl.DataFrame:
    """The review budget: the ``n`` suspects with the highest expected value of a review,
    ``P(error)`` (``p_error``), with an empty ``fix`` column for inline edits."""
    s = view.suspects
    if label_issues_only and "is_label_issue" in s.columns:
        s = s.filter(pl.col("is_label_issue"))
    if "p_error" in s.columns:
        s = s.with_row_index("_pos").sort([pl.col("p_error"), pl.col("_pos")], descending=[True, False]).drop("_pos")
    head = [ROW_ID, "given_label", "suggested_label", "label_score"]
    rest = [c for c in s.columns if c not in head and not c.startswith("is_") and not c.endswith("_score")]
    return s.head(n).select(pl.lit(None, pl.String).alias("fix"), *head, *rest)


def editor_config(view: NoiseView) -> dict[str, Any]:
    """``st.data_editor`` column config: ``fix`` is a choice among the classes."""
    return {
        "fix": st.column_config.SelectboxColumn("fix", options=list(view.classes),
                                                help="The correct label (leave empty to keep the given one)"),
        "label_score": st.column_config.NumberColumn("label score", format="%.3f"),
    }


def fixes_from_editor(edited: Any) -> pl.DataFrame:
    """``row_id, new`` for every row whose ``fix`` was set to a label other than the given one."""
    df = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    return (df.filter(pl.col("fix").is_not_null() & (pl.col("fix") != pl.col("given_label").cast(pl.String)))
            .select(ROW_ID, pl.col("fix").alias("new")))
