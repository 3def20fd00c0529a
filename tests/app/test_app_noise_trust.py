"""Label noise page: the estimated count with its interval, the budgeted queue with its expected
yield before review, and the weak-model warning (issue 11)."""

from __future__ import annotations

import re

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


def blobs(n: int = 200, flipped: tuple[int, ...] = (3, 50, 120), spread: float = 0.3, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.array(["a", "b"] * (n // 2))
    x = rng.normal(0, spread, (n, 2)) + np.where(y == "a", 0.0, 3.0)[:, None]
    y[list(flipped)] = np.where(y[list(flipped)] == "a", "b", "a")
    return pl.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y})


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_count_interval_and_budgeted_queue_with_expected_yield(app):
    at = upload(app, "blobs.csv", blobs(), "y")
    settle(at.button(key="noise.run").click().run())
    assert not at.exception and errors(at) == []
    text = markdown(at)
    m = re.search(r"estimated wrong labels: (\d+) of 200 \([\d.]+%\), 95% interval (\d+)-(\d+)", text)
    assert m, text
    count, low, high = (int(g) for g in m.groups())
    assert low <= count <= high and 2 <= count <= 6  # three flips in separable blobs
    assert not at.warning  # a strong detector: no weak-model warning
    queue = at.data_editor[0].value
    # The budget takes the rows with the highest P(error) first: the three flips.
    assert set(queue["row_id"].head(3)) == {3, 50, 120}
    assert list(queue["p_error"]) == sorted(queue["p_error"], reverse=True)
    y = re.search(r"Before review: \*\*(\d+) rows: about (\d+) real errors \(expected precision ([\d.]+)\)", text)
    assert y, text
    assert int(y.group(1)) == len(queue) and 2 <= int(y.group(2)) <= len(queue)


def test_weak_detector_is_warned_with_numbers_and_what_to_do(app):
    rng = np.random.default_rng(3)
    noise_only = pl.DataFrame({"x1": rng.normal(size=200), "x2": rng.normal(size=200),
                               "y": rng.choice(["a", "b"], 200)})
    at = upload(app, "coin.csv", noise_only, "y")
    settle(at.button(key="noise.run").click().run())
    assert not at.exception and errors(at) == []
    [warning] = [w.value for w in at.warning if "weak detector" in w.value]
    assert re.search(r"out-of-fold accuracy \d+\.\d% is below 80%", warning)
    assert "Add features" in warning and "--budget" in warning
