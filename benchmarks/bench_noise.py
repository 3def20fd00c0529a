"""Benchmark ``dataqa noise`` against the bare pipeline it wraps, on the 20-column table.

Engines, each its own subprocess starting from the Parquet file (imports and read included);
wall time measured by the parent, CPU time and peak RSS of that child from ``os.wait4``:

(a) ``dataqa noise DATA --label label --folds 5 --out <tmp>.parquet``: out-of-fold probabilities
    of the fixed baseline, cleanlab label issues, outliers, near-duplicates, null and class
    imbalance, the per-class tables, and the suspects Parquet (all 20 columns + issue columns).
(b) bare: the same features (``baseline.learn_features`` / ``to_matrix``), scikit-learn
    ``cross_val_predict(make_classifier(...), X, y, cv=StratifiedKFold(5, shuffle, seed),
    method="predict_proba")``, then ``cleanlab.filter.find_label_issues`` and
    ``cleanlab.rank.get_label_quality_scores`` on its output. Nothing written.

Target (issue 4): (a) within 1.3x of (b) in wall time. Usage::

    python benchmarks/bench_noise.py --rows 100000
    python benchmarks/bench_noise.py --rows 1000000 --repeat 1

Tables come from ``benchmarks/gen_table.py`` (the 1M table is generated when missing; other
sizes are its first rows). The table has no trustworthy key (``id`` has injected duplicates), so
rows are identified by position and ``id`` is a feature in both engines.
"""

from __future__ import annotations

import argparse
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

BARE = """
import sys
import polars as pl
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores
from dataqa.config import BaselineConfig
from dataqa.labeling import baseline

cfg = BaselineConfig(folds=int(sys.argv[2]))
df = pl.read_parquet(sys.argv[1])
y, classes = baseline.encode_labels(df.get_column("label"))
spec = baseline.learn_features(df, exclude=["label"])
x = baseline.to_matrix(df, spec)
model = baseline.make_classifier(cfg, cfg.seed)
model.set_params(categorical_features=spec.categorical_mask if spec.categorical else None)
cv = StratifiedKFold(n_splits=cfg.folds, shuffle=True, random_state=cfg.seed)
proba = cross_val_predict(model, x, y, cv=cv, method="predict_proba")
issues = find_label_issues(y, proba)
scores = get_label_quality_scores(y, proba)
print(int(issues.sum()))
"""


def table(rows: int) -> Path:
    """The benchmark table with ``rows`` rows (see ``gen_table.ensure_table``)."""
    return gen_table.ensure_table(rows)


def measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS (MB) of that process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {err[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> None:
    """Run both engines alternately ``--repeat`` times and print a Markdown table (medians)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--omp-threads", type=int, default=None,
                        help="OMP_NUM_THREADS for both engines (default: all cores)")
    args = parser.parse_args(argv)
    # Spinning OpenMP workers thrash when the machine is oversubscribed (HistGradientBoosting
    # ran 10-20x slower at load ~7 on 2 cores); passive waiting keeps both engines comparable.
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    if args.omp_threads:
        env["OMP_NUM_THREADS"] = str(args.omp_threads)
    data = table(args.rows)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        engines = {
            "(a) dataqa noise": [sys.executable, "-m", "dataqa.cli.main", "noise", str(data), "--label", "label",
                                 "--folds", str(args.folds), "--out", str(Path(tmp) / "suspects.parquet")],
            "(b) bare cross_val_predict + cleanlab": [sys.executable, "-c", BARE, str(data), str(args.folds)],
        }
        runs: dict[str, list[dict[str, float]]] = {k: [] for k in engines}
        for _ in range(args.repeat):  # alternate, so load changes hit both engines alike
            for name, cmd in engines.items():
                runs[name].append(measure(cmd, Path(tmp), env))
    load_after = os.getloadavg()[0]
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall_s", "cpu_s", "peak_rss_mb")}
           for k, v in runs.items()}
    ref = med["(b) bare cross_val_predict + cleanlab"]
    threads = env.get("OMP_NUM_THREADS", "all")
    print(f"{args.rows:,} rows, {args.folds} folds, median of {args.repeat}, OMP threads {threads} (passive); "
          f"1-min load average {load_before:.1f} before, {load_after:.1f} after (2 cores)\n")
    print("| engine | wall s | CPU s | peak RSS MB | wall / (b) | CPU / (b) | RSS / (b) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, m in med.items():
        print(f"| {name} | {m['wall_s']:.1f} | {m['cpu_s']:.1f} | {m['peak_rss_mb']:.0f} | "
              f"{m['wall_s'] / ref['wall_s']:.2f}x | {m['cpu_s'] / ref['cpu_s']:.2f}x | "
              f"{m['peak_rss_mb'] / ref['peak_rss_mb']:.2f}x |")


if __name__ == "__main__":
    main()
