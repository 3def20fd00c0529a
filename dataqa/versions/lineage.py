"""Lineage records: what every version is (``VersionRecord``), and a fix about to become one
(``PendingFix``).

At the bottom of ``dataqa.versions`` beside ``layout.py`` (imports nothing from the package): the
guard, the repository and the fixes all speak these types.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import polars as pl


class FixKind(str, Enum):
    """What made a version.

    ``relabel`` (labels from a human review), ``manual_edit`` (a user edited cells) and
    ``rollback`` are *reviewed*: they may change evaluation rows. ``repair`` (rule-based) and
    ``drop`` are *automated* unless the caller says a human reviewed them.
    """

    IMPORT = "import"
    RELABEL = "relabel"
    REPAIR = "repair"
    DROP = "drop"
    MANUAL_EDIT = "manual_edit"
    ROLLBACK = "rollback"


REVIEWED_KINDS = frozenset({FixKind.RELABEL, FixKind.MANUAL_EDIT, FixKind.ROLLBACK})


@dataclass(frozen=True)
class VersionRecord:
    """One committed version (``versions/<id>.json`` in the store).

    Attributes
    ----------
    id, seq:
        ``v<seq>``; ``seq`` orders the linear history (1 = the import).
    parent:
        The version this one was made from (``None`` for the import).
    kind, reviewed:
        The fix kind, and whether a human reviewed it (reviewed fixes may touch evaluation rows).
    source:
        Who or what made it: ``{"type": "label-studio", "project": ..., "annotators": [...]}``,
        ``{"type": "suite", "suite": ...}``, ``{"type": "user", "user": ...}``.
    cells_changed, rows_changed, rows_dropped, rows_restored, eval_rows_changed:
        Counts of this fix (the exact cells are in ``changes/<id>.cells.parquet``).
    data_hash:
        sha256 chained over the base snapshot and every changeset up to this version: equal
        hashes mean equal content.
    """

    id: str
    seq: int
    parent: str | None
    kind: FixKind
    reviewed: bool
    source: dict[str, Any]
    message: str
    created: str
    n_rows: int
    cells_changed: int
    rows_changed: int
    rows_dropped: int
    rows_restored: int
    eval_rows_changed: int
    columns_changed: list[str]
    data_hash: str
    cells_file: str
    rows_file: str
    report: dict[str, Any] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    rollback_of: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    """The store settings in force: label/id column, evaluation fraction and split seed."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        d = asdict(self)
        d["kind"] = self.kind.value
        return d

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VersionRecord:
        """Inverse of ``to_json``."""
        known = set(cls.__dataclass_fields__)
        d = {k: v for k, v in data.items() if k in known}
        d["kind"] = FixKind(d["kind"])
        return cls(**d)


@dataclass
class PendingFix:
    """A fix computed against the head, before it is written.

    ``cells``: row_id, column, old, new (text); ``rows``: row_id, op, reason.
    """

    kind: FixKind
    reviewed: bool
    source: dict[str, Any]
    message: str
    cells: pl.DataFrame
    rows: pl.DataFrame
    report: dict[str, Any] = field(default_factory=dict)
    rollback_of: str | None = None


def now_iso() -> str:
    """UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def chain_hash(parent_hash: str, *files: Path) -> str:
    """The data hash of a version: its parent's hash chained with its changeset files."""
    h = hashlib.sha256(parent_hash.encode())
    for f in files:
        h.update(file_sha256(f).encode())
    return h.hexdigest()


_PACKAGES = ("dataqa", "polars", "scikit-learn", "cleanlab", "pyarrow", "numpy")


def environment() -> dict[str, str]:
    """Versions of the packages that decide the numbers (recorded with every version/retrain)."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
