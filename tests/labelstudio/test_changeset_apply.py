"""`dataqa label pull -o x.csv` then `dataqa version apply x.csv`: the relabels are applied, labels
that look like formulas or numbers included (one changeset contract on both sides)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from ls_helpers import LS, choice
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.versions import VersionStore

runner = CliRunner()
LABELS = ["-1", "=1+1", "+3", "007", "a"]
NEW = {"-1": "=1+1", "=1+1": "+3", "+3": "007", "007": "-1"}


def test_pulled_csv_applies_every_relabel(ls: LS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", ls.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", ls.token.reveal())
    data = pl.DataFrame({"x": list(range(6)), "y": [*LABELS, "a"]})
    data.write_csv(tmp_path / "d.csv")
    added = runner.invoke(app, ["version", "add", "d.csv", "--label", "y"])
    suspects = data.head(4).with_row_index("row_id").select(
        pl.col("row_id").cast(pl.Int64), pl.col("y").alias("given_label"),
        pl.col("y").replace_strict(NEW).alias("suggested_label"),
        pl.Series("label_score", [0.1, 0.2, 0.3, 0.4]), pl.lit(True).alias("is_label_issue"), "x")
    meta = {"dataset": "d", "dataset_path": str(tmp_path / "d.csv"), "version": "v1", "label_column": "y",
            "id_column": None, "classes": LABELS}
    table = suspects.to_arrow()
    pq.write_table(table.replace_schema_metadata({b"dataqa": json.dumps(meta).encode()}), tmp_path / "s.parquet")
    push = runner.invoke(app, ["label", "push", "s.parquet", "--project", "tricky labels"])
    pid = next(p.id for p in ls.admin.sdk.projects.list() if p.title == "tricky labels")
    for task in ls.admin.sdk.tasks.list(project=pid):
        ls.admin.sdk.annotations.create(id=task.id, result=choice(NEW[task.data["given_label"]]))

    pull = runner.invoke(app, ["label", "pull", "--project", "tricky labels", "--dataset", "d.csv", "-o", "x.csv"])
    applied = runner.invoke(app, ["version", "apply", "x.csv"])

    assert added.exit_code == 0 and push.exit_code == 0, added.output + push.output
    assert pull.exit_code == 0 and "4 relabel" in pull.output, pull.output
    assert applied.exit_code == 0, applied.output
    assert "applied 4, already so 0, stale 0" in applied.output
    store = VersionStore(tmp_path / ".dataqa" / "versions")
    assert store.checkout().collect()["y"].to_list() == ["=1+1", "+3", "007", "-1", "a", "a"]
    assert store.head().source["project"] == "tricky labels"  # from the .meta.json sidecar
