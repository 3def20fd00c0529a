"""Label noise page: detection on a small uploaded table (fast), and unusable labels as a readable error."""

from __future__ import annotations

import numpy as np
import polars as pl

from app_helpers import errors, open_page, settle


def upload(at, name: str, df: pl.DataFrame, label: str):
    at = open_page(at, "pages/data.py")
    at.file_uploader(key="data.upload").set_value((name, df.write_csv().encode(), "text/csv"))
    at.run()
    at.button(key="data.use_upload").click().run()
    key = next(k for k in at.session_state if str(k).startswith("data.label."))
    at.selectbox(key=key).select(label).run()
    return open_page(at, "pages/noise.py")


def current_fp(at) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "_", at.session_state["dataqa.current"].fingerprint)


def two_blobs(n: int = 200, flipped: tuple[int, ...] = (3, 50, 120)) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    y = np.array(["a", "b"] * (n // 2))
    x = rng.normal(0, 0.3, (n, 2)) + np.where(y == "a", 0.0, 3.0)[:, None]
    y[list(flipped)] = np.where(y[list(flipped)] == "a", "b", "a")
    return pl.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y})


def test_detection_ranks_the_flipped_rows_first(app):
    at = upload(app, "blobs.csv", two_blobs(), "y")
    at.button(key="noise.run").click().run()
    assert at.get("progress")  # the live panel: the detection runs in the worker
    assert at.button(key="job.cancel.noise_" + current_fp(at)).label == "Cancel"
    settle(at)
    assert not at.exception and errors(at) == []
    queue = at.data_editor[0].value
    assert set(queue["row_id"].head(3)) == {3, 50, 120}
    assert {m.label: m.value for m in at.metric}["Rows"] == "200"


def test_single_class_is_a_readable_error(app):
    at = upload(app, "one.csv", pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0] * 10, "y": ["a"] * 40}), "y")
    settle(at.button(key="noise.run").click().run())
    assert not at.exception
    [msg] = errors(at)
    assert msg.startswith("Label-noise detection failed: ")
