"""The fixed baseline: one model definition for noise detection and for the per-fix retrain.

The point of a *fixed* baseline is that changes in its score come from the data, not from the
model: the classifier, its hyper-parameters and its seeds are set once per project
(``[baseline]`` in ``dataqa.toml``) and reused everywhere.

Features are built from a polars table without pandas:

- numeric and boolean columns as floats (missing values stay NaN: the classifier handles them),
- dates and datetimes as numbers,
- low-cardinality strings / categoricals (at most ``MAX_CATEGORIES`` distinct values in the
  training rows) as ordinal codes passed to the classifier as categorical features; values unseen
  in training become missing,
- high-cardinality strings (free text, keys) are ignored, as are the id, label and excluded columns.

scikit-learn is imported inside the functions that fit (about 2 s to import): the CLI, the app's pages
and the ledger import this module without paying for it until a model is fitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dataqa.config import BaselineConfig
from dataqa.errors import LabelingError, MissingColumnError

#: Strings with more distinct values than this are treated as free text and ignored.
MAX_CATEGORIES = 64

#: The fixed hyper-parameters; ``[baseline] params`` may override them per project.
#: Deliberately regularised (slow learning rate, large leaves, L2): an unregularised boosted model
#: overfits small noisy tables, where label noise then acts as smoothing and fixing it shows no
#: measurable gain; this model's score moves with the data, which is what the ledger measures.
DEFAULT_PARAMS: dict[str, Any] = {
    "max_iter": 100,
    "learning_rate": 0.05,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": False,
}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FeatureSpec:
    """How a table becomes a feature matrix; learned on training rows, applied to any rows."""

    numeric: tuple[str, ...]
    temporal: tuple[str, ...]
    categorical: dict[str, tuple[str, ...]]
    ignored: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        """Feature columns, in matrix order."""
        return [*self.numeric, *self.temporal, *self.categorical]

    @property
    def categorical_mask(self) -> NDArray[Any]:
        """Boolean mask of categorical features, for HistGradientBoostingClassifier."""
        n_num = len(self.numeric) + len(self.temporal)
        return np.array([False] * n_num + [True] * len(self.categorical), dtype=bool)


def learn_features(train: pl.DataFrame, *, exclude: Sequence[str] = ()) -> FeatureSpec:
    """Decide each column's role from the training rows (one polars pass for the cardinalities)."""
    cols = [c for c in train.columns if c not in set(exclude)]
    # Entirely null columns carry nothing and crash the classifier's binning: ignore them.
    empty = {c for c, n in zip(cols, train.select(pl.col(cols).null_count()).row(0) if cols else ())
             if n == train.height}
    cols = [c for c in cols if c not in empty]
    schema = train.schema
    numeric = [c for c in cols if schema[c].is_numeric() or schema[c] == pl.Boolean]
    temporal = [c for c in cols if schema[c].is_temporal()]
    stringy = [c for c in cols if c not in numeric and c not in temporal
               and (schema[c] in (pl.String, pl.Categorical) or isinstance(schema[c], pl.Enum))]
    ignored = [c for c in cols if c not in numeric + temporal + stringy] + sorted(empty)
    categorical: dict[str, tuple[str, ...]] = {}
    if stringy:
        counts = train.select(pl.col(c).cast(pl.String).n_unique() for c in stringy).row(0)
        for c, n in zip(stringy, counts):
            if n <= MAX_CATEGORIES + 1:  # +1: the null "value"
                values = train.get_column(c).cast(pl.String).drop_nulls().unique().sort().to_list()
                categorical[c] = tuple(values)
            else:
                ignored.append(c)
    return FeatureSpec(tuple(numeric), tuple(temporal), categorical, tuple(ignored))


def to_matrix(df: pl.DataFrame, spec: FeatureSpec) -> NDArray[Any]:
    """The feature matrix (float64, NaN for missing) of ``df`` under ``spec``."""
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise MissingColumnError(f"feature column '{missing[0]}' is not in the data", missing[0], df.columns)
    exprs = [pl.col(c).cast(pl.Float64) for c in spec.numeric]
    exprs += [pl.col(c).cast(pl.Int64).cast(pl.Float64) for c in spec.temporal]
    exprs += [
        pl.col(c).cast(pl.String).replace_strict(list(cats), list(range(len(cats))), default=None,
                                                 return_dtype=pl.Float64)
        for c, cats in spec.categorical.items()
    ]
    if not exprs:
        raise LabelingError("no usable feature columns (every column is the label, the id, "
                            "excluded, entirely null, or free text)")
    # NaN and inf in floats become missing: the classifier treats NaN as missing natively.
    out = df.select(exprs).to_numpy().astype(np.float64, copy=False)
    if not out.flags.writeable:  # a single float column comes back as a read-only view
        out = out.copy()
    out[~np.isfinite(out)] = np.nan
    return out


def make_classifier(config: BaselineConfig, seed: int) -> Any:
    """The fixed classifier (unfitted)."""
    if config.model != "hist_gradient_boosting":
        raise LabelingError(f"unknown baseline model '{config.model}'; dataqa ships 'hist_gradient_boosting'")
    from sklearn.ensemble import HistGradientBoostingClassifier

    params = {**DEFAULT_PARAMS, **config.params}
    return HistGradientBoostingClassifier(random_state=seed, **params)


def encode_labels(labels: pl.Series) -> tuple[NDArray[Any], list[Any]]:
    """Class indices and the sorted class list. Raises ``LabelingError`` on null labels."""
    nulls = labels.null_count()
    if nulls:
        raise LabelingError(f"label column '{labels.name}' has {nulls} missing value(s); "
                            "drop or label those rows first")
    classes = labels.unique().sort().to_list()
    codes = labels.replace_strict(classes, list(range(len(classes))), return_dtype=pl.Int64).to_numpy()
    return codes, classes


def _labels(df: pl.DataFrame, label_column: str, purpose: str) -> tuple[NDArray[Any], list[Any]]:
    """Encoded labels and classes, refusing a missing column or a single class."""
    if label_column not in df.columns:
        raise MissingColumnError(f"label column '{label_column}' not found; columns are "
                                 f"{', '.join(df.columns)}", label_column, df.columns)
    y, classes = encode_labels(df.get_column(label_column))
    if len(classes) < 2:
        raise LabelingError(f"label column '{label_column}' has a single class ({classes[0]!r}); "
                            f"{purpose} needs at least two")
    return y, classes


def build_pipeline(spec: FeatureSpec, config: BaselineConfig, seed: int) -> Any:
    """The fixed classifier (unfitted) set up for ``spec``'s matrix: its categorical columns are
    declared native categoricals. Fit it on ``to_matrix(df, spec)``.

    Examples
    --------
    >>> df = pl.DataFrame({"x": [1.0, 2.0], "c": ["u", "v"], "note": ["a", "b"], "y": [0, 1]})
    >>> spec = learn_features(df, exclude=["y", "note"])
    >>> build_pipeline(spec, BaselineConfig(), 0).categorical_features.tolist()
    [False, True]
    """
    model = make_classifier(config, seed)
    model.set_params(categorical_features=spec.categorical_mask if spec.categorical else None)
    return model


def _fit(spec: FeatureSpec, config: BaselineConfig, seed: int, x: NDArray[Any], y: NDArray[Any]) -> Any:
    return build_pipeline(spec, config, seed).fit(x, y)


def fit_predict_proba(
    train: pl.DataFrame,
    test: pl.DataFrame,
    *,
    label_column: str,
    exclude: Sequence[str] = (),
    config: BaselineConfig | None = None,
    seed: int | None = None,
) -> tuple[NDArray[Any], list[Any]]:
    """Fit the fixed baseline on ``train`` and return class probabilities on ``test``.

    Parameters
    ----------
    train, test:
        Tables with the same columns; ``test`` needs no label.
    label_column:
        The class label.
    exclude:
        Columns never used as features (ids, row ids, leakage).
    config:
        The project's ``[baseline]``; defaults to ``BaselineConfig()``.
    seed:
        Model seed; defaults to ``config.seed``.

    Returns
    -------
    (proba, classes):
        ``proba[i, k]`` is the probability of ``classes[k]`` for test row ``i``; classes are the
        sorted labels seen in ``train``.
    """
    config = config or BaselineConfig()
    y, classes = _labels(train, label_column, "a classifier")
    spec = learn_features(train, exclude=[label_column, *exclude])
    model = _fit(spec, config, config.seed if seed is None else seed, to_matrix(train, spec), y)
    return model.predict_proba(to_matrix(test, spec)), classes


def out_of_fold_proba(
    df: pl.DataFrame,
    *,
    label_column: str,
    exclude: Sequence[str] = (),
    config: BaselineConfig | None = None,
    progress: Progress | None = None,
) -> tuple[NDArray[Any], list[Any]]:
    """Out-of-sample probabilities for every row from stratified K-fold cross-validation.

    Folds are seeded (``config.seed``) and the classifier uses both cores (OpenMP threads).
    Feature roles are learned once on all rows (no label information is used for that),
    so every fold sees the same columns.

    Raises
    ------
    LabelingError
        Missing labels, a single class, or a class with fewer rows than folds.
    """
    from sklearn.model_selection import StratifiedKFold

    config = config or BaselineConfig()
    y, classes = _labels(df, label_column, "noise detection")
    sizes = np.bincount(y, minlength=len(classes))
    small = [(classes[k], int(n)) for k, n in enumerate(sizes) if n < config.folds]
    if small:
        shown = ", ".join(f"{c!r} ({n} rows)" for c, n in small)
        raise LabelingError(f"label column '{label_column}': class(es) {shown} have fewer rows than "
                            f"the {config.folds} folds; relabel or drop them, or lower --folds")
    spec = learn_features(df, exclude=[label_column, *exclude])
    x = to_matrix(df, spec)
    proba = np.zeros((df.height, len(classes)), dtype=np.float64)
    folds = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    for i, (tr, te) in enumerate(folds.split(x, y)):
        proba[te] = _fit(spec, config, config.seed, x[tr], y[tr]).predict_proba(x[te])
        if progress is not None:
            progress(i + 1, config.folds)
    return proba, classes
