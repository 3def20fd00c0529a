"""Where the fix ledger's MLflow runs are: the tracking URI, the index file, run links.

This module does not import MLflow: the app reads ``mlflow_runs.json`` (written next to
``ledger.json`` by ``dataqa impact --mlflow``) to link each version to its run, with or without
``dataqa[mlflow]`` installed. ``dataqa.ledger.tracking`` (which needs MLflow) writes it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dataqa.config import ProjectConfig
from dataqa.errors import TrackingError
from dataqa.versions._atomic import write_json

#: The index of logged runs, next to ``ledger.json``.
RUNS_FILE = "mlflow_runs.json"


@dataclass(frozen=True)
class TrackedRun:
    """One version's retrain as an MLflow run."""

    version: str
    run_id: str
    data_hash: str
    action: str
    """``logged`` (a new run) or ``skipped`` (a finished run with the same key was there)."""
    url: str | None = None
    """The run's page in the MLflow UI (``None`` for a local store, which has no UI server)."""


@dataclass(frozen=True)
class TrackedRuns:
    """The runs of one ``dataqa impact --mlflow``: where they are and one per version."""

    tracking_uri: str
    """The tracking URI, credentials removed."""
    experiment_id: str
    experiment_name: str
    runs: list[TrackedRun] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def run(self, version: str) -> TrackedRun | None:
        """The run of ``version``, if it was tracked."""
        return next((r for r in self.runs if r.version == version), None)

    def summary(self) -> str:
        """One line: how many runs were logged and skipped, and where."""
        logged = [r.version for r in self.runs if r.action == "logged"]
        skipped = [r.version for r in self.runs if r.action == "skipped"]
        parts = [f"logged {', '.join(logged)}" if logged else "logged none"]
        if skipped:
            parts.append(f"skipped {', '.join(skipped)} (same data and settings, already tracked)")
        return (f"mlflow: experiment '{self.experiment_name}' ({self.experiment_id}) at {self.tracking_uri}: "
                + "; ".join(parts))

    def save(self, out_dir: str | Path) -> Path:
        path = Path(out_dir) / RUNS_FILE
        write_json(path, self.to_json())
        return path


def redact(uri: str) -> str:
    """``uri`` without credentials, query or fragment (safe to print, log and store).

    Examples
    --------
    >>> redact("https://alice:s3cret@mlflow.example.com:5000/path?token=x")
    'https://mlflow.example.com:5000/path'
    >>> redact("sqlite:////work/.dataqa/mlflow.db")
    'sqlite:////work/.dataqa/mlflow.db'
    """
    parts = urlsplit(uri)
    if not parts.netloc:  # sqlite:////abs.db, file:///x, databricks: no host, no credentials
        return uri.split("?", 1)[0].split("#", 1)[0]  # (urlunsplit would turn sqlite://// into sqlite://)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def local_store(workspace: Path) -> tuple[str, str]:
    """The default tracking store in the workspace: (SQLite tracking URI, artifact root URI)."""
    ws = workspace.resolve()
    return f"sqlite:///{ws / 'mlflow.db'}", (ws / "mlruns").as_uri()


def tracking_uri(config: ProjectConfig, uri: str | None = None) -> tuple[str, str | None]:
    """The tracking URI to use and, for the workspace's default store, its artifact root.

    ``uri`` (the command line) wins over ``[tracking] mlflow_uri``; with neither, the workspace's
    SQLite store (``mlflow.db``, artifacts in ``mlruns/``).
    """
    chosen = uri or config.tracking.mlflow_uri
    if chosen:
        return chosen, None
    return local_store(config.workspace_path)


def run_url(uri: str, experiment_id: str, run_id: str) -> str | None:
    """The run's page in the MLflow UI for an HTTP tracking server; ``None`` otherwise."""
    if urlsplit(uri).scheme not in ("http", "https"):
        return None
    return f"{redact(uri).rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"


def load_runs(out_dir: str | Path) -> TrackedRuns | None:
    """The runs index in ``out_dir``, or ``None`` when no run was tracked there.

    Raises
    ------
    TrackingError
        The index is there but unreadable.
    """
    path = Path(out_dir) / RUNS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TrackedRuns(data["tracking_uri"], data["experiment_id"], data["experiment_name"],
                           [TrackedRun(**r) for r in data["runs"]])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TrackingError(f"{path}: unreadable MLflow runs index ({exc}); rerun dataqa impact --mlflow") from None


def runs_markdown(config: ProjectConfig, entries: list[tuple[str, str]], out_dir: str | Path | None = None) -> str | None:
    """Markdown linking each ledger version to its MLflow run, for the app's Impact page.

    ``entries`` are (version, data hash) pairs; a run is linked only when its data hash matches
    (the version was not rewritten since). ``None`` when MLflow is neither configured
    (``[tracking] mlflow_uri``) nor used before (no ``mlflow_runs.json`` in ``out_dir``,
    default ``<workspace>/impact``).

    Raises
    ------
    TrackingError
        The runs index is unreadable.
    """
    index = load_runs(out_dir or config.workspace_path / "impact")
    configured = config.tracking.mlflow_uri
    if index is None and not configured:
        return None
    hashes = dict(entries)
    runs = [r for r in (index.runs if index else []) if hashes.get(r.version) == r.data_hash]
    if index is None or not runs:
        where = redact(configured) if configured else (index.tracking_uri if index else "")
        return f"MLflow tracking ({where}): no run of these versions yet; `dataqa impact --mlflow` logs them."
    lines = [f"MLflow runs in experiment `{index.experiment_name}` at {index.tracking_uri}:", ""]
    for r in runs:
        lines.append(f"- [{r.version}]({r.url}) (run `{r.run_id}`)" if r.url else f"- {r.version}: run `{r.run_id}`")
    if not any(r.url for r in runs):
        lines += ["", f"Browse them with `mlflow ui --backend-store-uri {index.tracking_uri}`."]
    return "\n".join(lines)
