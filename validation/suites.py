"""Load suite files of any supported format into ``Suite`` objects.

- ``*.json``: Great Expectations 1.x suite (``dataqa.validation.gx_suite``)
- ``*.yaml`` / ``*.yml``: pandera YAML schema (``dataqa.validation.pandera_suite``)
- ``*.py``: a Python module defining a pandera ``DataFrameSchema``/``DataFrameModel`` and/or
  registering custom checks (``dataqa.validation.pandera_module``)
"""

from __future__ import annotations

from pathlib import Path

from dataqa.errors import SuiteFileError
from dataqa.validation.gx_suite import load_gx_suite
from dataqa.validation.pandera_module import load_pandera_module
from dataqa.validation.pandera_suite import load_pandera_yaml
from dataqa.validation.suite_spec import Suite


def load_suite(path: str | Path) -> Suite:
    """Parse one suite file; ``SuiteFileError`` names the file and entry on any problem."""
    p = Path(path)
    if not p.is_file():
        raise SuiteFileError("no such suite file", str(p))
    suffix = p.suffix.lower()
    if suffix == ".json":
        return load_gx_suite(p)
    if suffix in (".yaml", ".yml"):
        return load_pandera_yaml(p)
    if suffix == ".py":
        return load_pandera_module(p)
    raise SuiteFileError(
        f"unknown suite format '{suffix}': use .json (Great Expectations), .yaml (pandera) "
        "or .py (pandera schema / custom checks)", str(p))
