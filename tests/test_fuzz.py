"""Fuzzing the file readers and the suite parsers: only dataqa's typed errors may escape.

Random bytes and mutations of valid files (bytes flipped, cut short, lines dropped or repeated)
go through ``read_dataset`` (then a full read) and ``load_suite``; arbitrary JSON values go
through the GX suite parser. Any exception that is not a ``DataqaError`` fails the test: a user
would have seen a traceback. Derandomized with a bounded number of examples, so the run is
reproducible and fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataqa.errors import DataqaError
from dataqa.io import Dataset, read_dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.gx_suite import parse_gx_suite
from dataqa.validation.suites import load_suite

ROOT = Path(__file__).resolve().parents[1]
FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _valid_files() -> dict[str, bytes]:
    df = pl.DataFrame({"key": ["a", "b", "c", "d"], "x": [1.5, None, 3.0, -2.0], "n": [1, 2, 3, 4],
                       "t": ["q,\"r\"", "", "é", "s\nt"]})
    with tempfile.TemporaryDirectory() as d:
        out = {}
        for suffix, write in ((".csv", df.write_csv), (".parquet", df.write_parquet), (".jsonl", df.write_ndjson)):
            p = Path(d) / f"f{suffix}"
            write(p)
            out[suffix] = p.read_bytes()
    return out


VALID = _valid_files()
SUITES = {".json": (ROOT / "expectations" / "diamonds.gx.json").read_bytes(),
          ".yaml": (ROOT / "expectations" / "diamonds.pandera.yaml").read_bytes()}


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A valid file with a few random edits: flipped bytes, a cut, a dropped or repeated line."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "drop_line", "dup_line", "insert"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            lines = bytes(data).split(b"\n")
            j = draw(st.integers(0, len(lines) - 1))
            lines[j:j + 1] = [] if op == "drop_line" else [lines[j], lines[j]]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def _read_fully(suffix: str, content: bytes, id_column: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"data{suffix}"
        p.write_bytes(content)
        try:
            ds = read_dataset(p, id_column=id_column)
            ds.collect()
            ds.with_row_id().select(pl.len()).collect()
        except DataqaError:
            pass


def _load(suffix: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"suite{suffix}"
        p.write_bytes(content)
        try:
            load_suite(p)
        except DataqaError:
            pass


@FUZZ
@given(suffix=st.sampled_from(sorted(VALID)), content=st.binary(max_size=512))
def test_reader_random_bytes(suffix: str, content: bytes) -> None:
    _read_fully(suffix, content)


@FUZZ
@given(data=st.data(), suffix=st.sampled_from(sorted(VALID)))
def test_reader_mutated_files(data: st.DataObject, suffix: str) -> None:
    content = data.draw(mutated(VALID[suffix]))
    _read_fully(suffix, content, id_column=data.draw(st.sampled_from([None, "key"])))


@FUZZ
@given(suffix=st.sampled_from(sorted(SUITES)), content=st.binary(max_size=512))
def test_suite_parser_random_bytes(suffix: str, content: bytes) -> None:
    _load(suffix, content)


@FUZZ
@given(data=st.data(), suffix=st.sampled_from(sorted(SUITES)))
def test_suite_parser_mutated_files(data: st.DataObject, suffix: str) -> None:
    _load(suffix, data.draw(mutated(SUITES[suffix])))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
TYPES = ["expect_column_values_to_be_between", "expect_column_values_to_be_in_set",
         "expect_column_values_to_match_regex", "expect_column_values_to_not_be_null",
         "expect_table_row_count_to_be_between", "expect_column_mean_to_be_between",
         "expect_column_value_lengths_to_be_between", "expect_column_values_to_be_unique"]
KWARG_NAMES = ["column", "min_value", "max_value", "value_set", "regex", "mostly", "strict_min", "value"]


@FUZZ
@given(entries=st.lists(st.fixed_dictionaries({
    "type": st.sampled_from(TYPES) | st.text(max_size=10),
    "kwargs": st.dictionaries(st.sampled_from(KWARG_NAMES), JSON, max_size=4) | JSON,
}), max_size=3), top=st.sampled_from(["expectations", "checks"]))
def test_gx_parser_and_engine_on_arbitrary_entries(entries: list[dict[str, Any]], top: str) -> None:
    """A parsed entry must also run: a bad argument is a suite error or an ``error`` outcome."""
    frame = pl.DataFrame({"x": [1.0, 2.0, None], "s": ["a", "bb", None]}).with_columns(
        pl.col("x").alias("column"), pl.col("s").alias("value"))
    try:
        suite = parse_gx_suite({"name": "fuzz", top: entries}, "fuzz.json")
    except DataqaError:
        return
    try:
        run_suites(Dataset(path="fuzz", lf=frame.lazy()), [suite])
    except DataqaError:
        pass
