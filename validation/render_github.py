"""Render a ``SuiteReport`` as GitHub Actions workflow commands (``dataqa check --format github``).

One line per check that did not pass::

    ::error file=expectations/d.gx.json,title=expect_column_values_to_not_be_null(price)::12 of 2000 rows fail (0.60%25); first rows: 78, 690, 755 (+9 more)

``failed`` and ``error`` checks become ``::error``, ``warning`` checks ``::warning``; GitHub shows
each as an annotation on the suite file. Escaping follows GitHub's workflow-command rules
(``%``, CR and LF in the message; also ``:`` and ``,`` in properties), so a check label or a
failing value can never end the command early or inject another one.
"""

from __future__ import annotations

import os
from pathlib import Path

from dataqa.validation.report import CheckResult, SuiteReport

#: Failing row ids named per annotation (the count says how many more there are).
FIRST_IDS = 5

_COMMAND = {"failed": "error", "error": "error", "warning": "warning"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message (``%``, ``\\r``, ``\\n``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (the message escapes plus ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _relative(path: str, base: Path) -> str:
    """``path`` relative to ``base`` when it is inside it (annotations need repository paths)."""
    p = Path(path)
    if not p.is_absolute():
        return path
    try:
        return p.relative_to(base).as_posix()
    except ValueError:
        return path


def _detail(c: CheckResult, what: str) -> str:
    if c.outcome == "error":
        return f"the check could not run: {c.message or 'error'}"
    if c.unexpected_count is not None:
        pct = c.unexpected_percent
        text = f"{c.unexpected_count} of {c.evaluated_count} rows fail" + (f" ({pct:.2f}%)" if pct else "")
        ids = c.failing_row_ids[:FIRST_IDS]
        if ids:
            more = c.unexpected_count - len(ids)
            text += f"; first {what}: {', '.join(str(i) for i in ids)}" + (f" (+{more} more)" if more > 0 else "")
        return text
    if c.message:
        return c.message
    return f"observed {c.observed_value}" if c.observed_value is not None else c.outcome


def to_github(report: SuiteReport, base: str | Path | None = None) -> str:
    """One ``::error`` / ``::warning`` workflow command per check that did not pass.

    Parameters
    ----------
    base:
        Folder the suite paths are made relative to (default: the working directory, which is
        ``$GITHUB_WORKSPACE`` in a GitHub Actions step).

    Examples
    --------
    >>> from dataqa.validation.report import CheckResult, SuiteReport
    >>> c = CheckResult(check="expect_column_values_to_not_be_null", label="not_null(a)",
    ...                 suite_file="s.json", location="s.json[expectations.0]", columns=["a"],
    ...                 severity="critical", outcome="failed", evaluated_count=4,
    ...                 unexpected_count=2, failing_row_ids=[1, 3])
    >>> print(to_github(SuiteReport(dataset="d.csv", id_column=None, checks=[c]), base="."), end="")
    ::error file=s.json,title=not_null(a)::2 of 4 rows fail (50.00%25); first rows: 1, 3
    """
    root = Path(base if base is not None else os.getcwd()).resolve()
    what = f"{report.id_column} values" if report.id_column else "rows"
    lines = []
    for c in report.checks:
        command = _COMMAND.get(c.outcome)
        if command is None:
            continue
        props = f"file={escape_property(_relative(c.suite_file, root))},title={escape_property(c.label)}"
        lines.append(f"::{command} {props}::{escape_data(_detail(c, what))}")
    return "".join(line + "\n" for line in lines)
