"""Data: choose the dataset (upload, project file or stored version), see its profile and drift."""

from pathlib import Path

import streamlit as st

from dataqa.app import profiling, services, state
from dataqa.app.state import Current

st.title("Data")
cfg = state.config()

# --- choose -------------------------------------------------------------------------------------
pick, upload = st.columns(2)
with pick:
    st.subheader("Project files and versions")
    choices = services.project_files(cfg)
    labels = [label for label, _ in choices]
    cur = state.current()
    now = next((i for i, (_, p) in enumerate(choices) if cur and p == cur.path), None)
    chosen = st.selectbox("Open a project file", labels, index=now, key="data.file",
                          placeholder="choose a file")
    if chosen is not None and st.button("Open", key="data.open"):
        path = dict(choices)[chosen]
        with state.guard(f"Cannot open {chosen}"):
            state.set_current(services.open_file(cfg, path))
            st.rerun()
    with state.guard("Version store"):
        versions = services.version_choices(cfg)
        if versions:
            vlabel = st.selectbox("Or open a stored version", [v for v, _ in versions],
                                  key="data.version", index=None, placeholder="choose a version")
            if vlabel is not None and st.button("Open version", key="data.open_version"):
                with state.guard(f"Cannot open version {vlabel}"):
                    state.set_current(services.open_version(cfg, dict(versions)[vlabel]))
                    st.rerun()
        else:
            st.caption("No stored versions yet: add one from the Versions page.")

with upload:
    st.subheader("Upload")
    limit = services.upload_limit_mb()
    st.caption(f"CSV or Parquet, at most {limit} MB per file.")
    file = st.file_uploader("Upload a dataset", type=list(services.UPLOAD_TYPES),
                            max_upload_size=limit, key="data.upload")
    if file is not None and st.button("Use the uploaded file", key="data.use_upload"):
        with state.guard(f"Cannot read the upload {file.name}"):
            path = services.save_upload(state.workspace(), file.name, file.getvalue())
            state.set_current(services.open_file(cfg, str(path), name=Path(file.name).stem))
            st.rerun()

cur = state.require_current()
st.divider()
with state.guard(f"Cannot read {cur.path}"):
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
        state.set_current(Current(**{**cur.__dict__, "label_column": label}))
    with st.expander("Preview (first 200 rows)", expanded=False):
        st.dataframe(services.preview(cur.path, cur.fingerprint), hide_index=True)

    # --- profile ----------------------------------------------------------------------------------
    st.subheader("Profile")
    with st.spinner("Profiling..."):
        prof = profiling.profile(cur.path, cur.fingerprint, cur.id_column)
    summary = profiling.table_summary(prof)
    st.caption(f"{summary['rows']:,} rows · {summary['columns']} columns · "
               f"{summary['duplicate_rows'] if summary['duplicate_rows'] is not None else '?'} duplicate rows"
               + (f" · {summary['duplicate_ids']} duplicate ids" if summary["duplicate_ids"] is not None else ""))
    for note in summary["notes"]:
        st.caption(f"note: {note}")
    st.dataframe(profiling.profile_table(prof), hide_index=True)
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
default_ref = state.reference_path()
default_label = next((lbl for lbl, p in choices if p == default_ref), None)
ref = st.selectbox("Reference (a dataset, e.g. the clean training data)", refs, key="data.reference",
                   index=refs.index(default_label) if default_label in refs else None,
                   placeholder="choose a reference")
if ref is not None:
    with state.guard(f"Cannot compare with {ref}"), st.spinner("Comparing..."):
        report = profiling.drift_against(cur.path, cur.fingerprint, dict(choices)[ref], cur.id_column,
                                         cur.label_column)
        st.metric("Drift", report.outcome.upper())
        st.dataframe(profiling.drift_table(report), hide_index=True)
        for note in report.notes:
            st.caption(f"note: {note}")
