"""Benchmark: the 16 checks of ``bench_check.py`` on Spark ``local[2]``, against Spark peers.

Engines, each in its own process, all from the same Parquet file:

- (a) ``dataqa check --engine spark`` with ``suites/bench.gx.json`` (the CLI, in the worker process)
- (b) a hand-written Spark SQL query: one aggregation of conditional counts, plus the grouping
  that uniqueness needs (the floor for a check engine on Spark)
- (f) (b) plus a second pass collecting every failing row (position, check, value) to the
  driver, which dataqa's report does (``max_failures=None``): the like-for-like floor for (a)
- (c) Great Expectations 1.x on its SparkDFExecutionEngine, the same GX suite
- (d) pandera's ``pyspark.sql`` backend (``pandera.pyspark``), the same checks
- (e) ``dataqa check`` on polars (the default engine)
- (p) ``dataqa profile --engine spark`` and (q) ``dataqa profile`` on polars (``--profile``)

Wall time; CPU = the worker's user+system time plus the driver JVM's and its Python workers'
(in local mode the executors are threads of the driver JVM; read from ``/proc`` before it stops); peak
RSS = the Python process's ``VmHWM`` plus the JVM's. All engines must agree on every failure
count. pandera on Spark answers pass/fail per check (each check is a
``filter(~cond).limit(1).count()``), never a count, so (d) is compared on which checks fail.

pandera's pyspark backend imports ``pyspark.pandas``, which does not import under pandas 3
(pyspark 4.3 uses ``pandas.tseries.frequencies.DateOffset``, removed in pandas 3). (d) therefore
runs in a venv with pandas 2 layered over the project's venv (nothing else differs)::

    python -m venv ~/.cache/dataqa/bench-pandas2-venv
    ~/.cache/dataqa/bench-pandas2-venv/bin/pip install "pandas>=2.2,<3"
    echo "import site; site.addsitedir('$PWD/.venv/lib/python3.11/site-packages')" \
      > ~/.cache/dataqa/bench-pandas2-venv/lib/python3.11/site-packages/zz_dataqa.pth

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
from bench_check import CHECKS, GX_SUITE, agreement, check_id  # noqa: E402

ENGINES = {
    "a": "dataqa check --engine spark",
    "b": "hand-written Spark SQL (counts only)",
    "f": "hand-written Spark SQL + all failing rows",
    "c": "GX 1.x SparkDFExecutionEngine",
    "d": "pandera pyspark.sql",
    "e": "dataqa check (polars)",
    "p": "dataqa profile --engine spark",
    "q": "dataqa profile (polars)",
}
MASTER = "local[2]"
CONF = {"spark.driver.memory": "3g", "spark.sql.shuffle.partitions": "8"}
_CLK = os.sysconf("SC_CLK_TCK")
PANDAS2_PYTHON = Path.home() / ".cache" / "dataqa" / "bench-pandas2-venv" / "bin" / "python"


def _spark() -> Any:
    from dataqa.validation.backends.spark.session import get_spark

    return get_spark(MASTER, CONF)


def _tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and of every live descendant (Spark's Python workers are children
    of the JVM), each with its reaped children's time."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, st in stats.items() if int(st[1]) == parent and p not in tree]
        tree.update(kids)
        frontier += kids
    return sum(sum(int(x) for x in stats[p][11:15]) for p in tree if p in stats) / _CLK


def _jvm_usage() -> tuple[float, float]:
    """(CPU seconds, peak RSS MB) of the driver JVM and its Python workers, read before it stops."""
    from pyspark import SparkContext

    proc = getattr(SparkContext._gateway, "proc", None)
    if proc is None:
        return 0.0, 0.0
    hwm = next(int(line.split()[1]) for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
               if line.startswith("VmHWM"))
    return _tree_cpu(proc.pid), hwm / 1024


def _counts_from_report(report: dict[str, Any]) -> dict[str, int]:
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


def _sql_conditions() -> dict[str, Any]:
    """Per row check, a column that is true on a failing row (nulls pass value checks, as in GX)."""
    import pyspark.sql.functions as F

    out = {}
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
        out[cid] = F.coalesce(cond, F.lit(False))
    return out


def work_sql(path: str, failing_rows: bool = False) -> dict[str, int]:
    """(b): one aggregation of conditional counts plus the grouping uniqueness needs; (f) also
    collects every failing row (position, check, value) in a second filtered pass, as dataqa does."""
    import pyspark.sql.functions as F
    from pyspark.sql import Window

    df = _spark().read.parquet(path)
    conds = _sql_conditions()
    counts = {k: int(v) for k, v in df.agg(*[F.count_if(c).alias(k) for k, c in conds.items()])
              .first().asDict().items()}
    for cid, col, kind, _ in CHECKS:
        if kind == "unique":
            dup = df.where(F.col(col).isNotNull()).groupBy(col).count().where("count > 1")
            counts[cid] = int(dup.agg(F.sum("count")).first()[0] or 0)
    if failing_rows:
        pos = F.col("_metadata.row_index").alias("pos")
        value = {cid: F.col(col).cast("string") for cid, col, *_ in CHECKS}
        flagged = df.select(pos, *[F.col(c) for c in df.columns], *[c.alias(f"bad_{k}") for k, c in conds.items()],
                            *[(F.count(F.col(col)).over(Window.partitionBy(col)) > 1).alias(f"bad_{cid}")
                              for cid, col, kind, _ in CHECKS if kind == "unique"])
        ids = [cid for cid, *_ in CHECKS]
        any_bad = F.greatest(*[F.col(f"bad_{k}") for k in ids])
        entries = F.array(*[F.when(F.col(f"bad_{k}"), F.struct(F.lit(k).alias("k"), value[k].alias("v")))
                            for k in ids])
        long = (flagged.where(any_bad).select("pos", F.explode(entries).alias("f"))
                .where(F.col("f").isNotNull()).select("pos", "f.k", "f.v"))
        table = long.toArrow()
        per = table.group_by("k").aggregate([("pos", "count")]).to_pydict()
        got = dict(zip(per["k"], per["pos_count"], strict=True))
        assert all(got.get(k, 0) == counts[k] for k in ids), (got, counts)
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
    """pandera ``pyspark.sql``: 1 per failing check, 0 per passing one (it computes no counts)."""
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
            "unique": lambda: None,  # DataFrameSchema(unique=[col]) below
        }[kind]()
        if check is not None:
            checks.setdefault(col, []).append(check)
    df = _spark().read.parquet(path)
    # pandera's pyspark checks need the column's type declared (they compare it with the data's)
    cols = {c: pa.Column(df.schema[c].dataType, checks=checks.get(c, []), nullable=nullable.get(c, True))
            for c in set(checks) | set(nullable)}
    unique = [col for _, col, kind, _ in CHECKS if kind == "unique"]
    out = pa.DataFrameSchema(cols, unique=unique).validate(df)
    failed = {cid: 0 for cid, *_ in CHECKS}
    for reason, entries in ((r, e) for kinds in out.pandera.errors.values() for r, e in kinds.items()):
        for err in entries:
            if reason == "DUPLICATES":
                cid = check_id(unique[0], "unique")
            else:
                cid = check_id(str(err.get("column")), str(err.get("check")))
            failed[cid or f"?{reason}:{err.get('column')}:{err.get('check')}: {err.get('error')}"] = 1
    return failed


def work_profile(path: str, engine: str) -> dict[str, int]:
    if engine == "spark":
        from dataqa.validation.backends.spark.profile import profile_spark

        prof = profile_spark(path, spark=_spark())
    else:
        from dataqa.validation.profile import profile

        prof = profile(path)
    return {"rows": prof.rows}


WORKERS = {
    "a": lambda p: work_dataqa(p, "spark"), "b": work_sql, "f": lambda p: work_sql(p, failing_rows=True), "c": work_gx, "d": work_pandera,
    "e": lambda p: work_dataqa(p, "polars"), "p": lambda p: work_profile(p, "spark"),
    "q": lambda p: work_profile(p, "polars"),
}


def _own_peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def worker(engine: str, path: str) -> None:
    start = time.perf_counter()
    counts = WORKERS[engine](path)
    work = time.perf_counter() - start
    jvm_cpu, jvm_rss = _jvm_usage() if engine in "abcdfp" else (0.0, 0.0)
    own = os.times()
    print(json.dumps({"counts": counts, "work_s": work, "jvm_cpu_s": jvm_cpu, "jvm_rss_mb": jvm_rss,
                      "own_cpu_s": own.user + own.system, "own_rss_mb": _own_peak_rss_mb()}))
    sys.stdout.flush()
    # measured: skip the interpreter's teardown, where pyarrow/py4j threads sometimes abort
    # ("terminate called without an active exception"); the JVM exits when its gateway closes
    os._exit(0)


def run_engine(engine: str, path: str, python: str = sys.executable) -> dict[str, Any]:
    cmd = [python, str(Path(__file__)), "--worker", engine, path]
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
    # when the worker reaps the JVM, wait4 already includes the JVM's CPU: never count it twice
    cpu = max(usage.ru_utime + usage.ru_stime, payload["own_cpu_s"] + payload["jvm_cpu_s"])
    row |= {"counts" if engine != "d" else "failed": payload["counts"], "work_s": payload["work_s"],
            "cpu_s": cpu, "rss_mb": payload["own_rss_mb"] + payload["jvm_rss_mb"]}
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


def pass_fail_agreement(rows: list[dict[str, Any]]) -> list[str]:
    """(d) reports pass/fail only: it must fail exactly the checks with a count > 0 elsewhere."""
    counted = [r["counts"] for r in rows if r.get("counts")]
    problems = []
    for r in rows:
        if not r.get("failed") or not counted:
            continue
        for cid, failed in r["failed"].items():
            expected = int(counted[0].get(cid, 0) > 0) if not cid.startswith("?") else None
            if failed != expected:
                problems.append(f"({r['engine']}) {cid}: {'failed' if failed else 'passed'}, "
                                f"other engines count {counted[0].get(cid)}")
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?")
    parser.add_argument("--engines", default="b,f,a,c,d,e")
    parser.add_argument("--profile", action="store_true", help="also (p) and (q)")
    parser.add_argument("--pandera-python", default=str(PANDAS2_PYTHON),
                        help="interpreter for (d): pandas 2 over this venv (see the module docstring)")
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
    loads = [os.getloadavg()[0]]
    for eng in engines:
        rows.append(run_engine(eng, args.data, args.pandera_python if eng == "d" else sys.executable))
        loads.append(os.getloadavg()[0])
        last = rows[-1]
        print(f"({eng}) {last.get('status') or format(last['wall_s'], '.1f') + 's'} (load {loads[-1]:.1f})",
              file=sys.stderr)
    print(table(rows, n_rows))
    print("\n1-min load average before and after each engine: " + ", ".join(f"{x:.1f}" for x in loads))
    problems = agreement([r for r in rows if r.get("counts")])
    problems += pass_fail_agreement(rows)
    print("agreement: " + ("all engines agree on every failure count ((d): on which checks fail)"
                           if not problems else "; ".join(problems)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
