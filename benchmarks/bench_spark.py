"""Benchmark: the 16 checks of ``bench_check.py`` on Spark ``local[2]``, against Spark peers.

Engines, each in its own process, all from the same Parquet file:

- (a) ``dataqa check --engine spark`` with ``suites/bench.gx.json`` (the CLI, in the worker process)
- (b) a hand-written Spark SQL query: one aggregation of conditional counts, plus the grouping
  that uniqueness needs (the floor for a check engine on Spark)
- (c) Great Expectations 1.x on its SparkDFExecutionEngine, the same GX suite
- (d) pandera's ``pyspark.sql`` backend (``pandera.pyspark``), the same checks
- (e) ``dataqa check`` on polars (the default engine)
- (p) ``dataqa profile --engine spark`` and (q) ``dataqa profile`` on polars (``--profile``)

Wall time; CPU = the worker's user+system time plus the driver JVM's (in local mode the
executors are threads of the driver JVM, read from ``/proc/<jvm>/stat`` before it stops); peak
RSS = the Python process's plus the JVM's ``VmHWM``. All engines must agree on every failure
count (pandera on Spark reports failing checks without row counts, so (d) is not compared).

Usage::

    python benchmarks/gen_table.py --rows 5000000
    nice -n 10 python benchmarks/bench_spark.py benchmarks/data/table_5m.parquet [--engines a,b,c,d,e] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_check import CHECKS, GX_SUITE, agreement  # noqa: E402

ENGINES = {
    "a": "dataqa check --engine spark",
    "b": "hand-written Spark SQL",
    "c": "GX 1.x SparkDFExecutionEngine",
    "d": "pandera pyspark.sql",
    "e": "dataqa check (polars)",
    "p": "dataqa profile --engine spark",
    "q": "dataqa profile (polars)",
}
MASTER = "local[2]"
CONF = {"spark.driver.memory": "3g", "spark.sql.shuffle.partitions": "8"}
_CLK = os.sysconf("SC_CLK_TCK")


def _spark() -> Any:
    from dataqa.validation.backends.spark.session import get_spark

    return get_spark(MASTER, CONF)


def _jvm_usage() -> tuple[float, float]:
    """(CPU seconds, peak RSS MB) of the driver JVM, read before it stops."""
    from pyspark import SparkContext

    proc = getattr(SparkContext._gateway, "proc", None)
    if proc is None:
        return 0.0, 0.0
    stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / _CLK
    hwm = next(int(line.split()[1]) for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
               if line.startswith("VmHWM"))
    return cpu, hwm / 1024


def _counts_from_report(report: dict[str, Any]) -> dict[str, int]:
    from bench_check import check_id

    counts: dict[str, int] = {}
    for chk in report["checks"]:
        cols = chk.get("columns") or []
        cid = check_id(cols[0], chk["check"]) if len(cols) == 1 else None
        if cid is not None:
            counts[cid] = -1 if chk["outcome"] == "error" else int(chk.get("unexpected_count") or 0)
    return counts


def work_dataqa(path: str, engine: str) -> dict[str, int]:
    from dataqa.validation.api import check_dataset
    from dataqa.validation.render import RENDERERS

    kwargs: dict[str, Any] = {"engine": engine}
    if engine == "spark":
        kwargs |= {"spark_master": MASTER, "spark_conf": CONF}
    report = check_dataset(path, [str(GX_SUITE)], **kwargs)
    return _counts_from_report(json.loads(RENDERERS["json"](report)))


def work_sql(path: str) -> dict[str, int]:
    import pyspark.sql.functions as F

    df = _spark().read.parquet(path)
    bad = []
    for cid, col, kind, p in CHECKS:
        c = F.col(col)
        if kind == "unique":
            continue
        cond = {
            "not_null": lambda: c.isNull(),
            "between": lambda: ~c.between(p.get("min_value"), p.get("max_value")),
            "regex": lambda: ~c.cast("string").rlike(p.get("regex", "")),
            "lengths": lambda: ~F.char_length(c).between(p.get("min_value"), p.get("max_value")),
            "in_set": lambda: ~c.cast("string").isin(p.get("value_set", [])),
        }[kind]()
        bad.append(F.count_if(F.coalesce(cond, F.lit(False))).alias(cid))
    counts = {k: int(v) for k, v in df.agg(*bad).first().asDict().items()}
    for cid, col, kind, _ in CHECKS:
        if kind == "unique":
            dup = df.where(F.col(col).isNotNull()).groupBy(col).count().where("count > 1")
            counts[cid] = int(dup.agg(F.sum("count")).first()[0] or 0)
    return counts


def work_gx(path: str) -> dict[str, int]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    df = _spark().read.parquet(path)
    suite = gx.ExpectationSuite(**json.loads(GX_SUITE.read_text()))
    batch = (gx.get_context(mode="ephemeral").data_sources.add_spark("s").add_dataframe_asset("a")
             .add_batch_definition_whole_dataframe("b").get_batch(batch_parameters={"dataframe": df}))
    result = batch.validate(suite, result_format="SUMMARY")
    return {r.expectation_config.meta["check_id"]: int(r.result.get("unexpected_count") or 0)
            for r in result.results}


def work_pandera(path: str) -> dict[str, int]:
    import pandera.pyspark as pa

    checks: dict[str, list[Any]] = {}
    nullable: dict[str, bool] = {}
    for _, col, kind, p in CHECKS:
        if kind == "not_null":
            nullable[col] = False
            continue
        check = {
            "between": lambda: pa.Check.in_range(p["min_value"], p["max_value"]),
            "regex": lambda: pa.Check.str_matches(p["regex"]),
            "lengths": lambda: pa.Check.str_length(p["min_value"], p["max_value"]),
            "in_set": lambda: pa.Check.isin(p["value_set"]),
            "unique": lambda: None,
        }[kind]()
        if check is not None:
            checks.setdefault(col, []).append(check)
    cols = {c: pa.Column(checks=checks.get(c, []), nullable=nullable.get(c, True))
            for c in set(checks) | set(nullable)}
    df = _spark().read.parquet(path)
    out = pa.DataFrameSchema(cols, unique=["id"]).validate(df)
    errors = out.pandera.errors  # per check: no failing-row counts on this backend
    return {"?errors": sum(len(v) for kinds in errors.values() for v in kinds.values())}


def work_profile(path: str, engine: str) -> dict[str, int]:
    if engine == "spark":
        from dataqa.validation.backends.spark.profile import profile_spark

        prof = profile_spark(path, spark=_spark())
    else:
        from dataqa.validation.profile import profile

        prof = profile(path)
    return {"rows": prof.rows}


WORKERS = {
    "a": lambda p: work_dataqa(p, "spark"), "b": work_sql, "c": work_gx, "d": work_pandera,
    "e": lambda p: work_dataqa(p, "polars"), "p": lambda p: work_profile(p, "spark"),
    "q": lambda p: work_profile(p, "polars"),
}


def worker(engine: str, path: str) -> None:
    start = time.perf_counter()
    counts = WORKERS[engine](path)
    work = time.perf_counter() - start
    jvm_cpu, jvm_rss = _jvm_usage() if engine in "abcdp" else (0.0, 0.0)
    print(json.dumps({"counts": counts, "work_s": work, "jvm_cpu_s": jvm_cpu, "jvm_rss_mb": jvm_rss}))


def run_engine(engine: str, path: str) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__)), "--worker", engine, path]
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fout, stderr=ferr, cwd=HERE.parent)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        fout.seek(0), ferr.seek(0)
        out, err = fout.read(), ferr.read()
    code = os.waitstatus_to_exitcode(status)
    row: dict[str, Any] = {"engine": engine, "wall_s": wall}
    if code != 0:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        row["status"] = f"failed (exit {code}: {last[0][:160]})"
        return row
    payload = json.loads(out.decode().strip().splitlines()[-1])
    row |= {"counts": payload["counts"], "work_s": payload["work_s"],
            "cpu_s": usage.ru_utime + usage.ru_stime + payload["jvm_cpu_s"],
            "rss_mb": usage.ru_maxrss / 1024 + payload["jvm_rss_mb"]}
    return row


def table(rows: list[dict[str, Any]], n_rows: int) -> str:
    by = {r["engine"]: r for r in rows if "status" not in r}
    b = by.get("b")
    lines = [f"rows: {n_rows:,} (Spark {MASTER})", "",
             "| engine | wall s | CPU s (driver+executors) | peak RSS MB | wall / (b) | CPU / (b) |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = f"({r['engine']}) {ENGINES[r['engine']]}"
        if r["engine"] not in by:
            lines.append(f"| {name} | {r.get('status', 'n/a')} | | | | |")
            continue
        lines.append(f"| {name} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['rss_mb']:.0f} | "
                     + (f"{r['wall_s'] / b['wall_s']:.2f}x | {r['cpu_s'] / b['cpu_s']:.2f}x |" if b else "n/a | n/a |"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?")
    parser.add_argument("--engines", default="a,b,c,d,e")
    parser.add_argument("--profile", action="store_true", help="also (p) and (q)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="save the measurements here")
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.data)
        return
    import pyarrow.parquet as pq

    n_rows = pq.read_metadata(args.data).num_rows
    engines = args.engines.split(",") + (["p", "q"] if args.profile else [])
    rows = []
    for eng in engines:
        rows.append(run_engine(eng, args.data))
        last = rows[-1]
        print(f"({eng}) {last.get('status') or format(last['wall_s'], '.1f') + 's'}", file=sys.stderr)
    print(table(rows, n_rows))
    problems = agreement([r for r in rows if r["engine"] in "abce" and r.get("counts")])
    print("\nagreement: " + ("all engines agree on every failure count" if not problems else "; ".join(problems)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
