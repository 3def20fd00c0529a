"""Helpers for the real-browser test: start the app, drive Streamlit pages, keep screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app_helpers import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = REPO / "test-output" / "screenshots"
DOC_SHOTS = REPO / "docs" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen | None = None, tries: int = 240) -> None:
    """Poll ``url`` until it answers 200 (readiness, not a timing assertion)."""
    for _ in range(tries):
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def start_app(workspace: Path, env: dict[str, str] | None = None, cwd: Path = REPO) -> tuple[subprocess.Popen, str]:
    """``dataqa app`` in project folder ``cwd`` on a free loopback port, workspace in ``workspace``;
    returns (process, url)."""
    port = free_port()
    log = open(workspace.parent / "app.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "dataqa", "app", "--port", str(port)], cwd=cwd,
        env={**os.environ, "DATAQA_WORKSPACE": str(workspace), **(env or {})},
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/_stcore/health", proc)
    return proc, url


def wait_idle(page, timeout: float = 120_000) -> None:
    """Wait until the Streamlit script run has finished (the 'running' widget is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running|Stop/)",
        timeout=timeout,
    )


def goto_page(page, title: str) -> None:
    """Open a page from the sidebar navigation."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    wait_idle(page)


def click_button(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).first.click()
    wait_idle(page)


def screenshot(page, name: str) -> Path:
    """Save ``test-output/screenshots/<name>.png``; with DATAQA_UPDATE_SCREENSHOTS=1 also the README copy."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # Streamlit scrolls inside its main block, so full_page alone shows one screen: grow the
    # viewport to the content's height for the shot, then restore it.
    size = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=\"stMain\"], [data-testid=\"stMainBlockContainer\"]')]"
                           ".map(e => e.scrollHeight), 800)")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 6000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    if os.environ.get("DATAQA_UPDATE_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOC_SHOTS / path.name)
    return path


def load_ls_fixtures():
    """The Label Studio tests' fixture module (its cached, initialised server template)."""
    import importlib.util

    path = REPO / "tests" / "labelstudio" / "conftest.py"
    spec = importlib.util.spec_from_file_location("dataqa_ls_fixtures", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
