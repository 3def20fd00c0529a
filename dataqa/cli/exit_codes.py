"""Exit codes of the ``dataqa`` CLI, and the one function mapping outcomes to them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes and their meaning.

    0: everything passed
    1: one or more checks failed (or warned, with ``--fail-on warning``); the gate is closed
    2: bad input or usage: missing/malformed data file, missing column, bad option
    3: bad suite file: unparsable, unknown check, invalid entry
    4: a service (Label Studio) is unreachable
    5: the version store refused the operation (nothing was written)
    6: a service answered with an error (wrong token, deleted project)
    """

    OK = 0
    CHECK_FAILURES = 1
    USAGE_OR_INPUT_ERROR = 2
    SUITE_ERROR = 3
    SERVICE_UNREACHABLE = 4
    VERSION_STORE_ERROR = 5
    SERVICE_ERROR = 6


def exit_code_for_error(exc: BaseException) -> ExitCode:
    """Map a dataqa exception to the CLI exit code documented on ``ExitCode``."""
    from dataqa import errors as e

    if isinstance(exc, e.SuiteError):
        return ExitCode.SUITE_ERROR
    if isinstance(exc, e.ServiceUnreachable):
        return ExitCode.SERVICE_UNREACHABLE
    if isinstance(exc, e.LabelStudioError):
        return ExitCode.SERVICE_ERROR
    if isinstance(exc, e.VersionStoreError):
        return ExitCode.VERSION_STORE_ERROR
    if isinstance(exc, e.ValidationFailed):
        return ExitCode.CHECK_FAILURES
    return ExitCode.USAGE_OR_INPUT_ERROR
