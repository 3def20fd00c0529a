"""Custom checks: one function, registered by name, used from GX JSON, pandera YAML, pandera
itself, the CLI's --plugin and dataqa.toml."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.errors import SuiteFileError, UnknownCheckError
from dataqa.io import read_dataset
from dataqa.validation.custom import custom_check
from dataqa.validation.engine import run_suites
from dataqa.validation.plugins import load_plugins
from dataqa.validation.registry import MapResult, get_check
from dataqa.validation.suites import load_suite

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "expectations" / "examples"
PLUGIN = EXAMPLES / "custom_checks.py"
DF = pl.DataFrame({"v": [3, 4, None, 9, 10], "s": ["a", " b", "c ", None, "d"],
                   "price": [500, 2000, 300, None, 1000], "carat": [1.0, 1.0, 1.0, 1.0, 0.01]})

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def plugin() -> None:
    load_plugins([PLUGIN])


def failing(tmp_path: Path, suite_text: str, suffix: str) -> dict[str, tuple[str, list[int]]]:
    (tmp_path / f"suite{suffix}").write_text(suite_text)
    DF.write_parquet(tmp_path / "d.parquet")
    report = run_suites(read_dataset(tmp_path / "d.parquet"), [load_suite(tmp_path / f"suite{suffix}")])
    return {c.label: (c.outcome, c.failing_row_ids) for c in report.checks if c.outcome != "passed"}


def test_from_gx_json_by_type(tmp_path: Path) -> None:
    suite = {"name": "c", "expectations": [
        {"type": "is_multiple_of", "kwargs": {"column": "v", "base": 3}},
        {"type": "no_surrounding_whitespace", "kwargs": {"column": "s", "mostly": 0.5}},
        {"type": "price_per_carat_between", "kwargs": {"min_value": 400, "max_value": 50000},
         "severity": "warning"}]}
    assert failing(tmp_path, json.dumps(suite), ".json") == {
        "is_multiple_of(v)": ("failed", [1, 4]),
        # mostly 0.5: 2 of 4 non-null values fail -> still a pass, so not listed
        "price_per_carat_between": ("warning", [2, 4]),
    }


def test_from_pandera_yaml_by_name(tmp_path: Path) -> None:
    text = ("columns:\n  v:\n    nullable: true\n    is_multiple_of: 3\n"
            "  s:\n    nullable: true\n    checks:\n      no_surrounding_whitespace: null\n"
            "checks:\n- {min_value: 400, max_value: 50000, options: {check_name: price_per_carat_between}}\n")
    assert failing(tmp_path, text, ".yaml") == {
        "v: is_multiple_of(base=3)": ("failed", [1, 4]),
        "s: no_surrounding_whitespace": ("failed", [1, 2]),
        "dataframe: price_per_carat_between(min_value=400, max_value=50000)": ("failed", [2, 4]),
    }


def test_pandera_itself_reads_the_same_yaml_and_agrees(tmp_path: Path) -> None:
    """The decorator registered the checks in pandera too: pandera's from_yaml + validate flags
    the same rows as dataqa."""
    from pandera.errors import SchemaErrors
    from pandera.io import polars_io

    text = ("columns:\n  v:\n    dtype: Int64\n    nullable: true\n    is_multiple_of: 3\n"
            "  s:\n    dtype: String\n    nullable: true\n    no_surrounding_whitespace: null\n")
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(SchemaErrors) as exc:
        polars_io.from_yaml(tmp_path / "s.yaml").validate(DF.select("v", "s"), lazy=True)
    theirs = {(r["column"], r["index"]) for r in exc.value.failure_cases.iter_rows(named=True)}
    ours = failing(tmp_path, text, ".yaml")
    assert theirs == {("v", 1), ("v", 4), ("s", 1), ("s", 2)}
    assert {("v", i) for i in ours["v: is_multiple_of(base=3)"][1]} | {
        ("s", i) for i in ours["s: no_surrounding_whitespace"][1]} == theirs


def test_pandera_check_object_compiles_to_the_registered_expression(tmp_path: Path) -> None:
    src = tmp_path / "schema_mod.py"
    src.write_text("import pandera.polars as pa\nimport polars as pl\n"
                   "schema = pa.DataFrameSchema({'v': pa.Column(pl.Int64, pa.Check.is_multiple_of(3), "
                   "nullable=True)})\n")
    checks = load_suite(src).checks
    assert [c.name for c in checks][-1] == "is_multiple_of"   # not pandera.python_check
    assert dict(checks[-1].kwargs) == {"column": "v", "base": 3, "ignore_na": True}


def test_check_may_return_a_map_result(tmp_path: Path) -> None:
    @custom_check("test_short_or_null", replace=True, pandera=False)
    def short_or_null(column: str, n: int) -> MapResult:
        return MapResult(valid=pl.col(column).str.len_chars() <= n, eligible=pl.lit(True))

    text = "columns:\n  s:\n    nullable: true\n    test_short_or_null: {n: 1}\n"
    # rows 1, 2 are too long; row 3 is null: the expression is null there, so it is not evaluated
    assert failing(tmp_path, text, ".yaml") == {"s: test_short_or_null(n=1)": ("failed", [1, 2])}


def test_reserved_and_taken_names_are_refused() -> None:
    with pytest.raises(ValueError, match="reserved"):
        custom_check("pandera.mine")(lambda column: pl.col(column) > 0)
    with pytest.raises(ValueError, match="already registered"):
        custom_check("is_multiple_of")(lambda column, base: pl.col(column) > 0)


def test_suite_module_defining_a_check_can_be_loaded_twice(tmp_path: Path) -> None:
    """The app re-reads suite files; re-running the same definition is not a name clash."""
    src = tmp_path / "with_check.py"
    src.write_text("import polars as pl\nimport pandera.polars as pa\n"
                   "from dataqa.validation.custom import custom_check\n\n"
                   "@custom_check('test_twice_positive')\ndef positive(column):\n    return pl.col(column) > 0\n\n"
                   "schema = pa.DataFrameSchema({'v': pa.Column(pl.Int64, pa.Check.test_twice_positive(), "
                   "nullable=True)})\n")
    first, second = load_suite(src), load_suite(src)
    assert [c.name for c in first.checks] == [c.name for c in second.checks]
    assert first.checks[-1].name == "test_twice_positive"


def test_registered_check_is_in_the_registry_with_its_parameters() -> None:
    cdef = get_check("is_multiple_of")
    assert cdef.kind == "map" and cdef.fn.pandera_params == ("base",)


def test_unknown_custom_name_without_plugin_is_a_suite_error(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("columns:\n  v:\n    is_multiple_off: 3\n")
    with pytest.raises(UnknownCheckError, match=r"\[3,5\]: unknown check 'is_multiple_off' \(did you mean 'is_multiple_of'\?\)"):
        load_suite(tmp_path / "s.yaml")


def test_cli_plugin_option(tmp_path: Path) -> None:
    DF.write_csv(tmp_path / "d.csv")
    suite = {"name": "c", "expectations": [
        {"type": "no_surrounding_whitespace", "kwargs": {"column": "s"}}]}
    (tmp_path / "c.json").write_text(json.dumps(suite))
    args = ["check", str(tmp_path / "d.csv"), "--suite", str(tmp_path / "c.json"), "--format", "json"]
    res = runner.invoke(app, [*args, "--plugin", str(PLUGIN)])
    assert res.exit_code == 1, res.output
    check = json.loads(res.output)["checks"][0]
    assert [f["row_id"] for f in check["failures"]] == [1, 2]


def test_cli_plugin_from_dataqa_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "more_checks.py"
    other.write_text("import polars as pl\nfrom dataqa.validation.custom import custom_check\n\n"
                     "@custom_check('test_toml_positive', pandera=False)\n"
                     "def positive(column):\n    return pl.col(column) > 0\n")
    DF.with_columns(pl.Series("v", [1, -1, None, 2, 3])).write_csv(tmp_path / "d.csv")
    (tmp_path / "s.yaml").write_text("columns:\n  v: {nullable: true, test_toml_positive: null}\n")
    (tmp_path / "dataqa.toml").write_text('[dataset]\npath = "d.csv"\n\n[check]\nsuites = ["s.yaml"]\n'
                                          'plugins = ["more_checks.py"]\n')
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["check", "--format", "json"])
    assert res.exit_code == 1, res.output
    check = next(c for c in json.loads(res.output)["checks"] if c["check"] == "test_toml_positive")
    assert [f["row_id"] for f in check["failures"]] == [1]


def test_broken_plugin_is_a_suite_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad_plugin.py"
    bad.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(SuiteFileError, match="plugin failed to load: RuntimeError: boom"):
        load_plugins([bad])


def test_shipped_custom_examples_on_the_sample(tmp_path: Path) -> None:
    res = runner.invoke(app, ["check", str(ROOT / "sample_data" / "diamonds_dirty.csv"),
                              "--plugin", str(PLUGIN),
                              "--suite", str(EXAMPLES / "custom_checks.pandera.yaml"),
                              "--suite", str(EXAMPLES / "custom_checks.gx.json"), "--format", "json"])
    assert res.exit_code == 1, res.output
    checks = json.loads(res.output)["checks"]
    spaces = [c for c in checks if c["check"] == "no_surrounding_whitespace" and c["columns"] == ["color"]]
    assert len(spaces) == 2  # once from the pandera YAML, once from the GX JSON
    assert all([f["row_id"] for f in c["failures"]] == [1357, 1905, 2695] for c in spaces)
    ratio = [c for c in checks if c["check"] == "price_per_carat_between"]
    assert [c["outcome"] for c in ratio] == ["failed", "passed"]  # the GX one has mostly 0.99
    assert all(c["unexpected_count"] == 16 for c in ratio)
