"""The workbench's page registry: ``streamlit run app/main.py`` (or ``dataqa app``).

Each page is a thin script in ``app/pages/``. Where things go: the project config in ``project.py``,
the current dataset in ``current.py``, per-session page results in ``results.py``, the error
boundary in ``guard.py``, the sidebar in ``sidebar.py``; long computations are background jobs
(``jobs.py`` over the spawned ``worker.py``, shown by ``job_view.py``); library calls in
``services.py`` and one adapter module per page area (``profiling``, ``noise``, ``review``,
``versioning``, ``impact``). Adding a page: create the file, add one ``st.Page`` line here.
"""

from pathlib import Path

import streamlit as st

from dataqa.app.sidebar import sidebar

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="dataqa workbench", page_icon=":material/fact_check:", layout="wide")
sidebar()
page = st.navigation([
    st.Page(PAGES / "data.py", title="Data", icon=":material/table:", default=True),
    st.Page(PAGES / "checks.py", title="Checks", icon=":material/rule:"),
    st.Page(PAGES / "noise.py", title="Label noise", icon=":material/label:"),
    st.Page(PAGES / "versions.py", title="Versions", icon=":material/history:"),
    st.Page(PAGES / "impact.py", title="Impact", icon=":material/waterfall_chart:"),
])
page.run()
