"""Guard: every declared check has an implementation in every backend, or is listed as unsupported
there (with a reason a user will read), so a new check or a new engine cannot be half-wired."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import dataqa.validation.checks  # noqa: F401  (the declarations)
from dataqa.validation.registry import IMPLEMENTATIONS, REGISTRY, UNSUPPORTED, get_check

BACKENDS = {"polars": "dataqa.validation.backends.polars", "spark": "dataqa.validation.backends.spark.backend"}


def _builtin(name: str) -> bool:
    return name.startswith(("expect_", "pandera."))


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_every_declared_check_is_implemented_or_refused(backend: str) -> None:
    if backend == "spark":
        pytest.importorskip("pyspark")
    importlib.import_module(BACKENDS[backend])
    implemented = IMPLEMENTATIONS.get(backend, {})
    refused = UNSUPPORTED.get(backend, {})
    missing = sorted(n for n in REGISTRY if _builtin(n) and n not in implemented and n not in refused)
    assert not missing, f"declared checks with neither a {backend} implementation nor an unsupported entry: {missing}"
    assert all(reason.strip() for reason in refused.values())
    assert not set(implemented) & set(refused)


def test_polars_implements_every_builtin() -> None:
    importlib.import_module(BACKENDS["polars"])
    assert not UNSUPPORTED.get("polars")
    assert {n for n in REGISTRY if _builtin(n)} <= set(IMPLEMENTATIONS["polars"])


def test_declarations_are_engine_neutral() -> None:
    """Declaring every built-in check (and parsing their arguments) loads no engine at all."""
    code = ("import sys; import dataqa.validation.checks; "
            "print([m for m in ('polars', 'pyspark', 'pandas', 'great_expectations') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_validator_rejects_bad_arguments_without_an_engine() -> None:
    with pytest.raises(ValueError, match="cannot both be None"):
        get_check("expect_column_values_to_be_between").validate({"column": "a"})  # type: ignore[misc]
    get_check("expect_column_values_to_be_between").validate({"column": "a", "min_value": 1})  # type: ignore[misc]
