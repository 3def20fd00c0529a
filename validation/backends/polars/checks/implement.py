"""The decorator registering a polars implementation of a declared check."""

from __future__ import annotations

from typing import Any, Callable

from dataqa.validation.registry import POLARS, implement


def polars_check(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the polars implementation of declared check ``name``."""
    return implement(POLARS, name)
