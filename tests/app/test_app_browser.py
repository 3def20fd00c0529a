"""End to end in a real headless Chromium: the whole loop through the workbench.

Load the dirty sample, run the checks, find label noise, send suspects to Label Studio, annotate
there through its API as a reviewer, pull the reviews, and see the new version and its impact.
Screenshots of every page are kept in test-output/screenshots/ (README copies: set
DATAQA_UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import re

import polars as pl
import pytest

from app_helpers import REPO
from browser_helpers import (CHROMIUM, CHROMIUM_ARGS, click_button, free_port, goto_page, load_ls_fixtures,
                             screenshot, start_app, wait_idle)

pytestmark = [pytest.mark.browser, pytest.mark.labelstudio, pytest.mark.slow]
TOP = 300  # suspects sent for review: about the number of flipped labels in the sample


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
def workbench(tmp_path):
    """The app on a fresh workspace whose Label Studio folder is pre-initialised (the LS tests' template)."""
    ls = load_ls_fixtures()
    ws = tmp_path / "ws"
    ws.mkdir()
    ls.seed_workspace(ws)
    proc, url = start_app(ws, {"DATAQA_LABEL_STUDIO_PORT": str(free_port())})
    yield url, ws
    proc.terminate()
    proc.wait(timeout=30)
    from dataqa.labeling.labelstudio.server import EmbeddedServer
    from dataqa.labeling.labelstudio.settings import server_paths

    EmbeddedServer(server_paths(ws)).stop()  # started from the page: stop it with the test


def annotate_as_reviewer(ws, project_title: str) -> int:
    """A reviewer account answers every task with the ground truth; returns the number answered."""
    from dataqa.labeling.labelstudio.client import connect
    from dataqa.labeling.labelstudio.settings import resolve_connection
    from dataqa.config import load_config
    from dataclasses import replace

    cfg = replace(load_config(REPO), workspace=str(ws))
    admin = connect(resolve_connection(cfg))
    pid = next(p.id for p in admin.sdk.projects.list() if p.title == project_title)
    user = admin.sdk.users.create(email="reviewer@dataqa.test", username="reviewer", password="not-a-secret-pw")
    truth = pl.read_csv(REPO / "sample_data" / "diamonds_dirty_truth.csv").filter(pl.col("kind") == "flipped_label")
    original = dict(zip(truth["row_id"].to_list(), truth["original_value"].to_list()))
    n = 0
    for task in admin.sdk.tasks.list(project=pid, fields="all"):
        row, given = int(task.data["row_id"]), task.data.get("given_label")
        label = original.get(row, given)
        admin.sdk.annotations.create(id=task.id, completed_by=user.id, result=[
            {"from_name": "label", "to_name": "features", "type": "choices", "value": {"choices": [label]}}])
        n += 1
    return n


def alerts(page) -> list[str]:
    return page.locator('[data-testid="stAlert"]').all_inner_texts()


def test_whole_loop_in_the_browser(browser, workbench):
    url, ws = workbench
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    page.goto(url)
    page.get_by_role("heading", name="Data", exact=True).wait_for()
    wait_idle(page)

    # 1. load the dirty sample
    page.get_by_label("Open a project file").click()
    page.get_by_role("option", name="sample_data/diamonds_dirty.csv").click()
    click_button(page, "Open")
    assert "diamonds_dirty" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert "5,012" in page.locator('[data-testid="stMetric"]').first.inner_text()
    page.get_by_text("Drift against a reference").wait_for()
    screenshot(page, "1-data")

    # 2. run the shipped checks: they fail on the injected errors
    goto_page(page, "Checks")
    click_button(page, "Run checks")
    assert "FAILED" in page.locator('[data-testid="stMetric"]').first.inner_text(), alerts(page)
    screenshot(page, "2-checks")

    # 3. make it v1 of the version store
    goto_page(page, "Versions")
    click_button(page, "Add diamonds_dirty as v1")
    page.get_by_text("Row-level diff").wait_for()

    # 4. noise detection with the fixed baseline
    goto_page(page, "Label noise")
    click_button(page, "Find label noise")
    page.get_by_text("Review queue").wait_for()
    assert not [a for a in alerts(page) if "failed" in a.lower()], alerts(page)

    # 5. Label Studio on demand, send the suspects
    click_button(page, "Start Label Studio")
    page.get_by_role("button", name="Send to Label Studio").wait_for()
    top = page.get_by_label("Send the worst N suspects")
    top.fill(str(TOP))
    top.press("Enter")
    wait_idle(page)
    click_button(page, "Send to Label Studio")
    link = page.get_by_role("link", name="Open the project in Label Studio")
    link.wait_for()
    assert re.match(r"http://127\.0\.0\.1:\d+/projects/\d+/data", link.get_attribute("href"))
    project = page.get_by_label("Project").input_value()
    screenshot(page, "3-noise")

    # 6. a reviewer annotates through the API
    assert annotate_as_reviewer(ws, project) == TOP

    # 7. pull, apply: a new version
    click_button(page, "Pull reviews")
    apply = page.get_by_role("button", name=re.compile(r"Apply \d+ relabel"))
    apply.wait_for()
    click_button(page, apply.inner_text())
    page.get_by_text("v2: relabel").wait_for()
    goto_page(page, "Versions")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert re.search(r"v2 · relabel · .*relabel \d+ rows from review", main), main[:2000]
    screenshot(page, "4-versions")

    # 8. impact: the fixed baseline retrained on v1 and v2
    goto_page(page, "Impact")
    click_button(page, "Retrain the baseline on every version")
    metric = page.locator('[data-testid="stMetric"]').first
    metric.wait_for()
    delta = metric.locator('[data-testid="stMetricDelta"]').inner_text()
    gain = float(re.search(r"([+-]\d+\.\d+)", delta).group(1))
    assert gain > 0, delta
    screenshot(page, "5-impact")
