"""The changeset written by ``pull_reviews``: the contract is defined once in :mod:`dataqa.changeset`.

Label Studio (this package) writes it; the version store (``dataqa.versions``) reads it with the
same module, so the formula-escape undo and the ``.meta.json`` sidecar mean the same on both sides.
"""

from __future__ import annotations

from dataqa.changeset import KINDS, SCHEMA, Changeset, read_changeset

__all__ = ["KINDS", "SCHEMA", "Changeset", "read_changeset"]
