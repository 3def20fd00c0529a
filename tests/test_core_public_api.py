"""Guard: the public API in ``dataqa.__all__`` resolves, and each name is what it says."""

from __future__ import annotations

import dataqa


def test_every_exported_name_resolves() -> None:
    missing = [name for name in dataqa.__all__ if getattr(dataqa, name, None) is None]
    assert missing == []


def test_exports_are_the_documented_objects() -> None:
    from dataqa.io import read_dataset
    from dataqa.validation.api import check_dataset
    from dataqa.versions import VersionStore

    assert dataqa.read_dataset is read_dataset
    assert dataqa.check_dataset is check_dataset
    assert dataqa.VersionStore is VersionStore
    assert dataqa.errors.DataqaError.__name__ == "DataqaError"


def test_every_export_is_listed_in_the_module_docstring() -> None:
    doc = dataqa.__doc__ or ""
    undocumented = [n for n in dataqa.__all__ if n != "__version__" and n not in doc]
    assert undocumented == []
