"""Helpers shared by the Label Studio tests (imported as ``ls_helpers``)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from dataqa.labeling.labelstudio.client import LabelStudioSession
from dataqa.errors import LabelStudioError
from dataqa.labeling.labelstudio.server import EmbeddedServer
from dataqa.labeling.labelstudio.settings import Connection, Secret, ServerPaths

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "diamonds_dirty.csv"
TEMPLATE = Path(os.environ.get("DATAQA_LS_TEMPLATE",
                               Path.home() / ".cache" / "dataqa" / "ls-test-template-1.23.2"))
CLASSES = ["Fair", "Good", "Very Good", "Premium", "Ideal"]


def ensure_template() -> Path:
    """The cached initialised data folder (built on first use: slow)."""
    if (TEMPLATE / "initialised").is_file():
        return TEMPLATE
    building = TEMPLATE.with_name(f"{TEMPLATE.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    srv = EmbeddedServer(ServerPaths(building))
    try:
        srv.initialise(timeout=900)
    except LabelStudioError as exc:
        print(f"building the Label Studio template failed:\n{exc}", file=sys.stderr)
        raise
    (building / "server.log").unlink(missing_ok=True)
    try:
        building.rename(TEMPLATE)
    except OSError:  # another session built it first
        shutil.rmtree(building, ignore_errors=True)
    return TEMPLATE


def seed_workspace(workspace: Path) -> Path:
    """Copy the template into ``<workspace>/labelstudio`` (an initialised embedded server folder)."""
    root = workspace / "labelstudio"
    shutil.copytree(ensure_template(), root)
    os.chmod(root, 0o700)
    return root


@dataclass
class LS:
    """The running test server."""

    server: EmbeddedServer
    url: str
    token: Secret
    conn: Connection
    admin: LabelStudioSession

    def log_text(self) -> str:
        return self.server.paths.log_file.read_text(encoding="utf-8", errors="replace")


def make_suspects(path: Path, row_ids: list[int], *, dataset: str = "diamonds_dirty",
                  version: str | None = "v1", extra_rows: list[dict[str, Any]] | None = None,
                  unflagged: list[int] = ()) -> pl.DataFrame:
    """A suspects Parquet (the brief's contract) built from rows of the sample data.

    ``given_label`` is the row's ``cut``; ``suggested_label`` the next class; scores ascend
    (worst first). ``unflagged`` rows get ``is_label_issue = False``.
    """
    data = pl.read_csv(SAMPLE).with_row_index("row_id").with_columns(pl.col("row_id").cast(pl.Int64))
    rows = data.filter(pl.col("row_id").is_in(row_ids))
    rows = rows.sort(pl.col("row_id").replace_strict(row_ids, list(range(len(row_ids)))))
    n = rows.height
    nxt = {c: CLASSES[(i + 1) % len(CLASSES)] for i, c in enumerate(CLASSES)}
    df = rows.select(
        "row_id",
        pl.col("cut").alias("given_label"),
        pl.col("cut").replace_strict(nxt).alias("suggested_label"),
        pl.Series("label_score", [round(0.01 + 0.1 * i, 2) for i in range(n)]),
        (~pl.col("row_id").is_in(list(unflagged))).alias("is_label_issue"),
        pl.Series("outlier_score", [0.5] * n), pl.lit(False).alias("is_outlier_issue"),
        *[c for c in data.columns if c != "row_id"],
    )
    if extra_rows:
        df = pl.concat([df, pl.DataFrame(extra_rows, schema=df.schema)])
    meta = {"dataset": dataset, "dataset_path": str(SAMPLE), "version": version,
            "label_column": "cut", "id_column": None, "classes": CLASSES}
    table = df.to_arrow()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"dataqa": json.dumps(meta).encode()})
    pq.write_table(table, path)
    return df


def choice(label: str) -> list[dict[str, Any]]:
    """An annotation result picking ``label``."""
    return [{"from_name": "label", "to_name": "features", "type": "choices", "value": {"choices": [label]}}]
