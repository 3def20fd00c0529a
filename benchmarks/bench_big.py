"""Benchmark: ``dataqa check`` on 20M-100M rows in several Parquet files, wall time and peak RSS.

Engines, each in its own subprocess (peak RSS from ``os.wait4``; a watchdog kills a process
whose RSS passes ``--cap-gb`` and reports it, so a run cannot take the shared machine down):

- (a) ``dataqa check DIR --suite suites/bench.gx.json`` (the 16 checks of ``bench_check``),
  ``--max-failures 100 --failures FILE``: exact counts, the first 100 rows per check in the
  report, every failing row streamed to Parquet
- (p) ``dataqa profile DIR --json FILE``
- (e) hand-written polars: one select of the 16 failure counts (the floor for a check engine)
- (f) a bare scan: ``pl.scan_parquet(DIR).select(pl.len())``

Exact counts: (a)'s failure count per check must equal (e)'s; disagreements are printed.

Usage::

    python benchmarks/gen_big.py --rows 20000000 [--all-failing]
    python benchmarks/bench_big.py /tmp/dataqa-bench/t20m [/tmp/dataqa-bench/t20m-fail ...] [--engines a,p,e,f]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_check import CHECKS, GX_SUITE, check_id, polars_exprs  # noqa: E402

CHECK_ARGS = "--max-failures 100 --failures {failures}"
ENGINES = {
    "a": "dataqa check (GX suite, --max-failures 100 --failures)",
    "p": "dataqa profile",
    "e": "hand-written polars (16 counts)",
    "f": "bare scan (pl.len)",
}


def _glob(data: str) -> str:
    return str(Path(data) / "*.parquet") if Path(data).is_dir() else data


def work_polars(data: str) -> dict[str, int]:
    import polars as pl

    row = pl.scan_parquet(_glob(data)).select(polars_exprs()).collect(engine="streaming").row(0, named=True)
    return {k: int(v) for k, v in row.items()}


def work_scan(data: str) -> dict[str, int]:
    import polars as pl

    pl.scan_parquet(_glob(data)).select(pl.len()).collect()
    return {}


WORKERS = {"e": work_polars, "f": work_scan}


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_engine(engine: str, data: str, cap_gb: float, scratch: Path, check_args: str = CHECK_ARGS) -> dict:
    """One engine in its own subprocess: wall time, CPU, peak RSS, failure counts."""
    report = scratch / "report.json"
    if engine in ("a", "p"):
        exe = shutil.which("dataqa") or str(Path(sys.executable).parent / "dataqa")
        if engine == "a":
            cmd = [exe, "check", data, "--suite", str(GX_SUITE), "--format", "json", "-o", str(report),
                   *check_args.format(failures=scratch / "failures.parquet").split()]
        else:
            cmd = [exe, "profile", data, "--json", str(report)]
    else:
        cmd = [sys.executable, str(Path(__file__)), "--worker", engine, data]
    killed = threading.Event()
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fout, stderr=ferr, cwd=HERE.parent)

        def watch() -> None:  # the machine is shared: never let one run take it down
            while proc.poll() is None:
                if _rss_kb(proc.pid) > cap_gb * 1024 * 1024:
                    killed.set()
                    os.kill(proc.pid, signal.SIGKILL)
                    return
                time.sleep(0.2)

        threading.Thread(target=watch, daemon=True).start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        fout.seek(0), ferr.seek(0)
        out, err = fout.read(), ferr.read()
    row: dict = {"engine": engine, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                 "rss_mb": usage.ru_maxrss / 1024, "exit": code}
    if killed.is_set():
        row["status"] = f"killed above {cap_gb:g} GB RSS after {wall:.0f} s"
        return row
    if engine == "a":
        if code not in (0, 1):
            row["status"] = f"failed (exit {code}: {err.decode(errors='replace').strip()[-200:]})"
            return row
        counts: dict[str, int] = {}
        for chk in json.loads(report.read_text())["checks"]:
            cols = chk.get("columns") or []
            cid = check_id(cols[0], chk["check"]) if len(cols) == 1 else None
            counts[cid or f"?{chk['label']}"] = -1 if chk["outcome"] == "error" else int(chk.get("unexpected_count") or 0)
        row["counts"] = counts
        failures = scratch / "failures.parquet"
        if failures.exists():
            import polars as pl

            row["failures_rows"] = pl.scan_parquet(failures).select(pl.len()).collect().item()
            row["failures_mb"] = failures.stat().st_size / 1e6
    elif engine == "p":
        if code != 0:
            row["status"] = f"failed (exit {code}: {err.decode(errors='replace').strip()[-200:]})"
    else:
        if code != 0:
            row["status"] = f"failed (exit {code}: {err.decode(errors='replace').strip()[-200:]})"
            return row
        payload = json.loads(out)
        row["counts"], row["work_s"] = payload["counts"], payload["work_s"]
    return row


def table(results: list[tuple[str, int, list[dict]]]) -> str:
    """One Markdown table over every dataset: ratios vs (e) hand-written polars and (f) a bare scan."""
    lines = ["| data | rows | engine | wall s | CPU s | peak RSS MB | wall / (e) | wall / (f) | RSS / (e) |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for data, n, rows in results:
        by = {r["engine"]: r for r in rows if "status" not in r}
        e, f = by.get("e"), by.get("f")
        for r in rows:
            name = f"({r['engine']}) {ENGINES[r['engine']]}"
            if "status" in r:
                lines.append(f"| {Path(data).name} | {n:,} | {name} | {r['status']} | | {r['rss_mb']:.0f} | | | |")
                continue
            lines.append(" | ".join([
                f"| {Path(data).name}", f"{n:,}", name, f"{r['wall_s']:.1f}", f"{r['cpu_s']:.1f}",
                f"{r['rss_mb']:.0f}", f"{r['wall_s'] / e['wall_s']:.2f}x" if e else "n/a",
                f"{r['wall_s'] / f['wall_s']:.1f}x" if f else "n/a",
                f"{r['rss_mb'] / e['rss_mb']:.2f}" if e else "n/a"]) + " |")
    return "\n".join(lines)


def agreement(rows: list[dict]) -> list[str]:
    """Checks whose dataqa count differs from the hand-written polars count."""
    by = {r["engine"]: r.get("counts") for r in rows}
    a, e = by.get("a"), by.get("e")
    if not a or not e:
        return []
    return [f"{cid}: dataqa {a.get(cid)} vs polars {e.get(cid)}" for cid, *_ in CHECKS if a.get(cid) != e.get(cid)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", help="folders written by gen_big.py")
    parser.add_argument("--engines", default="a,p,e,f")
    parser.add_argument("--cap-gb", type=float, default=10.0, help="kill a run above this RSS")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--check-args", default=CHECK_ARGS, help="extra dataqa check options for (a)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        start = time.perf_counter()
        counts = WORKERS[args.worker](args.data[0])
        print(json.dumps({"counts": counts, "work_s": time.perf_counter() - start}))
        return
    import polars as pl

    results = []
    for data in args.data:
        n = pl.scan_parquet(_glob(data)).select(pl.len()).collect().item()
        rows = []
        for engine in args.engines.split(","):
            with tempfile.TemporaryDirectory(dir="/tmp/dataqa-bench") as scratch:
                row = run_engine(engine, data, args.cap_gb, Path(scratch), args.check_args)
            print(f"  {Path(data).name} ({engine}): " + (row.get("status") or
                  f"{row['wall_s']:.1f} s, {row['rss_mb']:.0f} MB"), file=sys.stderr, flush=True)
            rows.append(row)
        for problem in agreement(rows):
            print(f"  DISAGREEMENT {Path(data).name}: {problem}", file=sys.stderr)
        a = next((r for r in rows if r["engine"] == "a" and "counts" in r), None)
        if a:
            print(f"  {Path(data).name} counts: {json.dumps(a['counts'])}; failures file: "
                  f"{a.get('failures_rows')} rows, {a.get('failures_mb', 0):.0f} MB", file=sys.stderr)
        results.append((data, n, rows))
    print(table(results))
    problems = [p for _, _, rows in results for p in agreement(rows)]
    print("\ndataqa's counts equal the hand-written polars counts on every check" if not problems
          else "\nDISAGREEMENTS:\n  " + "\n  ".join(problems))
    if args.json:
        args.json.write_text(json.dumps([{"data": d, "rows": n, "results": r} for d, n, r in results], indent=2))


if __name__ == "__main__":
    main()
