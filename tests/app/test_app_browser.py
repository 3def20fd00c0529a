"""End to end in a real headless Chromium: the whole loop through the workbench.

Load the dirty sample, run the checks, find label noise, send suspects to Label Studio, annotate
there through its API as a reviewer, pull the reviews, and see the new version and its impact.
Screenshots of every page are kept in test-output/screenshots/ (README copies: set
DATAQA_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import pytest

from browser_helpers import CHROMIUM, CHROMIUM_ARGS, click_button, goto_page, screenshot, start_app, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def app_url(tmp_path):
    proc, url = start_app(tmp_path / "ws")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_whole_loop_in_the_browser(browser, app_url):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_role("heading", name="Data", exact=True).wait_for(timeout=60_000)
    wait_idle(page)
    # 1. the dirty sample is loaded
    assert "diamonds_dirty" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert "5,012" in page.locator('[data-testid="stMetric"]').first.inner_text()
    screenshot(page, "1-data")

    # 2. run the shipped checks: they fail on the injected errors
    goto_page(page, "Checks")
    click_button(page, "Run checks")
    outcome = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert "FAILED" in outcome, page.locator('[data-testid="stAlert"]').all_inner_texts()
    screenshot(page, "2-checks")
