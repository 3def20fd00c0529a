"""The workbench's new states: the profile streaming in, open a path, the upload limit, empty states."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from app_helpers import MAIN, current, errors, open_page, settle


@pytest.fixture
def bare_project(tmp_path, monkeypatch):
    """A project with data and no suite anywhere; ``[app] max_upload_mb = 1``."""
    root = tmp_path / "bare"
    root.mkdir()
    rng = np.random.default_rng(3)
    pl.DataFrame({"x": rng.normal(size=300), "n": rng.integers(0, 9, 300), "y": ["a", "b", "c"] * 100}
                 ).write_csv(root / "table.csv")
    (root / "dataqa.toml").write_text('[dataset]\npath = "table.csv"\n\n[app]\nmax_upload_mb = 1\n',
                                      encoding="utf-8")
    monkeypatch.setenv("DATAQA_APP_ROOT", str(root))
    monkeypatch.setenv("DATAQA_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv("DATAQA_APP_DATA", raising=False)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.run()
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_first_view_then_the_profile_fills_in(app_env, tmp_path, monkeypatch):
    wide = tmp_path / "wide.parquet"
    rng = np.random.default_rng(5)
    pl.DataFrame({f"c{i}": rng.normal(size=20_000) for i in range(24)}).write_parquet(wide)
    monkeypatch.setenv("DATAQA_APP_DATA", str(wide))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.run()  # the Data page: first view now, the profile job just started in the worker
    assert metric(at, "Rows") == "20,000" and metric(at, "Columns") == "24"
    assert any("First rows" in c.value for c in at.caption)
    assert at.get("progress")  # the live panel with Cancel
    assert not any("nulls %" in d.value.columns and len(d.value) == 24 for d in at.dataframe)
    settle(at)
    prof = next(d.value for d in at.dataframe if "nulls %" in d.value.columns)
    assert len(prof) == 24 and not at.get("progress")
    at.switch_page("pages/checks.py").run()
    at.switch_page("pages/data.py").run()  # back: the cached profile, nothing restarted
    assert not at.get("progress") and any("nulls %" in d.value.columns for d in at.dataframe)


def test_open_a_folder_and_a_glob_of_parquet_files(app, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    for i in range(3):
        pl.DataFrame({"k": range(i * 10, i * 10 + 10), "v": [float(i)] * 10}).write_parquet(folder / f"part-{i}.parquet")
    at = open_page(app, "pages/data.py")
    for path, rows in ((str(folder), "30"), (str(folder / "part-[01].parquet"), "20")):
        at.text_input(key="data.path").input(path).run()
        settle(at.button(key="data.open_path").click().run())
        assert not at.exception and errors(at) == []
        assert metric(at, "Rows") == rows
        assert current(at).path == path


def test_a_path_that_is_no_dataset_is_one_readable_line(app, tmp_path):
    at = open_page(app, "pages/data.py")
    at.text_input(key="data.path").input(str(tmp_path / "nothing-*.parquet")).run()
    at.button(key="data.open_path").click().run()
    [msg] = errors(at)
    assert msg.startswith("Cannot open ") and "no dataset file matches" in msg
    assert metric(at, "Rows") == "5,012"  # the current dataset is unchanged


def test_an_upload_over_the_setting_gets_a_message_pointing_to_the_path(bare_project):
    at = open_page(bare_project, "pages/data.py")
    assert any("at most 1 MB per file" in c.value for c in at.caption)
    at.file_uploader(key="data.upload").set_value(("big.csv", b"a,b\n" + b"1,2\n" * 400_000, "text/csv"))
    at.run()
    [msg] = errors(at)
    assert msg.startswith("big.csv is 2 MB, over the upload limit of 1 MB ([app] max_upload_mb")
    assert "by its path" in msg
    assert not [b for b in at.button if b.key == "data.use_upload"]


def test_checks_without_any_suite_offers_a_draft_from_the_profile(bare_project):
    at = open_page(bare_project, "pages/checks.py")
    assert any("No suite yet" in i.value for i in at.info)
    settle(at.button(key="checks.draft_here").click().run())
    assert not at.exception and errors(at) == []
    [chosen] = at.multiselect(key="checks.suites").value
    assert chosen.endswith("table.draft.gx.json")
    at.button(key="checks.run").click().run()
    assert not at.exception and errors(at) == []
    assert metric(at, "Outcome") == "PASSED"  # a suite drafted from this data passes on it


def test_label_noise_lets_you_pick_the_label_column_in_place(bare_project):
    at = open_page(bare_project, "pages/noise.py")
    assert current(at).label_column is None
    at.selectbox(key="noise.label_pick").select("y").run()
    assert current(at).label_column == "y"
    assert at.button(key="noise.run").label == "Find label noise"
