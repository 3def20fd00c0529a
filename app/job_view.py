"""How a page shows a background job: a live panel with progress, the time left and Cancel.

The panel is a fragment that reruns on its own every half second while the job runs (the rest of
the page is not re-executed); when the job ends it reruns the whole page, which then shows the
result. Leaving the page does not stop the job; coming back shows the same panel.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Hashable

import streamlit as st

from dataqa.app import jobs
from dataqa.app.jobs import Job

#: Seconds between refreshes of a running job's panel.
REFRESH = 0.5


def time_left(seconds: float | None) -> str:
    """``about 40 s left``, ``about 3 min left``, or ``estimating the time left`` before the first step."""
    if seconds is None:
        return "estimating the time left"
    if seconds < 90:
        return f"about {max(round(seconds), 1)} s left"
    return f"about {round(seconds / 60)} min left"


def status_line(job: Job) -> str:
    """``Profiling: 3/6 · retraining v2 · about 12 s left``."""
    parts = [job.label]
    if job.total:
        parts.append(f"{job.done}/{job.total}")
    if job.step:
        parts.append(job.step)
    parts.append(time_left(job.eta()))
    return " · ".join(parts)


def follow(job: Job, partial: Callable[[Job], None] | None = None) -> Any | None:
    """The job's result once it is done; while it runs, its live panel and ``None``.

    ``partial(job)`` draws what is known so far (inside the panel, refreshed with it). A failed
    job raises its error (show it with ``guard``) and is forgotten, so the next request starts
    afresh; a cancelled one says so, is forgotten, and gives ``None``.
    """
    if job.status == "done":
        return job.result
    if job.status == "failed":
        jobs.forget(job.key)
        assert job.error is not None
        raise job.error
    if job.status == "cancelled":
        jobs.forget(job.key)
        st.info(f"{job.label} was cancelled; nothing was written.")
        return None
    _panel(job.key, partial)
    return None


def _slug(key: tuple[Hashable, ...]) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", "_".join(str(k) for k in key[:2]))[:80]


@st.fragment(run_every=REFRESH)
def _panel(key: tuple[Hashable, ...], partial: Callable[[Job], None] | None) -> None:
    job = jobs.get(key)
    if job is None or job.status != "running":
        st.rerun()  # the whole page: it shows the result (or the error) now
    bar, stop = st.columns([6, 1])
    bar.progress(job.fraction, text=status_line(job))
    if stop.button("Cancel", key=f"job.cancel.{_slug(key)}"):
        job.cancel()
        job.wait(timeout=15)
        st.rerun()
    if partial is not None:
        partial(job)
