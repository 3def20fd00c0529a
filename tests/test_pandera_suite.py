"""Parsing pandera YAML and Python modules into suites: shapes, locations, and errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.errors import SuiteFileError, UnknownCheckError
from dataqa.validation.pandera_suite import load_pandera_module, load_pandera_yaml
from dataqa.validation.suites import load_suite

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str, name: str = "schema.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def names(path: Path) -> list[tuple[str, dict]]:
    return [(c.name, {k: v for k, v in c.kwargs.items()}) for c in load_suite(path).checks]


def test_three_check_shapes_compile_to_the_same_checks(tmp_path: Path) -> None:
    flat = "columns:\n  age:\n    in_range: {min_value: 0, max_value: 120}\n    ge: 0\n"
    mapping = ("columns:\n  age:\n    checks:\n      in_range: {min_value: 0, max_value: 120}\n"
               "      greater_than_or_equal_to: 0\n")
    listed = ("columns:\n  age:\n    checks:\n    - {min_value: 0, max_value: 120, options: "
              "{check_name: in_range}}\n    - value: 0\n      options: {check_name: ge}\n")
    results = [names(write(tmp_path, t, f"s{i}.yaml")) for i, t in enumerate((flat, mapping, listed))]
    assert results[0] == results[1] == results[2]
    assert [n for n, _ in results[0]] == ["pandera.column_in_dataframe", "pandera.not_nullable",
                                          "pandera.in_range", "pandera.greater_than_or_equal_to"]
    assert results[0][3][1] == {"column": "age", "min_value": 0, "ignore_na": True}


def test_locations_name_the_entry_and_the_line(tmp_path: Path) -> None:
    p = write(tmp_path, "# schema\ncolumns:\n  age:\n    dtype: Int64\n    in_range:\n"
                        "      min_value: 0\n      max_value: 9\n")
    chk = next(c for c in load_pandera_yaml(p).checks if c.name == "pandera.in_range")
    assert chk.location == f"{p}[columns.age.checks.in_range]"
    assert chk.meta["line"] == 5
    assert chk.label == "age: in_range(0, 9)"


def test_unknown_check_is_located_with_a_suggestion(tmp_path: Path) -> None:
    p = write(tmp_path, "columns:\n  age:\n    dtype: Int64\n    in_rnge: {min_value: 0, max_value: 1}\n")
    with pytest.raises(UnknownCheckError) as exc:
        load_pandera_yaml(p)
    assert str(exc.value) == f"{p}[4,5]: unknown check 'in_rnge' (did you mean 'in_range'?)"


def test_unknown_check_in_list_form(tmp_path: Path) -> None:
    p = write(tmp_path, "columns:\n  a:\n    checks:\n    - value: 1\n      options: {check_name: str_machtes}\n")
    with pytest.raises(UnknownCheckError, match=r"\[4,7\]: unknown check 'str_machtes' \(did you mean 'str_matches'\?\)"):
        load_pandera_yaml(p)


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "columns:\n  a:\n    dtype: [Int64\n  b: {}\n")
    with pytest.raises(SuiteFileError) as exc:
        load_pandera_yaml(p)
    assert str(exc.value).startswith(f"{p}[4,") and "not valid YAML" in str(exc.value)


@pytest.mark.parametrize("text,message", [
    ("columns:\n  a:\n    in_range: {min_valu: 0, max_value: 1}\n",
     "[3,5]: columns.a.in_range: check 'in_range' has no parameter 'min_valu' (parameters: "
     "min_value, max_value, include_min, include_max)"),
    ("columns:\n  a:\n    in_range: 5\n", "[3,5]: columns.a.in_range: check 'in_range' needs max_value"),
    ("columns:\n  a:\n    str_matches: {}\n", "check 'str_matches' needs pattern"),
    ("columns:\n  a:\n    checks: {ge: 0}\n    le: 5\n", "[4,5]: columns.a.le: 'le' next to 'checks:'"),
    ("columns:\n  a:\n    nullable: yes please\n", "[3,5]: columns.a.nullable: must be true or false"),
    ("columns:\n  a:\n    dtype: Int65\n", "[3,5]: columns.a.dtype: unknown dtype 'Int65'"),
    ("columns:\n  a: 3\n", "[2,3]: columns.a: column properties must be a mapping"),
    ("columns:\n  'a_.*':\n    regex: true\n", "columns.a_.*.regex: regex column selectors are not supported"),
    ("colums:\n  a: {}\n", "[1,1]: colums: unknown schema key 'colums' (did you mean 'columns'?)"),
    ("schema_type: xarray_dataset\n", "schema_type 'xarray_dataset' is not a dataframe schema"),
    ("- a\n- b\n", "a pandera schema must be a mapping"),
    ("columns:\n  a:\n    checks:\n    - {value: 1}\n", "needs options.check_name"),
])
def test_invalid_entries_are_located(tmp_path: Path, text: str, message: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(SuiteFileError) as exc:
        load_pandera_yaml(p)
    assert message in str(exc.value) and str(exc.value).startswith(str(p))


def test_pandera_written_yaml_round_trips(tmp_path: Path) -> None:
    """What pandera.io.to_yaml writes (minimal and full) loads into the same checks."""
    import pandera.polars as pa
    import polars as pl
    from pandera.io import polars_io

    schema = pa.DataFrameSchema({"a": pa.Column(pl.Int64, [pa.Check.ge(0), pa.Check.isin([1, 2])],
                                                unique=True),
                                 "b": pa.Column(str, pa.Check.str_length(1, 3), nullable=True)},
                                strict=True, unique=["a", "b"])
    polars_io.to_yaml(schema, tmp_path / "min.yaml")
    polars_io.to_yaml(schema, tmp_path / "full.yaml", minimal=False)
    a, b = names(tmp_path / "min.yaml"), names(tmp_path / "full.yaml")
    assert a == b
    assert [n for n, _ in a] == [
        "pandera.column_in_schema", "pandera.column_in_dataframe", "pandera.multiple_fields_uniqueness",
        "pandera.not_nullable", "pandera.field_uniqueness", "pandera.dtype", "pandera.greater_than_or_equal_to",
        "pandera.isin", "pandera.dtype", "pandera.str_length"]


def test_ignored_options_leave_a_note(tmp_path: Path) -> None:
    p = write(tmp_path, "columns:\n  a: {default: 0, nullable: true}\nadd_missing_columns: true\nindex: {}\n")
    notes = load_pandera_yaml(p).notes
    assert any("add_missing_columns is not applied" in n for n in notes)
    assert any("index is ignored" in n for n in notes)
    assert any(n.startswith(f"{p}[columns.a]: default is not applied") for n in notes)


def test_module_import_error_is_located(tmp_path: Path) -> None:
    p = write(tmp_path, "import pandera.polars as pa\n\nschema = pa.DataFrameSchema(\n  {'a': pa.Column(nosuch)})\n",
              "broken.py")
    with pytest.raises(SuiteFileError, match=r"broken.py\[4,1\]: suite module failed to import: NameError"):
        load_pandera_module(p)


def test_module_without_schema_gives_an_empty_suite_with_a_note(tmp_path: Path) -> None:
    suite = load_pandera_module(write(tmp_path, "X = 1\n", "empty.py"))
    assert suite.checks == () and "no pandera schema" in suite.notes[0]


def test_pandas_api_module_is_understood(tmp_path: Path) -> None:
    p = write(tmp_path, "import pandera.pandas as pa\nschema = pa.DataFrameSchema({'a': pa.Column("
                        "int, pa.Check.ge(0)), 'b': pa.Column(str, nullable=True)})\n", "pd_schema.py")
    checks = load_pandera_module(p).checks
    dtypes = {c.kwargs["column"]: c.kwargs["dtype"] for c in checks if c.name == "pandera.dtype"}
    assert dtypes == {"a": "int64", "b": "string[pyarrow]"}
    assert checks[0].location == f"{p}[columns]"


def test_shipped_example_model_loads() -> None:
    suite = load_pandera_module(ROOT / "expectations" / "examples" / "diamonds_model.py")
    assert any(c.name == "pandera.python_check" for c in suite.checks)
    assert any(c.name == "pandera.in_range" for c in suite.checks)


runner = CliRunner()


def test_cli_runs_pandera_yaml_and_module(tmp_path: Path) -> None:
    data = write(tmp_path, "a,b\n1,x\n-1,y\n", "d.csv")
    yml = write(tmp_path, "columns:\n  a: {dtype: Int64, ge: 0}\n  b: {isin: [x, y]}\n")
    res = runner.invoke(app, ["check", str(data), "--suite", str(yml), "--format", "json"])
    assert res.exit_code == 1, res.output
    assert '"row_id": 1' in res.output
    mod = write(tmp_path, "import pandera.polars as pa\nschema = pa.DataFrameSchema({'a': pa.Column(int)})\n", "m.py")
    assert runner.invoke(app, ["check", str(data), "--suite", str(mod)]).exit_code == 0


def test_cli_bad_pandera_suite_exits_3_with_one_line(tmp_path: Path) -> None:
    data = write(tmp_path, "a\n1\n", "d.csv")
    yml = write(tmp_path, "columns:\n  a: {ge: 0, lee: 3}\n")
    proc = subprocess.run([sys.executable, "-m", "dataqa", "check", str(data), "--suite", str(yml)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert proc.stderr.strip() == (f"error: {yml}[2,14]: unknown check 'lee' (did you mean 'le'?)")


def _samples() -> dict:
    import pandera.polars as pa

    C = pa.Check
    return {"equal_to": C.equal_to(1), "not_equal_to": C.ne(1), "greater_than": C.gt(0),
            "greater_than_or_equal_to": C.ge(0), "less_than": C.lt(5), "less_than_or_equal_to": C.le(5),
            "in_range": C.in_range(0, 5, include_min=False), "isin": C.isin([1, 2]),
            "notin": C.notin([3]), "str_matches": C.str_matches("a+"), "str_contains": C.str_contains("b"),
            "str_startswith": C.str_startswith("c"), "str_endswith": C.str_endswith("d"),
            "str_length": C.str_length(1, 3), "unique_values_eq": C.unique_values_eq([1, 2])}


#: Checks that are schema properties, not pandera Check methods (covered in test_pandera_checks).
PROPERTIES = {"not_nullable", "field_uniqueness", "multiple_fields_uniqueness", "coerce_dtype", "dtype",
              "column_in_dataframe", "column_in_schema", "column_ordered", "optional_column",
              "python_check"}


def test_every_pandera_check_round_trips_through_pandera_yaml(tmp_path: Path) -> None:
    """Guard: each pandera.* check that is a pandera Check method has a sample here, and what
    pandera's to_yaml writes for it loads back as that check with the same statistics."""
    import pandera.polars as pa
    import polars as pl
    from pandera.io import polars_io

    from dataqa.validation.registry import registered_names

    samples = _samples()
    builtins = {n.split(".", 1)[1] for n in registered_names() if n.startswith("pandera.")} - PROPERTIES
    assert builtins == set(samples), f"missing samples: {builtins - set(samples)}"
    for name, check in samples.items():
        schema = pa.DataFrameSchema({"c": pa.Column(pl.Int64, check, nullable=True)})
        polars_io.to_yaml(schema, tmp_path / f"{name}.yaml")
        spec = [c for c in load_pandera_yaml(tmp_path / f"{name}.yaml").checks
                if c.meta["pandera_check"] == name]
        assert len(spec) == 1 and spec[0].name == f"pandera.{name}", name
        stats = {k: v for k, v in spec[0].kwargs.items() if k not in ("column", "ignore_na")}
        want = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in check.statistics.items()}
        assert stats == want, name


def test_docstring_examples_run() -> None:
    import doctest

    import dataqa.validation.custom as custom
    import dataqa.validation.pandera_dtypes as dtypes

    for module in (dtypes, custom):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
