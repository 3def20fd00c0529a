"""Retrain the fixed baseline on one version and predict the frozen evaluation rows.

The evaluation rows are taken, features and labels, from one *reference* version (default: the
head), the same frame for every version's model. So before/after models are always scored on the
same rows against the same truth: the newest (reviewed) labels of the frozen evaluation rows.
Automated fixes cannot touch those rows (``guard.check_automated_fix``), so the only labels that
move there are reviewed ones. Each version's model is trained on that version's other rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from dataqa.columns import ROW_ID
from dataqa.config import BaselineConfig
from dataqa.errors import VersionStoreError
from dataqa.io import collect
from dataqa.labeling.baseline import fit_predict_proba
from dataqa.versions import VersionStore
from dataqa.versions.guard import check_same_eval_rows

#: OpenMP threads per retrain (pinned for reproducibility; recorded in the ledger).
THREADS = 1

FitPredict = Callable[..., tuple[NDArray[Any], list[Any]]]


@dataclass(frozen=True)
class EvalSet:
    """The evaluation rows every model is scored on."""

    frame: pl.DataFrame  # features + label, from the reference version
    classes: list[Any]  # shared class order (sorted labels of the whole history's reference)
    y: NDArray[Any]  # index of each row's true class in ``classes``
    all_eval_ids: pl.Series  # every frozen eval row id (kept out of training)


def default_fit_predict() -> FitPredict:
    """The project's fixed baseline (``dataqa.labeling.baseline.fit_predict_proba``)."""
    return fit_predict_proba


def eval_set(store: VersionStore, versions: Sequence[str], reference: str, label: str) -> EvalSet:
    """The reference version's frozen evaluation rows, after the evaluation-integrity guard.

    Raises
    ------
    EvaluationIntegrityError
        The versions do not all hold the same evaluation rows.
    """
    ids = check_same_eval_rows(store, [*versions, reference])
    # sorted by row_id: the row order must not depend on how a parallel join came out, or the
    # bootstrap (and cached probabilities) would pair different rows on a rerun
    frame = collect(store.checkout(reference).join(ids.to_frame().lazy(), on=ROW_ID, how="semi"),
                    str(store.path)).filter(pl.col(label).is_not_null()).sort(ROW_ID)
    if frame.is_empty():
        raise VersionStoreError(f"{store.path}: the frozen evaluation split has no labelled rows")
    classes = sorted(collect(store.checkout(reference).select(pl.col(label).drop_nulls().unique()),
                             str(store.path)).to_series().to_list())
    lookup = pl.DataFrame({label: classes, "__y": list(range(len(classes)))})
    y = frame.select(label).join(lookup, on=label, how="left", maintain_order="left")["__y"].to_numpy()
    return EvalSet(frame, classes, y, store.eval_row_ids())


def align(proba: NDArray[Any], model_classes: Sequence[Any], classes: Sequence[Any]) -> NDArray[Any]:
    """Reorder probability columns to ``classes``; a class the model never saw gets 0."""
    out = np.zeros((proba.shape[0], len(classes)))
    pos = {c: i for i, c in enumerate(classes)}
    for j, c in enumerate(model_classes):
        if c in pos:
            out[:, pos[c]] = proba[:, j]
    return out


def _bucket(dtype: pl.DataType, seed: int) -> pl.Expr:
    """A row's bucket 0..999 from its row_id and a seed (Knuth's multiplicative hash for integer
    ids, stable across polars releases; polars' own hash for other id types)."""
    rid = pl.col(ROW_ID)
    if dtype.is_integer():
        return ((rid.cast(pl.Int64) % 2**31) * 2654435761 + seed * 40503) % 2**32 % 1000
    return (rid.hash(seed) % 1000).cast(pl.Int64)


#: Share of the training rows each repeat is fitted on when ``repeats > 1``.
SUBSAMPLE = 0.8


def retrain(
    store: VersionStore, version: str, ev: EvalSet, *, label: str, exclude: Sequence[str],
    config: BaselineConfig, seed: int, fit_predict: FitPredict, repeats: int = 1,
) -> tuple[NDArray[Any], int]:
    """Train the baseline on ``version``'s non-evaluation rows; probabilities on ``ev`` and n_train.

    ``repeats > 1`` fits the baseline ``repeats`` times, with seeds ``seed, seed+1, ...``, each on
    a seeded 80% subsample of the training rows chosen by hashing ``row_id`` with the repeat's
    seed (so every version uses the same subsample of the rows it shares), and averages the
    probabilities. Averaging removes most of the fit-to-fit jitter, so a paired comparison of
    two versions measures what their data changed rather than which borderline rows flipped.
    """
    train = collect(
        store.checkout(version).join(ev.all_eval_ids.to_frame().lazy(), on=ROW_ID, how="anti")
        .filter(pl.col(label).is_not_null()),
        str(store.path),
    ).sort(ROW_ID)  # a deterministic row order: the fit must not depend on the join's
    total = np.zeros((ev.frame.height, len(ev.classes)))
    for r in range(repeats):
        part = train if repeats == 1 else train.filter(_bucket(train.schema[ROW_ID], seed + r) < int(SUBSAMPLE * 1000))
        # One OpenMP thread: histogram gradient boosting sums floats in a thread-dependent order,
        # and on an overfitting model that changes the numbers; pinned, a rerun on any machine
        # gives the same ledger (and a busy shared machine runs it faster).
        with threadpool_limits(limits=THREADS, user_api="openmp"):
            proba, model_classes = fit_predict(part, ev.frame, label_column=label, exclude=list(exclude),
                                               config=config, seed=seed + r)
        total += align(np.asarray(proba, dtype=float), list(model_classes), ev.classes)
    return total / repeats, train.height
