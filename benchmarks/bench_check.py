"""Benchmark: the same 16 checks through six engines, wall time and peak RSS.

Engines, each in its own subprocess (peak RSS from ``os.wait4`` on that process):

- (a) ``dataqa check`` with the GX suite ``suites/bench.gx.json``
- (b) ``dataqa check`` with the pandera schema ``suites/bench.pandera.yaml``
- (c) Great Expectations 1.x itself on pandas (``result_format="SUMMARY"``)
- (d) pandera itself on polars (``validate(df, lazy=True)``)
- (e) hand-written one-pass polars expressions (the floor for a check engine)
- (f) a bare scan: ``pl.scan_parquet(path).select(pl.len())``
- (g) a full read: ``pl.scan_parquet(path).collect()`` (context for (f))
- (h) GX as (c) but ``result_format="COMPLETE"``: lists every failing row's index, as dataqa's
  report does (not in the default engine list)

Every engine starts from the Parquet file and includes its imports and the read.
All engines must agree on the number of failing rows per check; disagreements are printed.

Usage::

    python benchmarks/gen_table.py --rows 1000000
    python benchmarks/bench_check.py benchmarks/data/table_1m.parquet [--engines a,b,c,d,e,f,g] [--repeat 3]

GX on pandas (c, h) runs once (it is the slow, memory-hungry one); the others run ``--repeat``
times and the fastest wall time is kept, since the cores may be shared. ``--json FILE`` saves the
measurements; ``--reuse FILE`` adds an earlier run's engines that are not rerun now.
    python benchmarks/bench_check.py --write-suites      # regenerate suites/ from CHECKS
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

HERE = Path(__file__).resolve().parent
GX_SUITE = HERE / "suites" / "bench.gx.json"
PANDERA_SUITE = HERE / "suites" / "bench.pandera.yaml"
sys.path.insert(0, str(HERE))
from gen_table import COUNTRIES, LABELS, STATUSES  # noqa: E402

# (check id, column, kind, params): the one list every engine's suite is built from.
CHECKS: list[tuple[str, str, str, dict]] = [
    ("zip_not_null", "zip", "not_null", {}),
    ("id_unique", "id", "unique", {}),
    ("int_a_between", "int_a", "between", {"min_value": 18, "max_value": 90}),
    ("int_b_between", "int_b", "between", {"min_value": 0, "max_value": 1000}),
    ("int_c_between", "int_c", "between", {"min_value": 1990, "max_value": 2025}),
    ("f_a_not_null", "f_a", "not_null", {}),
    ("f_a_between", "f_a", "between", {"min_value": 0, "max_value": 10000}),
    ("f_b_between", "f_b", "between", {"min_value": 0, "max_value": 1}),
    ("f_c_between", "f_c", "between", {"min_value": -30, "max_value": 50}),
    ("email_regex", "email", "regex", {"regex": r"^[a-z]+\.[0-9]+@example\.com$"}),
    ("code_regex", "code", "regex", {"regex": r"^[A-Z]{2}-[0-9]{5}$"}),
    ("name_lengths", "name", "lengths", {"min_value": 3, "max_value": 20}),
    ("country_in_set", "country", "in_set", {"value_set": COUNTRIES}),
    ("status_in_set", "status", "in_set", {"value_set": STATUSES}),
    ("channel_not_null", "channel", "not_null", {}),
    ("label_in_set", "label", "in_set", {"value_set": LABELS}),
]
GX_TYPE = {
    "not_null": "expect_column_values_to_not_be_null",
    "unique": "expect_column_values_to_be_unique",
    "between": "expect_column_values_to_be_between",
    "regex": "expect_column_values_to_match_regex",
    "lengths": "expect_column_value_lengths_to_be_between",
    "in_set": "expect_column_values_to_be_in_set",
}
# Name fragments by which a reported check (GX or pandera spelling) maps to a kind.
KIND_WORDS = [
    ("not_null", ("not_be_null", "not_nullable", "not_null", "nullable")),
    ("unique", ("unique", "uniqueness")),
    ("lengths", ("length",)),
    ("between", ("between", "in_range", "greater", "less")),
    ("regex", ("regex", "str_matches", "match")),
    ("in_set", ("in_set", "isin")),
]
ENGINES = {
    "a": "dataqa check (GX suite)",
    "b": "dataqa check (pandera)",
    "c": "GX 1.x on pandas",
    "d": "pandera on polars",
    "e": "hand-written polars",
    "f": "bare scan (pl.len)",
    "g": "full read (collect)",
    "h": "GX 1.x on pandas, COMPLETE",
}


def kind_of(name: str) -> str | None:
    """Map a reported check name (GX type or pandera check) to one of our kinds."""
    for kind, words in KIND_WORDS:
        if any(w in name for w in words):
            return kind
    return None


def check_id(column: str, name: str) -> str | None:
    kind = kind_of(name)
    return next((cid for cid, col, k, _ in CHECKS if col == column and k == kind), None)


# --- suite files ------------------------------------------------------------------------

def write_suites(folder: Path = GX_SUITE.parent) -> None:
    """Write the GX suite JSON and the pandera YAML equivalent to ``CHECKS`` into ``folder``."""
    import pandera.polars as pa
    import polars as pl

    expectations = [
        {"type": GX_TYPE[kind], "kwargs": {"column": col, **params}, "meta": {"check_id": cid},
         "severity": "critical"}
        for cid, col, kind, params in CHECKS
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / GX_SUITE.name).write_text(json.dumps({"name": "bench", "expectations": expectations, "meta": {},
                                    "notes": None}, indent=2) + "\n")
    dtypes = {"id": pl.Int64, "int_a": pl.Int64, "int_b": pl.Int64, "int_c": pl.Int64,
              "f_a": pl.Float64, "f_b": pl.Float64, "f_c": pl.Float64, "email": pl.String,
              "code": pl.String, "name": pl.String, "zip": pl.String, "country": pl.Categorical, "status": pl.String,
              "channel": pl.Categorical, "label": pl.String}
    make = {
        "between": lambda p: pa.Check.in_range(p["min_value"], p["max_value"]),
        "regex": lambda p: pa.Check.str_matches(p["regex"]),
        "lengths": lambda p: pa.Check.str_length(p["min_value"], p["max_value"]),
        "in_set": lambda p: pa.Check.isin(p["value_set"]),
    }
    columns = {}
    for col, dtype in dtypes.items():
        mine = [(k, p) for _, c, k, p in CHECKS if c == col]
        columns[col] = pa.Column(
            dtype, [make[k](p) for k, p in mine if k in make],
            nullable=not any(k == "not_null" for k, _ in mine),
            unique=any(k == "unique" for k, _ in mine),
        )
    (folder / PANDERA_SUITE.name).write_text(pa.DataFrameSchema(columns, name="bench").to_yaml())
    print(f"wrote {folder / GX_SUITE.name} and {folder / PANDERA_SUITE.name}")


# --- workers: each prints {"counts": {check_id: failing rows}, "work_s": seconds} ------------

def work_gx(path: str, result_format: str = "SUMMARY") -> dict[str, int]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import pandas as pd

    df = pd.read_parquet(path)
    suite = gx.ExpectationSuite(**json.loads(GX_SUITE.read_text()))
    batch = (gx.get_context(mode="ephemeral").data_sources.add_pandas("p").add_dataframe_asset("a")
             .add_batch_definition_whole_dataframe("b").get_batch(batch_parameters={"dataframe": df}))
    result = batch.validate(suite, result_format=result_format)
    return {r.expectation_config.meta["check_id"]: int(r.result.get("unexpected_count") or 0)
            for r in result.results}


def work_pandera(path: str) -> dict[str, int]:
    import polars as pl
    from pandera.errors import SchemaErrors
    from pandera.io import polars_io

    schema = polars_io.from_yaml(str(PANDERA_SUITE))
    counts = {cid: 0 for cid, *_ in CHECKS}
    try:
        schema.validate(pl.read_parquet(path), lazy=True)
    except SchemaErrors as exc:
        per = exc.failure_cases.group_by("column", "check").agg(pl.col("index").n_unique())
        for column, check, n in per.iter_rows():
            cid = check_id(column, check)
            counts[cid or f"?{column}:{check}"] = n
    return counts


def polars_exprs():
    """The 16 checks as one select of failure counts (nulls pass value checks, as in GX)."""
    import polars as pl

    out = []
    for cid, col, kind, p in CHECKS:
        c = pl.col(col)
        bad = {
            "not_null": lambda: c.is_null(),
            "unique": lambda: c.is_duplicated() & c.is_not_null(),
            "between": lambda: ~c.is_between(p.get("min_value"), p.get("max_value")),
            "regex": lambda: ~c.cast(pl.String).str.contains(p.get("regex", "")),
            "lengths": lambda: ~c.str.len_chars().is_between(p.get("min_value"), p.get("max_value")),
            "in_set": lambda: ~c.cast(pl.String).is_in(p.get("value_set", [])),
        }[kind]()
        out.append(bad.fill_null(False).sum().alias(cid))
    return out


def work_polars(path: str) -> dict[str, int]:
    import polars as pl

    return {k: int(v) for k, v in pl.scan_parquet(path).select(polars_exprs()).collect().row(0, named=True).items()}


def work_scan(path: str) -> dict[str, int]:
    import polars as pl

    pl.scan_parquet(path).select(pl.len()).collect()
    return {}


def work_read(path: str) -> dict[str, int]:
    import polars as pl

    pl.scan_parquet(path).collect()
    return {}


def work_gx_complete(path: str) -> dict[str, int]:
    return work_gx(path, "COMPLETE")


WORKERS = {"c": work_gx, "h": work_gx_complete, "d": work_pandera, "e": work_polars, "f": work_scan, "g": work_read}


# --- the driver ---------------------------------------------------------------------------

def _last_line(err: bytes) -> str:
    lines = err.decode(errors="replace").strip().splitlines()
    return lines[-1][:200].replace("|", "/") if lines else ""


def run_engine(engine: str, path: str) -> dict:
    """One engine in its own subprocess; wall time, peak RSS, and failure counts."""
    if engine in ("a", "b"):
        exe = shutil.which("dataqa")
        if exe is None:
            return {"engine": engine, "status": "n/a (no dataqa on PATH)"}
        suite = GX_SUITE if engine == "a" else PANDERA_SUITE
        cmd = [exe, "check", path, "--suite", str(suite), "--format", "json"]
    else:
        cmd = [sys.executable, str(Path(__file__)), "--worker", engine, path]
    # Output goes to temp files (a big report or GX's progress bars must not block a pipe);
    # reaping with wait4 gives this one child's peak RSS (ru_maxrss, KiB on Linux).
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fout, stderr=ferr, cwd=HERE.parent)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0), ferr.seek(0)
        out, err = fout.read(), ferr.read()
    row = {"engine": engine, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
           "rss_mb": usage.ru_maxrss / 1024, "exit": proc.returncode}
    if engine in ("a", "b"):
        if proc.returncode not in (0, 1):
            row["status"] = f"n/a (exit {proc.returncode}: {_last_line(err)})"
            return row
        try:
            report = json.loads(out)
        except json.JSONDecodeError:
            row["status"] = f"n/a (exit {proc.returncode}, no JSON report: {_last_line(err)})"
            return row
        counts: dict[str, int] = {}
        for chk in report["checks"]:
            cols = chk.get("columns") or []
            cid = check_id(cols[0], chk["check"]) if len(cols) == 1 else None
            if cid is None:
                if chk.get("unexpected_count"):
                    counts[f"?{chk.get('label', chk['check'])}"] = chk["unexpected_count"]
                continue
            counts[cid] = counts.get(cid, 0) + int(chk.get("unexpected_count") or 0)
            if chk["outcome"] == "error":
                counts[cid] = -1
        row["counts"] = counts
    else:
        if proc.returncode != 0:
            row["status"] = f"failed (exit {proc.returncode}: {_last_line(err)})"
            return row
        payload = json.loads(out)
        row["counts"], row["work_s"] = payload["counts"], payload["work_s"]
    return row


def table(rows: list[dict], n_rows: int) -> str:
    """Markdown table with ratios vs (e) hand-written polars and vs (c) GX on pandas.

    CPU s (user + system of the process) is less disturbed than wall time by other jobs on
    shared cores, so its ratio to (e) is shown too.
    """
    by = {r["engine"]: r for r in rows if "wall_s" in r and "status" not in r}
    e, c = by.get("e"), by.get("c")
    lines = [f"rows: {n_rows:,}", "",
             "| engine | wall s | CPU s | in-process s | peak RSS MB | wall / (e) | CPU / (e) | (c) / wall | RSS / (c) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = f"({r['engine']}) {ENGINES[r['engine']]}"
        if r["engine"] not in by:
            lines.append(f"| {name} | {r.get('status', 'n/a')} | | | | | | | |")
            continue
        w, cpu = r["wall_s"], r.get("cpu_s")
        cells = [name, f"{w:.2f}", f"{cpu:.2f}" if cpu is not None else "-",
                 f"{r['work_s']:.2f}" if "work_s" in r else "-", f"{r['rss_mb']:.0f}",
                 f"{w / e['wall_s']:.2f}x" if e else "n/a",
                 f"{cpu / e['cpu_s']:.2f}x" if e and cpu is not None and e.get("cpu_s") else "n/a",
                 f"{c['wall_s'] / w:.1f}x" if c else "n/a",
                 f"{r['rss_mb'] / c['rss_mb']:.2f}" if c else "n/a"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def agreement(rows: list[dict]) -> list[str]:
    """Per check, the engines whose failure count differs from the majority."""
    counted = {r["engine"]: r["counts"] for r in rows if r.get("counts")}
    problems = []
    for cid, *_ in CHECKS:
        values = {eng: counts.get(cid) for eng, counts in counted.items()}
        majority = max(set(values.values()), key=list(values.values()).count)
        off = {eng: v for eng, v in values.items() if v != majority}
        if off:
            problems.append(f"{cid}: majority {majority}, differing {off}")
    for eng, counts in counted.items():
        extra = {k: v for k, v in counts.items() if k.startswith("?")}
        if extra:
            problems.append(f"({eng}) reported unmapped failing checks: {extra}")
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", help="Parquet file from gen_table.py")
    parser.add_argument("--engines", default="a,b,c,d,e,f,g")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--write-suites", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine except (c), fastest kept")
    parser.add_argument("--reuse", type=Path, help="results JSON of an earlier run: keep its other engines")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    if args.write_suites:
        write_suites()
        return
    if args.worker:
        start = time.perf_counter()
        counts = WORKERS[args.worker](args.data)
        print(json.dumps({"counts": counts, "work_s": time.perf_counter() - start}))
        return
    if not args.data:
        parser.error("give the Parquet file (python benchmarks/gen_table.py writes one)")
    import polars as pl

    n_rows = pl.scan_parquet(args.data).select(pl.len()).collect().item()
    rows = []
    for engine in args.engines.split(","):
        # Cores are shared: repeat the cheap engines and keep the fastest run (and the largest RSS).
        runs = [run_engine(engine, args.data) for _ in range(1 if engine in "ch" else args.repeat)]
        row = min(runs, key=lambda r: r.get("wall_s", float("inf")))
        if "rss_mb" in row:
            row["rss_mb"] = max(r.get("rss_mb", 0) for r in runs)
        print(f"  ({engine}) {ENGINES[engine]}: "
              + (row.get("status") or f"{row['wall_s']:.2f} s, {row['rss_mb']:.0f} MB"), file=sys.stderr)
        rows.append(row)
    if args.reuse:
        # Keep earlier measurements of engines not rerun now (e.g. the one 5M run of GX).
        earlier = json.loads(args.reuse.read_text())
        assert earlier["rows"] == n_rows, f"{args.reuse} was measured on {earlier['rows']} rows"
        rerun = {r["engine"] for r in rows}
        rows += [r for r in earlier["results"] if r["engine"] not in rerun]
        rows.sort(key=lambda r: r["engine"])
    print(table(rows, n_rows))
    problems = agreement(rows)
    print("\nfailure counts per check:", json.dumps(next((r["counts"] for r in rows if r.get("counts")), {})))
    print("engines agree on every check" if not problems else "DISAGREEMENTS:\n  " + "\n  ".join(problems))
    if args.json:
        args.json.write_text(json.dumps({"rows": n_rows, "results": rows}, indent=2))


if __name__ == "__main__":
    main()
