"""Helpers shared by the workbench tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAIN = REPO / "app" / "main.py"
PAGES = ["pages/data.py", "pages/checks.py", "pages/noise.py", "pages/versions.py", "pages/impact.py"]


def open_page(at, page: str):
    """Switch ``at`` to ``page`` (relative to app/main.py) and run it."""
    at.switch_page(page)
    at.run()
    return at


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def current(at):
    """The app's current dataset (``dataqa.app.state.Current``)."""
    return at.session_state["dataqa.current"]
