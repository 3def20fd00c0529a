"""Load GX's own test definitions (the conformance cases) and decide which apply to pandas.

Shared by the conformance test and ``probe_gx.py``. The definitions live in the ``shared`` folder
beside the repository clone (``../shared/conformance/gx_test_definitions``) or wherever the env
variable ``DATAQA_GX_CONFORMANCE`` points.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[2]


def locate_definitions() -> Path | None:
    """The definitions folder, or ``None`` when it is not on this machine."""
    env = os.environ.get("DATAQA_GX_CONFORMANCE")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "conformance" / "gx_test_definitions")
    for c in candidates:
        if c.is_dir() and any(c.glob("*/*.json")):
            return c
    return None


def iter_cases(root: Path) -> Iterator[dict[str, Any]]:
    """Every test of every dataset of every definition file, in a stable order."""
    for f in sorted(root.glob("*/*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if "expectation_type" not in d:
            continue
        for di, ds in enumerate(d["datasets"]):
            for ti, test in enumerate(ds["tests"]):
                yield {"expectation_type": d["expectation_type"], "file": f.name, "dataset": di,
                       "index": ti, "data": ds["data"], "schemas": ds.get("schemas") or {},
                       "dataset_only_for": ds.get("only_for"),
                       "dataset_suppress": ds.get("suppress_test_for") or [], "test": test}


def case_id(case: dict[str, Any]) -> str:
    """``file/dataset/test:title`` (the file is named after its expectation, except variants
    such as ``expect_column_values_to_be_between_tz_naive``): unique, readable, the pytest id."""
    return f"{case['file'].removesuffix('.json')}/{case['dataset']}/{case['index']}:{case['test']['title']}"


#: The names GX's definitions use for a backend in ``only_for`` (GX 1.x is the "v3 API"; modern
#: pandas satisfies "pandas>=024").
_ONLY_FOR_NAMES = {"pandas": {"pandas", "pandas>=024", "pandas_v3_api"}, "spark": {"spark"}}


def backend_skip_reason(case: dict[str, Any], backend: str) -> str | None:
    """Why GX's runner would not run this case on ``backend`` ("pandas" or "spark"; ``None``: it runs)."""
    test = case["test"]
    suppress = list(test.get("suppress_test_for") or []) + list(case["dataset_suppress"])
    if backend in suppress:
        return f"suppressed for {backend} in GX's definitions"
    for only in (test.get("only_for"), case["dataset_only_for"]):
        if only and not _ONLY_FOR_NAMES[backend] & set(only):
            return f"only for {', '.join(only)} in GX's definitions"
    if isinstance(test["in"], list):
        return "positional arguments (GX 0.x form)"
    return None


def pandas_skip_reason(case: dict[str, Any]) -> str | None:
    """Why GX's runner would not run this case on pandas (``None``: it runs)."""
    return backend_skip_reason(case, "pandas")


def expects_error(case: dict[str, Any]) -> bool:
    """The case expects GX to reject the configuration or raise."""
    test = case["test"]
    return "traceback_substring" in test["out"] or "error" in test


class Unrepresentable(Exception):
    """A case column that polars cannot hold as GX's pandas frame does (mixed Python types)."""


def _infer(values: list[Any]) -> Any:
    import polars as pl

    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pl.Null
    if kinds == {bool}:
        return pl.Boolean
    if kinds <= {int}:
        return pl.Int64
    if kinds <= {int, float}:
        return pl.Float64
    if kinds == {str}:
        return pl.String
    raise Unrepresentable(f"mixed Python types {sorted(k.__name__ for k in kinds)}")


def polars_column(name: str, values: list[Any], pandas_type: str | None) -> Any:
    """One column as GX's runner builds it on pandas (``df.astype(schema)``), in polars."""
    import polars as pl

    t = (pandas_type or "").lower()
    if t in ("", "object"):
        return pl.Series(name, values, dtype=_infer(values))
    if t in ("int", "int64", "int64dtype", "int32"):
        return pl.Series(name, values, dtype=pl.Int64, strict=False)
    if t in ("float", "float64", "float32"):
        return pl.Series(name, [None if v is None else float(v) for v in values], dtype=pl.Float64)
    if t in ("str", "string"):
        return pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String)
    if t == "bool":
        return pl.Series(name, values, dtype=pl.Boolean)
    if t in ("datetime64", "datetime64[ns]", "datetime", "timestamp", "datetime64[ns, tz]", "date"):
        s = pl.Series(name, values, dtype=pl.String).str.to_datetime(time_unit="ns", strict=True)
        if t in ("timestamp", "datetime64[ns, tz]"):
            s = s.dt.replace_time_zone("UTC") if s.dtype.time_zone is None else s.dt.convert_time_zone("UTC")  # type: ignore[union-attr]
        elif s.dtype.time_zone is not None:  # type: ignore[union-attr]
            s = s.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return s.dt.date() if t == "date" else s
    raise Unrepresentable(f"pandas dtype {pandas_type!r} has no mapping")


def build_frame(case: dict[str, Any], needed: list[str]) -> Any:
    """The case data as a polars DataFrame; ``Unrepresentable`` if a needed column can't be built.

    Columns the test does not use are built when possible and otherwise left out, except that
    table-level cases need every column (column counts, names).
    """
    import polars as pl

    schema = case["schemas"].get("pandas") or {}
    cols = []
    for name, values in case["data"].items():
        try:
            cols.append(polars_column(name, values, schema.get(name)))
        except (Unrepresentable, pl.exceptions.PolarsError, TypeError, ValueError, OverflowError) as exc:
            if name in needed or not needed:
                raise Unrepresentable(f"column {name!r}: {exc}") from None
    return pl.DataFrame(cols)


def spark_case_frame(spark: Any, case: dict[str, Any], position: str) -> Any:
    """The case data as GX's runner builds it on Spark (``schemas["spark"]``, values converted
    to the declared types; Spark's own inference without a schema), plus ``position`` (long):
    for cases GX's definitions hold only for Spark (their expected output is GX-on-Spark's)."""
    from decimal import Decimal

    from dateutil.parser import parse
    from pyspark.sql import types as T

    data = {k: list(v) for k, v in case["data"].items()}
    names = list(data)
    schema = case["schemas"].get("spark")
    rows = [(*row, i) for i, row in enumerate(zip(*data.values()))]
    if not schema:
        return spark.createDataFrame(rows, [*names, position])
    convert: dict[str, Any] = {"IntegerType": int, "LongType": int, "FloatType": float, "DoubleType": float,
                               "DecimalType": lambda v: Decimal(str(v)), "DateType": lambda v: parse(v).date(),
                               "TimestampType": parse}
    for name in names:
        fn = convert.get(schema.get(name, ""))
        if fn is not None:
            data[name] = [None if v is None else fn(v) for v in data[name]]
    rows = [(*row, i) for i, row in enumerate(zip(*data.values()))]
    struct = T.StructType([T.StructField(n, spark_type(schema.get(n, "StringType")), True) for n in names]
                          + [T.StructField(position, T.LongType(), False)])
    return spark.createDataFrame(rows, struct)


def spark_type(name: str) -> Any:
    """The Spark type a definition's ``schemas["spark"]`` names, as GX's runner makes it."""
    from pyspark.sql import types as T

    if name == "DecimalType":
        return T.DecimalType(38, 18)  # what GX's runner and Spark's inference of Decimal use
    return getattr(T, name)()
