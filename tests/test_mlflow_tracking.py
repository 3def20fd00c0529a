"""``dataqa impact --mlflow``: the fix ledger as MLflow runs, against a real MLflow tracking server.

A session fixture starts ``mlflow server`` (SQLite backend, local artifact destination) on a free
127.0.0.1 port and waits for ``/health``. The project is small (600 rows, a 20-round baseline)
so the three retrains take seconds; later ``dataqa impact`` calls hit the ledger's retrain cache.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import polars as pl
import pytest
from mlflow.tracking import MlflowClient  # a dev dependency (= the mlflow extra): missing must fail
from typer.testing import CliRunner

import dataqa.ledger
from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.main import app
from dataqa.io import read_dataset
from dataqa.ledger.metrics import METRICS
from dataqa.config import load_config
from dataqa.ledger.runs_index import load_runs, redact, runs_markdown
from dataqa.versions import VersionStore


pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
ARGS = ["impact", "--exclude", "diamond_id", "--bootstrap", "100"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``mlflow server`` on 127.0.0.1; yields its URL."""
    home = tmp_path_factory.mktemp("mlflow-server")
    port = _free_port()
    cmd = [str(Path(sys.executable).with_name("mlflow")), "server",
           "--backend-store-uri", f"sqlite:///{home / 'mlflow.db'}",
           "--artifacts-destination", str(home / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
           "--workers", "1"]
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mlflow server did not start:\n{(home / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its uvicorn worker
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with three versions: the import, a manual relabel, an automated drop of train rows."""
    root = tmp_path_factory.mktemp("mlflow-project")
    pl.read_csv(ROOT / "sample_data" / "diamonds.csv").head(600).write_csv(root / "d.csv")
    (root / "dataqa.toml").write_text('[dataset]\npath = "d.csv"\nlabel_column = "cut"\n\n'
                                      '[baseline]\nparams = {max_iter = 20}\n')
    s = VersionStore(root / ".dataqa" / "versions")
    s.add(read_dataset(str(root / "d.csv")), "diamonds", label_column="cut", seed=42)
    d = pl.read_csv(root / "d.csv").with_row_index("row_id")
    edits = d.sample(40, seed=7).select(
        "row_id", pl.lit("cut").alias("column"),
        pl.when(pl.col("cut") == "Ideal").then(pl.lit("Fair")).otherwise(pl.lit("Ideal")).alias("new"))
    s.edit_cells(edits, message="a reviewer relabelled 40 rows")
    train = s.split().filter(pl.col("split") == "train").select("row_id").collect()["row_id"]
    s.drop_rows(train.head(25).to_list(), "duplicates found by a rule")
    return root


def _impact(project: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.chdir(project)
    return runner.invoke(app, [*ARGS, *args])


def _runs(client: MlflowClient, name: str = "dataqa/diamonds") -> dict[str, list[Any]]:
    exp = client.get_experiment_by_name(name)
    assert exp is not None
    out: dict[str, list[Any]] = {}
    for r in client.search_runs([exp.experiment_id]):
        out.setdefault(r.data.tags["dataqa.version"], []).append(r)
    return out


def test_three_versions_logged_and_read_back(project: Path, mlflow_server: str, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    res = _impact(project, monkeypatch, "--mlflow-uri", mlflow_server)
    assert res.exit_code == 0, res.stderr
    assert "logged v1, v2, v3" in res.stderr
    led = json.loads((project / ".dataqa" / "impact" / "ledger.json").read_text())
    store = VersionStore(project / ".dataqa" / "versions")
    client = MlflowClient(tracking_uri=mlflow_server)
    runs = _runs(client)
    assert sorted(runs) == ["v1", "v2", "v3"] and all(len(v) == 1 for v in runs.values())
    by = {v: rs[0] for v, rs in runs.items()}
    for entry in led["entries"]:
        run, rec = by[entry["version"]], store.resolve(entry["version"])
        assert run.info.status == "FINISHED" and run.info.run_name == f"{rec.id} {rec.kind.value}"
        p = run.data.params
        assert (p["version"], p["parent"], p["fix_kind"], p["reviewed"]) == (
            rec.id, rec.parent or "none", rec.kind.value, str(rec.reviewed))
        assert (p["rows_changed"], p["cells_changed"], p["data_hash"]) == (
            str(rec.rows_changed), str(rec.cells_changed), rec.data_hash)
        assert json.loads(p["source"]) == rec.source and json.loads(p["baseline.params"]) == {"max_iter": 20}
        assert (p["seed.model"], p["seed.bootstrap"], p["n_boot"], p["n_eval"]) == ("42", "42", "100", str(led["n_eval"]))
        m = run.data.metrics
        for name in METRICS:
            e = entry["metrics"][name]
            assert (m[name], m[f"{name}_low"], m[f"{name}_high"]) == pytest.approx((e["value"], e["low"], e["high"]))
            if entry["delta"]:
                d = entry["delta"][name]
                assert (m[f"delta_{name}"], m[f"delta_{name}_low"], m[f"delta_{name}_high"]) == pytest.approx(
                    (d["value"], d["low"], d["high"]))
            else:
                assert f"delta_{name}" not in m
        parent_tag = run.data.tags["dataqa.parent_run_id"]
        assert parent_tag == (by[rec.parent].info.run_id if rec.parent else "")
    assert (by["v2"].data.params["fix_kind"], by["v3"].data.params["fix_kind"]) == ("manual_edit", "drop")
    assert f"runs/{by['v2'].info.run_id}" in by["v3"].data.tags["mlflow.note.content"]
    # artifacts: the ledger up to the version, its charts, its lineage record
    v3 = by["v3"].info.run_id
    names = {f.path for f in client.list_artifacts(v3)} | {f.path for f in client.list_artifacts(v3, "charts")}
    assert {"ledger.json", "lineage", "charts", "charts/waterfall_accuracy.png", "charts/waterfall_log_loss.html"} <= names
    got = json.loads(Path(client.download_artifacts(v3, "ledger.json", str(tmp_path))).read_text())
    assert got["entries"] == led["entries"]
    lineage = json.loads(Path(client.download_artifacts(v3, "lineage/v3.json", str(tmp_path))).read_text())
    assert lineage == store.resolve("v3").to_json()
    v2_ledger = json.loads(Path(client.download_artifacts(by["v2"].info.run_id, "ledger.json", str(tmp_path / "v2"))).read_text())
    assert [e["version"] for e in v2_ledger["entries"]] == ["v1", "v2"]  # the ledger as of v2
    assert {f.path for f in client.list_artifacts(by["v1"].info.run_id)} == {"ledger.json", "lineage"}  # no chart of one bar
    # the index the app links from
    index = load_runs(project / ".dataqa" / "impact")
    assert index is not None and index.run("v3") is not None
    assert index.run("v3").url == f"{mlflow_server}/#/experiments/{by['v3'].info.experiment_id}/runs/{v3}"  # type: ignore[union-attr]
    md = runs_markdown(load_config(project), [(e["version"], e["data_hash"]) for e in led["entries"]])
    assert md is not None and f"- [v3]({index.run('v3').url}) (run `{v3}`)" in md  # type: ignore[union-attr]
    assert runs_markdown(load_config(project), [("v3", "another hash")]).startswith(  # type: ignore[union-attr]
        f"MLflow tracking ({mlflow_server}): no run of these versions yet")


def test_rerun_does_not_duplicate_and_new_settings_get_new_runs(project: Path, mlflow_server: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first = _impact(project, monkeypatch, "--mlflow-uri", mlflow_server)
    assert first.exit_code == 0, first.stderr
    client = MlflowClient(tracking_uri=mlflow_server)
    before = {v: [r.info.run_id for r in rs] for v, rs in _runs(client).items()}
    again = _impact(project, monkeypatch, "--mlflow-uri", mlflow_server)
    assert again.exit_code == 0, again.stderr
    assert "logged none; skipped v1, v2, v3 (same data and settings, already tracked)" in again.stderr
    assert {v: [r.info.run_id for r in rs] for v, rs in _runs(client).items()} == before
    # [tracking] mlflow_uri in dataqa.toml: a plain `dataqa impact` tracks; a different resample count
    # is a different measurement: three new runs, linked to each other
    toml = project / "dataqa.toml"
    original = toml.read_text()
    try:
        toml.write_text(original + f'\n[tracking]\nmlflow_uri = "{mlflow_server}"\n')
        monkeypatch.chdir(project)
        res = runner.invoke(app, ["impact", "--exclude", "diamond_id", "--bootstrap", "60"])
        assert res.exit_code == 0, res.stderr
        assert "logged v1, v2, v3" in res.stderr
        runs = _runs(client)
        assert all(len(runs[v]) == 2 for v in ("v1", "v2", "v3"))
        new = {v: next(r for r in rs if r.data.params["n_boot"] == "60") for v, rs in runs.items()}
        assert new["v3"].data.tags["dataqa.parent_run_id"] == new["v2"].info.run_id
        skipped = runner.invoke(app, ["impact", "--exclude", "diamond_id", "--bootstrap", "60", "--no-mlflow"])
        assert skipped.exit_code == 0 and "mlflow: experiment" not in skipped.stderr
    finally:
        toml.write_text(original)


def test_unreachable_server_exits_4_and_the_ledger_is_still_written(project: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    uri = f"http://alice:s3cret@127.0.0.1:{_free_port()}"  # nothing listens there
    res = _impact(project, monkeypatch, "--mlflow-uri", uri, "--out-dir", str(tmp_path))
    assert res.exit_code == ExitCode.SERVICE_UNREACHABLE, res.stderr
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: the MLflow tracking server at {redact(uri)} is unreachable (")
    assert line.endswith(f"; the ledger itself was written to {tmp_path / 'ledger.json'}")
    assert "s3cret" not in res.stderr and "alice" not in res.stderr
    assert [e["version"] for e in json.loads((tmp_path / "ledger.json").read_text())["entries"]] == ["v1", "v2", "v3"]
    assert (tmp_path / "waterfall_accuracy.png").exists() and not (tmp_path / "mlflow_runs.json").exists()


def test_default_local_store_in_the_workspace(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = _impact(project, monkeypatch, "--mlflow", "--out-dir", str(tmp_path))
    assert res.exit_code == 0, res.stderr
    db, artifacts = project / ".dataqa" / "mlflow.db", project / ".dataqa" / "mlruns"
    client = MlflowClient(tracking_uri=f"sqlite:///{db}")
    runs = _runs(client)
    assert sorted(runs) == ["v1", "v2", "v3"]
    assert runs["v3"][0].info.artifact_uri.startswith(artifacts.as_uri())
    assert list(artifacts.rglob("lineage/v3.json"))
    assert load_runs(tmp_path).run("v2").url is None  # type: ignore[union-attr]  # no UI server for a file store
    md = runs_markdown(load_config(project), [("v2", runs["v2"][0].data.tags["dataqa.data_hash"])], out_dir=tmp_path)
    assert md is not None and md.endswith(f"Browse them with `mlflow ui --backend-store-uri sqlite:///{db}`.")
    assert runs_markdown(load_config(project), [], out_dir=tmp_path / "never-tracked") is None


def test_without_mlflow_installed_the_error_says_how_to_get_it(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m == "mlflow" or m.startswith("mlflow.")]:
        monkeypatch.setitem(sys.modules, name, None)  # `import mlflow...` now raises ImportError
    monkeypatch.delitem(sys.modules, "dataqa.ledger.tracking", raising=False)
    monkeypatch.delattr(dataqa.ledger, "tracking", raising=False)  # `from dataqa.ledger import tracking` re-imports
    res = _impact(project, monkeypatch, "--mlflow", "--out-dir", str(tmp_path))
    assert res.exit_code == ExitCode.USAGE_OR_INPUT_ERROR
    assert "pip install 'dataqa[mlflow]'" in res.stderr
    assert not (tmp_path / "ledger.json").exists()  # it failed before any retrain
