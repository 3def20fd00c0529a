"""pandera ``Check`` objects that are arbitrary Python (``@pa.check`` methods, lambdas).

These cannot be compiled to a polars expression, so they run as ``external`` checks: pandera's
own polars check backend evaluates them on just the columns they read (a second pass over
those columns, with a note in the report). Checks dataqa knows by name never come here.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dataqa.validation.backends.polars.checks.implement import polars_check
from dataqa.validation.checks.pandera_checks import remembered_check
from dataqa.validation.registry import IDX, ROW_ID, ExternalOutcome


@polars_check("pandera.python_check")
def python_check(frame: pl.DataFrame, check_ref: str, check_name: str = "",
                 column: str | None = None) -> Any:
    """Evaluate a pandera polars ``Check`` with pandera on ``frame`` (index + the columns)."""
    check = remembered_check(check_ref)
    data = frame.drop(IDX, ROW_ID).lazy()
    result = check(data, column)  # pandera's PolarsCheckBackend applies ignore_na itself
    if result.failure_cases is None:  # the check returned one bool for the whole frame
        ok = bool(result.check_passed.collect().item())
        return ExternalOutcome(success=ok, observed_value=ok,
                               note="pandera Python check run by pandera (not compiled)")
    passed = result.check_output.collect().to_series(0)
    bad = frame.get_column(IDX).filter(~passed)
    return ExternalOutcome(success=bad.len() == 0, evaluated_count=frame.height,
                           unexpected_count=bad.len(), unexpected_index=bad.to_list(),
                           note="pandera Python check run by pandera (not compiled)")
