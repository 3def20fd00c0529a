"""Page results of this session (a check report...), kept per current dataset.

A result stored for one dataset is not shown once another dataset (or version) is current.
Long computations shared by sessions are jobs (``dataqa.app.jobs``), not results.
"""

from __future__ import annotations

import streamlit as st

from dataqa.app.current import current


def put(key: str, value: object) -> None:
    """Store a page result for the current dataset (hidden when the dataset changes)."""
    cur = current()
    st.session_state[f"dataqa.result.{key}"] = (cur.fingerprint if cur else None, value)


def get(key: str) -> object | None:
    """A page result stored by ``put`` for the current dataset, else ``None``."""
    cur = current()
    item = st.session_state.get(f"dataqa.result.{key}")
    if item is None or cur is None or item[0] != cur.fingerprint:
        return None
    value: object = item[1]
    return value
