"""The Spark reader gives every row the polars reader's position, and the same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from dataqa.errors import DuplicateIdError, FileFormatError, MissingColumnError
from dataqa.io import read_dataset
from dataqa.validation.backends.spark.reader import POSITION_COLUMN, read_spark_dataset


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reader")
    rng = np.random.default_rng(7)
    (root / "parts").mkdir()
    for i in (3, 0, 2, 1):  # written out of order: the position follows the sorted names
        n = 200 + 37 * i
        pl.DataFrame({"k": np.arange(i * 1000, i * 1000 + n), "x": rng.normal(size=n)}).write_parquet(
            root / "parts" / f"part-{i}.parquet", row_group_size=64)
    (root / "parts" / "_SUCCESS").write_text("")
    text = [f"v{i}" if i % 9 else "a,b" for i in range(3000)]
    pl.DataFrame({"k": np.arange(3000), "s": text}).write_csv(root / "t.csv")
    pl.DataFrame({"k": np.arange(300), "x": rng.normal(size=300)}).write_ndjson(root / "t.jsonl")
    return root


def _pairs(rows: list[Any]) -> list[tuple[int, int]]:
    return sorted((int(a), int(b)) for a, b in rows)


@pytest.mark.parametrize("source", ["parts", "parts/part-[13].parquet", "parts/part-2.parquet", "t.csv", "t.jsonl"])
def test_position_equals_the_polars_row_position(spark: Any, files: Path, source: str) -> None:
    path = str(files / source)
    got = read_spark_dataset(path, spark=spark).df.select(POSITION_COLUMN, "k").collect()
    want = read_dataset(path).with_row_id().select("row_id", "k").collect().rows()
    assert _pairs(got) == _pairs(want)


def test_position_is_stable_across_small_splits(spark: Any, files: Path) -> None:
    # many partitions per file (tiny split size): the position still follows the file
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    try:
        for source in ("parts", "t.csv"):
            ds = read_spark_dataset(str(files / source), spark=spark)
            assert ds.df.rdd.getNumPartitions() > 4
            want = read_dataset(str(files / source)).with_row_id().select("row_id", "k").collect().rows()
            assert _pairs(ds.df.select(POSITION_COLUMN, "k").collect()) == _pairs(want)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")


def test_a_dataframe_gets_consecutive_positions(spark: Any) -> None:
    ds = read_spark_dataset(spark.range(500).repartition(3), spark=spark)
    assert sorted(r[0] for r in ds.df.select(POSITION_COLUMN).collect()) == list(range(500))
    assert ds.columns == ["id"] and ds.path == "<DataFrame>"


def test_csv_gets_the_polars_types(spark: Any, files: Path) -> None:
    ds = read_spark_dataset(str(files / "t.csv"), spark=spark)
    assert ds.df.schema.simpleString() == f"struct<k:bigint,s:string,{POSITION_COLUMN}:bigint>"


def _polars_error(source: str, id_column: str | None) -> str:
    with pytest.raises(Exception) as info:
        read_dataset(source, id_column=id_column)
    return str(info.value)


@pytest.mark.parametrize(("name", "id_column", "error"), [
    ("missing.parquet", None, FileFormatError),
    ("bad", None, FileFormatError),
    ("nothing-*.parquet", None, FileFormatError),
    ("parts", "nokey", MissingColumnError),
    ("dups.parquet", "k", DuplicateIdError),
    ("nulls.parquet", "k", DuplicateIdError),
])
def test_bad_input_gives_the_polars_error(spark: Any, files: Path, name: str, id_column: str | None,
                                          error: type[Exception]) -> None:
    (files / "bad").mkdir(exist_ok=True)
    (files / "bad" / "a.parquet").write_bytes(b"PAR1 not really parquet")
    pl.DataFrame({"k": [1, 2, 2, 3, 3]}).write_parquet(files / "dups.parquet")
    pl.DataFrame({"k": [1, None, 3]}).write_parquet(files / "nulls.parquet")
    source = str(files / name)
    with pytest.raises(error) as info:
        read_spark_dataset(source, spark=spark, id_column=id_column)
    assert str(info.value) == _polars_error(source, id_column)
    assert "\n" not in str(info.value)
