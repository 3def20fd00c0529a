"""Versions: the history as a timeline, row-level diffs with their causes, rollback."""

import altair as alt
import streamlit as st

from dataqa.app import versioning
from dataqa.app.current import current, set_current
from dataqa.app.guard import guard
from dataqa.app.project import config

st.title("Versions")
cfg = config()
cur = current()

hist = []
with guard("Cannot read the version store"):
    hist = versioning.history(cfg)

if not hist:
    st.info("No versions yet. Add the current dataset as the first version: its evaluation split "
            "is frozen then, and every fix (manual edit, review, rollback) becomes a new version.")
    if cur is not None and st.button(f"Add {cur.name} as v1", type="primary", key="versions.add"):
        with guard("The dataset was not added"):
            rec = versioning.add_current(cfg, cur)
            set_current(versioning.open_version(cfg, rec.id))
            st.rerun()
    st.stop()

ids = [r.id for r in hist]
table = versioning.timeline(hist)
st.caption(f"Store `{versioning.store(cfg).path}` · {len(hist)} versions · head {ids[-1]}"
           + (f" · open: {cur.version}" if cur and cur.version else ""))
chart = (alt.Chart(table).mark_circle(size=220)
         .encode(x=alt.X("seq:O", title="version"), y=alt.Y("kind:N", title=None),
                 color=alt.Color("reviewed:N", title="reviewed"),
                 tooltip=["version", "created", "kind", "cells changed", "rows changed", "source", "message"])
         .properties(height=160))
line = alt.Chart(table).mark_line(color="#bbb").encode(x="seq:O", y="kind:N")
st.altair_chart(line + chart)
for rec in reversed(hist):
    marker = " ← open" if cur and cur.version == rec.id else ""
    st.markdown(f"**{rec.id}** · `{rec.kind.value}` · {rec.created} · {rec.message}{marker}")
    st.caption(f"{rec.cells_changed} cells in {rec.rows_changed} rows"
               + (f", {rec.rows_dropped} dropped" if rec.rows_dropped else "")
               + (f", {rec.eval_rows_changed} evaluation rows (reviewed)" if rec.eval_rows_changed else "")
               + f" · {rec.n_rows} rows · source: {versioning.timeline([rec])['source'][0]}")

left, right = st.columns(2)
with left:
    pick = st.selectbox("Open a version", ids[::-1], key="versions.open_pick")
    if st.button("Open", key="versions.open"):
        with guard(f"Cannot open {pick}"):
            set_current(versioning.open_version(cfg, pick))
            st.rerun()
with right:
    target = st.selectbox("Roll back to", ids[:-1][::-1] or ids, key="versions.rollback_pick")
    sure = st.checkbox("Make a new version with this content (history is kept)", key="versions.rollback_sure")
    if st.button("Roll back", key="versions.rollback", disabled=not sure or len(ids) < 2):
        with guard("Rollback failed"):
            rec = versioning.rollback(cfg, target, head=ids[-1])
            set_current(versioning.open_version(cfg, rec.id))
            st.success(f"{rec.id}: {rec.message}")
            st.rerun()

st.subheader("Row-level diff")
if st.session_state.get("versions.seen_head") != ids[-1]:
    # a new version arrived: show what it changed (parent -> head)
    st.session_state["versions.seen_head"] = ids[-1]
    st.session_state["versions.diff_a"] = ids[max(len(ids) - 2, 0)]
    st.session_state["versions.diff_b"] = ids[-1]
a_col, b_col = st.columns(2)
a = a_col.selectbox("From", ids, key="versions.diff_a")
b = b_col.selectbox("To", ids, key="versions.diff_b")
with guard(f"Cannot diff {a} and {b}"):
    d = versioning.diff(cfg, a, b)
    st.caption(f"{d.height} changed cells/rows from {a} to {b}; `changed_by` is the fix that made each change.")
    st.dataframe(d, hide_index=True)
