"""In a real headless Chromium on a 2M-row Parquet: the first view, then the profile filling in per
column group before it finishes; Cancel during label-noise detection leaves nothing behind.

Ordering, not timing: the test records the order in which the page showed each state.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl
import pytest

from browser_helpers import screenshot, start_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROWS = 2_000_000
COLUMNS = 16


@pytest.fixture(scope="module")
def big_project(tmp_path_factory):
    """A project whose dataset is a seeded 2M-row, 16-column Parquet with a 3-class label."""
    root = tmp_path_factory.mktemp("big")
    rng = np.random.default_rng(11)
    cols = {f"x{i}": rng.normal(i, 1 + i, ROWS) for i in range(COLUMNS - 3)}
    cols["n"] = rng.integers(0, 1000, ROWS)
    cols["code"] = pl.Series(["a", "b", "c", "d"]).gather(rng.integers(0, 4, ROWS))
    cols["label"] = pl.Series(["p", "q", "r"]).gather(rng.integers(0, 3, ROWS))
    pl.DataFrame(cols).write_parquet(root / "big.parquet", row_group_size=250_000)
    (root / "dataqa.toml").write_text('[dataset]\npath = "big.parquet"\nlabel_column = "label"\n',
                                      encoding="utf-8")
    return root


@pytest.fixture
def app_url(big_project, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    proc, url = start_app(ws, cwd=big_project)
    yield url, ws
    proc.terminate()
    proc.wait(timeout=30)


def first_seen(page, markers: dict[str, str], on_first: dict | None = None, timeout: float = 900) -> dict[str, int]:
    """Poll the page's text; for each marker, the number of the poll where it first appeared.

    ``on_first[name](page)`` runs once, at the poll where ``name`` first appeared.
    """
    seen: dict[str, int] = {}
    end = time.monotonic() + timeout
    poll = 0
    while len(seen) < len(markers) and time.monotonic() < end:
        text = page.locator('[data-testid="stMain"]').inner_text()
        for name, needle in markers.items():
            if name not in seen and needle in text:
                seen[name] = poll
                if on_first and name in on_first:
                    on_first[name](page)
        poll += 1
        page.wait_for_timeout(150)
    return seen


def test_first_view_then_partial_profile_then_the_whole(browser, app_url):
    url, _ = app_url
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)
    page.goto(url)
    seen = first_seen(page, {
        "first view": "2,000,000",
        "partial profile": "columns profiled so far",
        "full profile": f"2,000,000 rows · {COLUMNS} columns",
    }, on_first={"partial profile": lambda p: screenshot(p, "6-profile-streaming")})
    assert set(seen) == {"first view", "partial profile", "full profile"}, seen
    assert seen["first view"] <= seen["partial profile"] < seen["full profile"], seen
    wait_idle(page)
    assert page.get_by_text("First rows").count() == 1
    assert page.get_by_text("columns profiled so far").count() == 0  # the whole profile replaced it


def test_cancel_during_label_noise_detection_leaves_nothing(browser, app_url):
    url, ws = app_url
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(300_000)
    page.goto(url + "/noise")  # straight to the page: the Data page would start the profile too
    page.get_by_role("heading", name="Label noise", exact=True).wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Find label noise", exact=True).click()
    cancel = page.get_by_role("button", name="Cancel", exact=True)
    cancel.wait_for()
    page.get_by_text("Finding label noise").first.wait_for()
    cancel.click()
    page.get_by_text("Finding label noise was cancelled; nothing was written.").wait_for()
    wait_idle(page)
    assert page.get_by_text("Review queue").count() == 0
    assert not (ws / "noise").exists() or not any((ws / "noise").iterdir())  # no suspects file
    # the page is usable: the button is back, and another page opens
    assert page.get_by_role("button", name="Find label noise", exact=True).is_enabled()
    page.goto(url + "/versions")
    page.get_by_role("heading", name="Versions", exact=True).wait_for()
    page.get_by_text("No versions yet").wait_for()
