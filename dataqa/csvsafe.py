"""CSV files for people: neutralise values a spreadsheet would run as formulas.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and Google Sheets (CSV injection, OWASP). Such values get a leading ``'``,
which spreadsheets show as text. :func:`restore_formula_text` undoes it when dataqa reads its own
CSV back, so CSV round-trips; Parquet is always written as is.

In the dataqa core (below the changeset contract, Label Studio and the version store), because every
writer of a CSV for people and every reader of one needs the same rule.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

__all__ = ["FORMULA_TRIGGERS", "neutralise_formulas", "restore_formula_text", "write_safe_csv"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Values already starting with quotes before a trigger get one more, so that restoring is exact.
_TRIGGER_RE = "^'*[=+\\-@\t\r]"


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every text value that starts with a formula trigger prefixed by ``'``.

    Numbers stay numbers (a spreadsheet reads ``-3`` as a number, not a formula).

    Examples
    --------
    >>> neutralise_formulas(pl.DataFrame({"a": ["=1+1", "ok", "-x", None]}))["a"].to_list()
    ["'=1+1", 'ok', "'-x", None]
    """
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_TRIGGER_RE)).then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c)).alias(c)
        for c in text
    )


def restore_formula_text(df: pl.DataFrame) -> pl.DataFrame:
    """Undo :func:`neutralise_formulas` (drop the ``'`` before a trigger character)."""
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.when(pl.col(c).str.contains("^'+[=+\\-@\t\r]")).then(pl.col(c).str.slice(1))
        .otherwise(pl.col(c)).alias(c)
        for c in text
    )


def write_safe_csv(df: pl.DataFrame, path: str | Path) -> None:
    """Write ``df`` as CSV for people, formulas neutralised."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    neutralise_formulas(df).write_csv(path)
