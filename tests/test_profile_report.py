"""`dataqa profile` from the CLI, the text/JSON outputs, and the HTML report in a real browser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.validation.profile import profile
from dataqa.validation.profile_html import render_html
from dataqa.validation.profile_model import load_profile

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "sample_data" / "diamonds.csv"
DIRTY = ROOT / "sample_data" / "diamonds_dirty.csv"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("profile")
    res = CliRunner().invoke(app, ["profile", str(DIRTY), "--reference", str(CLEAN),
                                   "--json", str(out / "p.json"), "--html", str(out / "p.html")])
    assert res.exit_code == 0, res.output
    (out / "stdout.txt").write_text(res.stdout)
    return {"json": out / "p.json", "html": out / "p.html", "text": out / "stdout.txt"}


def test_cli_text_lists_columns_and_drift(report_files: dict[str, Path]) -> None:
    text = report_files["text"].read_text()
    assert text.startswith(f"{DIRTY}: 5012 rows, 11 columns, 0 duplicate rows")
    assert re.search(r"^price\s+Int64\s+numeric\s+0\.24\s+", text, re.M)
    assert "warning  drift.unseen_categories(color)" in text


def rounded(v: object) -> object:
    """Floats to 12 significant digits: polars' parallel sums differ in the last bits run to run."""
    if isinstance(v, float):
        return float(f"{v:.12g}")
    if isinstance(v, dict):
        return {k: rounded(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [rounded(x) for x in v]
    return v


def test_cli_json_is_the_library_profile(report_files: dict[str, Path]) -> None:
    saved = load_profile(report_files["json"])
    assert rounded(saved.to_dict()) == rounded(profile(DIRTY, reference=profile(CLEAN)).to_dict())


def test_cli_bad_input_exit_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["profile", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2 and res.stderr.strip() == f"error: {tmp_path / 'missing.csv'}: no such file"
    (tmp_path / "bad.json").write_text("[1]")
    res = CliRunner().invoke(app, ["profile", str(CLEAN), "--reference", str(tmp_path / "bad.json")])
    assert res.exit_code == 2 and "not a dataqa profile" in res.stderr


def test_cli_subprocess_profile_runs(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "dataqa", "profile", str(CLEAN)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "5000 rows, 11 columns" in res.stdout


def test_html_is_self_contained_with_a_chart_per_column(report_files: dict[str, Path]) -> None:
    page = report_files["html"].read_text()
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)  # nothing to fetch
    assert "window.vegaEmbed" in page
    assert len(re.findall(r"<div class=chart id=chart-\d+>", page)) == 11


def test_html_for_awkward_columns_has_no_chart_and_a_note() -> None:
    page = render_html(profile(pl.DataFrame({"n": pl.Series([None, None], dtype=pl.String),
                                             "x": [1.0, float("inf")]})))
    assert page.count("<div class=chart") == 1 and "all values are null" in page


@pytest.mark.browser
def test_html_renders_offline_in_headless_chromium(report_files: dict[str, Path]) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def block(route) -> None:  # any request that is not the file itself: offline proof
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", block)
            page.goto(report_files["html"].as_uri())
            page.wait_for_function("document.querySelectorAll('.chart svg').length >= 11",
                                   timeout=60_000)
            charts = page.locator(".chart")
            assert charts.count() == 11
            for i in range(charts.count()):  # every chart drew marks, not an empty frame
                assert charts.nth(i).locator("svg path, svg rect").count() > 0
        finally:
            browser.close()
    assert errors == [] and blocked == []
