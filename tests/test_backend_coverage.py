"""Guard: every declared check has an implementation in every backend, or is listed as unsupported
there (with a reason a user will read), so a new check or a new engine cannot be half-wired."""

from __future__ import annotations

import importlib
import inspect

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
    """The declarations and their argument validators import no engine."""
    for module in ("dataqa.validation.registry", "dataqa.validation.checks.arguments",
                   "dataqa.validation.checks.gx_expectations", "dataqa.validation.checks.pandera_checks"):
        source = inspect.getsource(importlib.import_module(module))
        assert "import polars" not in source and "pyspark" not in source.replace("pyspark.sql.Column", ""), module


def test_validator_rejects_bad_arguments_without_an_engine() -> None:
    with pytest.raises(ValueError, match="cannot both be None"):
        get_check("expect_column_values_to_be_between").validate({"column": "a"})  # type: ignore[misc]
    get_check("expect_column_values_to_be_between").validate({"column": "a", "min_value": 1})  # type: ignore[misc]
