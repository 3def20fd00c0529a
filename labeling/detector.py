"""The label-noise detector: out-of-fold probabilities from several models, combined.

Separate from the fixed baseline (:mod:`dataqa.labeling.baseline`): the ledger retrains the fixed
baseline to *measure* the data, and must not move when the detector changes. The detector is
configured by ``[noise]`` in ``dataqa.toml``:

- ``hist_gradient_boosting``: the baseline's classifier and hyper-parameters
  (``baseline.DEFAULT_PARAMS``, native categoricals, NaN as missing);
- ``logistic``: L2-regularised logistic regression (C = 1) on median-imputed standardised numbers
  and one-hot categoricals;
- ``knn``: 25 nearest neighbours (uniform vote) on the same standardised features. Its training
  side is a seeded sample of at most :data:`KNN_MAX_TRAIN` rows per fold: exact neighbour search
  against every training row would cost n^2 at a million rows.

Every model is fitted on the same seeded stratified folds. Combination (see
``benchmarks/bench_noise_quality.py``): a model whose out-of-fold log loss is more than
:data:`DROP_RATIO` times the best model's is dropped (a much weaker member only blurs the
ensemble), the rest are averaged with equal weights (Pickler et al. 2025 find plain averaging of
probabilities the strongest tabular combination; log-loss weights changed nothing measurable here).
Agreement signals per row: how many kept models' top class differs from the given label, and
cleanlab's normalised margin of the combined probabilities.

scikit-learn is imported inside the functions that fit (about 2 s to import): the CLI, the app's pages
and the ledger import this module without paying for it until a model is fitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dataqa.config import NoiseConfig
from dataqa.errors import InputError, LabelingError, MissingColumnError
from dataqa.labeling import baseline

MODELS = ("hist_gradient_boosting", "logistic", "knn")
#: Drop a model whose out-of-fold log loss exceeds the best one's by more than this factor.
DROP_RATIO = 1.15
#: Neighbours of the kNN member.
KNN_NEIGHBOURS = 25
#: Training rows per fold for the kNN member (a seeded sample above this).
KNN_MAX_TRAIN = 20_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Ensemble:
    """Out-of-fold probabilities of every model and their combination.

    Attributes
    ----------
    labels:
        Given class index per row.
    classes:
        Sorted class labels (probability-column order).
    proba:
        Combined out-of-fold probabilities, shape ``(n, K)``.
    members:
        Model name -> its out-of-fold probabilities.
    log_loss, accuracy:
        Model name -> out-of-fold log loss / accuracy against the given labels.
    kept:
        Models averaged into ``proba`` (the others were much worse; see ``DROP_RATIO``).
    """

    labels: NDArray[Any]
    classes: list[Any]
    proba: NDArray[Any]
    members: dict[str, NDArray[Any]]
    log_loss: dict[str, float]
    accuracy: dict[str, float]
    kept: tuple[str, ...]

    @property
    def combined_accuracy(self) -> float:
        """Out-of-fold accuracy of the combination against the given labels."""
        return float((self.proba.argmax(axis=1) == self.labels).mean())

    def rejecting(self) -> NDArray[Any]:
        """Per row: how many kept models' top class is not the given label."""
        out: NDArray[Any] = np.sum([self.members[m].argmax(axis=1) != self.labels for m in self.kept], axis=0)
        return out


def check_models(models: Sequence[str]) -> tuple[str, ...]:
    """The configured model names, or ``InputError`` naming the option."""
    names = tuple(models)
    if not names:
        raise InputError("[noise] models is empty; choose from " + ", ".join(MODELS))
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        raise InputError(f"[noise] models: unknown model '{unknown[0]}'; dataqa ships {', '.join(MODELS)}")
    if len(set(names)) != len(names):
        raise InputError("[noise] models lists a model twice")
    return names


def encode(df: pl.DataFrame, label_column: str, folds: int) -> tuple[NDArray[Any], list[Any]]:
    """Class indices and classes, refusing what no cross-validation can use (exit 2 messages)."""
    if label_column not in df.columns:
        raise MissingColumnError(f"label column '{label_column}' not found; columns are "
                                 f"{', '.join(df.columns)}", label_column, df.columns)
    col = df.get_column(label_column)
    if col.dtype.is_float():
        col = col.fill_nan(None)
    if df.height and col.null_count() == df.height:
        raise LabelingError(f"label column '{label_column}' has no labels (all {df.height} values are missing)")
    y, classes = baseline.encode_labels(col)
    if len(classes) < 2:
        raise LabelingError(f"label column '{label_column}' has a single class ({classes[0]!r}); "
                            "noise detection needs at least two")
    if df.height < folds:
        raise LabelingError(f"label column '{label_column}': {df.height} rows are fewer than the {folds} folds; "
                            "lower --folds or [noise] folds")
    sizes = np.bincount(y, minlength=len(classes))
    small = [(classes[k], int(n)) for k, n in enumerate(sizes) if n < folds]
    if small:
        shown = ", ".join(f"{c!r} ({n} rows)" for c, n in small)
        raise LabelingError(f"label column '{label_column}': class(es) {shown} have fewer rows than "
                            f"the {folds} folds; relabel or drop them, or lower --folds")
    return y, classes


def _scaled(spec: baseline.FeatureSpec) -> Any:
    """Standardised numbers (median-imputed) and one-hot categoricals, for the linear and kNN models."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    n_num = len(spec.numeric) + len(spec.temporal)
    parts: list[tuple[str, Any, list[int]]] = []
    if n_num:
        parts.append(("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                           StandardScaler()), list(range(n_num))))
    if spec.categorical:
        parts.append(("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value=-1.0),
                                           OneHotEncoder(handle_unknown="ignore")),
                      list(range(n_num, n_num + len(spec.categorical)))))
    return ColumnTransformer(parts, sparse_threshold=0.0)


def make_model(name: str, spec: baseline.FeatureSpec, seed: int) -> Any:
    """One detector member, unfitted, for ``to_matrix(df, spec)``."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    if name == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(random_state=seed, **baseline.DEFAULT_PARAMS,
                                              categorical_features=spec.categorical_mask if spec.categorical else None)
    if name == "logistic":
        return make_pipeline(_scaled(spec), LogisticRegression(C=1.0, max_iter=500))
    if name == "knn":
        return make_pipeline(_scaled(spec), KNeighborsClassifier(n_neighbors=KNN_NEIGHBOURS))
    raise InputError(f"[noise] models: unknown model '{name}'; dataqa ships {', '.join(MODELS)}")


def _log_loss(y: NDArray[Any], p: NDArray[Any]) -> float:
    # Hand-written (one line) rather than sklearn.metrics.log_loss: that one re-validates and
    # re-normalises the (n, K) matrix, which costs more than the sum at a million rows.
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1.0))))


def out_of_fold(
    df: pl.DataFrame,
    *,
    label_column: str,
    exclude: Sequence[str] = (),
    config: NoiseConfig | None = None,
    progress: Progress | None = None,
) -> Ensemble:
    """Out-of-fold probabilities of every ``[noise]`` model on the same seeded stratified folds.

    Raises
    ------
    InputError
        Unknown model names in ``config.models``.
    LabelingError, MissingColumnError
        A missing label column, no labels, a single class, fewer rows (in a class) than folds, no
        usable feature.
    """
    from sklearn.model_selection import StratifiedKFold

    config = config or NoiseConfig()
    models = check_models(config.models)
    y, classes = encode(df, label_column, config.folds)
    spec = baseline.learn_features(df, exclude=[label_column, *exclude])
    x = baseline.to_matrix(df, spec)
    k = len(classes)
    members: dict[str, NDArray[Any]] = {m: np.zeros((df.height, k), dtype=np.float64) for m in models}
    folds = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    rng = np.random.default_rng(config.seed)
    total, done = config.folds * len(models), 0
    for tr, te in folds.split(x, y):
        for m in models:
            fit_rows = tr
            if m == "knn" and len(tr) > KNN_MAX_TRAIN:
                fit_rows = np.sort(rng.choice(tr, KNN_MAX_TRAIN, replace=False))
            model = make_model(m, spec, config.seed)
            votes = min(KNN_NEIGHBOURS, len(fit_rows))  # tiny tables have fewer training rows than 25
            if m == "knn":
                model.set_params(kneighborsclassifier__n_neighbors=votes)
            model.fit(x[fit_rows], y[fit_rows])
            proba: NDArray[Any] = np.zeros((len(te), k))
            proba[:, model.classes_] = model.predict_proba(x[te])
            if m == "knn":  # vote shares of 0 make log loss infinite: add one pseudo-vote per class
                proba = (proba * votes + 1.0) / (votes + k)
            members[m][te] = proba
            done += 1
            if progress is not None:
                progress(done, total)
    losses = {m: _log_loss(y, p) for m, p in members.items()}
    accuracy = {m: float((p.argmax(axis=1) == y).mean()) for m, p in members.items()}
    best = min(losses.values())
    kept = tuple(m for m in models if losses[m] <= best * DROP_RATIO)
    combined = np.mean([members[m] for m in kept], axis=0)
    return Ensemble(labels=y, classes=classes, proba=combined, members=members, log_loss=losses,
                    accuracy=accuracy, kept=kept)
