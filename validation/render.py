"""Render a ``SuiteReport`` as text, JUnit XML, Markdown, JSON or GitHub workflow commands."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Callable

import polars as pl
from rich.console import Console
from rich.table import Table

from dataqa.columns import ROW_ID
from dataqa.validation.render_github import to_github
from dataqa.validation.report import CheckResult, SuiteReport

_ICON = {"passed": "PASS", "failed": "FAIL", "warning": "WARN", "error": "ERROR"}


def _failing_preview(report: SuiteReport, index: int, n: int) -> pl.DataFrame:
    return report.failures_of(index).head(n)


def _counts(c: CheckResult) -> str:
    if c.unexpected_count is None:
        return "" if c.observed_value is None else f"observed {c.observed_value}"
    pct = c.unexpected_percent
    return f"{c.unexpected_count} of {c.evaluated_count} rows" + (f" ({pct:.2f}%)" if pct else "")


def _split(report: SuiteReport, index: int) -> str:
    """`` · 2 new, 5 still failing, 1 fixed`` against the baseline (empty without one)."""
    d = report.comparison.delta(index) if report.comparison is not None else None
    if d is None:
        return ""
    if d.newly_failing:
        return f" · NEWLY FAILING ({d.new_count} new rows)" if d.new_count else " · NEWLY FAILING"
    parts = [f"{n} {what}" for n, what in ((d.new_count, "new"), (d.still_count, "still failing"),
                                          (d.fixed_count, "fixed")) if n]
    return f" · {', '.join(parts)}" if parts else ""


def _baseline_line(report: SuiteReport) -> str | None:
    """One line: the totals against the baseline and whether ``--fail-on new`` closes the gate."""
    cmp = report.comparison
    if cmp is None:
        return None
    t = cmp.totals
    return (f"vs {cmp.baseline}: {t['new']} new failing rows, {t['newly_failing_checks']} newly failing "
            f"checks, {t['still_failing']} still failing, {t['fixed']} fixed -> new failures "
            f"{'CLOSE' if cmp.gate_closed() else 'do not close'} the gate")


def to_text(report: SuiteReport, rows_per_check: int = 5) -> str:
    """A summary table, then the first failing rows of each failing check."""
    buf = io.StringIO()
    console = Console(file=buf, width=120, color_system=None, force_terminal=False)
    counts = report.counts
    console.print(f"dataqa check: {report.dataset} ({report.row_count} rows) -> {report.outcome.upper()}  "
                  f"[{counts['passed']} passed, {counts['failed']} failed, {counts['warning']} warnings, "
                  f"{counts['error']} errors]")
    if (line := _baseline_line(report)) is not None:
        console.print(line)
    table = Table(show_lines=False)
    for col in ("outcome", "check", "suite", "detail"):
        table.add_column(col, overflow="fold")
    for i, c in enumerate(report.checks):
        detail = (c.message or _counts(c)) + _split(report, i)
        table.add_row(_ICON[c.outcome], c.label, c.suite_file.rsplit("/", 1)[-1], detail)
    console.print(table)
    id_name = report.id_column or "row"
    for i, c in enumerate(report.checks):
        if c.outcome in ("failed", "warning") and c.failing_row_ids:
            prev = _failing_preview(report, i, rows_per_check)
            if prev.height:
                shown = "; ".join(f"{id_name} {r} = {v!r}" for r, v in zip(prev[ROW_ID], prev["failure_case"]))
                more = len(c.failing_row_ids) - prev.height
            else:  # checks added by other detectors (drift) may carry ids without values
                shown = ", ".join(f"{id_name} {r}" for r in c.failing_row_ids[:rows_per_check])
                more = len(c.failing_row_ids) - rows_per_check
            console.print(f"{_ICON[c.outcome]} {c.label}: {shown}" + (f" (+{more} more)" if more > 0 else ""))
        d = report.comparison.delta(i) if report.comparison is not None else None
        if d is not None and d.new_rows:
            console.print(f"NEW {c.label}: {', '.join(f'{id_name} {r}' for r in d.new_rows[:rows_per_check])}"
                          + (f" (+{d.new_count - rows_per_check} more)" if d.new_count > rows_per_check else ""))
        if c.note:
            console.print(f"note: {c.label}: {c.note}")
    for note in report.notes:
        console.print(f"note: {note}")
    return buf.getvalue()


def to_junit(report: SuiteReport) -> str:
    """JUnit XML: one testsuite per suite file, one testcase per check."""
    root = ET.Element("testsuites", name="dataqa", tests=str(len(report.checks)))
    by_suite: dict[str, list[tuple[int, CheckResult]]] = {}
    for i, c in enumerate(report.checks):
        by_suite.setdefault(c.suite_file, []).append((i, c))
    for suite, items in by_suite.items():
        counts = {o: sum(1 for _, c in items if c.outcome == o) for o in ("failed", "error", "warning")}
        ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(items)),
                           failures=str(counts["failed"]), errors=str(counts["error"]),
                           skipped="0")
        for i, c in items:
            tc = ET.SubElement(ts, "testcase", classname=suite, name=c.label)
            if c.outcome in ("failed", "warning"):
                prev = _failing_preview(report, i, 20)
                body = "\n".join(f"row {r}: {v}" for r, v in zip(prev[ROW_ID], prev["failure_case"]))
                tag = "failure"
                el = ET.SubElement(tc, tag, message=f"{c.outcome}: {_counts(c)}{_split(report, i)}",
                                   type=c.outcome)
                el.text = body
                if c.outcome == "warning":
                    ET.SubElement(tc, "system-out").text = "severity warning: does not fail the gate by default"
            elif c.outcome == "error":
                el = ET.SubElement(tc, "error", message=c.message or "error", type="error")
                el.text = c.message or ""
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def to_markdown(report: SuiteReport, rows_per_check: int = 5) -> str:
    """Markdown for a pull-request comment."""
    counts = report.counts
    emoji = {"passed": "✅", "failed": "❌", "warning": "⚠️", "error": "💥"}
    lines = [f"### dataqa check: `{report.dataset}` {emoji[report.outcome]} {report.outcome}",
             "",
             f"{report.row_count} rows · {counts['passed']} passed · {counts['failed']} failed · "
             f"{counts['warning']} warnings · {counts['error']} errors",
             *(["", _baseline_line(report) or ""] if report.comparison is not None else []),
             "",
             "| | check | suite | detail |",
             "|---|---|---|---|"]
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")
    for i, c in enumerate(report.checks):
        lines.append(f"| {emoji[c.outcome]} | `{esc(c.label)}` | {esc(c.suite_file.rsplit('/', 1)[-1])} | "
                     f"{esc((c.message or _counts(c)) + _split(report, i))} |")
    failing = [(i, c) for i, c in enumerate(report.checks) if c.failing_row_ids]
    if failing:
        lines += ["", "<details><summary>First failing rows</summary>", ""]
        for i, c in failing:
            prev = _failing_preview(report, i, rows_per_check)
            vals = ", ".join(f"{r} (`{esc(str(v))}`)" for r, v in zip(prev[ROW_ID], prev["failure_case"]))
            lines.append(f"- `{esc(c.label)}`: {vals}")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[SuiteReport], str]] = {
    "text": to_text,
    # Python's indenting JSON encoder is slow; large reports are written compact (same content).
    "json": lambda r: r.to_json(indent=None if r.failures.height > 1000 else 2),
    "junit": to_junit,
    "markdown": to_markdown,
    "github": to_github,
}
