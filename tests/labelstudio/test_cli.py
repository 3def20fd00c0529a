"""The CLI as a user drives it: serve, status, push, pull, stop on an embedded server."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.labeling.labelstudio.changeset import read_changeset
from dataqa.labeling.labelstudio.client import connect
from dataqa.labeling.labelstudio.server import free_port, port_in_use
from dataqa.labeling.labelstudio.settings import Connection, read_token_file

from ls_helpers import LS, SAMPLE, choice, make_suspects, seed_workspace

runner = CliRunner()


@pytest.fixture()
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.delenv("DATAQA_LABEL_STUDIO_URL", raising=False)
    return tmp_path


def test_serve_push_pull_stop_round_trip(ls: LS, project_dir: Path) -> None:
    # `ls` only guarantees the template exists; this test runs its own embedded server.
    port = free_port()
    (project_dir / "dataqa.toml").write_text(
        f'workspace = ".dq"\n[dataset]\npath = "{SAMPLE}"\nlabel_column = "cut"\n'
        f'[label_studio]\nport = {port}\nproject = "cli round trip"\n')
    root = seed_workspace(project_dir / ".dq")  # an initialised folder: the start is fast
    make_suspects(project_dir / "suspects.parquet", [10, 20, 30])
    token = read_token_file(root / "token")
    assert token is not None

    before = runner.invoke(app, ["labelstudio", "status"])
    served = runner.invoke(app, ["labelstudio", "serve"])
    try:
        status = runner.invoke(app, ["labelstudio", "status"])
        push = runner.invoke(app, ["label", "push", "suspects.parquet", "--top", "2"])
        session = connect(Connection(f"http://127.0.0.1:{port}", token))
        pid = next(p.id for p in session.sdk.projects.list() if p.title == "cli round trip")
        first = min(session.sdk.tasks.list(project=pid), key=lambda t: t.id)
        session.sdk.annotations.create(id=first.id, result=choice("Fair"))
        pull = runner.invoke(app, ["label", "pull"])
    finally:
        stopped = runner.invoke(app, ["labelstudio", "stop"])
    after = runner.invoke(app, ["labelstudio", "status"])

    assert before.exit_code == 4 and "not running" in before.output and "(initialised)" in before.output
    assert served.exit_code == 0, served.output
    assert f"Label Studio is running at http://127.0.0.1:{port}" in served.output
    assert status.exit_code == 0 and f"running at http://127.0.0.1:{port}" in status.output
    assert push.exit_code == 0, push.output
    assert "pushed 2 new task(s) to project 'cli round trip'" in push.output
    assert pull.exit_code == 0, pull.output
    assert "1 relabel" in pull.output or "1 confirmed" in pull.output
    cs = read_changeset(project_dir / ".dq" / "changesets" / "cli_round_trip.parquet")
    assert cs.frame["row_id"].to_list() == [10] and cs.frame["new_label"].to_list() == ["Fair"]
    assert stopped.exit_code == 0 and "Label Studio stopped" in stopped.output
    assert after.exit_code == 4 and not port_in_use(port)
    # Secrets: 0600 files, never printed, never in the server log.
    for name in ("token", "credentials"):
        assert stat.S_IMODE((root / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    for text in (before.output, served.output, status.output, push.output, pull.output,
                 stopped.output, (root / "server.log").read_text()):
        assert token.reveal() not in text


def test_pull_writes_spreadsheet_safe_csv(ls: LS, project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", ls.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", ls.token.reveal())
    make_suspects(project_dir / "s.parquet", [10])
    push = runner.invoke(app, ["label", "push", "s.parquet", "--project", "cli csv"])
    pid = next(p.id for p in ls.admin.sdk.projects.list() if p.title == "cli csv")
    task = next(iter(ls.admin.sdk.tasks.list(project=pid)))
    ls.admin.sdk.annotations.create(id=task.id, result=choice("unsure"))

    pull = runner.invoke(app, ["label", "pull", "--project", "cli csv", "--out", "out/cs.csv"])

    assert push.exit_code == 0 and pull.exit_code == 0, push.output + pull.output
    assert "1 unsure" in pull.output and "out/cs.csv" in pull.output
    frame = pl.read_csv(project_dir / "out" / "cs.csv")
    assert frame.select("row_id", "kind").rows() == [(10, "unsure")]


def test_bad_suspects_file_is_exit_2(project_dir: Path) -> None:
    pl.DataFrame({"row_id": [1], "given_label": ["a"]}).write_parquet(project_dir / "bad.parquet")

    missing = runner.invoke(app, ["label", "push", "nope.parquet"])
    bad = runner.invoke(app, ["label", "push", "bad.parquet"])

    assert missing.exit_code == 2 and "nope.parquet: no such suspects file" in missing.stderr
    assert bad.exit_code == 2 and "lacks column(s) suggested_label, label_score" in bad.stderr


def test_status_as_a_subprocess_without_server(project_dir: Path) -> None:
    (project_dir / "dataqa.toml").write_text(f"[label_studio]\nport = {free_port()}\n")
    proc = subprocess.run([sys.executable, "-m", "dataqa", "labelstudio", "status"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 4
    assert "Label Studio is not running" in proc.stdout
