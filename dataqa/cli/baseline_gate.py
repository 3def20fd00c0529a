"""The baseline-regression gate as a check result, so ``dataqa check`` can close on it.

An adapter between the model ledger (``dataqa.ledger``: the gate arithmetic) and the validation
report (``dataqa.validation.report``), kept beside the check command so the ledger does not depend
on validation.
"""

from __future__ import annotations

from dataqa.config import ProjectConfig
from dataqa.errors import DataqaError
from dataqa.ledger.ledger import baseline_regression_check
from dataqa.validation.report import CheckResult
from dataqa.versions import VersionStore

__all__ = ["baseline_gate_result"]


def baseline_gate_result(config: ProjectConfig, *, metric: str, tolerance: float,
                         version: str = "head") -> CheckResult:
    """Retrain the fixed baseline on the store's ``version`` and its parent and compare.

    The outcome is ``failed`` when ``metric`` gets worse by more than ``tolerance``; ``error``
    when there is no store or the comparison cannot be made (it never aborts the check run).
    """
    store_path = config.workspace_path / "versions"
    result = CheckResult(
        check="baseline.regression", label=f"baseline.regression({metric})",
        suite_file=str(store_path), location=f"{store_path}[{version}]", columns=[],
        severity="critical", outcome="passed",
        kwargs={"metric": metric, "tolerance": tolerance, "version": version},
    )
    try:
        passed, message = baseline_regression_check(VersionStore(store_path), version, metric, tolerance,
                                                    config=config)
    except DataqaError as exc:
        result.outcome, result.message = "error", str(exc)
        return result
    result.outcome = "passed" if passed else "failed"
    result.observed_value = message
    result.message = None if passed else message
    return result
