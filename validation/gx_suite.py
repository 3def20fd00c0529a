"""Parse Great Expectations 1.x suite JSON into ``Suite`` objects (stub; being completed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dataqa.errors import SuiteFileError
from dataqa.validation.model import CheckSpec, Suite, freeze
from dataqa.validation.registry import get_check


def load_gx_suite(path: str | Path) -> Suite:
    """Read a GX suite file (``{"name", "expectations": [{"type", "kwargs", "meta", "severity"}]}``)."""
    p = str(path)
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteFileError(f"not valid JSON: {exc}", p) from None
    checks = []
    for i, e in enumerate(data.get("expectations", [])):
        loc = f"{p}[expectations.{i}]"
        name = e.get("type") or e.get("expectation_type")
        get_check(name, loc)
        checks.append(CheckSpec(name=name, kwargs=freeze(e.get("kwargs", {})), suite_file=p,
                                location=loc, severity=e.get("severity", "critical"), origin="gx",
                                meta=freeze(e.get("meta") or {})))
    return Suite(name=data.get("name", Path(p).stem), path=p, checks=tuple(checks))
