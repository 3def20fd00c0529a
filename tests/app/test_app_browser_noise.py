"""In a real headless Chromium: the Label noise page's review queue (issue 11). The estimated count
with its interval, then the review budget slider sizing the queue, whose expected yield is said
before any review and matches the P(error) in the suspects table the page wrote."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest
from playwright.sync_api import expect

from browser_helpers import screenshot, start_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def app_url(tmp_path):
    """A project with 600 rows of three overlapping classes, 60 labels flipped, and a fast detector."""
    root = tmp_path / "project"
    root.mkdir()
    rng = np.random.default_rng(3)
    cls = np.arange(600) % 3
    xy = np.array([(0.0, 0.0), (3.0, 0.0), (0.0, 3.0)])[cls] + rng.normal(0, 1.0, (600, 2))
    flips = rng.choice(600, 60, replace=False)
    cls[flips] = (cls[flips] + rng.integers(1, 3, 60)) % 3
    pl.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "label": np.array(["a", "b", "c"])[cls]}).write_csv(root / "blobs.csv")
    (root / "dataqa.toml").write_text('[dataset]\npath = "blobs.csv"\nlabel_column = "label"\n'
                                      '[noise]\nmodels = ["logistic", "knn"]\nfolds = 3\n', encoding="utf-8")
    ws = tmp_path / "ws"
    ws.mkdir()
    proc, url = start_app(ws, {"OMP_NUM_THREADS": "1"}, cwd=root)
    yield url, ws
    proc.terminate()
    proc.wait(timeout=30)


def before_review(text: str) -> tuple[int, int, float, int, int]:
    y = re.search(r"Before review: (\d+) rows: about (\d+) real errors \(expected precision ([\d.]+)\), "
                  r"95% interval (\d+)-(\d+)", text)
    assert y, text[:3000]
    return int(y.group(1)), int(y.group(2)), float(y.group(3)), int(y.group(4)), int(y.group(5))


def test_review_budget_sizes_the_queue_and_states_its_expected_yield(browser, app_url):
    url, ws = app_url
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)
    page.goto(url + "/noise")
    page.get_by_role("heading", name="Label noise", exact=True).wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Find label noise", exact=True).click()
    page.get_by_text("Review queue").wait_for()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    est = re.search(r"estimated wrong labels: (\d+) of 600 \([\d.]+%\), 95% interval (\d+)-(\d+)", main.inner_text())
    assert est, main.inner_text()[:3000]
    count, low, high = (int(g) for g in est.groups())
    assert low <= count <= high and 30 <= count <= 120  # 60 flips among overlapping classes
    suspects = pl.read_parquet(next((ws / "noise").glob("*.suspects.parquet")))
    p_error = suspects["p_error"].sort(descending=True)

    budget = main.locator('[data-testid="stSlider"]').filter(has_text="Review budget").get_by_role("slider")
    budget.focus()
    budget.press("Home")  # the smallest queue: 5 rows
    wait_idle(page)
    page.get_by_text("Before review: 5 rows").wait_for()
    grid = main.locator('[data-testid="stDataFrame"] [role="grid"]').last
    expect(grid).to_have_attribute("aria-rowcount", "6")
    rows, hits, precision, lo, hi = before_review(main.inner_text())
    assert hits == round(float(p_error[:5].sum())) and lo <= hits <= hi <= 5
    assert precision == pytest.approx(float(p_error[:5].mean()), abs=0.006)

    page.get_by_text("Label issues only").click()  # every row, not just the flagged ones
    wait_idle(page)
    budget.focus()
    budget.press("End")  # the largest queue: 200 rows
    wait_idle(page)
    page.get_by_text("Before review: 200 rows").wait_for()
    rows, hits, precision, lo, hi = before_review(main.inner_text())
    assert hits == round(float(p_error[:200].sum())) and lo <= hits <= hi <= 200
    assert precision == pytest.approx(hits / 200, abs=0.01)
    expect(grid).to_have_attribute("aria-rowcount", "201")  # the queue: 200 rows and the header
    screenshot(page, "noise-review-queue")
