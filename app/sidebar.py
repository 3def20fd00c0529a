"""The sidebar every page shows: the current dataset and the jobs running in the background."""

from __future__ import annotations

import streamlit as st

from dataqa.app import jobs
from dataqa.app.current import current


def sidebar() -> None:
    """The current dataset (name, version or file, fingerprint, label column) and running jobs."""
    cur = current()
    with st.sidebar:
        st.caption("Current dataset")
        if cur is None:
            st.write("none")
        else:
            st.markdown(f"**{cur.name}**")
            st.caption(f"{'version ' + cur.version if cur.version else 'file'} · `{cur.fingerprint}`")
            if cur.label_column:
                st.caption(f"label column: `{cur.label_column}`")
        for job in jobs.running():
            st.caption(f"running: {job.label} ({job.fraction:.0%})")
