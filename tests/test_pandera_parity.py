"""Helpers for the pandera parity tests: the failing (column, check, row) set of pandera and of
dataqa on the same data, in one normalised shape.

pandera's side comes from ``SchemaErrors.failure_cases`` (columns ``column``, ``check``, ``index``);
dataqa's from the report. Normalisation: the check is pandera's name without arguments
(``in_range``, ``dtype``, ``not_nullable``); schema-level errors about a column
(``column_in_dataframe``, ``column_in_schema``, ``column_ordered``) name that column; other
dataframe-level failures have column ``None``; a failure with no row has row ``None``.

The parity tests take the fixture ``run_on``: each runs on the polars backend and on the Spark
backend (the run's one ``local[2]`` session) with the same expected failures, pandera's own. The
two with Python ``@pa.check`` functions stay on polars: on Spark those are refused
(``tests/spark/test_spark_checks.py::test_python_pandera_check_is_refused_on_spark_naming_check_and_engine``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import polars as pl

from dataqa.io import read_dataset
from dataqa.validation.engine import run_suites
from dataqa.validation.report import SuiteReport
from dataqa.validation.suite_spec import Suite

Failure = tuple[Any, str, Any]
_COLUMN_ERRORS = ("column_in_dataframe", "column_in_schema", "column_ordered")


def pandera_failures(schema: Any, df: pl.DataFrame) -> set[Failure]:
    """pandera's own failing (column, check, row) on ``df`` (``validate(lazy=True)``)."""
    from pandera.errors import SchemaErrors

    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
    else:
        return set()
    out: set[Failure] = set()
    for row in fc.iter_rows(named=True):
        check = str(row["check"]).split("(")[0]
        if row["schema_context"] == "DataFrameSchema" or row["schema_context"].endswith("Model"):
            column = row["failure_case"] if check in _COLUMN_ERRORS else None
        else:
            column = row["column"]
        out.add((column, check, row["index"]))
    return out


def run_dataqa(suite: Suite, df: pl.DataFrame, tmp: Path) -> SuiteReport:
    """Write ``df`` to Parquet (dtypes kept) and run ``suite`` on it with dataqa's engine."""
    path = tmp / "data.parquet"
    df.write_parquet(path)
    return run_suites(read_dataset(path), [suite])


Runner = Callable[[Suite, pl.DataFrame, Path], SuiteReport]


def run_dataqa_on_spark(spark: Any) -> Runner:
    """``run_dataqa`` with the Spark backend on session ``spark``, from the same Parquet file."""

    def run(suite: Suite, df: pl.DataFrame, tmp: Path) -> SuiteReport:
        from dataqa.validation.backends.spark.backend import SparkBackend
        from dataqa.validation.backends.spark.reader import read_spark_dataset

        path = tmp / "data.parquet"
        df.write_parquet(path)
        return run_suites(SparkBackend(read_spark_dataset(path, spark=spark)), [suite])

    return run


def dataqa_failures(suite: Suite, df: pl.DataFrame, tmp: Path,
                    run: Runner = run_dataqa) -> set[Failure]:
    """dataqa's failing (column, check, row) for ``suite`` on ``df`` (warnings excluded, as
    pandera only warns for ``raise_warning`` checks); ``run`` picks the backend (polars by
    default; ``tests/spark`` passes the Spark one)."""
    report = run(suite, df, tmp)
    out: set[Failure] = set()
    rows = report.failures
    missing = {c for spec, res in zip(suite.checks, report.checks)
               if spec.meta["pandera_check"] == "column_in_dataframe" and res.outcome == "failed"
               for c in res.observed_value}
    for i, (spec, res) in enumerate(zip(suite.checks, report.checks)):
        check, column = spec.meta["pandera_check"], spec.meta["pandera_column"]
        if res.outcome == "error" and column in missing:
            # pandera skips the checks of a missing column; dataqa reports them as not runnable
            assert "not in the data" in (res.message or ""), res.message
            continue
        if res.outcome == "error":
            out.add((column, check, None))
        elif res.outcome != "failed":
            continue
        elif check in ("column_in_dataframe", "column_in_schema"):
            out |= {(c, check, None) for c in res.observed_value}
        elif check == "column_ordered":
            out.add((res.observed_value, check, None))
        else:
            ids = rows.filter(pl.col("check_index") == i)["row_id"].to_list()
            out |= {(column, check, int(r)) for r in ids} if ids else {(column, check, None)}
    return out


# --------------------------------------------------------------------------------------------
# Parity cases: each schema goes through pandera's own YAML writer and dataqa's YAML loader,
# then both engines validate the same frame.
# --------------------------------------------------------------------------------------------
import datetime as dt  # noqa: E402

import pandera.polars as pa  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pandera.io import polars_io  # noqa: E402

from dataqa.validation.pandera_suite import load_pandera_module, load_pandera_yaml  # noqa: E402

NAN = float("nan")


@pytest.fixture(params=[pytest.param("polars"), pytest.param("spark", marks=pytest.mark.spark)])
def run_on(request: pytest.FixtureRequest) -> Runner:
    """How dataqa runs a suite: each parity test runs once per backend with the same expected
    failures (pandera's), polars and Spark (the run's one session, ``tests/spark_fixtures.py``)."""
    if request.param == "polars":
        return run_dataqa
    return run_dataqa_on_spark(request.getfixturevalue("spark"))


def via_yaml(schema: Any, tmp: Path) -> Suite:
    path = tmp / "schema.yaml"
    polars_io.to_yaml(schema, path)
    return load_pandera_yaml(path)


def numeric_case() -> tuple[Any, pl.DataFrame]:
    schema = pa.DataFrameSchema({
        "i": pa.Column(pl.Int64, [pa.Check.ge(0), pa.Check.lt(10), pa.Check.ne(5)], nullable=True),
        "f": pa.Column(pl.Float64, [pa.Check.in_range(0.0, 1.0, include_min=False),
                                    pa.Check.gt(-1.0)]),
        "g": pa.Column(pl.Float64, [pa.Check.le(2.0, ignore_na=False), pa.Check.eq(1.5)],
                       nullable=True),
        "h": pa.Column(pl.Int64, pa.Check.in_range(1, 3, include_max=False)),
    })
    df = pl.DataFrame({
        "i": [0, -1, None, 5, 10, 9],
        "f": [0.0, 0.5, 1.0, NAN, None, 1.5],
        "g": [1.5, None, 3.0, NAN, 1.5, 2.0],
        "h": [1, 2, 3, 0, None, 2],
    })
    return schema, df


def sets_case() -> tuple[Any, pl.DataFrame]:
    schema = pa.DataFrameSchema({
        "c": pa.Column(str, [pa.Check.isin(["a", "b"]), pa.Check.notin(["z"])], nullable=True),
        "n": pa.Column(pl.Int64, [pa.Check.isin([1, 2, 3]), pa.Check.notin([2])]),
    })
    df = pl.DataFrame({
        "c": ["a", "b", "z", None, "c", "a"],
        "n": [1, 2, 2, 4, 1, 2],
    })
    return schema, df


def unique_values_case() -> tuple[Any, pl.DataFrame]:
    # Separate from sets_case: pandera 0.35 cannot build its failure table when a scalar
    # (whole-column) failure and row failures are mixed (polars SchemaError on vstack).
    schema = pa.DataFrameSchema({
        "n": pa.Column(pl.Int64, pa.Check.unique_values_eq([1, 2, 3])),
        "m": pa.Column(str, pa.Check.unique_values_eq(["x", "y"]), nullable=True),
        "k": pa.Column(str, pa.Check.unique_values_eq(["x", "y", "z"]), nullable=True),
    })
    df = pl.DataFrame({"n": [1, 2, 2, 4], "m": ["x", "y", None, "x"], "k": ["x", "y", None, "x"]})
    return schema, df


def strings_case() -> tuple[Any, pl.DataFrame]:
    schema = pa.DataFrameSchema({
        "s": pa.Column(str, [pa.Check.str_matches(r"[a-z]+\d"), pa.Check.str_contains(r"\d$"),
                             pa.Check.str_startswith("ab"), pa.Check.str_endswith("1"),
                             pa.Check.str_length(2, 4)], nullable=True),
        "t": pa.Column(str, [pa.Check.str_length(exact_value=3), pa.Check.str_length(max_value=2),
                             pa.Check.str_matches(r"^x")]),
    })
    df = pl.DataFrame({
        "s": ["ab1", "xab1", "ab", None, "abcde1", "1ab1", "Ab1"],
        "t": ["xyz", "xy", "abc", "x", "xyzw", "", None],
    })
    return schema, df


def properties_case() -> tuple[Any, pl.DataFrame]:
    schema = pa.DataFrameSchema({
        "id": pa.Column(pl.Int64, unique=True),
        "name": pa.Column(str, unique=True, nullable=True),
        "score": pa.Column(pl.Float64, pa.Check.ge(0)),          # data is Int64: dtype failure
        "when": pa.Column(pl.Datetime("us"), pa.Check.ge(dt.datetime(2020, 1, 1))),
        "missing": pa.Column(pl.Int64),                          # not in the data
        "maybe": pa.Column(pl.Int64, required=False),            # optional, absent: no failure
    }, strict=True)
    df = pl.DataFrame({
        "id": [1, 2, 2, 3, None],
        "name": ["a", None, "b", None, "a"],
        "score": [1, -2, 3, 4, 5],
        "when": [dt.datetime(2019, 5, 1), dt.datetime(2021, 1, 1), None,
                 dt.datetime(2020, 1, 1), dt.datetime(2022, 2, 2)],
        "extra": [0, 0, 0, 0, 0],
    })
    return schema, df


def frame_case() -> tuple[Any, pl.DataFrame]:
    schema = pa.DataFrameSchema(
        {"a": pa.Column(pl.Int64, nullable=True), "b": pa.Column(pl.Int64, nullable=True),
         "c": pa.Column(str)},
        unique=["a", "b"], ordered=True)
    df = pl.DataFrame({"a": [1, 1, 2, None, None, 1], "b": [1, 1, 2, 3, 3, 2],
                       "c": ["x", "y", "z", "w", "v", "u"]}).select("a", "c", "b")
    return schema, df


def frame_builtin_case() -> tuple[Any, pl.DataFrame]:
    schema = pa.DataFrameSchema(
        {"a": pa.Column(pl.Int64, nullable=True), "b": pa.Column(pl.Int64, nullable=True)},
        checks=[pa.Check.ge(0), pa.Check.le(5, ignore_na=False)])
    df = pl.DataFrame({"a": [1, -1, 2, None, 7, 0], "b": [1, 1, -2, 3, 1, None]})
    return schema, df


CASES = {"numeric": numeric_case, "sets": sets_case, "strings": strings_case, "unique_values": unique_values_case,
         "properties": properties_case, "frame": frame_case, "frame_builtin": frame_builtin_case}


@pytest.mark.parametrize("case", sorted(CASES))
def test_yaml_schema_matches_pandera(case: str, tmp_path: Path, run_on: Runner) -> None:
    schema, df = CASES[case]()
    expected = pandera_failures(schema, df)
    assert expected, "the case must make pandera fail"
    assert dataqa_failures(via_yaml(schema, tmp_path), df, tmp_path, run=run_on) == expected


def test_properties_case_reports_what_a_user_expects(tmp_path: Path, run_on: Runner) -> None:
    """The exact set, spelled out once (so the parity test cannot pass by both being empty)."""
    schema, df = properties_case()
    assert dataqa_failures(via_yaml(schema, tmp_path), df, tmp_path, run=run_on) == {
        ("id", "field_uniqueness", 1), ("id", "field_uniqueness", 2),
        ("id", "not_nullable", 4),
        ("name", "field_uniqueness", 0), ("name", "field_uniqueness", 4),
        ("name", "field_uniqueness", 1), ("name", "field_uniqueness", 3),
        ("score", "dtype", None), ("score", "greater_than_or_equal_to", 1),
        ("when", "not_nullable", 2), ("when", "greater_than_or_equal_to", 0),
        ("missing", "column_in_dataframe", None), ("extra", "column_in_schema", None),
    }


MODEL_SOURCE = '''
import polars as pl
import pandera.polars as pa


class Orders(pa.DataFrameModel):
    order_id: int = pa.Field(unique=True, ge=1)
    qty: int = pa.Field(in_range={"min_value": 1, "max_value": 100})
    sku: str = pa.Field(str_matches=r"SKU-\\d{3}", nullable=True)
    note: str = pa.Field(nullable=True, str_length={"max_value": 5})

    class Config:
        strict = True
        unique = ["sku", "qty"]

    @pa.check("qty")
    def qty_even(cls, data):
        return data.lazyframe.select(pl.col(data.key) % 2 == 0)

    @pa.dataframe_check
    def note_when_big(cls, data):
        return data.lazyframe.select((pl.col("qty") < 50) | pl.col("note").is_not_null())
'''


def test_dataframe_model_module_matches_pandera(tmp_path: Path) -> None:
    src = tmp_path / "orders_model.py"
    src.write_text(MODEL_SOURCE)
    suite = load_pandera_module(src)
    import importlib.util

    spec = importlib.util.spec_from_file_location("orders_model_ref", src)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    df = pl.DataFrame({
        "order_id": [1, 2, 2, 0, 5],
        "qty": [2, 3, 60, 2, 200],
        "sku": ["SKU-001", "SKU-01", None, "SKU-001", "xSKU-123"],
        "note": [None, "toolong", "ok", "fine", None],
    })
    expected = pandera_failures(mod.Orders, df)
    got = dataqa_failures(suite, df, tmp_path)
    assert got == expected
    assert ("qty", "qty_even", 1) in got and (None, "note_when_big", 4) in got


def test_schema_object_module_matches_pandera(tmp_path: Path, run_on: Runner) -> None:
    schema, df = numeric_case()
    src = tmp_path / "numeric_schema.py"
    src.write_text(polars_io.to_script(schema))
    assert dataqa_failures(load_pandera_module(src), df, tmp_path, run=run_on) == pandera_failures(schema, df)


def test_shipped_sample_schema_matches_pandera(tmp_path: Path, run_on: Runner) -> None:
    root = Path(__file__).resolve().parent.parent
    schema_path = root / "expectations" / "diamonds.pandera.yaml"
    df = pl.read_csv(root / "sample_data" / "diamonds_dirty.csv", infer_schema_length=10_000)
    expected = pandera_failures(polars_io.from_yaml(schema_path), df)
    assert len(expected) > 50
    assert dataqa_failures(load_pandera_yaml(schema_path), df, tmp_path, run=run_on) == expected


# --- property: random frames, one fixed schema -------------------------------------------------
PROPERTY_SCHEMA = pa.DataFrameSchema({
    "n": pa.Column(pl.Int64, [pa.Check.ge(-5), pa.Check.le(5), pa.Check.ne(0)], unique=True,
                   nullable=True),
    "s": pa.Column(str, [pa.Check.isin(["a", "ab", "b", "ba"]), pa.Check.str_matches("a"),
                         pa.Check.str_length(max_value=1)]),
})


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(-8, 8)),
                          st.one_of(st.none(), st.text("abc", max_size=3))),
                min_size=1, max_size=12))
def test_random_frames_match_pandera(tmp_path: Path, run_on: Runner, rows: list[tuple[Any, Any]]) -> None:
    df = pl.DataFrame(rows, schema={"n": pl.Int64, "s": pl.String}, orient="row")
    if "property" not in SUITES:
        SUITES["property"] = via_yaml(PROPERTY_SCHEMA, tmp_path)
    suite = SUITES["property"]
    assert dataqa_failures(suite, df, tmp_path, run=run_on) == pandera_failures(PROPERTY_SCHEMA, df)


SUITES: dict[str, Suite] = {}


def test_shipped_example_model_matches_pandera(tmp_path: Path) -> None:
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    src = root / "expectations" / "examples" / "diamonds_model.py"
    spec = importlib.util.spec_from_file_location("diamonds_model_ref", src)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    df = pl.read_csv(root / "sample_data" / "diamonds_dirty.csv", infer_schema_length=10_000)
    expected = pandera_failures(mod.Diamonds, df)
    assert any(check == "depth_matches_dimensions" for _, check, _ in expected)
    assert dataqa_failures(load_pandera_module(src), df, tmp_path) == expected


# --- pandas API: where pandera's pandas backend differs, a pandas schema follows it -------------
def pandas_failures(schema: Any, df: pl.DataFrame) -> set[Failure]:
    """pandera's pandas backend on ``df.to_pandas()`` (row index = position)."""
    from pandera.errors import SchemaErrors

    try:
        schema.validate(df.to_pandas(), lazy=True)
    except SchemaErrors as exc:
        records = exc.failure_cases.to_dict("records")
    else:
        return set()
    out: set[Failure] = set()
    for r in records:
        check = str(r["check"]).split("(")[0]
        column = r["column"] if r["schema_context"] == "Column" else (
            r["failure_case"] if check in _COLUMN_ERRORS else None)
        index = None if r["index"] is None or r["index"] != r["index"] else int(r["index"])
        out.add((column, check, index))
    return out


def test_pandas_api_schema_matches_pandera_pandas(tmp_path: Path, run_on: Runner) -> None:
    """NaN counts as missing (value checks skip it), nulls are never duplicates, and
    report_duplicates is honoured: the pandas backend's rules, not the polars backend's."""
    import pandera.pandas as ppa
    from pandera.io import pandas_io

    schema = ppa.DataFrameSchema({
        "n": ppa.Column(int, [ppa.Check.ge(0), ppa.Check.isin([0, 1, 2, 5])], unique=True,
                        report_duplicates="exclude_first"),
        "f": ppa.Column(float, [ppa.Check.le(1.0), ppa.Check.ge(0.0, ignore_na=False)],
                        nullable=True, unique=True),
        "s": ppa.Column(str, [ppa.Check.str_matches("a"), ppa.Check.str_length(1, 2)],
                        nullable=True, unique=True),
        "i": ppa.Column(int),
    }, unique=["n", "s"])
    df = pl.DataFrame({"n": [0, 1, -1, 5, 5, 7, 5], "f": [0.5, NAN, None, 2.0, 0.5, NAN, 0.1],
                       "s": ["a", "ba", None, "abc", None, "a", "ab"],
                       "i": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})
    (tmp_path / "pd.yaml").write_text(pandas_io.to_yaml(schema))
    expected = pandas_failures(schema, df)
    assert ("f", "greater_than_or_equal_to", 1) in expected       # NaN fails ignore_na=False
    assert ("n", "field_uniqueness", 3) not in expected           # exclude_first
    assert dataqa_failures(load_pandera_yaml(tmp_path / "pd.yaml"), df, tmp_path, run=run_on) == expected


FLOAT_SCHEMA = pa.DataFrameSchema({
    "x": pa.Column(pl.Float64, [pa.Check.in_range(-1.0, 1.0, include_max=False),
                                pa.Check.gt(-0.5, ignore_na=False)], nullable=False),
    "y": pa.Column(pl.Float64, [pa.Check.le(0.0), pa.Check.isin([0.0, -1.0])], nullable=True,
                   unique=True),
})


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(*[st.one_of(st.none(), st.just(NAN), st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0]),
                                      st.floats(-2, 2, allow_nan=False))] * 2),
                min_size=1, max_size=12))
def test_random_float_frames_with_nan_match_pandera(tmp_path: Path, run_on: Runner,
                                                    rows: list[tuple[Any, Any]]) -> None:
    """NaN is a value for checks (polars orders it above every number) but a null for
    nullable; both engines must agree on every row."""
    df = pl.DataFrame(rows, schema={"x": pl.Float64, "y": pl.Float64}, orient="row")
    if "float" not in SUITES:
        SUITES["float"] = via_yaml(FLOAT_SCHEMA, tmp_path)
    assert dataqa_failures(SUITES["float"], df, tmp_path, run=run_on) == pandera_failures(FLOAT_SCHEMA, df)
