"""Benchmark the workbench on big tables: first view and full profile in the browser, `dataqa profile`
against a plain polars pass of the same statistics, and the cost of streaming the profile.

    python benchmarks/bench_app.py --rows 1000000 5000000 [--repeats 1] [--skip-browser]

Rows of the table (one row per table size):

- app first view / app full profile: seconds from opening the app's URL in headless Chromium
  (playwright, Debian's /usr/bin/chromium) to the row count on the page, and to the whole profile
  (the summary line under "Profile"); a fresh `dataqa app` (fresh workspace) per repeat.
- `dataqa profile`: the CLI as a subprocess (imports, read and statistics included).
- polars pass: one subprocess running, per column, what the profile reports: describe-like
  aggregates (count, nulls, mean, std, min, max, quantiles), n_unique, and the top 10 values of
  text columns, written the plain way (``df.describe()``, ``n_unique``, ``value_counts``).
- streaming cost: the streamed profile (`profile_in_groups`, per column group, as the app's
  worker runs it) over the library's one-shot `profile`, same process kind, CPU and wall.

Wall time is measured by the parent; CPU time (user + sys) from ``os.wait4`` for each child. The
machine is shared, so CPU seconds are the steadier number. Tables come from
``benchmarks/gen_table.py`` (20 columns; generated when missing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_table  # noqa: E402

CHROMIUM = "/usr/bin/chromium"

POLARS_PASS = """
import sys, polars as pl
df = pl.read_parquet(sys.argv[1])
df.describe(percentiles=[i / 100 for i in range(1, 100)])
df.select(pl.all().n_unique())
for c in df.columns:
    if df.schema[c] in (pl.String, pl.Categorical, pl.Boolean):
        df[c].value_counts(sort=True).head(10)
"""
ONE_SHOT = """
import sys
from dataqa.validation.profile import profile
profile(sys.argv[1])
"""
STREAMED = """
import sys
from dataqa.app.profile_stream import profile_in_groups
profile_in_groups(sys.argv[1], None, lambda *a: None)
"""


def run_child(cmd: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one subprocess."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_times(path: Path, browser: object) -> tuple[float, float]:
    """(first view, full profile) seconds in a fresh `dataqa app` on ``path``."""
    tmp = Path(tempfile.mkdtemp(prefix="dataqa-bench-app-"))
    port = free_port()
    rows = f"{int(path.stem.split('_')[1].rstrip('m')) * 1_000_000:,}"
    env = {**os.environ, "DATAQA_WORKSPACE": str(tmp / "ws"), "DATAQA_APP_ROOT": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "dataqa", "app", "--port", str(port), "--data", str(path)],
                            cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        page.set_default_timeout(1_800_000)
        t0 = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}")
        page.get_by_text(rows, exact=True).first.wait_for()
        first = time.perf_counter() - t0
        page.get_by_text(f"{rows} rows · ").first.wait_for()
        full = time.perf_counter() - t0
        page.close()
        return first, full
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--skip-browser", action="store_true")
    args = ap.parse_args()
    py = sys.executable
    results = []
    pw = browser = None
    if not args.skip_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
    try:
        for rows in args.rows:
            path = gen_table.ensure_table(rows)
            rec: dict[str, list[float]] = {k: [] for k in (
                "first", "full", "cli", "cli_cpu", "polars", "polars_cpu", "one", "one_cpu", "stream", "stream_cpu")}
            for _ in range(args.repeats):
                if browser is not None:
                    f, u = app_times(path, browser)
                    rec["first"].append(f)
                    rec["full"].append(u)
                for key, cmd in (("cli", [py, "-m", "dataqa", "profile", str(path)]),
                                 ("polars", [py, "-c", POLARS_PASS, str(path)]),
                                 ("one", [py, "-c", ONE_SHOT, str(path)]),
                                 ("stream", [py, "-c", STREAMED, str(path)])):
                    wall, cpu = run_child(cmd)
                    rec[key].append(wall)
                    rec[f"{key}_cpu"].append(cpu)
            results.append((rows, {k: statistics.median(v) if v else float("nan") for k, v in rec.items()}))
            print_table(results)
    finally:
        if browser is not None:
            browser.close()  # type: ignore[attr-defined]
            pw.stop()  # type: ignore[union-attr]


def print_table(results: list[tuple[int, dict[str, float]]]) -> None:
    print("\n| rows | app: first view (s) | app: full profile (s) | `dataqa profile` wall / CPU (s) | "
          "polars pass wall / CPU (s) | dataqa / polars (wall) | streamed / one-shot profile wall, CPU |")
    print("|---|---|---|---|---|---|---|")
    for rows, r in results:
        print(f"| {rows:,} | {r['first']:.1f} | {r['full']:.1f} | {r['cli']:.1f} / {r['cli_cpu']:.1f} | "
              f"{r['polars']:.1f} / {r['polars_cpu']:.1f} | {r['cli'] / r['polars']:.2f}x | "
              f"{r['stream'] / r['one']:.2f}x, {r['stream_cpu'] / r['one_cpu']:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
