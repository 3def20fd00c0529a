"""The documented ways to read a version without dataqa (dataqa/versions/README.md) really work."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dataqa.io import read_dataset
from dataqa.versions import VersionStore
from dataqa.versions.recipe import duckdb_sql

README = Path(__file__).resolve().parents[1] / "dataqa" / "versions" / "README.md"
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "diamonds_dirty.csv"


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> VersionStore:
    """The sample in ``.dataqa/versions`` (the path the README uses), with three fixes."""
    monkeypatch.chdir(tmp_path)
    s = VersionStore(".dataqa/versions")
    s.add(read_dataset(SAMPLE), "diamonds", label_column="cut")
    train = s.split().filter(pl.col("split") == "train").collect()["row_id"].head(6).to_list()
    s.edit_cells(pl.DataFrame({"row_id": train[:3], "column": ["cut", "price", "cut"],
                               "new": ["Fair", "12345", "Good"]}), message="first")
    s.drop_rows([train[3]], "duplicate")
    s.edit_cells(pl.DataFrame({"row_id": [train[0], train[4]], "column": ["cut", "price"], "new": ["Ideal", "1"]}),
                 message="third")
    return s


def _block(lang: str) -> str:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(), flags=re.S)[0]


def test_readme_duckdb_recipe_reads_version_3(store: VersionStore) -> None:
    got = pl.from_arrow(duckdb.sql(_block("sql")).arrow())
    assert_frame_equal(got, store.checkout("v3").collect())


def test_readme_polars_recipe_reads_version_3(store: VersionStore) -> None:
    scope: dict[str, object] = {}
    exec(_block("python"), scope)
    assert_frame_equal(scope["version"], store.checkout("v3").collect())  # type: ignore[arg-type]


@pytest.mark.parametrize("ref", ["v1", "v2", "v3", "v4"])
def test_generated_duckdb_sql_reads_every_version(store: VersionStore, ref: str) -> None:
    got = pl.from_arrow(duckdb.sql(duckdb_sql(store, ref) + "\nORDER BY row_id").arrow())
    assert_frame_equal(got, store.checkout(ref).collect())


def test_checkout_to_parquet_is_the_version(store: VersionStore, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dataqa.cli.main import app

    res = CliRunner().invoke(app, ["version", "checkout", "v4", "--store", ".dataqa/versions", "--out", "v4.parquet", "--row-id"])
    assert res.exit_code == 0, res.output
    assert_frame_equal(pl.read_parquet(tmp_path / "v4.parquet"), store.checkout("v4").collect())
    assert duckdb.sql("SELECT count(*) FROM 'v4.parquet'").fetchall() == [(5011,)]
