"""``dataqa version``: every subcommand as a user runs it, and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.main import app
from dataqa.versions import VersionStore

runner = CliRunner()
CSV = "name,label\n" + "".join(f"r{i},{'ab'[i % 2]}\n" for i in range(10))


def run(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with a dataqa.toml (label column, 20% eval) and an imported dataset."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text(CSV)
    (tmp_path / "dataqa.toml").write_text('[dataset]\nlabel_column = "label"\n[baseline]\neval_fraction = 0.2\n')
    code, out, err = run("version", "add", "d.csv", "--name", "tiny")
    assert code == 0, err
    assert out.strip() == "v1: import (0 cells in 0 rows; 10 rows): import d.csv"
    return tmp_path


def _train(work: Path) -> list[int]:
    s = VersionStore(work / ".dataqa" / "versions")
    ev = set(s.eval_row_ids().to_list())
    return [i for i in range(10) if i not in ev]


def test_apply_list_show_diff_rollback(work: Path) -> None:
    a, b = _train(work)[:2]
    pl.DataFrame({"row_id": [a], "column": ["name"], "new": ["X"]}).write_csv(work / "edits.csv")
    code, out, _ = run("version", "apply", "edits.csv", "--kind", "repair", "-m", "rule r1")
    assert (code, out.strip()) == (0, "v2: repair (1 cells in 1 rows; 10 rows): rule r1")
    pl.DataFrame({"row_id": [b]}).write_csv(work / "drop.csv")
    code, out, _ = run("version", "apply", "drop.csv", "--reason", "duplicate")
    assert (code, out.strip()) == (0, "v3: drop (0 cells in 1 rows, 1 dropped, 0 restored; 9 rows): drop 1 rows: duplicate")
    code, out, _ = run("version", "list")
    assert code == 0 and [line.split(":")[0] for line in out.splitlines()] == ["v1", "v2", "v3"]
    code, out, _ = run("version", "list", "--json")
    assert [r["kind"] for r in json.loads(out)] == ["import", "repair", "drop"]
    code, out, _ = run("version", "show", "v2", "--out", "v2_changes.csv")
    assert code == 0 and '"message": "rule r1"' in out
    assert pl.read_csv(work / "v2_changes.csv").rows() == [(a, "name", f"r{a}", "X")]
    code, out, _ = run("version", "diff", "v1", "v3", "--out", "d.parquet")
    assert code == 0 and out.startswith("v1 -> v3: 1 cell, 1 dropped")
    d = pl.read_parquet(work / "d.parquet").sort("row_id")
    assert dict(zip(d["row_id"], d["changed_by"])) == {a: "v2", b: "v3"}
    code, out, _ = run("version", "rollback", "v1")
    assert code == 0 and out.startswith("v4: rollback (1 cells in 2 rows, 0 dropped, 1 restored; 10 rows)")
    code, out, _ = run("version", "checkout", "v4", "--out", "v4.csv", "--no-row-id")
    assert code == 0 and (work / "v4.csv").read_text() == CSV
    code, out, _ = run("version", "sql", "v3")
    assert code == 0 and "read_parquet" in out


def test_review_changeset_through_the_cli(work: Path) -> None:
    a = _train(work)[0]
    old = "ab"[a % 2]
    pl.DataFrame({"row_id": [a, a + 100], "kind": ["relabel", "orphan"], "old_label": [old, None],
                  "new_label": ["ab"[(a + 1) % 2], None], "annotators": ["ann", None], "project": ["p", "p"]},
                 schema_overrides={"old_label": pl.String, "new_label": pl.String}).write_csv(work / "cs.csv")
    code, out, err = run("version", "apply", "cs.csv")
    assert code == 0, err
    assert out.splitlines() == ["v2: relabel (1 cells in 1 rows; 10 rows): relabel 1 rows from review (p)",
                                "changeset: 1 relabel, 0 confirmed, 0 unsure, 0 tie, 1 orphan; applied 1, already so 0, stale 0"]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["version", "show", "v7"], ExitCode.VERSION_STORE_ERROR, "error: {store}: no version 'v7'; versions are v1..v1 (or head, head~K)"),
    (["version", "add", "d.csv"], ExitCode.VERSION_STORE_ERROR, "error: {store}: the store already holds dataset 'tiny'"),
    (["version", "add", "nope.csv", "--store", "other"], ExitCode.USAGE_OR_INPUT_ERROR, "error: nope.csv: no such file"),
    (["version", "list", "--store", "empty"], ExitCode.VERSION_STORE_ERROR, "error: empty: the store has no version yet"),
    (["version", "rollback", "v1"], ExitCode.VERSION_STORE_ERROR, "error: {store}: the fix changes nothing compared with v1; no version written"),
])
def test_errors_are_one_line_with_their_exit_code(work: Path, args: list[str], code: int, message: str) -> None:
    got, out, err = run(*args)
    assert got == code
    assert err.startswith(message.format(store=work / ".dataqa" / "versions")) and len(err.strip().splitlines()) == 1


def test_eval_rows_refused_for_automated_fix_exit_5(work: Path) -> None:
    ev = VersionStore(work / ".dataqa" / "versions").eval_row_ids()[0]
    pl.DataFrame({"row_id": [ev], "column": ["name"], "new": ["X"]}).write_csv(work / "e.csv")
    code, _, err = run("version", "apply", "e.csv", "--kind", "repair")
    assert code == ExitCode.VERSION_STORE_ERROR and "frozen evaluation split" in err
    code, out, _ = run("version", "apply", "e.csv", "--kind", "manual_edit", "--user", "ann")
    assert code == 0 and "[reviewed, touches eval rows]" in out


def test_python_m_dataqa_version_list(work: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "dataqa", "version", "list"], cwd=work,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("v1: import")
