"""Profile and drift for the Data page: the streamed profile job, drift, display tables and charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import altair as alt
import polars as pl
import streamlit as st

from dataqa.app import jobs
from dataqa.app.current import Current
from dataqa.validation.drift import DriftReport, compare
from dataqa.validation.profile import load_reference
from dataqa.validation.profile import profile as run_profile
from dataqa.validation.profile_model import ColumnProfile, Profile

#: Above this many columns the Data page charts one chosen column instead of all.
CHART_ALL_MAX = 30


def profile_key(cur: Current) -> tuple[str, str, str | None]:
    """The profile job's key: one profile per dataset version (and id column)."""
    return ("profile", cur.fingerprint, cur.id_column)


def profile_job(cur: Current) -> jobs.Job:
    """The profile of the current dataset, streamed per column group in the worker.

    Started on first request and shared afterwards (by every page and session of the server);
    its result is the profile, cached per dataset version.
    """
    return jobs.start(profile_key(cur), "Profiling", "dataqa.app.profile_stream:profile_in_groups",
                      {"path": cur.path, "id_column": cur.id_column})


def profile_if_done(cur: Current) -> Profile | None:
    """The current dataset's profile if it has been computed, else ``None`` (starts nothing)."""
    job = jobs.get(profile_key(cur))
    return job.result if job is not None and job.status == "done" else None


def partial_columns(job: jobs.Job) -> list[ColumnProfile]:
    """The column profiles a running profile job has reported so far."""
    return [c for part in job.partials for c in part]


@st.cache_data(show_spinner=False, max_entries=16)
def drift(path: str, fingerprint: str, reference: str, reference_key: str, id_column: str | None,
          label_column: str | None) -> DriftReport:
    """Drift of a dataset against a reference file or profile JSON, cached per both."""
    ref = load_reference(reference)
    cur = run_profile(path, id_column=id_column, reference=ref)
    return compare(cur, ref, label_column=label_column)


def drift_against(path: str, fingerprint: str, reference: str, id_column: str | None,
                  label_column: str | None) -> DriftReport:
    """``drift`` keyed on the reference file's size and modification time too."""
    st_ = Path(reference).stat()
    return drift(path, fingerprint, reference, f"{st_.st_size}:{st_.st_mtime_ns}", id_column, label_column)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def profile_table(cols: Sequence[ColumnProfile]) -> pl.DataFrame:
    """One row per column: kind, type, nulls, distinct, range, mean, std, top values."""
    return pl.DataFrame({
        "column": [c.name for c in cols],
        "kind": [c.kind for c in cols],
        "dtype": [c.dtype for c in cols],
        "nulls %": [round(c.null_percent, 2) for c in cols],
        "distinct": [c.distinct for c in cols],
        "min": [_fmt(c.min) for c in cols],
        "max": [_fmt(c.max) for c in cols],
        "mean": [_fmt(c.mean) for c in cols],
        "std": [_fmt(c.std) for c in cols],
        "top values": [", ".join(f"{v} ({n})" for v, n in (c.top_values or [])[:5]) for c in cols],
    }, schema_overrides={"distinct": pl.Int64})


def table_summary(prof: Profile) -> dict[str, Any]:
    """Rows, columns, duplicate rows and ids, notes."""
    return {"rows": prof.rows, "columns": prof.n_columns, "duplicate_rows": prof.duplicate_rows,
            "duplicate_ids": prof.duplicate_ids, "notes": list(prof.notes)}


def column_chart(col: ColumnProfile, height: int = 140) -> alt.Chart | None:
    """A histogram (numeric/temporal) or a top-values bar chart; ``None`` when there is nothing to draw."""
    if col.histogram is not None and col.histogram.counts:
        e, n = col.histogram.edges, col.histogram.counts
        data = pl.DataFrame({"from": e[:-1], "to": e[1:], "rows": n})
        temporal = col.kind == "temporal"
        x = alt.X("from:T" if temporal else "from:Q", title=col.name, bin="binned")
        x2 = alt.X2("to:T" if temporal else "to:Q")
        if temporal:
            data = data.with_columns(pl.from_epoch(pl.col("from").cast(pl.Int64), time_unit="ms"),
                                     pl.from_epoch(pl.col("to").cast(pl.Int64), time_unit="ms"))
        return alt.Chart(data).mark_bar().encode(  # type: ignore[no-any-return]  # altair is untyped here
            x=x, x2=x2, y=alt.Y("rows:Q", title="rows"), tooltip=["from", "to", "rows"]).properties(height=height)
    if col.top_values and col.kind in ("categorical", "boolean"):
        data = pl.DataFrame({"value": [str(v) for v, _ in col.top_values],
                             "rows": [n for _, n in col.top_values]})
        return alt.Chart(data).mark_bar().encode(  # type: ignore[no-any-return]  # altair is untyped here
            x=alt.X("rows:Q", title="rows"), y=alt.Y("value:N", sort="-x", title=col.name),
            tooltip=["value", "rows"]).properties(height=height)
    return None


def drift_table(report: DriftReport) -> pl.DataFrame:
    """One row per drift result: outcome, check, column, value, thresholds, message."""
    rs = report.results
    return pl.DataFrame({
        "outcome": [r.outcome for r in rs],
        "check": [r.check for r in rs],
        "column": [r.column or "" for r in rs],
        "value": [r.value for r in rs],
        "warning above": [r.threshold.warning if r.threshold else None for r in rs],
        "failed above": [r.threshold.failed if r.threshold else None for r in rs],
        "message": [r.message for r in rs],
    }, schema_overrides={"value": pl.Float64, "warning above": pl.Float64, "failed above": pl.Float64})
