"""Exit codes of the ``dataqa`` CLI, and the two pure functions mapping outcomes to them.

One code means one thing, so that a pipeline can tell "the data failed the checks" (1) from
"the suite could not be evaluated on this data" (7) and from every kind of bad input (2-6).
Like Soda's ``LOG_ERRORS``, an evaluation error outranks failures: the verdict is incomplete,
so it is not reported as a plain failure.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Protocol, Sequence

from dataqa import errors as e


class ExitCode(IntEnum):
    """Exit codes and their meaning.

    0: everything passed
    1: one or more checks failed (or warned, with ``--fail-on warning``); the gate is closed
    2: bad input or usage: missing/malformed data file, missing id column, bad option,
       an output that cannot be written
    3: bad suite file: unparsable, unknown check, invalid entry (found before any data is read)
    4: a service (Label Studio, the MLflow tracking server) is unreachable
    5: the version store refused the operation (nothing was written)
    6: a service answered with an error (wrong token, deleted project, MLflow refused a run)
    7: the suite could not be evaluated on this data: a check ended with outcome ``error``
       (a column the suite names is missing, a check crashed on these values)
    """

    OK = 0
    CHECK_FAILURES = 1
    USAGE_OR_INPUT_ERROR = 2
    SUITE_ERROR = 3
    SERVICE_UNREACHABLE = 4
    VERSION_STORE_ERROR = 5
    SERVICE_ERROR = 6
    CHECK_ERRORS = 7


class _Check(Protocol):
    @property
    def outcome(self) -> str: ...


class _Report(Protocol):
    """What ``exit_code_for`` needs of a ``SuiteReport``."""

    @property
    def checks(self) -> Sequence[_Check]: ...

    def gate_closed(self, fail_on: str = "error") -> bool: ...


def exit_code_for(report: _Report, fail_on: str = "error") -> ExitCode:
    """The exit code of a finished run: 7 if any check could not be evaluated, else 1 if the
    gate is closed under ``fail_on`` (``error``, ``warning`` or ``new``), else 0.

    Examples
    --------
    >>> from dataqa.validation.report import SuiteReport
    >>> exit_code_for(SuiteReport(dataset="d.csv", id_column=None, checks=[]))
    <ExitCode.OK: 0>
    """
    if any(c.outcome == "error" for c in report.checks):
        return ExitCode.CHECK_ERRORS
    return ExitCode.CHECK_FAILURES if report.gate_closed(fail_on) else ExitCode.OK


def exit_code_for_error(exc: BaseException) -> ExitCode:
    """Map a dataqa exception to the CLI exit code documented on ``ExitCode``."""
    if isinstance(exc, e.SuiteError):
        return ExitCode.SUITE_ERROR
    if isinstance(exc, (e.ServiceUnreachable, e.TrackingUnreachable)):
        return ExitCode.SERVICE_UNREACHABLE
    if isinstance(exc, (e.LabelStudioError, e.TrackingError)):
        return ExitCode.SERVICE_ERROR
    if isinstance(exc, e.VersionStoreError):
        return ExitCode.VERSION_STORE_ERROR
    if isinstance(exc, e.ValidationFailed):
        return ExitCode.CHECK_FAILURES
    return ExitCode.USAGE_OR_INPUT_ERROR
