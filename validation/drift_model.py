"""The drift result types, below ``drift.py`` and ``drift_schema.py`` (both build them).

Shared dataclasses live here so that the comparison and the schema check import one way; the
statistics are in ``drift_stats.py``, the thresholds' loading in ``drift.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["DriftOutcome", "DriftReport", "DriftResult", "Threshold"]

DriftOutcome = Literal["passed", "warning", "failed"]


@dataclass(frozen=True)
class Threshold:
    """Statistic above ``warning``: outcome warning; above ``failed``: outcome failed."""

    warning: float
    failed: float

    def outcome(self, value: float) -> DriftOutcome:
        """The outcome of a statistic value."""
        if value > self.failed:
            return "failed"
        return "warning" if value > self.warning else "passed"


@dataclass
class DriftResult:
    """One drift finding: a statistic, its threshold and outcome."""

    check: str
    column: str | None
    value: float | None
    outcome: DriftOutcome
    threshold: Threshold | None = None
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class DriftReport:
    """All drift results of one comparison, plus notes on what was not compared."""

    current: str
    reference: str
    results: list[DriftResult]
    notes: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> DriftOutcome:
        """Worst outcome."""
        outs = {r.outcome for r in self.results}
        return "failed" if "failed" in outs else "warning" if "warning" in outs else "passed"
