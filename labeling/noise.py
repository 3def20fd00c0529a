"""Find label noise and other row-level issues: one call, one :class:`NoiseResult`.

:func:`find_noise` gets out-of-fold probabilities from the detector's models
(:func:`dataqa.labeling.detector.out_of_fold`, configured by ``[noise]``; not the ledger's fixed
baseline), estimates the wrong labels and ``P(error)`` per row (:mod:`dataqa.labeling.estimate`),
builds one k-nearest-neighbour graph of the rows, and runs every issue kind in
:data:`dataqa.labeling.issues.REGISTRY` on them. The CLI
(``dataqa noise``) and the app both call it and render the same result.

Why not cleanlab Datalab: ``Datalab`` needs the ``cleanlab[datalab]`` extra, which (checked with
``pip install --dry-run 'cleanlab[datalab]'``, 2026-11-28) adds Hugging Face ``datasets`` 5.2,
``huggingface_hub``, ``hf-xet``, ``fsspec``, ``dill``, ``multiprocess``, ``xxhash``, ``filelock``
and its own HTTP stack, and upgrades ``click`` under typer. Its issue tables are pandas frames,
and it fits an exact kNN graph, which we must sample above 20k rows to stay near the bare
pipeline's time. Everything we need is in the plain ``cleanlab`` functions under it
(``filter.find_label_issues``, ``rank.get_label_quality_scores``, ``count.estimate_joint``) plus
Datalab's documented thresholds, which :mod:`dataqa.labeling.issues` reuses with one shared kNN
graph. So we keep the lighter dependency and the same output contract.

Features for the kNN graph: numeric and temporal columns standardized (missing -> the column
median), categorical columns as their codes (a code step weighs as much as one standard
deviation; near-duplicates must also agree on every categorical value). Free text, the id and the
label are not features (as in the baseline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import polars as pl
from numpy.typing import NDArray

from dataqa.columns import ROW_ID
from dataqa.config import BaselineConfig, NoiseConfig
from dataqa.errors import InputError, LabelingError, MissingColumnError
from dataqa.io import Dataset, read_dataset
from dataqa.labeling import baseline, detector
from dataqa.labeling.estimate import NoiseEstimate, estimate
from dataqa.labeling.issues import K_NEIGHBOURS, NEAR_DUPLICATE_THRESHOLD, REGISTRY, IssueInput, Issues
from dataqa.labeling.neighbours import EXACT_MAX, neighbours

#: Detector columns of the suspects table after the issue pairs (not shown to reviewers as features).
DETECTOR_COLUMNS = ("p_error", "models_rejecting", "label_margin")

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each model fit and once more after the issue detectors."""


@dataclass(frozen=True)
class NoiseResult:
    """Everything one run found.

    Attributes
    ----------
    suspects:
        One row per input row, ordered for review (label issues first, then rows with another
        issue, each by ``label_score`` ascending): ``row_id, given_label, suggested_label,
        label_score, is_label_issue``, the other ``is_<kind>_issue`` / ``<kind>_score`` pairs,
        then the row's dataset columns (except the label).
    counts:
        Flagged rows per issue kind, in registry order.
    summaries:
        One line per issue kind.
    per_class:
        ``class, rows, label_issues, noise_rate`` (cleanlab's estimated share of the class's rows
        whose true label is another class).
    confusion:
        Given (rows, column ``given``) vs suggested label (one column per class), over the rows
        flagged as label issues.
    classes:
        Class labels in probability-column order (sorted).
    """

    suspects: pl.DataFrame
    counts: dict[str, int]
    summaries: dict[str, str]
    per_class: pl.DataFrame
    confusion: pl.DataFrame
    classes: list[Any]
    label_column: str
    id_column: str | None = None
    dataset: str | None = None
    dataset_path: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    """Issue kinds whose detector failed, with the error message (the others still ran)."""
    estimate: NoiseEstimate | None = None
    """The estimated error count, its interval and ``P(error)`` per row (input row order)."""
    accuracy: dict[str, float] = field(default_factory=dict)
    """Out-of-fold accuracy (against the given labels) per detector model and ``combined``."""
    kept: tuple[str, ...] = ()
    """Detector models averaged into the probabilities."""
    weak_accuracy: float = 0.8
    """Below this combined accuracy :attr:`warning` says the flags are unreliable."""

    @property
    def warning(self) -> str | None:
        """The weak-model warning, with the numbers and what to do, or ``None``."""
        acc = self.accuracy.get("combined")
        if acc is None or acc >= self.weak_accuracy:
            return None
        est = self.estimate
        extra = ""
        if est is not None:
            # benchmarks/README.md: on the three weakest tables (accuracy 0.56-0.73) the flags' expected
            # precision is above the measured one in 10 of 12 conditions, by 0.06-0.33 (the count is an
            # upper bound, and P(error) sums to it).
            extra = (f"; the estimate of {est.count:,.0f} wrong labels may include rows the model merely confuses "
                     "(too high), and so may the flags' expected precision")
        return (f"weak detector: out-of-fold accuracy {acc:.1%} is below {self.weak_accuracy:.0%}{extra}. "
                "Add features that explain the label, or review a budgeted random sample "
                "(dataqa noise --budget N) and use the measured precision of that round")

    def budget(self, n: int) -> pl.DataFrame:
        """The ``n`` suspects with the highest expected value of a review, ``P(error)`` (best first).

        Raises ``InputError`` (naming ``--budget``) unless ``1 <= n <= rows``.
        """
        if n < 1 or n > self.rows:
            raise InputError(f"--budget {n}: must be between 1 and the {self.rows:,} rows")
        return self.suspects.sort(["p_error", ROW_ID], descending=[True, False]).head(n)

    def queue_yield(self, n: int) -> tuple[float, float, float]:
        """Expected real errors in the top-``n`` queue and its interval (see :meth:`budget`)."""
        if self.estimate is None:
            raise LabelingError("no estimate: this result was not made by the detector")
        rows = self.estimate.ranking()[:n]
        return self.estimate.queue_yield(rows)

    def yield_line(self, n: int) -> str:
        """``top 300: about 190 real errors (precision 0.63), 95% interval 170-210``."""
        hits, lo, hi = self.queue_yield(n)
        level = self.estimate.level if self.estimate else 0.95
        return (f"top {n:,}: about {hits:,.0f} real errors (expected precision {hits / max(n, 1):.2f}), "
                f"{level:.0%} interval {lo:,.0f}-{hi:,.0f}")

    @property
    def rows(self) -> int:
        """Number of input rows."""
        return self.suspects.height

    def metadata(self, *, version: str | None = None) -> dict[str, Any]:
        """The ``dataqa`` key-value metadata of the suspects table (the shared contract)."""
        meta: dict[str, Any] = {"dataset": self.dataset, "dataset_path": self.dataset_path, "version": version,
                                "label_column": self.label_column, "id_column": self.id_column,
                                "classes": self.classes}
        if self.estimate is not None:
            est = self.estimate
            meta["noise_estimate"] = {"count": est.count, "low": est.low, "high": est.high, "rows": est.rows,
                                      "level": est.level, "calibration": est.calibration,
                                      "accuracy": self.accuracy, "models": list(self.kept)}
        return meta

    def write(self, path: str | Path, *, version: str | None = None) -> Path:
        """Write the suspects table: Parquet (metadata under key ``dataqa``) or, for ``.csv``,
        CSV with the metadata in a ``<file>.meta.json`` sidecar.

        Raises
        ------
        InputError
            Unknown suffix or unwritable path.
        """
        p = Path(path)
        meta = json.dumps(self.metadata(version=version), default=str)
        suffix = p.suffix.lower()
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            if suffix in (".parquet", ".pq"):
                import pyarrow.parquet as pq  # only to write the metadata (160 ms to import)

                table = self.suspects.to_arrow()
                pq.write_table(table.replace_schema_metadata({**(table.schema.metadata or {}), "dataqa": meta}), p)
            elif suffix == ".csv":
                self.suspects.write_csv(p)
                p.with_name(p.name + ".meta.json").write_text(meta, encoding="utf-8")
            else:
                raise InputError(f"{p}: write the suspects table as .parquet or .csv")
        except OSError as exc:
            raise InputError(f"{p}: cannot write the suspects table: {exc.strerror}") from None
        return p


def find_noise(
    data: pl.DataFrame | Dataset,
    *,
    label_column: str,
    id_column: str | None = None,
    exclude: Sequence[str] = (),
    config: BaselineConfig | None = None,
    progress: Progress | None = None,
    dataset: str | None = None,
    dataset_path: str | None = None,
    knn_exact_max: int = EXACT_MAX,
    noise: NoiseConfig | None = None,
    calibration: float = 1.0,
) -> NoiseResult:
    """Rank the rows of ``df`` by label quality and flag every registered issue kind.

    Parameters
    ----------
    data:
        A :class:`dataqa.io.Dataset` (its ``id_column``, name and path are the defaults of the
        arguments below) or a polars frame of the dataset's columns. ``row_id`` is the
        ``id_column`` value or the 0-based row position.
    label_column:
        The class label. Strings, integers or booleans; float NaN counts as missing.
    id_column:
        Key column; also excluded from the features.
    exclude:
        Other columns that are not features.
    config:
        Only when ``noise`` is not given: its folds and seed seed a default ``NoiseConfig``.
        The fixed baseline itself is not used: the ledger's model stays separate from the detector.
    progress:
        ``progress(done, total)`` after each model fit and after the detectors.
    dataset, dataset_path:
        Recorded in the suspects metadata.
    knn_exact_max:
        Above this many rows the kNN graph is approximate (see :mod:`dataqa.labeling.neighbours`).
    noise:
        The project's ``[noise]``: detector models, folds, seed, weak-model threshold, interval level.
    calibration:
        Factor on ``P(error)`` measured in the last review round (see ``estimate.recalibrate``).

    Returns
    -------
    NoiseResult

    Raises
    ------
    MissingColumnError
        ``label_column`` or ``id_column`` is not in ``df``.
    LabelingError
        Missing labels, a single class, fewer rows (in a class) than folds, no usable feature.
    InputError
        Unknown model names in ``noise.models``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"x": [0.0, 0.1, 0.2, 1.0, 1.1, 1.2] * 5, "y": ["a"] * 3 + ["b"] * 3 + ["a", "b"] * 12})
    >>> res = find_noise(df, label_column="y", config=BaselineConfig(folds=3, params={"min_samples_leaf": 2}))
    >>> res.suspects.columns[:5]
    ['row_id', 'given_label', 'suggested_label', 'label_score', 'is_label_issue']
    """
    noise = noise or (NoiseConfig(folds=config.folds, seed=config.seed) if config else NoiseConfig())
    if isinstance(data, Dataset):
        id_column = id_column or data.id_column
        dataset = dataset or Path(data.path).stem
        dataset_path = dataset_path or str(data.path)
        df = data.collect()
    else:
        df = data
    for col in (label_column, id_column):
        if col is not None and col not in df.columns:
            raise MissingColumnError(f"column '{col}' not found; columns are {', '.join(df.columns)}",
                                     col, df.columns)
    if ROW_ID in df.columns and id_column != ROW_ID:
        raise InputError(f"the data has a column named '{ROW_ID}', which dataqa uses for the row id; "
                         f"pass --id {ROW_ID} if it is the key, or rename it")
    if df.schema[label_column].is_float():
        df = df.with_columns(pl.col(label_column).fill_nan(None))  # NaN labels are missing labels
    not_features = [c for c in (id_column, *exclude) if c is not None]
    total = noise.folds * len(detector.check_models(noise.models)) + 1
    ens = detector.out_of_fold(df, label_column=label_column, exclude=not_features, config=noise,
                               progress=progress and (lambda i, _n: progress(i, total)))
    proba, classes, labels = ens.proba, ens.classes, ens.labels
    est = estimate(labels, proba, level=noise.confidence, seed=noise.seed, calibration=calibration)
    flags = np.zeros(len(labels), dtype=bool)
    flags[est.ranking()[:est.flag_count]] = True
    assert est.score is not None
    inp = _issue_input(df, labels, proba, exclude=[label_column, *not_features], exact_max=knn_exact_max,
                       seed=noise.seed, label_flags=flags, label_scores=1.0 - est.score)
    found: dict[str, Issues] = {}
    errors: dict[str, str] = {}
    for kind, detect in REGISTRY.items():
        try:
            found[kind] = detect(inp)
        except Exception as exc:  # one failing detector must not lose the others (STYLE habit 5)
            if kind == "label":
                raise LabelingError(f"cleanlab could not rank the labels: {exc}") from exc
            errors[kind] = f"{type(exc).__name__}: {exc}"
    if progress is not None:
        progress(total, total)
    from cleanlab.rank import get_label_quality_scores  # about 2 s to import: only when detecting

    row_id = pl.col(id_column) if id_column else pl.int_range(pl.len(), dtype=pl.UInt32)
    class_series = pl.Series("suggested_label", classes)
    head = df.select(row_id.alias(ROW_ID), pl.col(label_column).alias("given_label")).with_columns(
        class_series.gather(proba.argmax(axis=1)))
    signals = pl.DataFrame({
        "p_error": est.p_error,
        "models_rejecting": ens.rejecting().astype(np.int64),
        "label_margin": get_label_quality_scores(labels, proba, method="normalized_margin"),
    })
    table = pl.concat([head, *(found[k].frame for k in found), signals], how="horizontal")
    # Contract order: the label pair first as (score, flag), then the other kinds' pairs.
    table = table.select(ROW_ID, "given_label", "suggested_label", "label_score", "is_label_issue",
                         *(c for k in found if k != "label" for c in found[k].frame.columns),
                         *DETECTOR_COLUMNS)
    rest = df.drop(label_column, *([ROW_ID] if ROW_ID in df.columns else []))
    suspects = pl.concat([table, rest], how="horizontal")
    issue_cols = [f"is_{k}_issue" for k in found]
    suspects = suspects.sort(
        [~pl.col("is_label_issue"), ~pl.any_horizontal(issue_cols), pl.col("label_score"), pl.col(ROW_ID)])
    per_class, confusion = _class_tables(labels, proba, classes, flags, est)
    accuracy = {**ens.accuracy, "combined": ens.combined_accuracy}
    return NoiseResult(
        suspects=suspects, counts={k: v.count for k, v in found.items()},
        summaries={k: v.summary for k, v in found.items()}, per_class=per_class, confusion=confusion,
        classes=list(classes), label_column=label_column, id_column=id_column, dataset=dataset,
        dataset_path=dataset_path, errors=errors, estimate=est, accuracy=accuracy, kept=ens.kept,
        weak_accuracy=noise.weak_accuracy)


def knn_features(df: pl.DataFrame, *, exclude: Sequence[str]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Features for the kNN graph, the categorical codes (``-1`` = null), and each row's null share."""
    spec = baseline.learn_features(df, exclude=exclude)
    x = baseline.to_matrix(df, spec)
    null_fraction = np.isnan(x).mean(axis=1) if x.shape[1] else np.ones(x.shape[0])
    n_num = len(spec.numeric) + len(spec.temporal)
    # Column by column and in place: whole-matrix nan statistics and np.where copies made this
    # step's peak memory several times the matrix (+45% peak RSS over the bare pipeline at 1M rows).
    for j in range(x.shape[1]):
        col = x[:, j]
        missing = np.isnan(col)
        if j >= n_num:  # categorical code: null is its own code
            col[missing] = -1.0
            continue
        present = col[~missing]
        if present.size == 0:  # an all-null column carries no distance
            col[:] = 0.0
            continue
        mean, std, median = float(present.mean()), float(present.std()), float(np.median(present))
        col[missing] = median
        col -= mean
        col /= std if np.isfinite(std) and std > 0 else 1.0
    return x, x[:, n_num:].astype(np.int64), null_fraction


def _issue_input(df: pl.DataFrame, labels: NDArray[Any], proba: NDArray[Any], *, exclude: Sequence[str],
                 exact_max: int, seed: int, label_flags: NDArray[Any], label_scores: NDArray[Any]) -> IssueInput:
    x, codes, null_fraction = knn_features(df, exclude=exclude)
    nb = neighbours(x, K_NEIGHBOURS, near_radius=NEAR_DUPLICATE_THRESHOLD, exact_max=exact_max, seed=seed)
    return IssueInput(labels=labels, pred_probs=proba, knn_distances=nb.distances,
                      nn_distance=nb.nn_distance, nn_index=nb.nn_index, nn_median=nb.nn_median,
                      categories=codes, null_fraction=null_fraction,
                      label_flags=label_flags, label_scores=label_scores)


def _class_tables(labels: NDArray[Any], proba: NDArray[Any], classes: list[Any], is_issue: NDArray[Any],
                  est: NoiseEstimate) -> tuple[pl.DataFrame, pl.DataFrame]:
    k = len(classes)
    rows = np.bincount(labels, minlength=k)
    names = [str(c) for c in classes]
    per_class = pl.DataFrame({
        "class": names,
        "rows": rows,
        "label_issues": np.bincount(labels[is_issue], minlength=k),
        "estimated_errors": np.round(est.per_class_errors, 1),
        "noise_rate": np.round(np.clip(np.divide(est.per_class_errors, rows, out=np.zeros(k), where=rows > 0),
                                       0.0, 1.0), 4),
    })
    suggested = proba.argmax(axis=1)
    cells = np.bincount(labels[is_issue] * k + suggested[is_issue], minlength=k * k).reshape(k, k)
    confusion = pl.DataFrame({"given": names, **{n: cells[:, j] for j, n in enumerate(names)}})
    return per_class, confusion


def find_noise_in_file(
    path: str | Path,
    *,
    label_column: str,
    id_column: str | None = None,
    config: BaselineConfig | None = None,
    progress: Progress | None = None,
    noise: NoiseConfig | None = None,
    calibration: float = 1.0,
) -> NoiseResult:
    """Read a dataset file (CSV, Parquet, JSON Lines) and run :func:`find_noise` on it.

    Raises
    ------
    FileFormatError, MissingColumnError, DuplicateIdError
        The file cannot be read, or a named column is absent, or the id column is not a key.
    LabelingError
        As :func:`find_noise`.
    """
    ds = read_dataset(path, id_column=id_column)
    if label_column not in ds.columns:
        raise MissingColumnError(f"{path}: label column '{label_column}' not found; columns are "
                                 f"{', '.join(ds.columns)}", label_column, ds.columns)
    return find_noise(ds, label_column=label_column, config=config, progress=progress, noise=noise,
                      calibration=calibration)
