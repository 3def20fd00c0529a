"""Every error dataqa raises on purpose.

The tree::

    DataqaError
      InputError                      bad dataset file or arguments (CLI exit 2)
        FileFormatError               unreadable / malformed / unknown format
        MissingColumnError            a named column is not in the data
        DuplicateIdError              the id column has duplicates or nulls
        BaselineError                 a baseline report cannot be compared with this run
      SuiteError                      bad suite file (CLI exit 3)
        SuiteFileError                unparsable file, bad entry (with location)
        UnknownCheckError             check/expectation name not registered
      ValidationFailed                raised by ``SuiteReport.raise_for_failures()``
      LabelingError                   label-noise detection cannot run (CLI exit 2)
      LabelStudioError                Label Studio answered with an error (CLI exit 6)
        ServiceUnreachable            no answer at all (CLI exit 4)
        LabelStudioAuthError          token refused
        ProjectNotFound               project deleted or never made
      VersionStoreError               the version store refused an operation (CLI exit 5)
        VersionNotFound
        ConcurrentWriteError          another writer committed first
        EvaluationIntegrityError      before/after would not be compared on the same rows
      TrackingError                   MLflow refused to record the fix ledger (CLI exit 6)
        TrackingUnreachable           no answer from the tracking server (CLI exit 4)

Messages name the file, column, row or entry and say what to do next.
They never contain secrets (Label Studio tokens).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl


class DataqaError(Exception):
    """Base class of every error dataqa raises on purpose."""


# --- input -----------------------------------------------------------------
class InputError(DataqaError):
    """The dataset or the arguments cannot be used."""


class FileFormatError(InputError):
    """A file is missing, empty, of unknown format or malformed.

    Attributes
    ----------
    path:
        The file concerned.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class MissingColumnError(InputError):
    """A column named by the user or a suite is not in the data."""

    def __init__(self, message: str, column: str, available: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.column = column
        self.available = list(available)


class DuplicateIdError(InputError):
    """The id column has duplicated or null values."""

    def __init__(self, message: str, column: str, examples: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.column = column
        self.examples = list(examples)


class BaselineError(InputError):
    """A baseline report (``--baseline-report`` / ``--since``) cannot be compared with this run:
    another dataset or suite, rows identified differently, missing or incomplete."""


# --- suites ----------------------------------------------------------------
class SuiteError(DataqaError):
    """A suite file cannot be used."""


class SuiteFileError(SuiteError):
    """A suite file is unparsable or one of its entries is invalid.

    ``location`` is ``file[entry]`` or ``file[line,col]`` where known.
    """

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location


class UnknownCheckError(SuiteFileError):
    """A check or expectation name is not registered."""

    def __init__(self, name: str, known: Sequence[str], location: str | None = None) -> None:
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        super().__init__(f"unknown check '{name}'{hint}", location)
        self.name = name
        self.known = sorted(known)


# --- results ---------------------------------------------------------------
class ValidationFailed(DataqaError):
    """Raised by ``SuiteReport.raise_for_failures()``.

    ``failures`` is the long failure table (``validation.report.FAILURE_COLUMNS``).
    """

    def __init__(self, message: str, failures: pl.DataFrame) -> None:
        super().__init__(message)
        self.failures = failures


# --- labeling --------------------------------------------------------------
class LabelingError(DataqaError):
    """Label-noise detection cannot run on this data (bad label column, too few rows...)."""


class LabelStudioError(DataqaError):
    """Label Studio answered with an error."""


class ServiceUnreachable(LabelStudioError):
    """No answer from a service (Label Studio) at the configured URL."""


class LabelStudioAuthError(LabelStudioError):
    """Label Studio refused the token. The token itself is never in the message."""


class ProjectNotFound(LabelStudioError):
    """The Label Studio project is gone (deleted between push and pull?)."""


# --- versions --------------------------------------------------------------
class VersionStoreError(DataqaError):
    """The version store refused an operation; nothing was written."""


class VersionNotFound(VersionStoreError):
    """No version with that id or name."""


class ConcurrentWriteError(VersionStoreError):
    """Another writer committed a version first; re-read and retry."""


class EvaluationIntegrityError(VersionStoreError):
    """Two models would not be compared on the same evaluation rows."""


# --- tracking --------------------------------------------------------------
class TrackingError(DataqaError):
    """MLflow refused to record the fix ledger (a missing ``dataqa[mlflow]`` extra is an ``InputError``)."""


class TrackingUnreachable(TrackingError):
    """No answer from the MLflow tracking server; the message names the URI (credentials removed)."""


__all__ = [
    "DataqaError",
    "InputError",
    "FileFormatError",
    "MissingColumnError",
    "DuplicateIdError",
    "BaselineError",
    "SuiteError",
    "SuiteFileError",
    "UnknownCheckError",
    "ValidationFailed",
    "LabelingError",
    "LabelStudioError",
    "ServiceUnreachable",
    "LabelStudioAuthError",
    "ProjectNotFound",
    "VersionStoreError",
    "VersionNotFound",
    "ConcurrentWriteError",
    "EvaluationIntegrityError",
    "TrackingError",
    "TrackingUnreachable",
]
