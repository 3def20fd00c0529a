"""The result of comparing a report with a baseline report: new, still failing, fixed.

Plain dataclasses with their JSON form and nothing else, so that ``report.py`` (which carries a
comparison in ``SuiteReport.comparison``) and ``compare.py`` (which computes one) both sit above
this module. A check *closes the new-failures gate* when it fails now (outcome ``failed`` or
``error``) and either did not fail in the baseline (a newly failing check) or fails on rows
that did not fail there (new failing rows).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Outcomes that close a gate (``warning`` never closes the new-failures gate).
FAILING = ("failed", "error")


@dataclass(frozen=True)
class CheckDelta:
    """One check of the current report against the same check in the baseline.

    Attributes
    ----------
    index:
        Position of the check in the current report's ``checks``.
    label:
        The check's display name.
    outcome, baseline_outcome:
        Its outcome now and in the baseline.
    new_count, still_count, fixed_count:
        Failing rows now and not in the baseline; failing in both; failing in the baseline and
        not now (fixed, or no longer in the data). Counted over every failing row, not just
        the ones a report shows.
    new_rows, fixed_rows:
        The first row ids of each (in row-id order), at most ``ReportComparison.rows_shown``.
    """

    index: int
    label: str
    outcome: str
    baseline_outcome: str
    new_count: int = 0
    still_count: int = 0
    fixed_count: int = 0
    new_rows: list[Any] = field(default_factory=list)
    fixed_rows: list[Any] = field(default_factory=list)

    @property
    def newly_failing(self) -> bool:
        """Fails now and did not fail in the baseline."""
        return self.outcome in FAILING and self.baseline_outcome not in FAILING

    @property
    def closes_gate(self) -> bool:
        """Fails now, and newly so or on new rows."""
        return self.outcome in FAILING and (self.newly_failing or self.new_count > 0)

    @property
    def status(self) -> str:
        """One word for renderers: ``new``, ``still failing``, ``fixed`` or ``passing``."""
        if self.closes_gate:
            return "new"
        if self.outcome in FAILING or self.outcome == "warning":
            return "still failing"
        return "fixed" if self.baseline_outcome in FAILING or self.fixed_count else "passing"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, with the derived flags."""
        d = asdict(self)
        d.update(newly_failing=self.newly_failing, closes_gate=self.closes_gate, status=self.status)
        return d


@dataclass(frozen=True)
class ReportComparison:
    """Every check of a report against a baseline report of the same suites and dataset.

    Examples
    --------
    >>> cmp = ReportComparison("old.json", (CheckDelta(0, "c", "failed", "failed", new_count=0,
    ...                                                 still_count=3),))
    >>> cmp.gate_closed(), cmp.totals["still_failing"]
    (False, 3)
    """

    baseline: str
    checks: tuple[CheckDelta, ...]
    rows_shown: int = 20

    @property
    def totals(self) -> dict[str, int]:
        """New, still failing and fixed rows summed over checks; newly failing checks."""
        return {"new": sum(c.new_count for c in self.checks),
                "still_failing": sum(c.still_count for c in self.checks),
                "fixed": sum(c.fixed_count for c in self.checks),
                "newly_failing_checks": sum(c.newly_failing for c in self.checks)}

    def gate_closed(self) -> bool:
        """True when a check fails on new rows or newly fails (``--fail-on new``)."""
        return any(c.closes_gate for c in self.checks)

    def delta(self, index: int) -> CheckDelta | None:
        """The delta of the current report's check ``index``."""
        return next((c for c in self.checks if c.index == index), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (``from_dict`` reads it back)."""
        return {"baseline": self.baseline, "rows_shown": self.rows_shown, "totals": self.totals,
                "gate_closed": self.gate_closed(), "checks": [c.to_dict() for c in self.checks]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportComparison:
        """Inverse of ``to_dict`` (derived keys are recomputed, not read)."""
        names = set(CheckDelta.__dataclass_fields__)
        return cls(baseline=str(data["baseline"]), rows_shown=int(data.get("rows_shown", 20)),
                   checks=tuple(CheckDelta(**{k: v for k, v in d.items() if k in names})
                                for d in data["checks"]))
