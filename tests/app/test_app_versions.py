"""Versions page: add the sample as v1, see a fix in the timeline and the diff, roll back."""

from __future__ import annotations

import polars as pl

from app_helpers import REPO, current, errors, open_page
from dataqa.versions import VersionStore


def test_add_edit_diff_rollback(app, app_env):
    at = open_page(app, "pages/versions.py")
    assert any("No versions yet" in i.value for i in at.info)
    at.button(key="versions.add").click().run()
    assert not at.exception and errors(at) == []
    assert current(at).version == "v1"
    assert current(at).label_column == "cut"

    # a fix made elsewhere (the CLI, another user): row 2's label
    store = VersionStore(app_env / "versions")
    store.edit_cells(pl.DataFrame({"row_id": [2], "column": ["cut"], "new": ["Premium"]}),
                     message="fix row 2")
    at.run()
    assert [m.value.split(" · ")[0] for m in at.markdown if m.value.startswith("**v")] == ["**v2**", "**v1**"]
    d = at.dataframe[0].value
    assert d[["row_id", "column", "before", "after", "changed_by"]].values.tolist() == \
        [[2, "cut", "Very Good", "Premium", "v2"]]  # truth: row 2 was flipped Premium -> Very Good

    at.selectbox(key="versions.rollback_pick").select("v1")
    at.checkbox(key="versions.rollback_sure").check()
    at.run()
    at.button(key="versions.rollback").click().run()
    assert not at.exception and errors(at) == []
    assert current(at).version == "v3"
    head = store.head()
    assert head.kind.value == "rollback" and head.rollback_of == "v1"
    at.selectbox(key="versions.diff_a").select("v1")
    at.selectbox(key="versions.diff_b").select("v3")
    at.run()
    assert at.dataframe[0].value.empty  # v3 has v1's content


def test_opened_version_is_the_dataset_without_row_id(app, app_env):
    at = open_page(app, "pages/versions.py")
    at.button(key="versions.add").click().run()
    cur = current(at)
    df = pl.read_parquet(cur.path)
    assert df.columns == pl.read_csv(REPO / "sample_data" / "diamonds_dirty.csv", n_rows=1).columns
    assert df.height == 5012


def test_data_page_opens_a_stored_version(app, app_env):
    at = open_page(app, "pages/versions.py")
    at.button(key="versions.add").click().run()
    at = open_page(at, "pages/data.py")
    at.selectbox(key="data.file").select("sample_data/diamonds.csv").run()
    at.button(key="data.open").click().run()
    assert current(at).version is None
    at.selectbox(key="data.version").select_index(0).run()
    at.button(key="data.open_version").click().run()
    assert not at.exception and errors(at) == []
    assert current(at).version == "v1" and current(at).dataset == "diamonds_dirty"
    assert {m.label: m.value for m in at.metric}["Version"] == "v1"
