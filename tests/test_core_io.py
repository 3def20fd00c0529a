"""Reading datasets: every format, stable row ids, and a clear error for each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dataqa.errors import DuplicateIdError, FileFormatError, MissingColumnError
from dataqa.io import read_dataset, write_dataset

FRAME = pl.DataFrame({"id": ["a", "b", "c"], "x": [1, None, 3], "y": ["u", "v", "w"]})


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl", ".tsv"])
def test_every_format_reads_back_the_same_frame(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"d{suffix}"
    if suffix == ".tsv":
        FRAME.write_csv(path, separator="\t")
    else:
        write_dataset(FRAME, path)
    ds = read_dataset(path, id_column="id")
    assert ds.collect().equals(FRAME)
    ids = ds.with_row_id().select("row_id").collect()["row_id"].to_list()
    assert ids == ["a", "b", "c"]


def test_row_position_is_the_id_without_a_key_column(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    write_dataset(FRAME, path)
    ids = read_dataset(path).with_row_id().collect()["row_id"].to_list()
    # same file, same ids: read twice
    assert ids == [0, 1, 2] == read_dataset(path).with_row_id().collect()["row_id"].to_list()


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(content)
    return p


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("data.xlsx", b"PK\x03\x04", "unknown dataset format '.xlsx'"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5\n", "ragged CSV: line 3 has 3 fields, the header has 2"),
        ("bad.csv", b"a,b\n1,\xff\xfe\n", "not valid UTF-8"),
        ("bad.parquet", b"PAR1 this is not parquet", "not a valid Parquet file"),
        ("bad.jsonl", b'{"a": 1}\n{"a": \n', ""),
    ],
)
def test_bad_files_raise_one_clear_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(FileFormatError) as info:
        read_dataset(path).collect()
    assert str(path) in str(info.value)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no such file"):
        read_dataset(tmp_path / "nope.csv")


def test_missing_id_column_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    write_dataset(FRAME, path)
    with pytest.raises(MissingColumnError) as info:
        read_dataset(path, id_column="key")
    assert str(info.value) == f"{path}: id column 'key' not found; columns are id, x, y"


def test_duplicated_id_column_names_examples(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    write_dataset(FRAME.with_columns(pl.Series("id", ["a", "b", "a"])), path)
    with pytest.raises(DuplicateIdError) as info:
        read_dataset(path, id_column="id")
    assert str(info.value) == f"{path}: id column 'id' is not unique: 2 rows share an id (e.g. 'a')"
    assert info.value.examples == ["a"]


def test_null_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    write_dataset(FRAME, path)
    with pytest.raises(DuplicateIdError, match="null"):
        read_dataset(path, id_column="x")
