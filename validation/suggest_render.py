"""Render draft-suite rules as a GX 1.x suite (JSON dict) or a pandera YAML schema.

The pandera file is written by pandera itself (``DataFrameSchema.to_yaml``), so it is exactly
the format ``pandera.io.polars_io.from_yaml`` reads; pandera is imported only for that format
(about 1.5 s to import).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from dataqa.validation.suggest_model import ColumnRules

# Type names as GX reports them for pandas (what GX itself checks) and as polars names them
# (what dataqa's engine sees), so the draft passes on either engine.
_GX_TYPES: dict[str, list[str]] = {
    "int": ["int64", "int32", "int16", "int8", "Int64", "Int32", "Int16", "Int8"],
    "uint": ["uint64", "uint32", "uint16", "uint8", "UInt64", "UInt32", "UInt16", "UInt8"],
    "float": ["float64", "float32", "Float64", "Float32"],
    "bool": ["bool", "boolean", "Boolean"],
    "date": ["datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]", "Date",
             "object"],
}


def gx_type_list(dtype: str, has_nulls: bool) -> list[str] | None:
    """Accepted type names for a polars dtype string, or None when no family fits."""
    fam = ("uint" if dtype.startswith("UInt") else "int" if dtype.startswith("Int")
           else "float" if dtype.startswith("Float") or dtype.startswith("Decimal")
           else "bool" if dtype == "Boolean"
           else "date" if dtype.startswith(("Date", "Datetime")) else None)
    if fam is None:
        return None
    names = list(_GX_TYPES[fam])
    if fam == "date" and dtype.startswith("Datetime"):
        names.append(dtype)
    if fam in ("int", "uint") and has_nulls:
        names += ["float64"]  # pandas reads an integer column with nulls as float64
    return names


def _exp(type_: str, notes: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {"notes": notes}, "severity": "critical"}


def to_gx(rules: list[ColumnRules], name: str, source: str) -> dict[str, Any]:
    """A GX 1.x suite dict (``gx.ExpectationSuite(**d)`` loads it)."""
    exps: list[dict[str, Any]] = []
    for r in rules:
        c = r.name
        exps.append(_exp("expect_column_to_exist", "column present", column=c))
        types = gx_type_list(r.dtype, r.not_null_mostly is not None)
        # Text is left out: GX on pandas >= 3 matches no type name to its StringDtype, and the
        # set / regex / length expectations already pin text columns down.
        if types and not r.dtype.startswith(("String", "Categorical", "Enum")):
            exps.append(_exp("expect_column_values_to_be_in_type_list", f"profiled as {r.dtype}",
                             column=c, type_list=types))
        if not r.nullable:
            exps.append(_exp("expect_column_values_to_not_be_null", "no nulls when profiled",
                             column=c))
        elif r.not_null_mostly is not None and r.not_null_mostly > 0:
            exps.append(_exp("expect_column_values_to_not_be_null",
                             "some nulls when profiled: the observed share, minus slack",
                             column=c, mostly=r.not_null_mostly))
        if r.min_value is not None and r.max_value is not None:
            kw: dict[str, Any] = {"column": c, "min_value": r.min_value, "max_value": r.max_value}
            if r.strict_min:
                kw["strict_min"] = True
            exps.append(_exp("expect_column_values_to_be_between",
                             "observed range widened by a margin" +
                             ("; positive when profiled, so > 0" if r.strict_min else ""), **kw))
        if r.value_set is not None:
            exps.append(_exp("expect_column_values_to_be_in_set", "the observed categories",
                             column=c, value_set=r.value_set))
        if r.regex is not None:
            exps.append(_exp("expect_column_values_to_match_regex",
                             "every value had this shape when profiled", column=c, regex=r.regex))
        if r.length_min is not None and r.length_max is not None:
            exps.append(_exp("expect_column_value_lengths_to_be_between",
                             "observed value lengths", column=c, min_value=r.length_min,
                             max_value=r.length_max))
        if r.unique:
            exps.append(_exp("expect_column_values_to_be_unique", "id column", column=c))
    return {
        "name": name,
        "expectations": exps,
        "meta": {"notes": f"Draft suggested by `dataqa suggest` from a profile of {source}. "
                          "Review it: ranges carry a margin, sets list the observed values."},
    }


_SIMPLE = {n: getattr(pl, n) for n in (
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32",
    "Float64", "String", "Boolean", "Date", "Time", "Categorical")}
_DATETIME = re.compile(r"^Datetime\(time_unit='(ns|us|ms)', time_zone=(None|'([^']*)')\)$")


def polars_dtype(name: str) -> Any:
    """The polars dtype for a profile's dtype string, or None when it is not a simple type."""
    if name in _SIMPLE:
        return _SIMPLE[name]
    m = _DATETIME.match(name)
    if m:
        return pl.Datetime(m.group(1), m.group(3))  # type: ignore[arg-type]
    return None


def to_pandera(rules: list[ColumnRules], name: str, source: str) -> str:
    """Pandera (polars API) YAML text, serialised by pandera."""
    import pandera.polars as pa

    columns = {}
    for r in rules:
        checks = []
        if r.min_value is not None and r.max_value is not None:
            checks.append(pa.Check.in_range(r.min_value, r.max_value,
                                            include_min=not r.strict_min, include_max=True))
        if r.value_set is not None:
            checks.append(pa.Check.isin(r.value_set))
        if r.regex is not None:
            checks.append(pa.Check.str_matches(r.regex))
        if r.length_min is not None and r.length_max is not None:
            checks.append(pa.Check.str_length(r.length_min, r.length_max))
        columns[r.name] = pa.Column(polars_dtype(r.dtype), checks=checks or None,
                                    nullable=r.nullable, unique=r.unique)
    schema = pa.DataFrameSchema(
        columns, strict=True, name=name,
        description=f"Draft suggested by `dataqa suggest` from a profile of {source}; review it.")
    return str(schema.to_yaml())
