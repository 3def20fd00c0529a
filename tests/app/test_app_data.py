"""Data page: open project files, upload (good and bad), label column."""

from __future__ import annotations

from app_helpers import current, errors, open_page


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_opens_on_the_dirty_sample_with_its_row_count(app):
    at = open_page(app, "pages/data.py")
    assert metric(at, "Rows") == "5,012"  # sample_data/README.md: 5000 rows + 12 near-duplicates
    assert at.selectbox(key=next(k for k in at.session_state if k.startswith("data.label."))).value == "cut"


def test_open_the_clean_sample(app):
    at = open_page(app, "pages/data.py")
    at.selectbox(key="data.file").select("sample_data/diamonds.csv")
    at.button(key="data.open").click().run()
    assert not at.exception
    assert metric(at, "Rows") == "5,000"
    assert current(at).name == "diamonds"


def test_upload_a_csv_becomes_the_current_dataset(app):
    at = open_page(app, "pages/data.py")
    at.file_uploader(key="data.upload").set_value(("tiny.csv", b"a,b,label\n1,2,x\n3,4,y\n5,6,x\n", "text/csv"))
    at.run()
    at.button(key="data.use_upload").click().run()
    assert not at.exception and errors(at) == []
    assert metric(at, "Rows") == "3"
    assert current(at).name == "tiny"


def test_bad_upload_is_a_readable_error_not_a_traceback(app):
    at = open_page(app, "pages/data.py")
    at.file_uploader(key="data.upload").set_value(("bad.csv", b"a,b\n1,2\n3,4,5,6\n", "text/csv"))
    at.run()
    at.button(key="data.use_upload").click().run()
    assert not at.exception
    [msg] = errors(at)
    assert msg.startswith("Cannot read the upload bad.csv: ")
    assert "ragged CSV" in msg or "fields" in msg
    # the current dataset is unchanged
    assert metric(at, "Rows") == "5,012"


def test_upload_limit_is_shown(app):
    at = open_page(app, "pages/data.py")
    assert any("at most 200 MB per file" in c.value for c in at.caption)


def test_profile_has_one_chart_per_column_and_counts_injected_nulls(app):
    import polars as pl

    from app_helpers import REPO

    at = open_page(app, "pages/data.py")
    prof = next(d.value for d in at.dataframe if "nulls %" in d.value.columns)
    truth = pl.read_csv(REPO / "sample_data" / "diamonds_dirty_truth.csv")
    price_nulls = truth.filter((pl.col("kind") == "null") & (pl.col("column") == "price")).height
    row = prof[prof["column"] == "price"].iloc[0]
    assert round(row["nulls %"], 2) == round(100 * price_nulls / 5012, 2)
    assert len(at.get("vega_lite_chart")) == 10  # 11 columns; the free-text id gets a caption


def test_drift_against_the_clean_sample_flags_the_new_nulls(app):
    at = open_page(app, "pages/data.py")
    at.selectbox(key="data.reference").select("sample_data/diamonds.csv").run()
    assert not at.exception and errors(at) == []
    drift = next(d.value for d in at.dataframe if "failed above" in d.value.columns)
    schema = drift[(drift["check"] == "drift.schema") & (drift["column"] == "price")]
    assert schema["outcome"].tolist() == ["warning"]  # the clean file has no null prices
