"""The Great Expectations expectation types dataqa runs natively, declared once, engine-neutral.

Each declaration is a stub: its signature is the expectation's kwargs (GX's names and defaults),
its ``validate`` the pure argument check run at parse time. The implementations live per backend
(``validation/backends/<engine>/checks/``). GX semantics (nulls not evaluated, ``mostly`` over the
non-null rows, string bounds on dates parsed with dateutil) are the implementations' contract.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from dataqa.validation.checks import arguments as A
from dataqa.validation.registry import declare


@declare('expect_column_values_to_not_be_null', error='values of {column} must not be null')
def not_null(column: str) -> None:
    """Every row's value is present; nulls are the failures (so every row is evaluated)."""


@declare('expect_column_values_to_be_null', error='values of {column} must be null')
def be_null(column: str) -> None:
    """Every row's value is null."""


@declare('expect_column_values_to_be_between', error='{column} between {min_value} and {max_value}', validate=A.bounds)
def between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """``min_value <= value <= max_value`` (``<`` when strict); a missing bound is open.
String bounds on a date/datetime column are parsed as dates (as GX does on pandas)."""


@declare('expect_column_values_to_be_in_set', error='{column} in {value_set}')
def in_set(column: str, value_set: Sequence[Any] | None = None) -> None:
    """Each value is one of ``value_set`` (``None``: vacuously true)."""


@declare('expect_column_values_to_not_be_in_set', error='{column} not in {value_set}', validate=A.forbidden_set)
def not_in_set(column: str, value_set: Sequence[Any] | None = None) -> None:
    """No value is one of ``value_set`` (required: GX raises without it)."""


@declare('expect_column_values_to_be_unique', error='values of {column} must be unique')
def unique(column: str) -> None:
    """No non-null value occurs twice; every member of a duplicate group fails (as in GX)."""


@declare('expect_column_value_lengths_to_be_between', error='length of {column} between {min_value} and {max_value}', validate=A.length_bounds)
def value_lengths_between(column: str, min_value: int | None = None, max_value: int | None = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """String length within bounds (characters, like Python ``len``)."""


@declare('expect_column_value_lengths_to_equal', error='length of {column} equals {value}', validate=A.length_value)
def value_lengths_equal(column: str, value: int) -> None:
    """String length equals ``value``."""


@declare('expect_column_values_to_be_increasing', error='{column} increasing')
def increasing(column: str, strictly: bool | None = None) -> None:
    """Each non-null value is >= (``strictly``: >) the previous non-null value."""


@declare('expect_column_values_to_be_decreasing', error='{column} decreasing')
def decreasing(column: str, strictly: bool | None = None) -> None:
    """Each non-null value is <= (``strictly``: <) the previous non-null value."""


@declare('expect_column_min_to_be_between', kind="aggregate", error='min of {column} between {min_value} and {max_value}')
def column_min_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's min (nulls ignored) is between the bounds."""


@declare('expect_column_max_to_be_between', kind="aggregate", error='max of {column} between {min_value} and {max_value}')
def column_max_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's max (nulls ignored) is between the bounds."""


@declare('expect_column_mean_to_be_between', kind="aggregate", error='mean of {column} between {min_value} and {max_value}')
def column_mean_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's mean (nulls ignored) is between the bounds."""


@declare('expect_column_median_to_be_between', kind="aggregate", error='median of {column} between {min_value} and {max_value}')
def column_median_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's median (nulls ignored) is between the bounds."""


@declare('expect_column_sum_to_be_between', kind="aggregate", error='sum of {column} between {min_value} and {max_value}')
def column_sum_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's sum (nulls ignored) is between the bounds."""


@declare('expect_column_stdev_to_be_between', kind="aggregate", error='stdev of {column} between {min_value} and {max_value}')
def column_stdev_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's stdev (nulls ignored) is between the bounds."""


@declare('expect_column_unique_value_count_to_be_between', kind="aggregate", error='unique value count of {column} between {min_value} and {max_value}')
def column_unique_value_count_between(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column's unique value count (nulls ignored) is between the bounds."""


@declare('expect_column_proportion_of_unique_values_to_be_between', kind="aggregate", error='share of distinct values of {column} between {min_value} and {max_value}')
def proportion_unique(column: str, min_value: Any = None, max_value: Any = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """Distinct non-null values / non-null values (0 for an all-null column, as in GX)."""


@declare('expect_column_quantile_values_to_be_between', kind="aggregate", error='quantiles of {column} within {quantile_ranges}', validate=A.quantile_ranges)
def quantiles_between(column: str, quantile_ranges: Mapping[str, Sequence[Any]], allow_relative_error: bool | str = False) -> None:
    """Each requested quantile within its range (pandas' ``nearest`` interpolation by default)."""


@declare('expect_column_distinct_values_to_be_in_set', kind="aggregate", error='distinct values of {column} in {value_set}')
def distinct_in_set(column: str, value_set: Sequence[Any] | None) -> None:
    """Every distinct non-null value is in ``value_set``; offending rows are reported."""


@declare('expect_column_distinct_values_to_contain_set', kind="aggregate", error='distinct values of {column} contain {value_set}')
def distinct_contain_set(column: str, value_set: Sequence[Any] | None) -> None:
    """Every member of ``value_set`` occurs in the column."""


@declare('expect_column_distinct_values_to_equal_set', kind="aggregate", error='distinct values of {column} equal {value_set}')
def distinct_equal_set(column: str, value_set: Sequence[Any] | None) -> None:
    """The distinct non-null values are exactly ``value_set``."""


@declare('expect_column_most_common_value_to_be_in_set', kind="aggregate", error='most common value of {column} in {value_set}')
def most_common_in_set(column: str, value_set: Sequence[Any] | None, ties_okay: bool | None = None) -> None:
    """The mode (nulls ignored) is in ``value_set``. A tie for the mode fails unless
``ties_okay``, in which case one tied mode in the set is enough (as in GX)."""


@declare('expect_column_pair_values_a_to_be_greater_than_b', error='{column_A} > {column_B}', validate=A.pair_ignore)
def a_greater_than_b(column_A: str, column_B: str, or_equal: bool | None = None, ignore_row_if: str = 'both_values_are_missing') -> None:
    """``column_A > column_B`` (``>=`` with ``or_equal``); a missing side fails."""


@declare('expect_column_pair_values_to_be_equal', error='{column_A} == {column_B}', validate=A.pair_ignore)
def pair_equal(column_A: str, column_B: str, ignore_row_if: str = 'both_values_are_missing') -> None:
    """``column_A == column_B``; a missing side fails."""


@declare('expect_column_pair_values_to_be_in_set', error='({column_A}, {column_B}) in {value_pairs_set}', validate=A.pair_set)
def pair_in_set(column_A: str, column_B: str, value_pairs_set: Sequence[Sequence[Any]] | None = None, ignore_row_if: str = 'both_values_are_missing') -> None:
    """The pair ``(column_A, column_B)`` is one of ``value_pairs_set`` (None matches null)."""


@declare('expect_multicolumn_sum_to_equal', error='sum of {column_list} equals {sum_total}', validate=A.column_list)
def multicolumn_sum_equal(column_list: Sequence[str], sum_total: float, ignore_row_if: str = 'all_values_are_missing') -> None:
    """The row-wise sum equals ``sum_total``; a missing value makes the sum missing (fails)."""


@declare('expect_compound_columns_to_be_unique', error='{column_list} unique together', validate=A.column_list)
def compound_columns_unique(column_list: Sequence[str], ignore_row_if: str = 'all_values_are_missing') -> None:
    """No two evaluated rows share the same combination of values (missing equals missing)."""


@declare('expect_select_column_values_to_be_unique_within_record', error='values of {column_list} differ within each row', validate=A.column_list)
def unique_within_record(column_list: Sequence[str], ignore_row_if: str = 'all_values_are_missing') -> None:
    """All values of a row differ from each other (two missing values count as equal)."""


@declare('expect_column_values_to_match_regex', error='{column} matches {regex}', validate=A.regex)
def match_regex(column: str, regex: str) -> None:
    """Each value contains a match of ``regex``."""


@declare('expect_column_values_to_not_match_regex', error='{column} does not match {regex}', validate=A.regex)
def not_match_regex(column: str, regex: str) -> None:
    """No value contains a match of ``regex``."""


@declare('expect_column_values_to_match_regex_list', error='{column} matches {regex_list}', validate=A.regex_list)
def match_regex_list(column: str, regex_list: Sequence[str], match_on: str = 'any') -> None:
    """Each value matches any (``match_on="any"``) or all of the regexes."""


@declare('expect_column_values_to_not_match_regex_list', error='{column} matches none of {regex_list}', validate=A.regex_list)
def not_match_regex_list(column: str, regex_list: Sequence[str]) -> None:
    """No value matches any of the regexes."""


@declare('expect_column_values_to_be_json_parseable', error='{column} is JSON')
def json_parseable(column: str) -> None:
    """Each value is a string that parses with ``json.loads`` (GX: a non-string value fails)."""


@declare('expect_column_values_to_match_strftime_format', error='{column} matches {strftime_format}', validate=A.strftime_format)
def match_strftime_format(column: str, strftime_format: str) -> None:
    """Each value parses with ``datetime.strptime(value, strftime_format)``."""


@declare('expect_column_values_to_be_dateutil_parseable', error='{column} is a date')
def dateutil_parseable(column: str) -> None:
    """Each value parses with ``dateutil.parser.parse``."""


@declare('expect_table_row_count_to_equal', kind="table", error='row count equals {value}', validate=A.table_count_equal)
def row_count_equal(value: int) -> None:
    """The table has exactly ``value`` rows."""


@declare('expect_table_row_count_to_be_between', kind="table", error='row count between {min_value} and {max_value}', validate=A.row_count_between)
def row_count_between(min_value: int | None = None, max_value: int | None = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The row count is within the bounds (a missing bound is open)."""


@declare('expect_table_column_count_to_equal', kind="table", error='column count equals {value}', validate=A.table_count_equal)
def column_count_equal(value: int) -> None:
    """The table has exactly ``value`` columns."""


@declare('expect_table_column_count_to_be_between', kind="table", error='column count between {min_value} and {max_value}', validate=A.column_count_between)
def column_count_between(min_value: int | None = None, max_value: int | None = None, strict_min: bool = False, strict_max: bool = False) -> None:
    """The column count is within the bounds."""


@declare('expect_table_columns_to_match_set', kind="table", error='columns are {column_set}')
def columns_match_set(column_set: Sequence[str] | None = None, exact_match: bool | None = True) -> None:
    """The column names equal ``column_set`` (any order); with ``exact_match=False`` the set
only has to be contained in the columns."""


@declare('expect_table_columns_to_match_ordered_list', kind="table", error='columns are, in order, {column_list}')
def columns_match_ordered_list(column_list: Sequence[str] | None = None) -> None:
    """The column names, in order, equal ``column_list``."""


@declare('expect_column_to_exist', kind="table", error='column {column} exists')
def column_to_exist(column: str, column_index: int | None = None) -> None:
    """``column`` is in the table (at position ``column_index`` when given)."""


@declare('expect_column_values_to_be_of_type', kind="table", error='{column} is of type {type_}')
def of_type(column: str, type_: str | None, mostly: float | None = None) -> None:
    """The column's dtype is ``type_``."""


@declare('expect_column_values_to_be_in_type_list', kind="table", error='{column} is one of the types {type_list}')
def in_type_list(column: str, type_list: Sequence[str] | None, mostly: float | None = None) -> None:
    """The column's dtype is one of ``type_list``."""

