"""Execution backends: one folder per engine (``polars/``, ``spark/``), one contract (``base``).

A backend compiles declared checks into its own expressions (through its registered
implementations) and evaluates them; everything that does not depend on the engine (outcomes,
``mostly``, severity, error isolation, the failure table and the report) is ``validation.engine``.
"""
