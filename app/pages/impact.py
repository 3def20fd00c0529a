"""Impact: retrain the fixed baseline on every version; the fix ledger and its waterfall chart."""

import streamlit as st

from dataqa.app import impact, job_view, versioning
from dataqa.app.guard import guard
from dataqa.app.project import config
from dataqa.ledger.runs_index import runs_markdown

st.title("Impact")
cfg = config()
hist = []
with guard("Cannot read the version store"):
    hist = versioning.history(cfg)
if not hist:
    st.info("No versions yet: add the dataset on the Versions page, then fix rows (label noise "
            "review, inline edits). Each fix's effect on the fixed baseline is measured here.")
    st.stop()

st.caption(f"{len(hist)} versions. The fixed baseline is retrained on each version and scored on the "
           "frozen evaluation rows (95% bootstrap intervals; deltas are paired against the parent).")
led = None
job = impact.running_or_done(cfg)
with guard("The ledger could not be computed"):
    led = job_view.follow(job) if job is not None else None
if led is None and (job is None or job.status != "running"):
    if st.button("Retrain the baseline on every version", type="primary", key="impact.run"):
        with guard("The ledger could not be started"):
            impact.ledger_job(cfg)
            st.rerun()
if led is None:
    st.stop()

hd = impact.head_deltas(led)
if hd is not None:
    version, parent, deltas = hd
    st.markdown(f"**{version}** ({led.entries[-1].fix_kind}) against its parent **{parent}**, "
                "95% paired-bootstrap intervals:")
    for col, (name, (value, delta, low, high, gain, sure)) in zip(st.columns(len(deltas)), deltas.items()):
        col.metric(name, f"{value:.4f}", delta=f"{delta:+.4f} [{low:+.4f}, {high:+.4f}]",
                   delta_color=impact.delta_color(name))
        col.caption(("gain" if gain > 0 else "loss" if gain < 0 else "no change")
                    + ("; the interval excludes 0" if sure else "; the interval includes 0"))
metric = st.selectbox("Metric of the table and the waterfall", impact.metrics(), key="impact.metric")
st.dataframe(impact.ledger_table(led, metric), hide_index=True)
chart = impact.chart(led, metric)
if chart is not None:
    st.altair_chart(chart)
with guard("The MLflow runs index cannot be read"):  # links to `dataqa impact --mlflow` runs
    runs_md = runs_markdown(cfg, [(e.version, e.data_hash) for e in led.entries])
    if runs_md:
        st.markdown(runs_md)
