"""Load GX's own test definitions (the conformance cases) and decide which apply to pandas.

Shared by the conformance test and ``probe_gx.py``. The definitions live in the ``shared`` folder
beside the repository clone (``../shared/conformance/gx_test_definitions``) or wherever the env
variable ``DATAQA_GX_CONFORMANCE`` points.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[2]


def locate_definitions() -> Path | None:
    """The definitions folder, or ``None`` when it is not on this machine."""
    env = os.environ.get("DATAQA_GX_CONFORMANCE")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "conformance" / "gx_test_definitions")
    for c in candidates:
        if c.is_dir() and any(c.glob("*/*.json")):
            return c
    return None


def iter_cases(root: Path) -> Iterator[dict[str, Any]]:
    """Every test of every dataset of every definition file, in a stable order."""
    for f in sorted(root.glob("*/*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        if "expectation_type" not in d:
            continue
        for di, ds in enumerate(d["datasets"]):
            for ti, test in enumerate(ds["tests"]):
                yield {"expectation_type": d["expectation_type"], "file": f.name, "dataset": di,
                       "index": ti, "data": ds["data"], "schemas": ds.get("schemas") or {},
                       "dataset_only_for": ds.get("only_for"),
                       "dataset_suppress": ds.get("suppress_test_for") or [], "test": test}


def case_id(case: dict[str, Any]) -> str:
    """``expectation/dataset/test:title``: unique and readable (used as pytest id)."""
    return (f"{case['expectation_type']}/{case['dataset']}/{case['index']}:"
            f"{case['test']['title']}")


def pandas_skip_reason(case: dict[str, Any]) -> str | None:
    """Why GX's runner would not run this case on pandas (``None``: it runs)."""
    test = case["test"]
    suppress = list(test.get("suppress_test_for") or []) + list(case["dataset_suppress"])
    if "pandas" in suppress:
        return "suppressed for pandas in GX's definitions"
    for only in (test.get("only_for"), case["dataset_only_for"]):
        if only and "pandas" not in only and "pandas>=024" not in only:
            return f"only for {', '.join(only)} in GX's definitions"
    if isinstance(test["in"], list):
        return "positional arguments (GX 0.x form)"
    return None


def expects_error(case: dict[str, Any]) -> bool:
    """The case expects GX to reject the configuration or raise."""
    test = case["test"]
    return "traceback_substring" in test["out"] or "error" in test
