"""Fixtures for the workbench tests: the app on the repo's sample data with a temporary workspace."""

from __future__ import annotations


import pytest

from app_helpers import MAIN, REPO
from browser_helpers import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """The app reads dataqa.toml from the repo root and keeps its workspace in tmp_path."""
    monkeypatch.setenv("DATAQA_APP_ROOT", str(REPO))
    monkeypatch.setenv("DATAQA_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv("DATAQA_APP_DATA", raising=False)
    return tmp_path / "ws"


@pytest.fixture
def app(app_env):
    """A fresh AppTest of the whole app (navigation + default page), already run once."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.run()
    return at


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium (never a downloaded browser), one per test module."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
