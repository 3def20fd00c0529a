"""Validation: suites (GX, pandera, custom checks), the polars engine, reports, profiling."""
