"""Label-noise detection for the Label noise page: cached per dataset version, review queue, fixes.

The detection result is reduced to a ``NoiseView``: the suspects table (the shared contract:
``row_id, given_label, suggested_label, label_score, is_label_issue, ..., features``, worst
first), written once to ``<workspace>/noise/<fingerprint>.suspects.parquet`` for Label Studio.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Hashable

import polars as pl
import streamlit as st

from dataqa.app import jobs
from dataqa.app.current import Current
from dataqa.config import ProjectConfig
from dataqa.errors import LabelingError
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


def job_key(cfg: ProjectConfig, cur: Current) -> tuple[Hashable, ...]:
    """One detection per dataset version, label and id column, baseline and detector config."""
    return ("noise", cur.fingerprint, cur.label_column, cur.id_column, repr(cfg.baseline))


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
                       "config": cfg.baseline}, finish=lambda res: _view(cfg, cur, res))


def _view(cfg: ProjectConfig, cur: Current, res: NoiseResult) -> NoiseView:
    name = cur.dataset or cur.name
    out = cfg.workspace_path / "noise" / f"{cur.fingerprint.replace(':', '-')}.suspects.parquet"
    # find_noise_in_file names the dataset after the file; a stored version's checkout file has a
    # hash in its name, so the project (and the suspects metadata) use the store's dataset name.
    res = dataclasses.replace(res, dataset=name)
    res.write(out, version=cur.version)
    return NoiseView(dataset=name, fingerprint=cur.fingerprint, version=cur.version, rows=res.rows,
                     counts=dict(res.counts), per_class=res.per_class, confusion=res.confusion,
                     suspects=res.suspects, suspects_path=str(out),
                     classes=tuple(str(c) for c in res.classes), summaries=tuple(res.summaries.values()),
                     errors=tuple(f"{k}: {v}" for k, v in res.errors.items()))


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
    """The first ``n`` suspects (worst first) with an empty ``fix`` column for inline edits."""
    s = view.suspects
    if label_issues_only and "is_label_issue" in s.columns:
        s = s.filter(pl.col("is_label_issue"))
    head = ["row_id", "given_label", "suggested_label", "label_score"]
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
            .select("row_id", pl.col("fix").alias("new")))
