"""Draft a suite from a profile: a normal GX JSON or pandera YAML file that a user edits.

Rules (each one a line a reviewer can accept or delete):

* every column exists and keeps its type;
* a column without nulls must stay without nulls (one with a few nulls gets ``mostly``);
* numeric ranges are widened by ``RANGE_MARGIN`` of the observed span, then rounded outward to
  a readable step, never to the exact observed min/max; a column that was strictly positive
  stays strictly positive (a zero or negative price is a sign error, not a new extreme); a column
  that held NaN or infinities gets no range (a person decides whether they are allowed);
* low-cardinality text (at most ``SET_MAX`` values, each seen at least twice on average) gets its
  allowed set;
* short text whose values all share one shape (``DM-04630`` -> ``AA-99999``) gets a regex, and
  text gets its value-length range;
* the id column (configured, or else the one column that is unique, non-null and named like an
  id) must be unique.

Where things go: the format-neutral rule type is in ``suggest_model.py`` (the bottom), the
rendering to GX JSON / pandera YAML in ``suggest_render.py``, the rules themselves here (the top).
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any, Literal

from dataqa.errors import InputError
from dataqa.validation.profile_model import ColumnProfile, Profile
from dataqa.validation.suggest_model import ColumnRules
from dataqa.validation.suggest_render import to_gx, to_pandera

#: Ranges widen by this share of (max - min) on each side.
RANGE_MARGIN = 0.10
#: Text columns with at most this many distinct values get an allowed set.
SET_MAX = 20

Format = Literal["gx", "pandera"]

_ID_NAME = re.compile(r"(^|[_\-\s])(id|key|uuid|code)$|^id[_\-]", re.IGNORECASE)


def _step(span: float, integer: bool) -> float:
    if span <= 0:
        return 1.0
    step = 10.0 ** (math.floor(math.log10(span)) - 1)
    return max(step, 1.0) if integer else step


def margin_range(cp: ColumnProfile) -> tuple[float, float, bool]:
    """``(low, high, strict_low)``: the observed range widened and rounded outward.

    >>> from dataqa.validation.profile_model import ColumnProfile
    >>> cp = ColumnProfile("price", "Int64", "numeric", 5, 0, min=334.0, max=18759.0)
    >>> margin_range(cp)
    (0.0, 20700.0, True)
    """
    assert cp.min is not None and cp.max is not None
    lo, hi = float(cp.min), float(cp.max)
    integer = cp.dtype.startswith(("Int", "UInt"))
    # margin from the scaled ends: hi - lo itself overflows for values near the float limits
    span = RANGE_MARGIN * hi - RANGE_MARGIN * lo
    m = span if span > 0 else max(abs(lo) * RANGE_MARGIN, 1.0)
    step = _step(m, integer)
    low, high = _outward(lo - m, step, math.floor), _outward(hi + m, step, math.ceil)
    strict = False
    if lo > 0 and low <= 0:  # positive quantity: keep zero and negatives out
        low, strict = 0.0, True
    elif lo >= 0 > low:
        low = 0.0
    return _tidy(low), _tidy(high), strict


def _outward(v: float, step: float, rnd: Any) -> float:
    """``v`` rounded to a multiple of ``step`` (``rnd`` = floor or ceil), staying finite near
    the float limits, where the margin itself can overflow."""
    big = sys.float_info.max
    v = min(max(v, -big), big)
    try:
        out = float(rnd(v / step) * step)
    except OverflowError:
        return v
    return out if math.isfinite(out) else v


def _tidy(v: float) -> float:
    out = float(f"{v:.10g}")
    return out if math.isfinite(out) else v


def shape_regex(shape: str) -> str:
    """A regex for one value shape (``A`` upper, ``a`` lower, ``9`` digit, others literal).

    >>> shape_regex("AA-99999")
    '^[A-Z]{2}\\\\-[0-9]{5}$'
    """
    classes = {"A": "[A-Z]", "a": "[a-z]", "9": "[0-9]"}
    out = []
    for m in re.finditer(r"(.)\1*", shape):
        ch, n = m.group(1), len(m.group(0))
        token = classes.get(ch, re.escape(ch))
        out.append(token + (f"{{{n}}}" if n > 1 else ""))
    return "^" + "".join(out) + "$"


def pick_id_column(profile: Profile, id_column: str | None = None) -> str | None:
    """The configured id column, else the unique non-null column named like an id."""
    if id_column:
        if id_column not in profile:
            raise InputError(f"id column '{id_column}' is not in the data; columns are "
                             f"{', '.join(profile.names)}")
        return id_column
    unique = [c for c in profile.columns
              if profile.rows and c.null_count == 0 and c.distinct_exact
              and c.distinct == profile.rows and c.kind in ("string", "categorical", "numeric")
              and not c.dtype.startswith("Float")]
    named = [c.name for c in unique if _ID_NAME.search(c.name)]
    return named[0] if len(named) == 1 else None


def column_rules(profile: Profile, id_column: str | None = None) -> list[ColumnRules]:
    """The format-neutral rules of a draft suite, one entry per column in profile order."""
    id_col = pick_id_column(profile, id_column)
    rules = []
    for cp in profile.columns:
        r = ColumnRules(name=cp.name, dtype=cp.dtype)
        if cp.count and cp.non_null == 0:
            r.notes.append("all values null in the profiled data: only existence is asserted")
            rules.append(r)
            continue
        if cp.null_count == 0 and cp.count:
            r.nullable = False
        elif cp.count:
            # a few nulls are normal here: allow the observed share, minus a little slack
            r.not_null_mostly = math.floor((cp.non_null / cp.count) * 1000 - 5) / 1000
        if cp.nan_count or cp.inf_count:
            r.notes.append("NaN or infinite values when profiled: no range drafted")
        elif cp.kind == "numeric" and cp.min is not None and cp.max is not None:
            r.min_value, r.max_value, r.strict_min = margin_range(cp)
        if cp.kind in ("string", "categorical") and cp.frequencies is not None:
            n = len(cp.frequencies)
            if n <= SET_MAX and cp.non_null >= 2 * n:
                r.value_set = sorted(cp.frequencies)
        if cp.kind in ("string", "categorical") and r.value_set is None:
            if cp.patterns and len(cp.patterns) == 1 and cp.patterns[0][1] == cp.non_null:
                r.regex = shape_regex(cp.patterns[0][0])
            r.length_min, r.length_max = cp.length_min, cp.length_max
        if cp.name == id_col:
            r.unique = True
        rules.append(r)
    return rules


def suggest(profile: Profile, *, format: Format = "gx", id_column: str | None = None,
            name: str | None = None) -> str:
    """A draft suite as file text: GX JSON (``format="gx"``) or pandera YAML.

    Examples
    --------
    >>> import polars as pl
    >>> from dataqa.validation.profile import profile
    >>> text = suggest(profile(pl.DataFrame({"n": [1, 5, 9]})), format="gx")
    >>> [e["type"] for e in json.loads(text)["expectations"]][:3]
    ['expect_column_to_exist', 'expect_column_values_to_be_in_type_list', 'expect_column_values_to_not_be_null']
    """
    rules = column_rules(profile, id_column)
    name = name or f"draft_{_stem(profile.source)}"
    if format == "gx":
        return json.dumps(to_gx(rules, name, profile.source), indent=2) + "\n"
    if format == "pandera":
        return str(to_pandera(rules, name, profile.source))
    raise InputError(f"unknown suite format '{format}'; use gx or pandera")


def _stem(source: str) -> str:
    stem = re.sub(r"\W+", "_", source.rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip("_")
    return stem or "dataset"


__all__ = ["suggest", "column_rules", "ColumnRules", "margin_range", "shape_regex",
           "pick_id_column", "RANGE_MARGIN", "SET_MAX"]
