"""Benchmark: ``dataqa check --version v2 --incremental`` against a full check of v2.

A store holds the benchmark table (``gen_table``, default 5M rows) as v1 with a stored report;
v2 relabels 1% of the rows (``label``, scattered). Each command runs in its own process
(wall time, CPU time, peak RSS from ``os.wait4``), then both again through the Python API in one
process (the library's cost without the interpreter start); the incremental report must equal
the full one (outcomes, counts, failing row ids)::

    python benchmarks/bench_big_incremental.py [--rows 5000000] [--fraction 0.01]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_check import GX_SUITE  # noqa: E402
from gen_table import LABELS, ensure_table  # noqa: E402

DATAQA = shutil.which("dataqa") or str(Path(sys.executable).parent / "dataqa")


def run(args: list[str], cwd: Path) -> dict:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([DATAQA, *args], stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"dataqa {' '.join(args)} exited {code}: {err.read().decode()[-500:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


IN_PROCESS = """
import json, sys, time
from pathlib import Path
from dataqa.validation.incremental import check_version_incremental
from dataqa.validation.suites import load_suite
from dataqa.validation.version_check import check_version
from dataqa.versions import VersionStore
store, suite = VersionStore(Path(".dataqa/versions")), [load_suite(sys.argv[1])]
out = {}
for name, call in (("full", lambda: check_version(store, "v2", suite, save=False)),
                   ("incremental", lambda: check_version_incremental(store, "v2", suite, save=False))):
    w, c = time.perf_counter(), time.process_time()
    call()
    out[name] = {"wall_s": time.perf_counter() - w, "cpu_s": time.process_time() - c}
print(json.dumps(out))
"""


def in_process(cwd: Path) -> dict:
    """Both calls through the Python API in one process: the library's cost, without the
    interpreter start and imports (about 0.5 s CPU) that every ``dataqa`` command pays."""
    out = subprocess.run([sys.executable, "-c", IN_PROCESS, str(GX_SUITE)], cwd=cwd, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    data = ensure_table(args.rows)
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        work = Path(tmp)
        (work / "dataqa.toml").write_text("")
        # position ids: the generated `id` has injected duplicates, so it is not a key
        subprocess.run([DATAQA, "version", "add", str(data), "--name", "bench"], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
        suite = ["-s", str(GX_SUITE), "-f", "json"]
        v1 = run(["check", "--version", "v1", *suite, "-o", "v1.json"], work)
        rng = np.random.default_rng(7)
        rows = np.sort(rng.choice(args.rows, int(args.rows * args.fraction), replace=False))
        pl.DataFrame({"row_id": rows, "column": "label",
                      "new": pl.Series(LABELS).gather(rng.integers(0, len(LABELS), len(rows)))}).write_csv(
            work / "relabel.csv")
        subprocess.run([DATAQA, "version", "apply", "relabel.csv", "--kind", "manual_edit"], cwd=work,
                       check=True, stdout=subprocess.DEVNULL)
        incr = run(["check", "--version", "v2", "--incremental", *suite, "-o", "incr.json"], work)
        full = run(["check", "--version", "v2", *suite, "-o", "full.json"], work)
        api = in_process(work)
        a, b = (json.loads((work / f).read_text()) for f in ("incr.json", "full.json"))
        same = all((x["outcome"], x["unexpected_count"], x["evaluated_count"], sorted(map(str, x["failing_row_ids"])))
                   == (y["outcome"], y["unexpected_count"], y["evaluated_count"], sorted(map(str, y["failing_row_ids"])))
                   for x, y in zip(a["checks"], b["checks"], strict=True))
    print(f"rows: {args.rows:,}; v2 relabels {len(rows):,} rows ({args.fraction:.0%})\n")
    print("| run | wall s | CPU s | peak RSS MB | wall / full | CPU / full |\n|---|---:|---:|---:|---:|---:|")
    for name, r in (("full check of v1 (stores its report)", v1), ("full check of v2", full),
                    ("incremental check of v2 (from v1)", incr)):
        print(f"| {name} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['rss_mb']:.0f} | "
              f"{r['wall_s'] / full['wall_s']:.2f} | {r['cpu_s'] / full['cpu_s']:.2f} |")
    for name in ("full", "incremental"):
        r = api[name]
        print(f"| {name} check of v2, Python API in one process | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | | "
              f"{r['wall_s'] / api['full']['wall_s']:.2f} | {r['cpu_s'] / api['full']['cpu_s']:.2f} |")
    print("\nincremental report equals the full one" if same else "\nMISMATCH between incremental and full reports")
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "v1": v1, "full": full, "incremental": incr,
                                         "api": api, "same": same}, indent=2))


if __name__ == "__main__":
    main()
