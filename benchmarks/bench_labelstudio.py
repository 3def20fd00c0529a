"""Label Studio round trip: server start times, push/re-push/pull throughput.

    python benchmarks/bench_labelstudio.py [--rows 1000] [--fresh]

Runs its own embedded server in ``benchmarks/data/ls-bench/labelstudio`` (kept between runs, so
only the first run, or ``--fresh``, pays the database set-up). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from dataqa.labeling.labelstudio.client import connect
from dataqa.labeling.labelstudio.pull import pull_reviews
from dataqa.labeling.labelstudio.push import push_suspects
from dataqa.labeling.labelstudio.server import EmbeddedServer, free_port
from dataqa.labeling.labelstudio.settings import Connection, read_token_file, server_paths

ROOT = Path(__file__).resolve().parent
SAMPLE = ROOT.parent / "sample_data" / "diamonds_dirty.csv"
CLASSES = ["Fair", "Good", "Very Good", "Premium", "Ideal"]


def suspects(path: Path, rows: int) -> None:
    data = pl.read_csv(SAMPLE).head(rows).with_row_index("row_id").with_columns(pl.col("row_id").cast(pl.Int64))
    df = data.select("row_id", pl.col("cut").alias("given_label"),
                     pl.col("cut").shift(1).fill_null("Fair").alias("suggested_label"),
                     (pl.int_range(pl.len()) / pl.len()).alias("label_score"),
                     pl.lit(True).alias("is_label_issue"), *[c for c in data.columns if c not in ("row_id",)])
    meta = {"dataset": "bench", "version": None, "label_column": "cut", "id_column": None, "classes": CLASSES}
    t = df.to_arrow()
    pq.write_table(t.replace_schema_metadata({b"dataqa": json.dumps(meta).encode()}), path)


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--fresh", action="store_true", help="delete the server folder first (measures the first start)")
    args = ap.parse_args()
    ws = ROOT / "data" / "ls-bench"
    if args.fresh:
        shutil.rmtree(ws, ignore_errors=True)
    srv = EmbeddedServer(server_paths(ws), port=free_port())
    results: list[tuple[str, float, str]] = []
    if not srv.initialised:
        dt, _ = timed(srv.initialise)
        results.append(("first-start database set-up (label-studio init)", dt, "once per folder"))
    dt, st = timed(lambda: srv.start(timeout=300))
    results.append(("start on an initialised folder", dt, "until /health answers"))
    try:
        token = read_token_file(srv.paths.token_file)
        assert token is not None and st.url
        conn = Connection(st.url, token)
        path = ws / "suspects.parquet"
        suspects(path, args.rows)
        n = args.rows
        for batch in (100, 500):
            title = f"bench {time.time_ns()}"
            dt, res = timed(lambda: push_suspects(path, connection=conn, project=title, batch_size=batch))
            results.append((f"push {res.created} tasks, batches of {batch}", dt, f"{n / dt:.0f} tasks/s"))
        dt, res = timed(lambda: push_suspects(path, connection=conn, project=title))
        results.append((f"re-push the same {n} rows (all deduplicated)", dt, f"{res.created} created"))
        session = connect(conn)
        pid = next(p.id for p in session.sdk.projects.list() if p.title == title)
        tasks = sorted(session.sdk.tasks.list(project=pid), key=lambda t: t.id)[: max(1, n // 5)]
        res_choice = [{"from_name": "label", "to_name": "features", "type": "choices", "value": {"choices": ["Fair"]}}]
        dt, _ = timed(lambda: [session.sdk.annotations.create(id=t.id, result=res_choice) for t in tasks])
        results.append((f"create {len(tasks)} annotations through the API (simulated reviewer)", dt, ""))
        dt, cs = timed(lambda: pull_reviews(title, dataset=SAMPLE, connection=conn))
        results.append((f"pull {n} tasks -> changeset of {cs.frame.height} rows", dt, f"{n / dt:.0f} tasks/s"))
    finally:
        srv.stop()
    base = next(dt for name, dt, _ in results if name.startswith("start on"))
    print("| step | seconds | x warm start | note |\n|---|---|---|---|")
    for name, dt, note in results:
        print(f"| {name} | {dt:.2f} | {dt / base:.1f} | {note} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
