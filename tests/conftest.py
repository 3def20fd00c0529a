"""Suite-wide pytest hooks.

In CI (``DATAQA_REQUIRE_BROWSER=1`` / ``DATAQA_REQUIRE_LABEL_STUDIO=1``, set by ``.ci/run``) a test
marked ``browser`` or ``labelstudio`` that skips because Chromium or Label Studio is missing is
reported as a failure: a green run must never hide a missing install step.
"""

from __future__ import annotations

import os

import pytest

_REQUIRED = {
    "browser": "DATAQA_REQUIRE_BROWSER",
    "labelstudio": "DATAQA_REQUIRE_LABEL_STUDIO",
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if not report.skipped:
        return
    for marker, env in _REQUIRED.items():
        if item.get_closest_marker(marker) is not None and os.environ.get(env) == "1":
            report.outcome = "failed"
            report.longrepr = f"{item.nodeid}: skipped, but {env}=1 requires it to run ({report.longrepr})"
            return
