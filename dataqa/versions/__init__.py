"""Versioned datasets with lineage: an immutable base snapshot plus append-only changesets."""

from dataqa.versions.lineage import FixKind, VersionRecord
from dataqa.versions.store import VersionStore

__all__ = ["FixKind", "VersionRecord", "VersionStore"]
