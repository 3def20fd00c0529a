"""Log the fix ledger to MLflow: one experiment per dataset, one run per version's retrain.

Each run holds:

- params: the version, its parent, the fix kind, reviewed, the source, the rows/cells changed,
  the data hash, the evaluation set (reference, its hash, size, split hash), the baseline's
  configuration and every seed, the bootstrap resamples;
- metrics: accuracy, macro-F1 and log loss with their 95% interval bounds (``accuracy_low``,
  ``accuracy_high``...) and the paired deltas to the parent (``delta_accuracy``...);
- tags: ``dataqa.version``, ``dataqa.data_hash``, ``dataqa.run_key``, ``dataqa.parent_version``
  and ``dataqa.parent_run_id`` (the parent's run), and a note linking to the parent run;
- artifacts: ``ledger.json`` and the waterfall charts (PNG + HTML per metric) of the ledger up to
  this version, and ``lineage/<version>.json``, the version's lineage record.

Re-running does not duplicate runs: ``dataqa.run_key`` hashes everything the run's numbers
depend on (the version's data hash, the reference and the split, the features, the baseline
configuration, the seeds, the resamples, the package versions). A FINISHED run with the same key
is **skipped** (the retrain is deterministic, so it would log the same numbers); an unfinished one
(a crash mid-logging) is deleted and logged again. Changed settings give a new run.

This module imports MLflow (``pip install 'dataqa[mlflow]'``); import it only when tracking.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dataqa.errors import InputError, TrackingError, TrackingUnreachable
from dataqa.ledger.chart import write_waterfall
from dataqa.ledger.ledger import Ledger, LedgerEntry
from dataqa.ledger.metrics import METRICS
from dataqa.ledger.runs_index import TrackedRun, TrackedRuns, redact, run_url
from dataqa.versions import VersionStore

try:
    from mlflow.entities import Metric, Param, RunStatus, RunTag, ViewType
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient
except ImportError as exc:  # an optional extra: say how to get it
    raise InputError(f"MLflow tracking needs mlflow ({exc}): pip install 'dataqa[mlflow]'") from None

#: Longest param value logged (MLflow servers before 2.0 allow 500; the full values are in ledger.json).
MAX_PARAM = 500
#: Seconds to wait for the tracking server's first answer.
PROBE_TIMEOUT = 10.0
RUN_KEY_TAG = "dataqa.run_key"


def experiment_name(ledger: Ledger) -> str:
    """One experiment per dataset."""
    return f"dataqa/{ledger.dataset}"


def run_key(ledger: Ledger, entry: LedgerEntry) -> str:
    """Hash of everything the run's numbers depend on (its identity for de-duplication)."""
    parts = [entry.version, entry.data_hash, ledger.reference_hash, ledger.eval_split_sha256, ledger.label_column,
             ledger.exclude, ledger.config, ledger.seeds, ledger.n_boot, ledger.environment]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def run_params(ledger: Ledger, entry: LedgerEntry) -> dict[str, str]:
    """The run's params as MLflow strings."""
    raw: dict[str, Any] = {
        "version": entry.version, "parent": entry.parent or "none", "fix_kind": entry.fix_kind,
        "reviewed": entry.reviewed, "source": json.dumps(entry.source, sort_keys=True),
        "rows_changed": entry.rows_changed, "cells_changed": entry.cells_changed,
        "eval_rows_changed": entry.eval_rows_changed, "n_train": entry.n_train, "data_hash": entry.data_hash,
        "label_column": ledger.label_column, "reference": ledger.reference, "reference_hash": ledger.reference_hash,
        "n_eval": ledger.n_eval, "eval_split_sha256": ledger.eval_split_sha256,
        "exclude": json.dumps(ledger.exclude), "n_boot": ledger.n_boot,
    }
    for k, v in ledger.config.items():
        raw[f"baseline.{k}"] = json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v
    for k, v in ledger.seeds.items():
        raw[f"seed.{k}"] = v
    return {k: str(v)[:MAX_PARAM] for k, v in raw.items()}


def run_metrics(entry: LedgerEntry) -> dict[str, float]:
    """Each metric with its interval bounds, and the deltas to the parent (when there is one)."""
    out: dict[str, float] = {}
    for m in METRICS:
        e = entry.metrics[m]
        out.update({m: e.value, f"{m}_low": e.low, f"{m}_high": e.high})
        if entry.delta:
            d = entry.delta[m]
            out.update({f"delta_{m}": d.value, f"delta_{m}_low": d.low, f"delta_{m}_high": d.high})
    return out


def probe(uri: str) -> None:
    """Fail fast when an HTTP tracking server does not answer (any HTTP answer counts as up).

    Raises
    ------
    TrackingUnreachable
        No answer within ``PROBE_TIMEOUT`` seconds; the message names the URI (no credentials).
    """
    if urlsplit(uri).scheme not in ("http", "https"):
        return
    url = redact(uri).rstrip("/") + "/api/2.0/mlflow/experiments/search?max_results=1"
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT):
            pass
    except urllib.error.HTTPError:
        pass  # it answered (maybe 401/403: MLflow's own client will say what is wrong)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TrackingUnreachable(f"the MLflow tracking server at {redact(uri)} is unreachable ({reason}); "
                                  "start it or fix [tracking] mlflow_uri / --mlflow-uri") from None


class _Logger:
    """One ledger into one experiment; MLflow errors become ``TrackingError`` (URI redacted)."""

    def __init__(self, uri: str, artifact_root: str | None, store: VersionStore, ledger: Ledger) -> None:
        self.uri, self.store, self.ledger = uri, store, ledger
        self.client = MlflowClient(tracking_uri=uri)
        name = experiment_name(ledger)
        exp = self.client.get_experiment_by_name(name)
        if exp is None:
            self.experiment_id = self.client.create_experiment(
                name, artifact_location=artifact_root, tags={"dataqa.dataset": ledger.dataset,
                                                             "dataqa.label_column": ledger.label_column})
        else:
            self.experiment_id = exp.experiment_id
        self.name = name

    def find(self, key: str) -> str | None:
        """The FINISHED run with ``key``; unfinished ones (a crash mid-logging) are deleted."""
        runs = self.client.search_runs([self.experiment_id], filter_string=f"tags.`{RUN_KEY_TAG}` = '{key}'",
                                       run_view_type=ViewType.ACTIVE_ONLY, order_by=["attributes.start_time DESC"])
        found = None
        for r in runs:
            if r.info.status == RunStatus.to_string(RunStatus.FINISHED) and found is None:
                found = r.info.run_id
            elif r.info.status != RunStatus.to_string(RunStatus.FINISHED):
                self.client.delete_run(r.info.run_id)
        return found

    def parent_run(self, parent: str | None, logged: dict[str, str]) -> str | None:
        """The parent version's run: from this call, else the newest run of the parent's data."""
        if parent is None:
            return None
        if parent in logged:
            return logged[parent]
        h = self.store.resolve(parent).data_hash
        runs = self.client.search_runs([self.experiment_id], filter_string=f"tags.`dataqa.data_hash` = '{h}'",
                                       order_by=["attributes.start_time DESC"], max_results=1)
        return runs[0].info.run_id if runs else None

    def log(self, index: int, parent_run: str | None) -> TrackedRun:
        """Log ``ledger.entries[index]`` as a run (or skip it when it is already there)."""
        entry = self.ledger.entries[index]
        key = run_key(self.ledger, entry)
        existing = self.find(key)
        if existing is not None:
            return TrackedRun(entry.version, existing, entry.data_hash, "skipped",
                              run_url(self.uri, self.experiment_id, existing))
        tags = {"dataqa.version": entry.version, "dataqa.data_hash": entry.data_hash, RUN_KEY_TAG: key,
                "dataqa.dataset": self.ledger.dataset, "dataqa.fix_kind": entry.fix_kind,
                "dataqa.parent_version": entry.parent or "", "dataqa.parent_run_id": parent_run or "",
                "mlflow.source.name": "dataqa impact", "mlflow.note.content": self._note(entry, parent_run)}
        run = self.client.create_run(self.experiment_id, run_name=f"{entry.version} {entry.fix_kind}", tags=tags)
        rid = run.info.run_id
        now = int(time.time() * 1000)
        self.client.log_batch(
            rid, metrics=[Metric(k, v, now, 0) for k, v in run_metrics(entry).items()],
            params=[Param(k, v) for k, v in run_params(self.ledger, entry).items()],
            tags=[RunTag("dataqa.n_eval", str(self.ledger.n_eval))])
        self._artifacts(rid, index)
        self.client.set_terminated(rid, "FINISHED")
        return TrackedRun(entry.version, rid, entry.data_hash, "logged", run_url(self.uri, self.experiment_id, rid))

    def _note(self, entry: LedgerEntry, parent_run: str | None) -> str:
        text = f"**{entry.version}** ({entry.fix_kind}{', reviewed' if entry.reviewed else ''}): {entry.message}"
        if entry.parent and parent_run:
            text += f"\n\nParent: [{entry.parent}](#/experiments/{self.experiment_id}/runs/{parent_run})"
        return text

    def _artifacts(self, run_id: str, index: int) -> None:
        entry = self.ledger.entries[index]
        upto = replace(self.ledger, entries=self.ledger.entries[: index + 1])
        with tempfile.TemporaryDirectory(prefix="dataqa-mlflow-") as tmp:
            folder = Path(tmp)
            upto.save(folder / "ledger.json")
            if index > 0:
                for m in METRICS:
                    write_waterfall(upto, folder / "charts", m)
            (folder / "lineage").mkdir()
            (folder / "lineage" / f"{entry.version}.json").write_text(
                json.dumps(self.store.resolve(entry.version).to_json(), indent=2, sort_keys=True), encoding="utf-8")
            self.client.log_artifacts(run_id, str(folder))


def log_ledger(ledger: Ledger, store: VersionStore, uri: str, *, artifact_root: str | None = None) -> TrackedRuns:
    """Log every entry of ``ledger`` as an MLflow run (skipping runs already tracked).

    Parameters
    ----------
    uri:
        The tracking URI (``http://127.0.0.1:5000``, ``sqlite:////abs/mlflow.db``, ``databricks``).
    artifact_root:
        Artifact location of a new experiment (for a local store); ``None`` lets the server decide.

    Raises
    ------
    TrackingUnreachable
        An HTTP tracking server does not answer.
    TrackingError
        MLflow refused a request (the message names the URI, without credentials).
    """
    probe(uri)
    safe = redact(uri)
    try:
        lg = _Logger(uri, artifact_root, store, ledger)
        runs: list[TrackedRun] = []
        logged: dict[str, str] = {}
        for i, e in enumerate(ledger.entries):
            r = lg.log(i, lg.parent_run(e.parent, logged))
            logged[e.version] = r.run_id
            runs.append(r)
    except MlflowException as exc:
        raise TrackingError(f"MLflow at {safe} refused the fix ledger: {str(exc.message).replace(uri, safe)}") from None
    except OSError as exc:
        raise TrackingError(f"MLflow at {safe}: cannot write the run artifacts: {exc}") from None
    return TrackedRuns(safe, lg.experiment_id, lg.name, runs)
