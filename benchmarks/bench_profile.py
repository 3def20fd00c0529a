"""Benchmark ``dataqa profile`` against ydata-profiling (minimal mode) on the same table.

Each run is its own subprocess starting from the Parquet file (imports, read, statistics and
the HTML report included). Wall time is measured by the parent; CPU time (user + sys) and peak
RSS come from ``os.wait4`` for that child alone. The machine is shared, so CPU seconds are the
steadier number; both are reported with ratios.

ydata-profiling pins pandas < 3 (our environment has pandas 3), so it lives in its own venv::

    python -m venv /tmp/ydata-venv
    /tmp/ydata-venv/bin/pip install ydata-profiling pyarrow
    python benchmarks/bench_profile.py --rows 1000000 --ydata-python /tmp/ydata-venv/bin/python
    python benchmarks/bench_profile.py --rows 5000000 --skip-ydata

Tables come from ``benchmarks/gen_table.py`` (generated when missing); ``--rows`` other than a
generated size takes the first rows of the 1M table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_table  # noqa: E402

YDATA_SCRIPT = """
import sys, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from ydata_profiling import ProfileReport
df = pd.read_parquet(sys.argv[1])
ProfileReport(df, minimal=True, progress_bar=False).to_file(sys.argv[2])
"""


def table(rows: int) -> Path:
    """The benchmark table with ``rows`` rows (see ``gen_table.ensure_table``)."""
    return gen_table.ensure_table(rows)


def measure(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS (MB) of that process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} exited {proc.returncode}: {err[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def run(name: str, cmd: list[str], repeat: int, cwd: Path) -> dict[str, float | str | int]:
    runs = [measure(cmd, cwd) for _ in range(repeat)]
    out: dict[str, float | str | int] = {"tool": name, "repeat": repeat}
    for key in ("wall_s", "cpu_s", "peak_rss_mb"):
        out[key] = statistics.median(r[key] for r in runs)
    return out


def markdown(rows: int, results: list[dict[str, float | str | int]]) -> str:
    base = next((r for r in results if r["tool"].startswith("dataqa")), results[0])
    lines = [f"rows: {rows:,}", "",
             "| tool | runs | wall s | CPU s | peak RSS MB | wall vs dataqa | CPU vs dataqa | RSS vs dataqa |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['tool']} | {r['repeat']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {float(r['wall_s']) / float(base['wall_s']):.1f}x | "
            f"{float(r['cpu_s']) / float(base['cpu_s']):.1f}x | "
            f"{float(r['peak_rss_mb']) / float(base['peak_rss_mb']):.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="dataqa runs (median reported)")
    ap.add_argument("--ydata-python", default="/tmp/ydata-venv/bin/python")
    ap.add_argument("--ydata-repeat", type=int, default=1)
    ap.add_argument("--skip-ydata", action="store_true")
    args = ap.parse_args(argv)

    data = table(args.rows)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)  # no dataqa.toml here
        dq = [sys.executable, "-m", "dataqa", "profile", str(data), "--json", "p.json",
              "--html", "p.html"]
        measure(dq, work)  # warm-up: OS file cache and the one-off vega bundle cache
        results.append(run("dataqa profile (JSON + HTML)", dq, args.repeat, work))
        if not args.skip_ydata:
            yd = [args.ydata_python, "-c", YDATA_SCRIPT, str(data), "y.html"]
            results.append(run("ydata-profiling minimal (HTML)", yd, args.ydata_repeat, work))
    text = markdown(args.rows, results)
    print(text)
    out = HERE / "data" / f"profile_results_{args.rows}.json"
    out.write_text(json.dumps({"rows": args.rows, "results": results}, indent=2))


if __name__ == "__main__":
    main()
