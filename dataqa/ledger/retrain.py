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

from dataqa.config import BaselineConfig
from dataqa.errors import LabelingError, VersionStoreError
from dataqa.io import collect
from dataqa.versions import VersionStore
from dataqa.versions.guard import check_same_eval_rows
from dataqa.versions.materialize import ROW_ID

FitPredict = Callable[..., tuple[np.ndarray, list[Any]]]


@dataclass(frozen=True)
class EvalSet:
    """The evaluation rows every model is scored on."""

    frame: pl.DataFrame  # features + label, from the reference version
    classes: list[Any]  # shared class order (sorted labels of the whole history's reference)
    y: np.ndarray  # index of each row's true class in ``classes``
    all_eval_ids: pl.Series  # every frozen eval row id (kept out of training)


def default_fit_predict() -> FitPredict:
    """The project's fixed baseline (``dataqa.labeling.baseline.fit_predict_proba``)."""
    try:
        from dataqa.labeling.baseline import fit_predict_proba
    except ImportError as exc:  # the baseline module belongs to the label-noise area
        raise LabelingError(f"the fixed baseline is not available ({exc}); install dataqa fully") from None
    return fit_predict_proba  # type: ignore[no-any-return]


def eval_set(store: VersionStore, versions: Sequence[str], reference: str, label: str) -> EvalSet:
    """The reference version's frozen evaluation rows, after the evaluation-integrity guard.

    Raises
    ------
    EvaluationIntegrityError
        The versions do not all hold the same evaluation rows.
    """
    ids = check_same_eval_rows(store, [*versions, reference])
    frame = collect(store.checkout(reference).join(ids.to_frame().lazy(), on=ROW_ID, how="semi"), str(store.path))
    frame = frame.filter(pl.col(label).is_not_null())
    if frame.is_empty():
        raise VersionStoreError(f"{store.path}: the frozen evaluation split has no labelled rows")
    classes = sorted(collect(store.checkout(reference).select(pl.col(label).drop_nulls().unique()),
                             str(store.path)).to_series().to_list())
    lookup = pl.DataFrame({label: classes, "__y": list(range(len(classes)))})
    y = frame.select(label).join(lookup, on=label, how="left", maintain_order="left")["__y"].to_numpy()
    return EvalSet(frame, classes, y, store.eval_row_ids())


def align(proba: np.ndarray, model_classes: Sequence[Any], classes: Sequence[Any]) -> np.ndarray:
    """Reorder probability columns to ``classes``; a class the model never saw gets 0."""
    out = np.zeros((proba.shape[0], len(classes)))
    pos = {c: i for i, c in enumerate(classes)}
    for j, c in enumerate(model_classes):
        if c in pos:
            out[:, pos[c]] = proba[:, j]
    return out


def retrain(
    store: VersionStore, version: str, ev: EvalSet, *, label: str, exclude: Sequence[str],
    config: BaselineConfig, seed: int, fit_predict: FitPredict,
) -> tuple[np.ndarray, int]:
    """Train the baseline on ``version``'s non-evaluation rows; probabilities on ``ev`` and n_train."""
    train = collect(
        store.checkout(version).join(ev.all_eval_ids.to_frame().lazy(), on=ROW_ID, how="anti")
        .filter(pl.col(label).is_not_null()),
        str(store.path),
    )
    proba, model_classes = fit_predict(train, ev.frame, label_column=label, exclude=list(exclude),
                                       config=config, seed=seed)
    return align(np.asarray(proba, dtype=float), list(model_classes), ev.classes), train.height
