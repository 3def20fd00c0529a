"""Each pandera-semantics check on a tiny hand-computed frame, plus the guard that every
registered ``pandera.*`` check has a case here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dataqa.io import read_dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.pandera_suite import load_pandera_yaml
from dataqa.validation.registry import registered_names

DATA = pl.DataFrame({
    "n": [1, 5, None, -2, 10],
    "f": [0.5, float("nan"), None, 2.5, 1.0],
    "s": ["ab1", "b2", None, "abc", "zab"],
    "d": ["x", "x", "y", None, None],
})


def run(tmp_path: Path, yaml_text: str, df: pl.DataFrame = DATA) -> dict[str, Any]:
    """Run a pandera YAML on ``df``; returns {check label: (outcome, failing row ids, observed)}."""
    (tmp_path / "s.yaml").write_text(yaml_text)
    df.write_parquet(tmp_path / "d.parquet")
    suite = load_pandera_yaml(tmp_path / "s.yaml")
    report = run_suites(read_dataset(tmp_path / "d.parquet"), [suite])
    out = {}
    for i, c in enumerate(report.checks):
        rows = sorted(report.failures.filter(pl.col("check_index") == i)["row_id"].to_list())
        out[suite.checks[i].name] = (c.outcome, rows, c.observed_value)
    return out


def column(col: str, body: str, nullable: bool = True) -> str:
    return f"columns:\n  {col}:\n    nullable: {str(nullable).lower()}\n{body}"


# (registry name, column, YAML lines under the column, expected failing rows)
CASES: list[tuple[str, str, str, list[int]]] = [
    ("pandera.equal_to", "n", "    equal_to: 5\n", [0, 3, 4]),
    ("pandera.not_equal_to", "n", "    ne: 5\n", [1]),
    ("pandera.greater_than", "n", "    gt: 1\n", [0, 3]),
    ("pandera.greater_than_or_equal_to", "n", "    ge: 1\n", [3]),
    ("pandera.less_than", "n", "    less_than: 5\n", [1, 4]),
    ("pandera.less_than_or_equal_to", "n", "    le: 5\n", [4]),
    ("pandera.in_range", "n", "    in_range: {min_value: 1, max_value: 10, include_min: false}\n", [0, 3]),
    # NaN is a value, not a null: polars orders it above every number
    ("pandera.in_range", "f", "    in_range: {min_value: 0, max_value: 2, include_max: true}\n", [1, 3]),
    ("pandera.isin", "s", "    isin: [ab1, abc]\n", [1, 4]),
    ("pandera.notin", "d", "    notin: [y]\n", [2]),
    ("pandera.str_matches", "s", "    str_matches: ab\n", [1, 4]),        # anchored: re.match
    ("pandera.str_contains", "s", "    str_contains: ab\n", [1]),          # anywhere: re.search
    ("pandera.str_startswith", "s", "    str_startswith: a\n", [1, 4]),
    ("pandera.str_endswith", "s", "    str_endswith: c\n", [0, 1, 4]),
    ("pandera.str_length", "s", "    str_length: {min_value: 3}\n", [1]),
    ("pandera.str_length", "s", "    str_length: {exact_value: 2}\n", [0, 3, 4]),
    ("pandera.not_nullable", "f", "", [1, 2]),                            # NaN counts as null
    ("pandera.not_nullable", "s", "", [2]),
    ("pandera.field_uniqueness", "d", "    unique: true\n", [0, 1, 3, 4]),   # nulls repeat too
    ("pandera.dtype", "n", "    dtype: Int64\n", []),
    ("pandera.dtype", "s", "    dtype: int64\n", []),                     # failure is whole-column
]


@pytest.mark.parametrize("name,col,body,expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_check_flags_exactly(tmp_path: Path, name: str, col: str, body: str, expected: list[int]) -> None:
    nullable = name != "pandera.not_nullable"
    results = run(tmp_path, column(col, body, nullable))
    outcome, rows, _ = results[name]
    assert rows == expected
    if name == "pandera.dtype":
        assert outcome == ("passed" if col == "n" else "failed")
    else:
        assert outcome == ("failed" if expected else "passed")


def test_ignore_na_false_makes_nulls_fail(tmp_path: Path) -> None:
    body = "    ge:\n      value: 0\n      ignore_na: false\n"
    assert run(tmp_path, column("n", body))["pandera.greater_than_or_equal_to"][1] == [2, 3]


def test_raise_warning_gives_a_warning(tmp_path: Path) -> None:
    body = "    checks:\n    - value: 0\n      options: {check_name: ge, raise_warning: true}\n"
    assert run(tmp_path, column("n", body))["pandera.greater_than_or_equal_to"][:2] == ("warning", [3])


def test_dtype_mismatch_reports_the_actual_dtype(tmp_path: Path) -> None:
    assert run(tmp_path, column("s", "    dtype: Int64\n"))["pandera.dtype"] == ("failed", [], "String")


def test_unique_values_eq(tmp_path: Path) -> None:
    ok = run(tmp_path, column("d", "    unique_values_eq: [x, y]\n"))["pandera.unique_values_eq"]
    bad = run(tmp_path, column("d", "    unique_values_eq: [x]\n"))["pandera.unique_values_eq"]
    assert ok == ("passed", [], ["x", "y"]) and bad == ("failed", [], ["x", "y"])


def test_schema_level_properties(tmp_path: Path) -> None:
    yaml_text = ("columns:\n  s: {nullable: true}\n  gone: {}\n  n: {nullable: true}\n"
                 "  opt: {required: false, ge: 0}\nstrict: true\nordered: true\nunique: [d]\n")
    r = run(tmp_path, yaml_text)
    assert r["pandera.column_in_schema"] == ("failed", [], ["f", "d"])
    assert r["pandera.column_in_dataframe"] == ("failed", [], ["gone"])
    assert r["pandera.column_ordered"] == ("failed", [], "n")  # first data column out of order
    assert r["pandera.multiple_fields_uniqueness"] == ("failed", [0, 1, 3, 4], None)
    assert r["pandera.optional_column"][0] == "passed"     # absent optional column: skipped


def test_optional_column_present_is_checked(tmp_path: Path) -> None:
    r = run(tmp_path, "columns:\n  n: {required: false, nullable: true, ge: 0}\n")
    assert r["pandera.optional_column"][:2] == ("failed", [3])


def test_coerce_casts_before_checking(tmp_path: Path) -> None:
    df = pl.DataFrame({"v": ["1", "x", None, "-3"]})
    r = run(tmp_path, "columns:\n  v: {dtype: Int64, coerce: true, nullable: true, ge: 0}\n", df)
    assert r["pandera.coerce_dtype"][:2] == ("failed", [1])
    assert r["pandera.greater_than_or_equal_to"][:2] == ("failed", [3])
    assert "pandera.dtype" not in r


def test_dataframe_level_builtin_check_applies_to_every_column(tmp_path: Path) -> None:
    df = pl.DataFrame({"a": [1, -1, None], "b": [2, 3, 4]})
    r = run(tmp_path, "columns:\n  a: {nullable: true}\n  b: {}\nchecks:\n  ge: 0\n", df)
    assert r["pandera.greater_than_or_equal_to"][:2] == ("failed", [1])


def test_python_check_runs_through_pandera(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("import polars as pl\nimport pandera.polars as pa\n"
                   "schema = pa.DataFrameSchema({'n': pa.Column(pl.Int64, nullable=True, checks="
                   "pa.Check(lambda d: d.lazyframe.select(pl.col(d.key) < 5), name='small'))})\n")
    from dataqa.validation.pandera_suite import load_pandera_module

    DATA.write_parquet(tmp_path / "d.parquet")
    report = run_suites(read_dataset(tmp_path / "d.parquet"), [load_pandera_module(src)])
    res = next(c for c in report.checks if c.check == "pandera.python_check")
    assert (res.outcome, res.failing_row_ids, res.unexpected_count) == ("failed", [1, 4], 2)
    assert "run by pandera" in (res.note or "")


def test_python_check_returning_one_bool(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("import polars as pl\nimport pandera.polars as pa\n"
                   "schema = pa.DataFrameSchema({'n': pa.Column(pl.Int64, nullable=True)}, checks=["
                   "pa.Check(lambda d: d.lazyframe.select(pl.col('n').sum()).collect().item() < 10, "
                   "name='small_total')])\n")
    from dataqa.validation.pandera_suite import load_pandera_module

    df = pl.DataFrame({"n": [5]})  # one row: the outcome must not be mistaken for a row flag
    df.write_parquet(tmp_path / "one.parquet")
    ok = run_suites(read_dataset(tmp_path / "one.parquet"), [load_pandera_module(src)])
    DATA.write_parquet(tmp_path / "d.parquet")
    bad = run_suites(read_dataset(tmp_path / "d.parquet"), [load_pandera_module(src)])
    outcomes = [next(c for c in r.checks if c.check == "pandera.python_check") for r in (ok, bad)]
    assert [(c.outcome, c.failing_row_ids) for c in outcomes] == [("passed", []), ("failed", [])]


def test_every_pandera_check_has_a_case() -> None:
    covered = {c[0] for c in CASES} | {
        "pandera.unique_values_eq", "pandera.column_in_schema", "pandera.column_in_dataframe",
        "pandera.column_ordered", "pandera.multiple_fields_uniqueness", "pandera.optional_column",
        "pandera.coerce_dtype", "pandera.python_check"}
    registered = {n for n in registered_names() if n.startswith("pandera.")}
    assert registered - covered == set(), f"pandera checks without a test case: {registered - covered}"
