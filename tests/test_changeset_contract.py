"""One changeset contract (``dataqa.changeset``) on both sides: Label Studio writes it, the version
store applies it. Labels that look like formulas or numbers survive CSV and Parquet exactly."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from dataqa.changeset import Changeset, read_changeset
from dataqa.cli.main import app
from dataqa.errors import MissingColumnError
from dataqa.labeling.labelstudio.changeset import read_changeset as ls_read_changeset
from dataqa.versions import VersionStore

runner = CliRunner()
TRICKY = ["-1", "=1+1", "+3", "007"]  # a formula trigger, a formula, a signed and a zero-padded number
META = {"dataset": "d", "version": "v1", "label_column": "y", "project": "review 7",
        "source": "label-studio"}


def _changeset(row_ids: list[int] | list[str]) -> Changeset:
    n = len(row_ids)
    frame = pl.DataFrame({
        "row_id": row_ids, "kind": ["relabel"] * n, "old_label": TRICKY[:n],
        "new_label": [TRICKY[(i + 1) % n] for i in range(n)], "annotators": ["a@x.org,b@x.org"] * n,
        "annotated_at": ["2026-01-02T03:04:05+00:00"] * n, "task_id": list(range(100, 100 + n)),
        "project": ["review 7"] * n,
    }, schema_overrides={"task_id": pl.Int64})
    return Changeset(frame, dict(META))


@pytest.mark.parametrize("name", ["cs.csv", "cs.parquet"])
@pytest.mark.parametrize("ids", [[0, 1, 2, 3], ["007", "-1", "x", "=2"]], ids=["positions", "keys"])
def test_round_trip_is_exact(tmp_path: Path, name: str, ids: list[int] | list[str]) -> None:
    cs = _changeset(ids)

    back = read_changeset(cs.write(tmp_path / name))

    assert_frame_equal(back.frame, cs.frame)
    assert back.meta == META
    assert ls_read_changeset is read_changeset  # one reader, imported by both sides


def test_csv_is_spreadsheet_safe_with_a_sidecar(tmp_path: Path) -> None:
    _changeset([0, 1, 2, 3]).write(tmp_path / "cs.csv")

    raw = pl.read_csv(tmp_path / "cs.csv", infer_schema_length=0)

    assert raw["old_label"].to_list() == ["'-1", "'=1+1", "'+3", "007"]
    assert json.loads((tmp_path / "cs.csv.meta.json").read_text()) == META


def test_missing_required_column_names_the_file(tmp_path: Path) -> None:
    pl.DataFrame({"row_id": [1], "kind": ["relabel"]}).write_csv(tmp_path / "cs.csv")

    with pytest.raises(MissingColumnError) as err:
        read_changeset(tmp_path / "cs.csv")

    assert str(err.value).startswith(f"{tmp_path / 'cs.csv'}: a changeset needs columns row_id, kind, new_label")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose text label column holds the tricky labels (rows 0-3) and two plain ones."""
    monkeypatch.chdir(tmp_path)
    pl.DataFrame({"x": list(range(6)), "y": [*TRICKY, "a", "b"]}).write_csv(tmp_path / "d.csv")
    res = runner.invoke(app, ["version", "add", "d.csv", "--label", "y"])
    assert res.exit_code == 0, res.output
    return tmp_path


@pytest.mark.parametrize("name", ["x.csv", "x.parquet"])
def test_version_apply_applies_every_relabel(project: Path, name: str) -> None:
    _changeset([0, 1, 2, 3]).write(project / name)

    res = runner.invoke(app, ["version", "apply", name])

    assert res.exit_code == 0, res.output
    assert "applied 4, already so 0, stale 0" in res.output
    store = VersionStore(project / ".dataqa" / "versions")
    assert store.checkout().collect()["y"].to_list() == ["=1+1", "+3", "007", "-1", "a", "b"]
    rec = store.head()
    assert rec.source["project"] == "review 7" and rec.report["changeset_version"] == "v1"
    assert rec.source["annotators"] == ["a@x.org", "b@x.org"]
