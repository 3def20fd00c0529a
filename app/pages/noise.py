"""Label noise: find suspects, review them inline or in Label Studio, apply fixes as versions."""

import streamlit as st

from dataqa.app import job_view, noise, review, services, versioning
from dataqa.app.current import Current, require_current, set_current
from dataqa.app.guard import guard
from dataqa.app.project import config

st.title("Label noise")
if "noise.flash" in st.session_state:
    st.success(st.session_state.pop("noise.flash"))
cfg = config()
cur = require_current()
if cur.label_column is None:
    # --- empty state: pick the label column right here ---------------------------------------------
    st.info("Which column holds the class label? Noise detection predicts it out of fold and flags "
            "rows whose given label the model finds unlikely.")
    with guard(f"Cannot read {cur.path}"):
        columns = services.dataset_info(cur.path, cur.fingerprint, cur.id_column)["columns"]
        label = st.selectbox("Label column", columns, index=None, key="noise.label_pick",
                             placeholder="choose the label column")
        if label is not None:
            set_current(Current(**{**cur.__dict__, "label_column": label}))
            st.rerun()
    st.stop()

# --- detect -----------------------------------------------------------------------------------------
c1, c2 = st.columns([3, 1])
c1.caption(f"The detector ({' + '.join(cfg.noise.models)}; `[noise]` in dataqa.toml) predicts "
           f"`{cur.label_column}` out of fold ({cfg.noise.folds} folds, seed {cfg.noise.seed}), estimates how "
           "many labels are wrong and ranks rows by P(error). Results are cached per dataset version.")
job = noise.detect_job(cfg, cur)
with guard("Label-noise detection failed"):
    found = job_view.follow(job) if job is not None else None
    if found is not None:
        st.session_state["dataqa.noise"] = found
if (job is None or job.status != "running") and c2.button("Find label noise", type="primary", key="noise.run"):
    with guard("Label-noise detection failed"):
        started = noise.start_detect(cfg, cur)
        if started.status == "done":  # already computed for this version: shown at once
            st.session_state["dataqa.noise"] = started.result
        st.rerun()

result = noise.result_for(st.session_state.get("dataqa.noise"), cur)
if result is None:
    st.info("Press **Find label noise** to rank the rows by label quality.")
    st.stop()
if result.fingerprint != cur.fingerprint:
    st.caption(f"Suspects were found in {result.version}; the open version is {cur.version}. "
               "Fixes apply to the open version; press **Find label noise** to re-rank.")

m = st.columns(len(result.counts) + 1)
m[0].metric("Rows", f"{result.rows:,}")
for col, (kind, n) in zip(m[1:], result.counts.items()):
    col.metric(kind.replace("_", " "), n)
if result.estimate_line:
    st.markdown(f"**{result.estimate_line}**")
    if result.flagged_line:
        st.caption(f"Flagged: {result.flagged_line}")
    st.caption(f"Detector: {result.detector}")
if result.warning:
    st.warning(result.warning)
for line in result.summaries:
    st.caption(line)
for line in result.errors:
    st.warning(f"detector failed: {line}")
left, right = st.columns(2)
with left:
    st.caption("Estimated wrong labels and noise rate per class")
    st.dataframe(result.per_class, hide_index=True)
with right:
    st.caption("Given (rows) vs suggested (columns) label, flagged rows")
    st.dataframe(result.confusion, hide_index=True)

# --- review queue and inline fixes ----------------------------------------------------------------------
st.subheader("Review queue")
only = st.checkbox("Label issues only", value=True, key="noise.only")
n = st.slider("Review budget (rows)", 5, 200, 25, key="noise.top")
queue = noise.queue(result, n, label_issues_only=only)
if line := noise.queue_yield(result, queue):
    st.markdown(f"Before review: **{line}**")
st.caption("Highest P(error) first: the rows where a review most likely fixes a label. Set **fix** to "
           "correct a label here (small edits); send the rest to Label Studio.")
edited = st.data_editor(queue, key=f"noise.editor.{cur.fingerprint}", hide_index=True,
                        disabled=[c for c in queue.columns if c != "fix"],
                        column_config=noise.editor_config(result))
fixes = noise.fixes_from_editor(edited)
if st.button(f"Save {fixes.height} fix(es) as a new version", key="noise.save", disabled=fixes.height == 0):
    with guard("The fixes were not saved"):
        rec = versioning.edit_labels(cfg, cur, fixes)
        set_current(versioning.open_version(cfg, rec.id))
        st.session_state["noise.flash"] = f"{rec.id}: {rec.message}"
        st.rerun()

# --- Label Studio -----------------------------------------------------------------------------------------
st.subheader("Review in Label Studio")
with guard("Label Studio"):
    ls = review.status(cfg)
    if not ls["running"]:
        st.caption("The embedded Label Studio runs on 127.0.0.1 with its data in the workspace "
                   + ("(first start: about half a minute to set up its database)." if not ls["initialised"] else "."))
        if st.button("Start Label Studio", key="noise.ls_start"):
            with st.spinner("Starting Label Studio..."):
                review.start(cfg)
            st.rerun()
        st.stop()
    st.caption(f"Label Studio at {ls['url']}" + (" (your server)" if ls["external"] else
                                                 f" · log in as `{review.admin_login(cfg)}`, password in "
                                                 f"`{cfg.workspace_path / 'labelstudio' / 'credentials'}`"))
    project = st.text_input("Project", value=st.session_state.get("noise.project")
                            or review.project_title(result.dataset), key="noise.project_input")
    top = st.number_input("Send the worst N suspects", 1, 5000, 50, key="noise.push_top")
    p1, p2, p3 = st.columns(3)
    push = review.push_job(cfg, result.suspects_path, top=int(top), project=project, start=False)
    pushed = job_view.follow(push) if push is not None else None  # a cancelled push resumes: re-send
    if push is not None and pushed is not None:  # pushed implies push; spelt out for mypy
        review.forget(push)
        st.session_state["noise.project"] = pushed.project_title
        st.session_state["noise.pushed"] = (pushed.summary(), pushed.url)
    if (push is None or push.status != "running") and p1.button("Send to Label Studio", key="noise.push"):
        review.push_job(cfg, result.suspects_path, top=int(top), project=project, start=True)
        st.rerun()
    if "noise.pushed" in st.session_state:
        summary, url = st.session_state["noise.pushed"]
        st.success(summary)
        st.link_button("Open the project in Label Studio", url)
    if p2.button("Pull reviews", key="noise.pull"):
        with st.spinner("Reading annotations..."):
            cs = review.pull(cfg, project, cur.path, cur.id_column)
        st.session_state["noise.changeset"] = cs
    if not ls["external"] and p3.button("Stop Label Studio", key="noise.ls_stop"):
        review.stop(cfg)
        st.rerun()

cs = st.session_state.get("noise.changeset")
if cs is not None:
    st.caption(cs.summary())
    st.dataframe(cs.frame, hide_index=True)
    n_relabel = cs.counts.get("relabel", 0)
    if n_relabel == 0:
        st.info("No relabels to apply yet: confirmed or unsure rows change nothing.")
    elif st.button(f"Apply {n_relabel} relabel(s) as a new version", type="primary", key="noise.apply"):
        with guard("The review was not applied"):
            rec = versioning.apply_review(cfg, cur, cs.frame, cs.meta)
            set_current(versioning.open_version(cfg, rec.id))
            del st.session_state["noise.changeset"]
            st.session_state["noise.flash"] = f"{rec.id}: {rec.message}"
            st.rerun()
