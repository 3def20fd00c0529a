"""The ``VersionStore`` front: one object for the versions of a dataset, at the top of the package.

Layers of ``dataqa.versions``, each importing only those below it::

    store.py                       VersionStore: the front (explicit, typed methods)
    apply.py                       apply_file: the fix kind from a file's columns
    fixes.py  diff.py  recipe.py   the fixes; diffs; DuckDB SQL for a version
    repository.py                  Repository: read versions; commit a PendingFix
    guard.py                       the evaluation-integrity guard
    split.py  materialize.py       the frozen evaluation split; reading a version lazily
    layout.py  lineage.py  _atomic.py   files, schemas, text codec; VersionRecord, PendingFix; writes

New fix kinds go in ``fixes.py`` (a function of a ``Repository`` that builds a ``PendingFix`` and
hands it to ``Repository.commit``) with a method here that keeps its signature.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import polars as pl

from dataqa.changeset import Changeset
from dataqa.io import Dataset
from dataqa.versions import apply, fixes, recipe
from dataqa.versions import diff as diff_mod
from dataqa.versions.lineage import FixKind, VersionRecord
from dataqa.versions.repository import Repository

__all__ = ["VersionStore"]


class VersionStore(Repository):
    """Versions of one dataset in a folder: read them (``Repository``) and record fixes.

    Parameters
    ----------
    path:
        The store folder (created on ``add``).

    Examples
    --------
    >>> store = VersionStore(".dataqa/versions")            # doctest: +SKIP
    >>> store.add(read_dataset("data.csv"), "diamonds")     # doctest: +SKIP
    >>> store.checkout("v1").collect()                      # doctest: +SKIP
    """

    def add(
        self, dataset: Dataset, name: str, *, label_column: str | None = None, eval_fraction: float = 0.25,
        seed: int = 42, message: str = "", source: dict[str, Any] | None = None,
    ) -> VersionRecord:
        """Import ``dataset`` as version v1 with its frozen evaluation split; see ``fixes.add``."""
        return fixes.add(self, dataset, name, label_column=label_column, eval_fraction=eval_fraction,
                         seed=seed, message=message, source=source)

    def edit_cells(
        self, edits: pl.DataFrame, *, message: str, kind: FixKind | str = FixKind.MANUAL_EDIT,
        source: dict[str, Any] | None = None, reviewed: bool | None = None, expected_parent: str | None = None,
    ) -> VersionRecord:
        """Set cells (``row_id, column, new``); see ``fixes.edit_cells``."""
        return fixes.edit_cells(self, edits, message=message, kind=kind, source=source, reviewed=reviewed,
                                expected_parent=expected_parent)

    def drop_rows(
        self, row_ids: Sequence[Any] | pl.Series, reason: str, *, message: str | None = None,
        source: dict[str, Any] | None = None, reviewed: bool = False, expected_parent: str | None = None,
    ) -> VersionRecord:
        """Drop rows by id; see ``fixes.drop_rows``."""
        return fixes.drop_rows(self, row_ids, reason, message=message, source=source, reviewed=reviewed,
                               expected_parent=expected_parent)

    def apply_changeset(
        self, changeset: Changeset | str | Path | pl.DataFrame, *, message: str | None = None,
        metadata: dict[str, Any] | None = None, source: dict[str, Any] | None = None,
        expected_parent: str | None = None,
    ) -> VersionRecord:
        """Apply a Label Studio review changeset; see ``fixes.apply_changeset``."""
        return fixes.apply_changeset(self, changeset, message=message, metadata=metadata, source=source,
                                     expected_parent=expected_parent)

    def apply_file(
        self, path: str | Path, kind: str = "auto", *, message: str | None = None, reason: str = "dropped",
        reviewed: bool = False, source: dict[str, Any] | None = None, expected_parent: str | None = None,
    ) -> VersionRecord:
        """Apply a fix file, its kind read from its columns; see ``apply.apply_file``."""
        return apply.apply_file(self, path, kind, message=message, reason=reason, reviewed=reviewed,
                                source=source, expected_parent=expected_parent)

    def rollback(
        self, ref: str, *, message: str | None = None, source: dict[str, Any] | None = None,
        expected_parent: str | None = None,
    ) -> VersionRecord:
        """A new version restoring ``ref``'s content; see ``fixes.rollback``."""
        return fixes.rollback(self, ref, message=message, source=source, expected_parent=expected_parent)

    def diff(self, ref_a: str, ref_b: str) -> pl.DataFrame:
        """Row-level differences between two versions; see ``diff.diff``."""
        return diff_mod.diff(self, ref_a, ref_b)

    def duckdb_sql(self, ref: str = "head") -> str:
        """A DuckDB query reading version ``ref`` without dataqa; see ``recipe.duckdb_sql``."""
        return recipe.duckdb_sql(self, ref)
