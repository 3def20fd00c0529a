"""``dataqa.toml``: the project's dataset, columns, suites, baseline and services.

A ``dataqa.toml`` in the working directory (or a parent) lets a bare ``dataqa check`` run the
project's gate. Every field is optional; command-line options override it.

Where things go: the project defaults a command falls back on (dataset path, id and label column)
and the default output paths (version store, suspects, changesets, and the ``slug`` rule for names)
are resolved here, once, by ``ProjectConfig`` methods; front ends (CLI, app) call them instead of
re-deriving them. This module imports only ``dataqa.errors``: everything may depend on it.

Example::

    [dataset]
    path = "sample_data/diamonds_dirty.csv"
    label_column = "cut"
    reference = "sample_data/diamonds.csv"

    [check]
    suites = ["expectations/diamonds.gx.json"]
    fail_on = "error"

    [baseline]
    folds = 5
    seed = 42
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, overload

from dataqa.errors import InputError

CONFIG_NAME = "dataqa.toml"


def slug(text: str, default: str = "project") -> str:
    """A file-name-safe form of ``text`` (runs of other characters become ``_``).

    The one rule for names derived from user text (project titles, dataset names).

    Examples
    --------
    >>> slug("dataqa: diamonds v2")
    'dataqa_diamonds_v2'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or default


@dataclass(frozen=True)
class DatasetConfig:
    path: str | None = None
    """The dataset a bare command works on."""
    id_column: str | None = None
    """Key column identifying rows; unset means row position."""
    label_column: str | None = None
    """The class label, for noise detection and the baseline."""
    reference: str | None = None
    """A reference dataset or saved profile JSON for drift."""


@dataclass(frozen=True)
class CheckConfig:
    suites: tuple[str, ...] = ()
    """Suite files run by a bare ``dataqa check``."""
    fail_on: str = "error"
    """``error``: only failed checks close the gate; ``warning``: warnings do too."""
    plugins: tuple[str, ...] = ()
    """Python files or modules that register custom checks."""
    baseline_tolerance: float | None = None
    """If set, the gate also fails when the store's newest version drops ``baseline_metric`` of
    the fixed baseline by more than this below its parent's."""
    baseline_metric: str = "accuracy"
    """accuracy, macro_f1 or log_loss."""
    max_label_noise: float | None = None
    """If set, the gate also fails when the lower bound of the estimated label-noise rate
    (``dataqa noise``'s detector, see ``[noise]``) exceeds this share of rows."""


@dataclass(frozen=True)
class BaselineConfig:
    model: str = "hist_gradient_boosting"
    """The fixed classifier; fixed per project so score changes come from the data."""
    folds: int = 5
    """Stratified K for out-of-fold probabilities."""
    seed: int = 42
    """Seed for folds, the model and splits."""
    params: dict[str, Any] = field(default_factory=dict)
    """Fixed hyper-parameters passed to the classifier."""
    eval_fraction: float = 0.25
    """Share of rows frozen as the evaluation split when a dataset is added to the store."""


@dataclass(frozen=True)
class NoiseConfig:
    """The label-noise detector (``dataqa noise``), separate from the fixed ``[baseline]``."""

    models: tuple[str, ...] = ("hist_gradient_boosting", "logistic", "knn")
    """Out-of-fold models: hist_gradient_boosting, logistic, knn."""
    folds: int = 5
    """Stratified K for the detector's out-of-fold probabilities."""
    seed: int = 42
    """Seed for folds and models."""
    weak_accuracy: float = 0.8
    """Below this out-of-fold accuracy the detector warns that its flags are unreliable."""
    confidence: float = 0.95
    """Level of the intervals on the error count and the expected precision."""


@dataclass(frozen=True)
class LabelStudioConfig:
    url: str | None = None
    """External Label Studio URL; unset means the embedded loopback server."""
    port: int = 8089
    """Port of the embedded server (127.0.0.1 only)."""
    project: str | None = None
    """Default project title."""


@dataclass(frozen=True)
class AppConfig:
    max_upload_mb: int = 200
    """Largest file the workbench accepts as an upload (bigger ones: open them by path)."""

    def __post_init__(self) -> None:
        if not isinstance(self.max_upload_mb, int) or isinstance(self.max_upload_mb, bool) or self.max_upload_mb < 1:
            raise InputError(f"[app] max_upload_mb must be a whole number of MB >= 1, not {self.max_upload_mb!r}")


@dataclass(frozen=True)
class TrackingConfig:
    mlflow_uri: str | None = None
    """MLflow tracking URI (``http://host:5000``, ``sqlite:///path.db``): when set, ``dataqa impact``
    logs every version's retrain there (``--no-mlflow`` skips). Unset, ``--mlflow`` logs to a local
    store in the workspace (``mlflow.db``, artifacts in ``mlruns/``)."""


@dataclass(frozen=True)
class EngineConfig:
    name: str = "polars"
    """``polars`` (this machine) or ``spark``; ``--engine`` overrides it."""
    master: str | None = None
    """Spark master: ``local[*]`` (the default), ``spark://host:port`` or ``sc://host:port``."""
    conf: dict[str, str] = field(default_factory=dict)
    """Extra Spark settings, e.g. ``{"spark.driver.memory" = "4g"}``; ``--spark-conf k=v`` adds to them."""

    def __post_init__(self) -> None:
        if self.name not in ("polars", "spark"):
            raise InputError(f"[engine] name must be 'polars' or 'spark', not {self.name!r}")
        if not isinstance(self.conf, dict) or not all(isinstance(v, (str, int, float, bool)) for v in self.conf.values()):
            raise InputError("[engine] conf must be a table of Spark settings (key = \"value\")")


@dataclass(frozen=True)
class ProjectConfig:
    """The whole ``dataqa.toml``; ``root`` is the folder it was found in."""

    root: Path = field(default_factory=Path.cwd)
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    baseline: BaselineConfig = field(default_factory=BaselineConfig)
    label_studio: LabelStudioConfig = field(default_factory=LabelStudioConfig)
    noise: NoiseConfig = field(default_factory=NoiseConfig)
    app: AppConfig = field(default_factory=AppConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    drift: dict[str, Any] = field(default_factory=dict)
    """``[drift]`` thresholds, e.g. ``psi = {warning = 0.1, failed = 0.25}`` (see README)."""
    workspace: str = ".dataqa"
    """Folder of the version store, Label Studio data and caches, relative to ``root``."""

    @property
    def workspace_path(self) -> Path:
        """Absolute workspace folder."""
        p = Path(self.workspace)
        return p if p.is_absolute() else self.root / p

    def dataset_path(self, data: str | None) -> str:
        """The dataset a command works on: ``data`` if given, else ``[dataset] path``.

        Raises ``InputError`` when there is neither.
        """
        path = data or self.resolve(self.dataset.path)
        if path is None:
            raise InputError("no dataset given: pass DATA or set [dataset] path in dataqa.toml")
        return path

    def id_column_for(self, data: str | None, id_column: str | None = None) -> str | None:
        """The key column: ``id_column`` if given, else ``[dataset] id_column`` when ``data`` is
        the configured dataset (``None``); another file is identified by row position."""
        return id_column or (self.dataset.id_column if data is None else None)

    def label_column_for(self, label: str | None = None) -> str | None:
        """The label column: ``label`` if given, else ``[dataset] label_column``."""
        return label or self.dataset.label_column

    @property
    def store_path(self) -> Path:
        """The version store's folder: ``<workspace>/versions``."""
        return self.workspace_path / "versions"

    def suspects_path(self, data: str) -> Path:
        """Where ``dataqa noise`` writes the suspects of ``data``: ``<workspace>/noise/<stem>.suspects.parquet``."""
        return self.workspace_path / "noise" / f"{Path(data).stem}.suspects.parquet"

    def changeset_path(self, project: str) -> Path:
        """Where a review changeset of ``project`` goes: ``<workspace>/changesets/<slug>.parquet``."""
        return self.workspace_path / "changesets" / f"{slug(project)}.parquet"

    @overload
    def resolve(self, path: str) -> str: ...
    @overload
    def resolve(self, path: None) -> None: ...
    def resolve(self, path: str | None) -> str | None:
        """A path from the config, relative to the config's folder (``None`` stays ``None``)."""
        if path is None:
            return None
        p = Path(path)
        return str(p if p.is_absolute() else self.root / p)


def _section(cls: type[Any], data: dict[str, Any], name: str, source: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise InputError(
            f"{source}: unknown key(s) in [{name}]: {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    kwargs = {k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in data.items()}
    return cls(**kwargs)


def load_config(start: str | Path | None = None) -> ProjectConfig:
    """Find ``dataqa.toml`` in ``start`` (default: cwd) or a parent and parse it.

    Returns defaults when there is none. Raises ``InputError`` for a malformed file.
    """
    here = Path(start or Path.cwd()).resolve()
    if here.is_file():
        candidates = [here]
    else:
        candidates = [d / CONFIG_NAME for d in (here, *here.parents)]
    for cand in candidates:
        if cand.is_file():
            return parse_config(cand)
    return ProjectConfig(root=here if here.is_dir() else here.parent)


def parse_config(path: Path) -> ProjectConfig:
    """Parse one ``dataqa.toml``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read config: {exc}") from None
    src = str(path)
    sections = {"dataset": DatasetConfig, "check": CheckConfig, "baseline": BaselineConfig,
                "label_studio": LabelStudioConfig, "noise": NoiseConfig, "app": AppConfig,
                "tracking": TrackingConfig, "engine": EngineConfig}
    unknown = set(raw) - set(sections) - {"workspace", "drift"}
    if unknown:
        raise InputError(f"{src}: unknown section(s): {', '.join(sorted(unknown))}")
    parts = {name: _section(cls, raw.get(name, {}), name, src) for name, cls in sections.items()}
    drift = raw.get("drift", {})
    if not isinstance(drift, dict):
        raise InputError(f"{src}: [drift] must be a table of thresholds")
    return ProjectConfig(root=path.parent, workspace=raw.get("workspace", ".dataqa"), drift=drift, **parts)
