"""Checks: pick, edit or draft suites; run them on the current dataset; see and download results."""

from pathlib import Path
from typing import cast

import streamlit as st

from dataqa.app import job_view, profiling, results, services
from dataqa.app.current import require_current
from dataqa.app.guard import guard
from dataqa.app.project import config, reference_path, workspace
from dataqa.validation.report import SuiteReport

st.title("Checks")
cfg = config()
cur = require_current()
ws = workspace()

suites = services.list_suites(cfg.root, [cfg.resolve(s) for s in cfg.check.suites], ws)
if not suites:
    # --- empty state: no suite anywhere yet; draft one from the profile right here -----------------
    st.info("No suite yet: the project has no `expectations/` folder, no `[check] suites` and no drafts. "
            "Draft one from this dataset's profile (a GX suite of the types, ranges, null rates and "
            "categories it has now), then edit it below.")
    job = profiling.profile_job(cur)
    prof = None
    with guard("The profile could not be computed"):
        prof = job_view.follow(job)
    pressed = st.button("Draft a suite from this profile", type="primary", key="checks.draft_here", disabled=prof is None,
                        help=None if prof is not None else "the profile is still being computed")
    if pressed and prof is not None:  # a disabled button is never pressed; `prof` spelt out for mypy
        with guard("Cannot draft a suite"):
            saved = services.save_draft(ws, cur.name, prof, cur.id_column)
            st.session_state["checks.add"] = [str(saved.resolve())]
            st.rerun()
    st.stop()
names = {s: services.suite_label(cfg.root, s) for s in suites}
default = [s for s in suites if any(Path(s) == Path(cfg.resolve(c)).resolve() for c in cfg.check.suites)]
if "checks.add" in st.session_state:  # a suite just saved from the editor joins the selection
    st.session_state["checks.suites"] = st.session_state.pop("checks.add")
st.session_state.setdefault("checks.suites", default)
st.session_state["checks.suites"] = [s for s in st.session_state["checks.suites"] if s in suites]
chosen = st.multiselect("Suites to run", suites, format_func=lambda s: names.get(s, s), key="checks.suites")

with st.expander("Edit a suite, or draft one from the profile"):
    st.caption("GX suite JSON or pandera YAML. Edits are saved as a copy in the workspace "
               f"(`{ws / 'suites'}`); the shipped file is not changed.")
    src = st.selectbox("Start from", ["(new)"] + suites, format_func=lambda s: names.get(s, s),
                       key="checks.edit_src")
    if st.session_state.get("checks.loaded") != src:
        st.session_state["checks.loaded"] = src
        if src != "(new)":
            st.session_state["checks.editor"] = Path(src).read_text(encoding="utf-8")
            st.session_state["checks.save_name"] = Path(src).name
    draft_col, fmt_col = st.columns([1, 1])
    fmt = fmt_col.radio("Draft format", ["gx", "pandera"], horizontal=True, key="checks.draft_fmt")
    prof = profiling.profile_if_done(cur)
    pressed = draft_col.button("Draft from profile", key="checks.draft", disabled=prof is None,
                               help=None if prof is not None else "the profile is computed on the Data page")
    if pressed and prof is not None:  # a disabled button is never pressed; `prof` spelt out for mypy
        with guard("Cannot draft a suite"):
            st.session_state["checks.editor"] = services.draft_suite(
                prof, cur.id_column, "pandera" if fmt == "pandera" else "gx")
            st.session_state["checks.save_name"] = f"{cur.name}.draft." + ("gx.json" if fmt == "gx" else "pandera.yaml")
    text = st.text_area("Suite text", key="checks.editor", height=300)
    save_name = st.text_input("Save as (.json for GX, .yaml for pandera)", key="checks.save_name")
    if st.button("Save and select", key="checks.save"):
        with guard("The suite was not saved"):
            saved = services.save_suite(ws, save_name or "suite.yaml", text or "")
            st.session_state["checks.add"] = [s for s in chosen if s != str(saved.resolve())] + [str(saved.resolve())]
            st.success(f"Saved {saved.name}")
            st.rerun()

stored = services.baseline_choices(ws)
baseline = st.selectbox(
    "Compare with a baseline report", ["(none)", *stored], key="checks.baseline",
    format_func=lambda s: s if s == "(none)" else Path(s).name,
    help="Failing rows are split into new, still failing and fixed against it. Reports stored with "
         "versions (dataqa check --version) are listed; or give a JSON report's path below.")
other = st.text_input("or a JSON report file (dataqa check --format json)", key="checks.baseline_path")
baseline_file = other.strip() or (None if baseline in (None, "(none)") else baseline)
use_ref = st.checkbox("Add drift checks against the configured reference",
                      value=False, key="checks.use_ref", disabled=reference_path() is None)
if st.button("Run checks", type="primary", key="checks.run", disabled=not chosen):
    with guard("The checks could not run"), st.spinner("Running checks..."):
        ran = services.run_checks(cur.path, cur.fingerprint, chosen, cur.id_column,
                                  reference_path() if use_ref else None,
                                  label_column=config().dataset.label_column, drift=config().drift)
        results.put("checks", ran)

report = cast(SuiteReport | None, results.get("checks"))  # only run_checks' reports are put under "checks"
if report is None:
    st.info("Choose suites and press **Run checks**.")
    st.stop()

counts = report.counts
m = st.columns(5)
m[0].metric("Outcome", report.outcome.upper())
m[1].metric("Passed", counts["passed"])
m[2].metric("Failed", counts["failed"])
m[3].metric("Warnings", counts["warning"])
m[4].metric("Errors", counts["error"])
st.dataframe(services.outcomes_table(report), hide_index=True)
if baseline_file is not None:
    with guard("Cannot compare with the baseline"):
        compared, split = services.compare_with(report, baseline_file)
        assert compared.comparison is not None  # set by compare_with
        totals = compared.comparison.totals
        st.subheader(f"Against {Path(baseline_file).name}")
        b = st.columns(4)
        b[0].metric("New failing rows", totals["new"])
        b[1].metric("Still failing", totals["still_failing"])
        b[2].metric("Fixed", totals["fixed"])
        b[3].metric("Gate (--fail-on new)", "CLOSED" if compared.comparison.gate_closed() else "OPEN")
        st.dataframe(split, hide_index=True)
        report = compared  # the downloads carry the comparison too
for note in report.notes:
    st.caption(f"note: {note}")

checks = report.checks  # a local the label lambda can close over (mypy keeps no narrowing in closures)
failing = [i for i, c in enumerate(checks) if c.outcome in ("failed", "warning") and c.failing_row_ids]
if failing:
    st.subheader("Failing rows")
    idx = st.selectbox("Check", failing, format_func=lambda i: checks[i].label, key="checks.failing")
    if idx is not None:  # never None: the options are not empty and the first is preselected
        with guard("Cannot show the failing rows"):
            st.dataframe(services.failing_rows(report, idx, cur.path, cur.fingerprint, cur.id_column),
                         hide_index=True)

st.subheader("Download")
d = st.columns(3)
for col, (fmt_name, mime, ext) in zip(d, [("json", "application/json", "json"),
                                         ("junit", "application/xml", "xml"),
                                         ("markdown", "text/markdown", "md")]):
    col.download_button({"json": "JSON", "junit": "JUnit XML", "markdown": "Markdown"}[fmt_name],
                        services.render(report, fmt_name), file_name=f"{cur.name}.checks.{ext}",
                        mime=mime, key=f"checks.dl.{fmt_name}")
