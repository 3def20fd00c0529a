"""Suite-wide pytest hooks.

In CI (``DATAQA_REQUIRE_BROWSER=1`` / ``DATAQA_REQUIRE_LABEL_STUDIO=1``, set by ``.ci/run``) a test
marked ``browser`` or ``labelstudio`` that skips because Chromium or Label Studio is missing is
reported as a failure: a green run must never hide a missing install step.

Every test has a timeout (pytest-timeout, ``timeout`` in pyproject's pytest config), so a hang
fails the test instead of stalling CI. Tests that start a service or are marked ``slow`` get
``SLOW_TIMEOUT`` unless they set their own ``@pytest.mark.timeout``: the first one in a session
also pays for starting Label Studio, Spark or Chromium on a busy machine.
"""

from __future__ import annotations

import os

import pytest

# The run's one Spark session (fixture ``spark``), for tests/spark/ and the ``spark`` backend of
# the parametrised conformance and parity tests elsewhere.
pytest_plugins = ("spark_fixtures",)

#: Seconds allowed for a test marked slow, labelstudio, browser or spark, or in a module that
#: retrains models or starts a real tool in its fixtures (the first test pays for the fixture).
SLOW_TIMEOUT = 1200
_SLOW_MARKERS = ("slow", "labelstudio", "browser", "spark")
_SLOW_MODULES = ("test_ledger_", "test_noise_", "test_mlflow_", "test_precommit_", "test_github_",
                 "test_pandera_parity", "test_sample_data", "test_suggest_drafts")

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


@pytest.hookimpl(trylast=True)  # after the folder conftests have added their markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("timeout") is not None:
            continue
        if (any(item.get_closest_marker(m) is not None for m in _SLOW_MARKERS) or "spark" in item.path.parts
                or item.path.name.startswith(_SLOW_MODULES)):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))
