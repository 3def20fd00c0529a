"""GX string expectations: regexes (single and list), JSON / strftime / dateutil parseability.

Regexes are unanchored (``re.search``), as in GX, and run natively in polars; a pattern that
uses Python-only syntax (look-arounds, back-references) runs with ``re`` over the UNIQUE values.
Parseability checks without a polars equivalent also run over unique values only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import polars as pl

from dataqa.validation.backends.polars.checks.gx_util import python_predicate
from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.checks.arguments import strftime_format as _validate_format
from dataqa.validation.checks.evaluators import dateutil_parses, is_json, strptime_parses
from dataqa.validation.registry import MapResult


@lru_cache(maxsize=256)
def _polars_understands(regex: str) -> bool:
    try:
        pl.select(pl.lit("").str.contains(regex))
        return True
    except Exception:
        return False


def regex_expr(column: str, regex: str) -> pl.Expr:
    """Row-wise ``re.search(regex, str(value)) is not None``."""
    if not isinstance(regex, str):
        raise ValueError(f"regex must be a string, got {regex!r}")
    col = pl.col(column).cast(pl.String)
    if _polars_understands(regex):
        return col.str.contains(regex)
    compiled = re.compile(regex)  # raises re.error for a pattern Python rejects too
    return python_predicate(col, lambda v: compiled.search(v) is not None)


def _regexes(regex_list: Sequence[str]) -> list[str]:
    if isinstance(regex_list, str) or not regex_list:
        raise ValueError("regex_list must be a non-empty list of regexes")
    return list(regex_list)


@polars_check("expect_column_values_to_match_regex")
def match_regex(column: str, regex: str) -> MapResult:
    """Each value contains a match of ``regex``."""
    return MapResult(valid=regex_expr(column, regex))


@polars_check("expect_column_values_to_not_match_regex")
def not_match_regex(column: str, regex: str) -> MapResult:
    """No value contains a match of ``regex``."""
    return MapResult(valid=regex_expr(column, regex).not_())


@polars_check("expect_column_values_to_match_regex_list")
def match_regex_list(column: str, regex_list: Sequence[str], match_on: str = "any") -> MapResult:
    """Each value matches any (``match_on="any"``) or all of the regexes."""
    exprs = [regex_expr(column, r) for r in _regexes(regex_list)]
    if match_on == "any":
        return MapResult(valid=pl.any_horizontal(exprs))
    if match_on == "all":
        return MapResult(valid=pl.all_horizontal(exprs))
    raise ValueError("match_on must be either 'any' or 'all'")


@polars_check("expect_column_values_to_not_match_regex_list")
def not_match_regex_list(column: str, regex_list: Sequence[str]) -> MapResult:
    """No value matches any of the regexes."""
    exprs = [regex_expr(column, r) for r in _regexes(regex_list)]
    return MapResult(valid=pl.any_horizontal(exprs).not_())


def _require_string(column: str, schema: pl.Schema | None, name: str) -> None:
    dtype = schema.get(column) if schema is not None else None
    if dtype is not None and dtype not in (pl.String, pl.Null) and not isinstance(dtype, (pl.Categorical, pl.Enum)):
        raise TypeError(f"values passed to {name} must be of type string; column '{column}' is "
                        f"{dtype}: check the column before converting it from string format")


@polars_check("expect_column_values_to_be_json_parseable")
def json_parseable(column: str, schema: pl.Schema | None = None) -> MapResult:
    """Each value is a string that parses with ``json.loads`` (GX: a non-string value fails)."""
    dtype = schema.get(column) if schema is not None else None
    if dtype is not None and not isinstance(dtype, (pl.String, pl.Categorical, pl.Enum, pl.Null)):
        return MapResult(valid=pl.lit(False))
    return MapResult(valid=python_predicate(pl.col(column).cast(pl.String), is_json))


@polars_check("expect_column_values_to_match_strftime_format")
def match_strftime_format(column: str, strftime_format: str,
                          schema: pl.Schema | None = None) -> MapResult:
    """Each value parses with ``datetime.strptime(value, strftime_format)``."""
    _validate_format({"strftime_format": strftime_format})
    _require_string(column, schema, "expect_column_values_to_match_strftime_format")
    parses = strptime_parses(strftime_format)

    def batch(s: pl.Series) -> pl.Series:
        s = s.cast(pl.String)
        fast = _strftime_fast(s, strftime_format)
        rest = s.filter(~fast & s.is_not_null()).unique()
        ok = fast
        if rest.len():
            answers = pl.Series([parses(v) for v in rest.to_list()], dtype=pl.Boolean)
            ok = fast | s.replace_strict(rest, answers, default=False, return_dtype=pl.Boolean)
        return ok.set(s.is_null(), None)

    return MapResult(valid=pl.col(column).map_batches(batch, return_dtype=pl.Boolean))


def _strftime_fast(s: pl.Series, fmt: str) -> pl.Series:
    """Values polars parses with ``fmt`` AND that print back identically (so they are in the
    canonical form Python's ``strptime`` accepts; years 1-9999 as Python's ``%Y`` needs): these
    need no Python call. Everything else goes through ``datetime.strptime``."""
    try:
        parsed = s.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True)
        fast = (parsed.dt.strftime(fmt) == s) & parsed.dt.year().is_between(1, 9999)
        return fast.fill_null(False)
    except Exception:
        return pl.Series(s.name, [False] * s.len(), dtype=pl.Boolean)


#: Formats dateutil certainly accepts: values they parse need no Python call.
_FAST_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f",
                 "%Y-%m-%dT%H:%M:%S%.f", "%Y/%m/%d", "%Y%m%d")


def _dateutil_batch(s: pl.Series) -> pl.Series:
    # Vectorised first: values in a common ISO-like format are parseable without Python;
    # only the remaining distinct values go through dateutil.
    s = s.cast(pl.String)
    parsed = pl.select(pl.coalesce([s.str.strptime(pl.Datetime("us"), f, strict=False, exact=True)
                                    for f in _FAST_FORMATS])).to_series()
    # dateutil's years are 1-9999 and unsigned; chrono would also take "+2020" or more digits
    fast = (parsed.is_not_null() & parsed.dt.year().is_between(1, 9999)
            & s.str.contains(r"^\d{4}")).fill_null(False)
    rest = s.filter(~fast & s.is_not_null()).unique()
    ok = fast.clone()
    if rest.len():
        answers = pl.Series([dateutil_parses(v) for v in rest.to_list()], dtype=pl.Boolean)
        slow = s.replace_strict(rest, answers, default=False, return_dtype=pl.Boolean)
        ok = fast | slow
    return ok.set(s.is_null(), None)


@polars_check("expect_column_values_to_be_dateutil_parseable")
def dateutil_parseable(column: str, schema: pl.Schema | None = None) -> MapResult:
    """Each value parses with ``dateutil.parser.parse``."""
    _require_string(column, schema, "expect_column_values_to_be_dateutil_parseable")
    return MapResult(valid=pl.col(column).map_batches(_dateutil_batch, return_dtype=pl.Boolean))
