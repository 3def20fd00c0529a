"""CSV files for people: the spreadsheet formula escape, defined once in :mod:`dataqa.csvsafe`."""

from __future__ import annotations

from dataqa.csvsafe import FORMULA_TRIGGERS, neutralise_formulas, restore_formula_text, write_safe_csv

__all__ = ["FORMULA_TRIGGERS", "neutralise_formulas", "restore_formula_text", "write_safe_csv"]
