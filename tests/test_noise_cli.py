"""``dataqa noise`` as a user runs it: exit codes, output, the written table, defaults from dataqa.toml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no dataqa.toml from the repository
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


def write_blobs(path: Path, n: int = 300) -> Path:
    rng = np.random.default_rng(1)
    cls = np.array(["a", "b", "c"])[np.arange(n) % 3]
    x = np.select([cls == "a", cls == "b"], [0.0, 5.0], 10.0) + rng.normal(0, 0.5, n)
    label = cls.copy()
    label[0] = "c"  # one flip
    pl.DataFrame({"id": [f"r{i}" for i in range(n)], "x": x, "label": label}).write_csv(path)
    return path


def test_writes_suspects_and_prints_summary(tmp_path: Path) -> None:
    data = write_blobs(tmp_path / "blobs.csv")
    res = runner.invoke(app, ["noise", str(data), "--label", "label", "--id", "id", "--folds", "3",
                              "--out", str(tmp_path / "s.parquet")])
    assert res.exit_code == 0, res.output
    for text in ("300 rows, label 'label', 3 classes", "Issues by kind", "near_duplicate",
                 "Per class", "estimated noise rate", "given vs suggested", f"wrote {tmp_path / 's.parquet'}"):
        assert text in res.output
    s = pl.read_parquet(tmp_path / "s.parquet")
    assert s.height == 300 and s["row_id"][0] == "r0"  # the flip is the worst row
    meta = json.loads(pq.read_schema(tmp_path / "s.parquet").metadata[b"dataqa"])
    assert meta["dataset"] == "blobs" and meta["id_column"] == "id" and meta["classes"] == ["a", "b", "c"]
    # The Label Studio side reads it as written (the shared suspects contract).
    from dataqa.labeling.labelstudio.suspects import read_suspects

    sus = read_suspects(tmp_path / "s.parquet")
    assert (sus.dataset, sus.label_column, sus.id_column) == ("blobs", "label", "id")
    assert sus.issue_columns[0] == "is_label_issue" and len(sus.issue_columns) == 5


def test_defaults_from_dataqa_toml(tmp_path: Path) -> None:
    write_blobs(tmp_path / "blobs.csv")
    (tmp_path / "dataqa.toml").write_text('[dataset]\npath = "blobs.csv"\nlabel_column = "label"\n'
                                          '[baseline]\nfolds = 3\n')
    res = runner.invoke(app, ["noise"])
    assert res.exit_code == 0, res.output
    out = tmp_path / ".dataqa" / "noise" / "blobs.suspects.parquet"
    assert f"wrote {out}" in res.output
    assert pl.read_parquet(out).height == 300


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--label", "cut"], "label column 'cut' not found; columns are id, x, label"),
        ([], "error: no label column given: pass --label COL or set [dataset] label_column in dataqa.toml"),
        (["--label", "label", "--folds", "120"], "have fewer rows than the 120 folds; relabel or drop them, or lower --folds"),
        (["--label", "label", "--id", "nope"], "error: "),
        (["--label", "label", "--out", "s.xlsx"], "write the suspects table as .parquet or .csv"),
    ],
    ids=["missing-label", "no-label", "class-below-folds", "missing-id", "bad-out"],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    data = write_blobs(tmp_path / "blobs.csv")
    res = runner.invoke(app, ["noise", str(data), *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_single_class_exits_2(tmp_path: Path) -> None:
    pl.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "label": ["a"] * 4}).write_csv(tmp_path / "one.csv")
    res = runner.invoke(app, ["noise", str(tmp_path / "one.csv"), "--label", "label"])
    assert res.exit_code == 2
    assert res.output.strip() == ("error: label column 'label' has a single class ('a'); "
                                  "noise detection needs at least two")


def test_missing_file_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["noise", str(tmp_path / "none.csv"), "--label", "label"])
    assert res.exit_code == 2 and "no such file" in res.output


def test_subprocess_run_writes_csv(tmp_path: Path) -> None:
    data = write_blobs(tmp_path / "blobs.csv")
    proc = subprocess.run([sys.executable, "-m", "dataqa.cli.main", "noise", str(data), "--label", "label",
                           "--folds", "3", "--out", str(tmp_path / "s.csv")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert pl.read_csv(tmp_path / "s.csv").columns[:5] == ["row_id", "given_label", "suggested_label",
                                                           "label_score", "is_label_issue"]
