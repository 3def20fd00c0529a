"""The polars backend: today's engine behind the seam (lazy queries on polars' streaming engine)."""

from dataqa.validation.backends.polars.backend import PolarsBackend

__all__ = ["PolarsBackend"]
