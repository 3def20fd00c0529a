"""Versioned datasets with lineage: an immutable base snapshot plus append-only changesets.

The layers (bottom to top) are drawn in ``store.py``; ``README.md`` documents the files.
"""

from dataqa.versions.apply import apply_file
from dataqa.versions.lineage import FixKind, PendingFix, VersionRecord
from dataqa.versions.repository import Repository
from dataqa.versions.store import VersionStore

__all__ = ["FixKind", "PendingFix", "Repository", "VersionRecord", "VersionStore", "apply_file"]
