"""Data: choose the dataset (a path, a project file, a stored version or an upload); its first view
at once, then the profile filling in per column group while it is computed; drift."""

from pathlib import Path
from typing import Any

import streamlit as st

from dataqa.app import job_view, jobs, profiling, services, uploads, versioning
from dataqa.app.current import Current, current, open_path, require_current, set_current
from dataqa.app.guard import guard
from dataqa.app.project import config, reference_path, workspace

st.title("Data")
cfg = config()

# --- choose -------------------------------------------------------------------------------------
pick, upload = st.columns(2)
with pick:
    st.subheader("Project files and versions")
    choices = services.project_files(cfg)
    labels = [label for label, _ in choices]
    cur = current()
    now = next((i for i, (_, p) in enumerate(choices) if cur and p == cur.path), None)
    chosen = st.selectbox("Open a project file", labels, index=now, key="data.file",
                          placeholder="choose a file")
    if chosen is not None and st.button("Open", key="data.open"):
        with guard(f"Cannot open {chosen}"):
            set_current(open_path(cfg, dict(choices)[chosen]))
            st.rerun()
    typed = st.text_input("Or open a path on this machine", key="data.path",
                          placeholder="/data/table.parquet, /data/table/ or /data/part-*.parquet",
                          help="A CSV, Parquet or JSON Lines file, a folder of Parquet files, or a glob.")
    if typed and st.button("Open path", key="data.open_path"):
        with guard(f"Cannot open {typed}"):
            set_current(open_path(cfg, typed))
            st.rerun()
    with guard("Version store"):
        versions = services.version_choices(cfg)
        if versions:
            vlabel = st.selectbox("Or open a stored version", [v for v, _ in versions],
                                  key="data.version", index=None, placeholder="choose a version")
            if vlabel is not None and st.button("Open version", key="data.open_version"):
                with guard(f"Cannot open version {vlabel}"):
                    set_current(versioning.open_version(cfg, dict(versions)[vlabel]))
                    st.rerun()
        else:
            st.caption("No stored versions yet: add one from the Versions page.")

with upload:
    st.subheader("Upload")
    limit = cfg.app.max_upload_mb
    st.caption(f"CSV or Parquet, at most {limit} MB per file (`[app] max_upload_mb`); "
               "bigger tables: open them by path.")
    file = st.file_uploader("Upload a dataset", type=list(services.UPLOAD_TYPES),
                            max_upload_size=limit * uploads.UPLOAD_GRACE, key="data.upload")
    too_big = uploads.upload_too_big(file.name, file.size, limit) if file is not None else None
    if too_big:
        st.error(too_big)
    elif file is not None and st.button("Use the uploaded file", key="data.use_upload"):
        with guard(f"Cannot read the upload {file.name}"):
            path = services.save_upload(workspace(), file.name, file.getvalue())
            set_current(open_path(cfg, str(path), name=Path(file.name).stem))
            st.rerun()

cur = require_current()
st.divider()

# --- first view: metadata, schema, first rows (seconds, whatever the size) --------------------------
info: dict[str, Any] = {"columns": []}
with guard(f"Cannot read {cur.path}"):
    info = services.dataset_info(cur.path, cur.fingerprint, cur.id_column)
    c1, c2, c3 = st.columns(3)
    c1.metric("Rows", f"{info['rows']:,}")
    c2.metric("Columns", len(info["columns"]))
    c3.metric("Version", cur.version or "file")
    label = st.selectbox("Label column (for noise detection and the baseline)", info["columns"],
                         index=info["columns"].index(cur.label_column)
                         if cur.label_column in info["columns"] else None,
                         key=f"data.label.{cur.fingerprint}", placeholder="none")
    if label != cur.label_column and label is not None:
        set_current(Current(**{**cur.__dict__, "label_column": label}))
    st.caption("Schema: " + ", ".join(f"`{n}` {t}" for n, t in zip(info["columns"], info["dtypes"])))
    st.caption("First rows")
    st.dataframe(services.preview(cur.path, cur.fingerprint), hide_index=True, height=220)

# --- profile: streamed from the worker, per column group ------------------------------------------
st.subheader("Profile")
no_auto = f"data.no_auto_profile.{cur.fingerprint}"  # after a cancel or an error: wait for the button
job = jobs.get(profiling.profile_key(cur))
if job is None and not st.session_state.get(no_auto):
    job = profiling.profile_job(cur)


def partial(running: jobs.Job) -> None:
    done = profiling.partial_columns(running)
    if done:
        st.caption(f"{len(done)} of {len(info['columns']) or '?'} columns profiled so far")
        st.dataframe(profiling.profile_table(done), hide_index=True)


prof = None
with guard("The profile could not be computed"):
    prof = job_view.follow(job, partial=partial) if job is not None else None
if job is not None and job.status in ("cancelled", "failed"):
    st.session_state[no_auto] = True
if prof is None and (job is None or job.status != "running"):
    if st.button("Profile", key="data.profile"):
        st.session_state.pop(no_auto, None)
        profiling.profile_job(cur)
        st.rerun()
if prof is not None:
    summary = profiling.table_summary(prof)
    st.caption(f"{summary['rows']:,} rows · {summary['columns']} columns · "
               f"{summary['duplicate_rows'] if summary['duplicate_rows'] is not None else '?'} duplicate rows"
               + (f" · {summary['duplicate_ids']} duplicate ids" if summary["duplicate_ids"] is not None else ""))
    for note in summary["notes"]:
        st.caption(f"note: {note}")
    st.dataframe(profiling.profile_table(prof.columns), hide_index=True)
    charted = prof.columns
    if len(charted) > profiling.CHART_ALL_MAX:
        name = st.selectbox("Column to chart", prof.names, key="data.chart_col")
        charted = [prof[name]]
    grid = st.columns(3)
    for i, col in enumerate(charted):
        chart = profiling.column_chart(col)
        with grid[i % 3]:
            st.markdown(f"**{col.name}** · {col.kind} · {col.null_percent:.1f}% null")
            if chart is None:
                st.caption(f"text, {col.distinct} distinct, length {col.length_min}-{col.length_max}"
                           if col.kind == "string" else "no values to chart")
            else:
                st.altair_chart(chart)

# --- drift ----------------------------------------------------------------------------------------
st.subheader("Drift against a reference")
refs = [label for label, p in choices if p != cur.path]
default_ref = reference_path()
default_label = next((lbl for lbl, p in choices if p == default_ref), None)
ref = st.selectbox("Reference (a dataset, e.g. the clean training data)", refs, key="data.reference",
                   index=refs.index(default_label) if default_label in refs else None,
                   placeholder="choose a reference")
if ref is not None:
    with guard(f"Cannot compare with {ref}"), st.spinner("Comparing..."):
        report = profiling.drift_against(cur.path, cur.fingerprint, dict(choices)[ref], cur.id_column,
                                         cur.label_column)
        st.metric("Drift", report.outcome.upper())
        st.dataframe(profiling.drift_table(report), hide_index=True)
        for note in report.notes:
            st.caption(f"note: {note}")
