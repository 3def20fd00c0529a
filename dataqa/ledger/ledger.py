"""The fix ledger: what each version's fix did to the fixed baseline, with intervals."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dataqa.columns import ROW_ID
from dataqa.config import ProjectConfig, load_config
from dataqa.errors import VersionStoreError
from dataqa.ledger.metrics import METRICS, Estimate, Scored, estimate, paired_delta, regressed, score
from dataqa.ledger.retrain import THREADS, FitPredict, default_fit_predict, eval_set, retrain
from dataqa.versions import VersionStore
from dataqa.versions._atomic import write_json
from dataqa.versions.lineage import environment, file_sha256


@dataclass(frozen=True)
class LedgerEntry:
    """One version's retrain: metrics, the delta to its parent, and the fix that caused it."""

    version: str
    parent: str | None
    fix_kind: str
    reviewed: bool
    message: str
    source: dict[str, Any]
    cells_changed: int
    rows_changed: int
    eval_rows_changed: int
    n_train: int
    data_hash: str
    metrics: dict[str, Estimate]
    delta: dict[str, Estimate] | None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["metrics"] = {m: e.to_json() for m, e in self.metrics.items()}
        d["delta"] = {m: e.to_json() for m, e in self.delta.items()} if self.delta else None
        return d


@dataclass(frozen=True)
class Ledger:
    """The ledger of a store; ``to_json`` is what ``ledger.json`` holds (the retrain records)."""

    store: str
    dataset: str
    label_column: str
    reference: str
    reference_hash: str
    n_eval: int
    eval_split_sha256: str
    seeds: dict[str, int]
    exclude: list[str]
    config: dict[str, Any]
    suites: list[str]
    environment: dict[str, str]
    entries: list[LedgerEntry] = field(default_factory=list)
    n_boot: int = 1000
    """Bootstrap resamples behind every interval."""

    def to_json(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k != "entries"}
        d["entries"] = [e.to_json() for e in self.entries]
        return d

    def entry(self, version: str) -> LedgerEntry:
        return next(e for e in self.entries if e.version == version)

    def to_frame(self) -> pl.DataFrame:
        """One row per version: each metric and delta with its interval, and the fix."""
        rows = []
        for e in self.entries:
            row: dict[str, Any] = {"version": e.version, "fix_kind": e.fix_kind, "reviewed": e.reviewed,
                                   "rows_changed": e.rows_changed, "message": e.message}
            for m in METRICS:
                for part in ("value", "low", "high"):
                    row[f"{m}_{part}"] = getattr(e.metrics[m], part)
                    row[f"delta_{m}_{part}"] = getattr(e.delta[m], part) if e.delta else None
            rows.append(row)
        return pl.DataFrame(rows, infer_schema_length=None)

    def render(self) -> str:
        """The ledger as a plain-text table."""
        head = f"{'version':<8}{'fix':<13}{'rows':>6}  " + "  ".join(
            f"{m:<23}{'delta ' + m:<27}" for m in METRICS)
        lines = [f"fix ledger of '{self.dataset}' ({self.label_column}); {self.n_eval} frozen evaluation rows, "
                 f"truth from {self.reference}; 95% bootstrap intervals", head]
        for e in self.entries:
            cells = []
            for m in METRICS:
                v, d = e.metrics[m], e.delta[m] if e.delta else None
                dtxt = f"{d.value:+.4f} [{d.low:+.4f},{d.high:+.4f}]" if d else "-"
                cells.append(f"{v.value:.4f} [{v.low:.3f},{v.high:.3f}]  {dtxt:<27}")
            kind = e.fix_kind + ("*" if e.reviewed and e.eval_rows_changed else "")
            lines.append(f"{e.version:<8}{kind:<13}{e.rows_changed:>6}  " + "".join(cells).rstrip())
        lines.append("* a reviewed fix that changed evaluation rows")
        return "\n".join(lines)

    def save(self, path: str | Path) -> None:
        write_json(Path(path), self.to_json())


def build_ledger(
    store: VersionStore, *, config: ProjectConfig | None = None, versions: Sequence[str] | None = None,
    reference: str = "head", exclude: Sequence[str] = (), n_boot: int = 1000,
    fit_predict: FitPredict | None = None, progress: Callable[[str], None] | None = None,
    cache: bool = True, repeats: int = 1,
) -> Ledger:
    """Retrain the fixed baseline on each version and score it on the frozen evaluation rows.

    Parameters
    ----------
    versions:
        Versions to report (default: the whole history); each one's parent is retrained too.
    reference:
        The version whose evaluation rows (features and labels) are the truth for every model.
    exclude:
        Columns that are not features (``row_id`` and the store's id column always are).
    n_boot:
        Bootstrap resamples for the intervals (seeded with ``[baseline] seed``).
    repeats:
        Fits per version, averaged (see ``retrain.retrain``); 1 = the baseline as configured.
    cache:
        Reuse a version's evaluation probabilities from ``<store>/ledger_cache/`` when its data,
        the reference, the split, the features, the baseline config, the seed and the package
        versions are all unchanged (the cache key hashes them all); ``False`` always retrains.

    Raises
    ------
    EvaluationIntegrityError
        The versions do not share the same evaluation rows.
    """
    cfg = config or load_config()
    meta = store.meta
    label = meta.get("label_column")
    if not label:
        raise VersionStoreError(f"{store.path}: the dataset was added without a label column; no ledger")
    history = store.list()
    chosen = [store.resolve(v) for v in versions] if versions else history
    needed = sorted({r.seq for r in chosen} | {r.seq - 1 for r in chosen if r.parent}, key=int)
    recs = [history[s - 1] for s in needed]
    ref = store.resolve(reference)
    ev = eval_set(store, [r.id for r in recs], ref.id, label)
    drop = sorted({ROW_ID, *([meta["id_column"]] if meta.get("id_column") else []), *exclude})
    fp = fit_predict or default_fit_predict()
    seed = cfg.baseline.seed
    split_hash = file_sha256(store.path / "split.parquet")
    scored: dict[str, Scored] = {}
    n_train: dict[str, int] = {}
    for r in recs:
        key = cache_key(r.data_hash, ref.data_hash, split_hash, drop, asdict(cfg.baseline), seed, repeats, THREADS)
        hit = _cache_load(store, key) if cache and fit_predict is None else None
        if hit is None:
            if progress:
                progress(f"retraining the baseline on {r.id} ...")
            proba, n = retrain(store, r.id, ev, label=label, exclude=drop, config=cfg.baseline,
                               seed=seed, fit_predict=fp, repeats=repeats)
            if cache and fit_predict is None:
                _cache_save(store, key, proba, n)
        else:
            proba, n = hit
        scored[r.id], n_train[r.id] = score(ev.y, proba), n
    entries = []
    for r in (x for x in recs if x.seq in {c.seq for c in chosen}):
        delta = paired_delta(scored[r.parent], scored[r.id], n_boot=n_boot, seed=seed) if r.parent in scored else None
        entries.append(LedgerEntry(
            r.id, r.parent, r.kind.value, r.reviewed, r.message, r.source, r.cells_changed, r.rows_changed,
            r.eval_rows_changed, n_train[r.id], r.data_hash,
            estimate(scored[r.id], n_boot=n_boot, seed=seed), delta))
    return Ledger(
        store=str(store.path), dataset=meta["dataset"], label_column=label, reference=ref.id,
        reference_hash=ref.data_hash, n_eval=len(ev.y), eval_split_sha256=file_sha256(store.path / "split.parquet"),
        seeds={"model": seed, "bootstrap": seed, "split": int(meta.get("split_seed", seed)), "repeats": repeats,
               "threads": THREADS},
        exclude=drop,
        config=asdict(cfg.baseline), suites=list(cfg.check.suites), environment=environment(), entries=entries,
        n_boot=n_boot,
    )


def cache_key(*parts: Any) -> str:
    """Hash of everything a retrain's output depends on (package versions included)."""
    blob = json.dumps([parts, environment()], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _cache_load(store: VersionStore, key: str) -> tuple[NDArray[Any], int] | None:
    path = store.path / "ledger_cache" / f"{key}.npz"
    if not path.exists():
        return None
    with np.load(path) as z:
        return z["proba"], int(z["n_train"])


def _cache_save(store: VersionStore, key: str, proba: NDArray[Any], n_train: int) -> None:
    folder = store.path / "ledger_cache"
    folder.mkdir(exist_ok=True)
    _sweep_orphaned_temps(folder)
    tmp = folder / f".{key}.{os.getpid()}.npz"
    np.savez(tmp, proba=proba, n_train=np.array(n_train))
    os.replace(tmp, folder / f"{key}.npz")  # a cache: atomic, no fsync needed


def _sweep_orphaned_temps(folder: Path) -> None:
    """Delete the temp files of writers that no longer run.

    A cancelled ledger job is a killed process: killed between ``savez`` and ``os.replace`` it
    leaves ``.<key>.<pid>.npz`` behind, which the next save of any process clears.
    """
    for tmp in folder.glob(".*.npz"):
        pid = tmp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _running(int(pid)):
            tmp.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def baseline_regression_check(
    store: VersionStore, version: str = "head", metric: str = "accuracy", tolerance: float = 0.01, *,
    config: ProjectConfig | None = None, exclude: Sequence[str] = (), fit_predict: FitPredict | None = None,
) -> tuple[bool, str]:
    """The gate: does ``version``'s baseline ``metric`` stay within ``tolerance`` of its parent's?

    Retrains only the version and its parent. For log loss (lower is better) the gate fails
    when the loss rises by more than ``tolerance``; otherwise when the metric drops by more.

    Returns
    -------
    (passed, message)
    """
    if metric not in METRICS:
        raise VersionStoreError(f"unknown metric '{metric}'; use one of {', '.join(METRICS)}")
    rec = store.resolve(version)
    if rec.parent is None:
        return True, f"{rec.id} is the first version: nothing to compare with"
    led = build_ledger(store, config=config, versions=[rec.id], reference=rec.id, exclude=exclude,
                       n_boot=200, fit_predict=fit_predict)
    e = led.entry(rec.id)
    assert e.delta is not None
    d = e.delta[metric]
    passed = not regressed(metric, d.value, tolerance)
    verb = "within" if passed else "beyond"
    return passed, (f"{rec.id} {metric} {e.metrics[metric].value:.4f} vs {rec.parent}: {d.value:+.4f} "
                    f"(95% CI {d.low:+.4f}..{d.high:+.4f}), {verb} tolerance {tolerance:.4f}")
