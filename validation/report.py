"""The result of running suites: every check's outcome plus the long failure table.

``SuiteReport`` is what ``run_suites`` returns, what the CLI renders and what the app shows.
Its JSON form (``to_json`` / ``from_json``) round-trips; the format is documented in the README.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.errors import InputError, ValidationFailed
from dataqa.validation.compare_model import ReportComparison

Outcome = Literal["passed", "failed", "warning", "error"]

#: A check's position in ``SuiteReport.checks``: what ties a failing row to its check.
CHECK_INDEX = "check_index"
#: The failure table (STYLE habit 2), one row per failing row and check: the report's
#: ``failures``, the ``--failures`` Parquet file of every backend and a stored report's file.
FAILURE_COLUMNS = (ROW_ID, "suite_file", "check", "column", "failure_case", CHECK_INDEX)

REPORT_FORMAT_VERSION = 1


@dataclass
class CheckResult:
    """One check's outcome.

    Attributes
    ----------
    check:
        Registry name (``expect_column_values_to_not_be_null``, ``pandera.isin``, ``drift.psi``...).
    label:
        Display name, e.g. ``expect_column_values_to_be_between(age)``.
    outcome:
        ``passed``, ``failed`` (critical), ``warning`` (failed with severity warning/info) or
        ``error`` (the check itself crashed; ``message`` says why).
    element_count:
        Rows in the data.
    evaluated_count:
        Rows the check evaluated (non-null ones for most column checks).
    unexpected_count:
        Offending rows; their ids are ``failing_row_ids`` (capped at ``max_ids`` in JSON if asked).
    observed_value:
        For aggregate checks: the measured value (a mean, a row count, a PSI...).
    """

    check: str
    label: str
    suite_file: str
    location: str
    columns: list[str]
    severity: str
    outcome: Outcome
    element_count: int | None = None
    evaluated_count: int | None = None
    unexpected_count: int | None = None
    observed_value: Any = None
    message: str | None = None
    note: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    failing_row_ids: list[Any] = field(default_factory=list)

    @property
    def unexpected_percent(self) -> float | None:
        """Offending rows as a percentage of evaluated rows."""
        if self.unexpected_count is None or not self.evaluated_count:
            return None if self.unexpected_count is None else 0.0
        return 100.0 * self.unexpected_count / self.evaluated_count


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def failure_schema(id_dtype: pl.DataType | None = None) -> dict[str, pl.DataType]:
    """The types of ``FAILURE_COLUMNS``: row ids are Int64 unless the dataset's ``id_dtype`` says otherwise."""
    types = {ROW_ID: pl.Int64() if id_dtype is None else id_dtype, CHECK_INDEX: pl.Int64()}
    return {c: types.get(c, pl.String()) for c in FAILURE_COLUMNS}


def _empty_failures(id_dtype: pl.DataType | None = None) -> pl.DataFrame:
    """An empty failure table."""
    return pl.DataFrame(schema=failure_schema(id_dtype))


@dataclass
class SuiteReport:
    """Outcomes of every check on one dataset, and the long failure table.

    Examples
    --------
    >>> report = SuiteReport(dataset="d.csv", id_column=None, checks=[])
    >>> report.outcome
    'passed'
    """

    dataset: str
    id_column: str | None
    checks: list[CheckResult]
    failures: pl.DataFrame = field(default_factory=_empty_failures)
    row_count: int | None = None
    notes: list[str] = field(default_factory=list)
    #: Set by ``dataqa.validation.compare.compare_reports``: new / still failing / fixed rows
    #: per check against a baseline report; in the JSON only when set.
    comparison: ReportComparison | None = None
    #: The Parquet file holding every failing row (``--failures``), when the report itself keeps
    #: only the first rows of each check; a later ``--baseline-report`` reads it. JSON: when set.
    failures_file: str | None = None

    # --- summary -------------------------------------------------------------
    @property
    def counts(self) -> dict[str, int]:
        """Number of checks per outcome."""
        out = {"passed": 0, "failed": 0, "warning": 0, "error": 0}
        for c in self.checks:
            out[c.outcome] += 1
        return out

    @property
    def outcome(self) -> Outcome:
        """Worst outcome over all checks (error > failed > warning > passed)."""
        counts = self.counts
        worst: tuple[Outcome, ...] = ("error", "failed", "warning")
        for o in worst:
            if counts[o]:
                return o
        return "passed"

    def gate_closed(self, fail_on: str = "error") -> bool:
        """True when the pipeline gate must stop: a failed or crashed check, or with
        ``fail_on="warning"`` also a warning; with ``fail_on="new"`` only a check failing on
        rows that did not fail in the baseline, or newly failing (needs ``comparison``)."""
        if fail_on == "new":
            if self.comparison is None:
                raise InputError("fail_on='new' needs a baseline: pass --baseline-report FILE or --since VERSION")
            return self.comparison.gate_closed()
        bad = {"failed", "error"} | ({"warning"} if fail_on == "warning" else set())
        return any(c.outcome in bad for c in self.checks)

    def raise_for_failures(self, fail_on: str = "error") -> SuiteReport:
        """Raise ``ValidationFailed`` (carrying the failure table) if the gate is closed.

        Returns the report itself otherwise, so it can be chained.
        """
        if self.gate_closed(fail_on):
            bad = [c for c in self.checks if c.outcome in ("failed", "error")
                   or (fail_on == "warning" and c.outcome == "warning")]
            if fail_on == "new" and self.comparison is not None:
                bad = [self.checks[d.index] for d in self.comparison.checks if d.closes_gate]
            names = ", ".join(c.label for c in bad[:5]) + (" ..." if len(bad) > 5 else "")
            raise ValidationFailed(
                f"{self.dataset}: {len(bad)} check(s) did not pass: {names}", self.failures
            )
        return self

    def to_frame(self) -> pl.DataFrame:
        """The report as a table, one row per check: ``check_index, outcome, check, suite, severity,
        failing_rows, failing_percent, detail`` (what the CLI and the app show)."""
        return pl.DataFrame(
            {
                CHECK_INDEX: list(range(len(self.checks))),
                "outcome": [c.outcome for c in self.checks],
                "check": [c.label for c in self.checks],
                "suite": [c.suite_file.replace("\\", "/").rsplit("/", 1)[-1] for c in self.checks],
                "severity": [c.severity for c in self.checks],
                "failing_rows": [c.unexpected_count for c in self.checks],
                "failing_percent": [c.unexpected_percent for c in self.checks],
                "detail": [c.message or c.note or ("" if c.observed_value is None else f"observed {c.observed_value}")
                           for c in self.checks],
            },
            schema_overrides={CHECK_INDEX: pl.Int64, "failing_rows": pl.Int64, "failing_percent": pl.Float64},
        )

    def failures_of(self, index: int) -> pl.DataFrame:
        """The failure-table rows of check number ``index`` (``to_frame()``'s ``check_index``)."""
        f = self.failures
        if not f.height or CHECK_INDEX not in f.columns:
            return f.head(0).drop(CHECK_INDEX, strict=False)
        return f.filter(pl.col(CHECK_INDEX) == index).drop(CHECK_INDEX)

    def extend(self, results: list[CheckResult], failures: pl.DataFrame | None = None) -> None:
        """Add checks computed elsewhere (drift, baseline regression) to this report."""
        offset = len(self.checks)
        self.checks.extend(results)
        if failures is not None and failures.height:
            # incoming `check_index` counts from 0 within `results`: shift it past our checks
            if CHECK_INDEX in failures.columns:
                failures = failures.with_columns(pl.col(CHECK_INDEX).cast(pl.Int64) + offset)
            self.failures = pl.concat([self.failures, failures], how="vertical_relaxed")

    # --- JSON ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (see README, "Report JSON")."""
        by_check: dict[int, list[dict[str, Any]]] = {}
        if self.failures.height and CHECK_INDEX in self.failures.columns:
            # failures are attached to checks by position in `checks` via `check_index`;
            # grouped in polars so a report with many failing rows costs one pass, not a row loop
            grouped = self.failures.group_by(CHECK_INDEX, maintain_order=True).agg(
                pl.struct(pl.col(ROW_ID), pl.col("failure_case").alias("value")).alias("rows"))
            by_check = dict(zip(grouped[CHECK_INDEX].to_list(), grouped["rows"].to_list()))
        checks = []
        for i, c in enumerate(self.checks):
            # shallow copies, not dataclasses.asdict: its deep copy of every failing row id cost
            # most of a stored report's write (the fields hold plain JSON values, no dataclasses)
            d = {f.name: _copy(getattr(c, f.name)) for f in fields(c)}
            d["unexpected_percent"] = c.unexpected_percent
            d["failures"] = by_check.get(i, [])
            checks.append(d)
        return {
            "format": "dataqa-report",
            "version": REPORT_FORMAT_VERSION,
            "dataset": self.dataset,
            "id_column": self.id_column,
            "row_count": self.row_count,
            "outcome": self.outcome,
            "counts": self.counts,
            "notes": self.notes,
            "checks": checks,
            **({"comparison": self.comparison.to_dict()} if self.comparison is not None else {}),
            **({"failures_file": self.failures_file} if self.failures_file else {}),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text; ``SuiteReport.from_json`` reads it back."""
        return json.dumps(self.to_dict(), indent=indent, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SuiteReport:
        """Inverse of ``to_dict``."""
        checks, rows = [], []
        fields_ = set(CheckResult.__dataclass_fields__)
        for i, d in enumerate(data["checks"]):
            checks.append(CheckResult(**{k: v for k, v in d.items() if k in fields_}))
            col = ",".join(d["columns"])
            for f in d.get("failures", []):
                rows.append({ROW_ID: f[ROW_ID], "suite_file": d["suite_file"], "check": d["label"],
                             "column": col, "failure_case": f["value"], CHECK_INDEX: i})
        # every row inferred (not just the first 100: a check whose first values are null is common)
        failures = (pl.DataFrame(rows, infer_schema_length=None, schema_overrides={"failure_case": pl.String})
                    if rows else _empty_failures())
        if rows:
            failures = failures.with_columns(pl.col(CHECK_INDEX).cast(pl.Int64),
                                             pl.col("failure_case").cast(pl.String))
        return cls(dataset=data["dataset"], id_column=data.get("id_column"), checks=checks,
                   failures=failures, row_count=data.get("row_count"),
                   notes=list(data.get("notes", [])),
                   comparison=ReportComparison.from_dict(data["comparison"]) if data.get("comparison") else None,
                   failures_file=data.get("failures_file"))

    @classmethod
    def from_json(cls, text: str) -> SuiteReport:
        """Read a report written by ``to_json``."""
        return cls.from_dict(json.loads(text))
