"""The label-quality gate as a check result, so ``dataqa check --max-label-noise RATE`` can close on it."""

from __future__ import annotations

from pathlib import Path

from dataqa.config import ProjectConfig
from dataqa.errors import DataqaError, InputError
from dataqa.labeling.noise import find_noise_in_file
from dataqa.validation.report import CheckResult


def label_noise_result(config: ProjectConfig, data: str | Path, *, max_rate: float,
                       label_column: str | None = None, id_column: str | None = None) -> CheckResult:
    """Run the label-noise detector on ``data`` and compare the estimated noise rate with ``max_rate``.

    The outcome is ``failed`` when the *lower* bound of the estimated rate (the interval of
    ``[noise] confidence``) exceeds ``max_rate``: the gate closes only when the data is surely
    noisier than allowed, not on the detector's uncertainty. ``error`` (never an abort) when the
    detector cannot run on the data (no label column, a single class...).

    Raises
    ------
    InputError
        ``max_rate`` outside [0, 1] (a bad option, not a data problem).
    """
    if not 0.0 <= max_rate <= 1.0:
        raise InputError(f"--max-label-noise {max_rate}: must be a share of rows between 0 and 1")
    label = label_column or config.dataset.label_column
    result = CheckResult(
        check="label_noise.max_rate", label=f"label_noise.max_rate({label})", suite_file="dataqa.toml [noise]",
        location=str(data), columns=[label] if label else [], severity="critical", outcome="passed",
        kwargs={"max_rate": max_rate, "models": list(config.noise.models), "confidence": config.noise.confidence},
    )
    try:
        if label is None:
            raise InputError("no label column: set [dataset] label_column in dataqa.toml")
        res = find_noise_in_file(data, label_column=label, id_column=id_column, noise=config.noise)
    except DataqaError as exc:
        result.outcome, result.message = "error", str(exc)
        return result
    est = res.estimate
    assert est is not None  # find_noise always estimates
    result.element_count = result.evaluated_count = est.rows
    result.unexpected_count = est.flag_count
    result.observed_value = (f"estimated noise rate {est.rate:.1%} ({est.level:.0%} interval "
                             f"{est.rate_low:.1%}-{est.rate_high:.1%}); max {max_rate:.1%}")
    if est.rate_low > max_rate:
        result.outcome = "failed"
        result.message = (f"label noise: at least {est.rate_low:.1%} of '{label}' labels are wrong "
                          f"(estimate {est.rate:.1%}), above the allowed {max_rate:.1%}")
    if res.warning:
        result.note = res.warning
    return result
