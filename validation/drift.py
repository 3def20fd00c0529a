"""Drift and skew of a dataset against a reference, computed from two profiles.

Schema skew: columns removed (failed), added (warning), retyped (failed), or a column without
nulls in the reference that has nulls now (warning). Value skew per column present in both:

=====================  ==========================================  ========  ======
check                  statistic                                    warning   failed
=====================  ==========================================  ========  ======
``drift.psi``          numeric: population stability index on       > 0.10    > 0.25
                       ~10 reference-decile bins
``drift.ks``           numeric: Kolmogorov-Smirnov statistic at     > 0.10    > 0.20
                       the reference's 99 percentiles
``drift.js``           categorical: Jensen-Shannon distance         > 0.10    > 0.20
                       (base 2, in [0, 1]) of the frequencies
``drift.unseen_        share of non-null rows whose category the     > 0       > 0.01
categories``           reference never saw
``drift.label``        label column: JS distance (categorical) or   > 0.05    > 0.10
                       PSI (numeric) of its distribution
=====================  ==========================================  ========  ======

Thresholds are the defaults of ``DriftConfig`` (PSI 0.1/0.25 is the usual credit-risk rule of
thumb); ``DriftConfig.from_mapping`` builds one from a ``[drift]`` table and
``load_drift_config`` reads one from a TOML file (``dataqa profile --drift-config FILE``). Columns with fewer
than ``min_values`` non-null values on either side are not compared (a note says so).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import numpy.typing as npt

from dataqa.errors import InputError
from dataqa.validation.drift_model import DriftReport, DriftResult, Threshold
from dataqa.validation.drift_schema import schema_results
from dataqa.validation.drift_stats import decile_groups, js_distance, ks_binned, psi, rebin
from dataqa.validation.profile_model import ColumnProfile, Profile


@dataclass(frozen=True)
class DriftConfig:
    """Thresholds and rules for drift checks (defaults documented in the module docstring)."""

    psi: Threshold = Threshold(0.10, 0.25)
    ks: Threshold = Threshold(0.10, 0.20)
    js: Threshold = Threshold(0.10, 0.20)
    unseen: Threshold = Threshold(0.0, 0.01)
    label: Threshold = Threshold(0.05, 0.10)
    min_values: int = 20
    """Fewer non-null values than this on either side: the column's values are not compared."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DriftConfig:
        """Build from e.g. ``{"psi": {"warning": 0.1, "failed": 0.3}, "min_values": 50}``.

        Raises
        ------
        InputError
            An unknown key or a malformed threshold.
        """
        cfg = cls()
        for key, val in data.items():
            if key == "min_values":
                cfg = replace(cfg, min_values=int(val))
                continue
            if key not in ("psi", "ks", "js", "unseen", "label"):
                raise InputError(f"[drift]: unknown key '{key}'; known: psi, ks, js, unseen, "
                                 "label, min_values")
            try:
                base: Threshold = getattr(cfg, key)
                thr = Threshold(float(val.get("warning", base.warning)),
                                float(val.get("failed", base.failed)))
            except (AttributeError, TypeError, ValueError):
                raise InputError(f"[drift] {key}: expected a table with numeric 'warning' and "
                                 f"'failed', got {val!r}") from None
            cfg = replace(cfg, **{key: thr})  # type: ignore[arg-type]
        return cfg


def load_drift_config(path: str | Path) -> DriftConfig:
    """Thresholds from a TOML file: its ``[drift]`` table, or its top level.

    Example file::

        [drift]
        psi = { warning = 0.1, failed = 0.3 }
        unseen = { failed = 0.05 }
        min_values = 50

    Raises
    ------
    InputError
        The file is missing or not TOML, or a key is unknown.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{p}: cannot read drift thresholds: {exc}") from None
    try:
        return DriftConfig.from_mapping(data.get("drift", data))
    except InputError as exc:
        raise InputError(f"{p}: {exc}") from None


# ---- comparison ------------------------------------------------------------------------
def compare(current: Profile, reference: Profile, *, label_column: str | None = None,
            config: DriftConfig | None = None) -> DriftReport:
    """Drift of ``current`` against ``reference``.

    Parameters
    ----------
    current, reference:
        Profiles; compute ``current`` with ``profile(data, reference=reference)`` so numeric
        columns share the reference's bins (otherwise they are re-binned approximately).
    label_column:
        Adds ``drift.label`` on this column's distribution.
    config:
        Thresholds (default ``DriftConfig()``).

    Examples
    --------
    >>> import polars as pl
    >>> from dataqa.validation.profile import profile
    >>> ref = profile(pl.DataFrame({"c": ["a"] * 50 + ["b"] * 50}))
    >>> cur = profile(pl.DataFrame({"c": ["a"] * 50 + ["z"] * 50}), reference=ref)
    >>> [(r.check, r.outcome) for r in compare(cur, ref).results]
    [('drift.schema', 'passed'), ('drift.js', 'failed'), ('drift.unseen_categories', 'failed')]
    """
    cfg = config or DriftConfig()
    report = DriftReport(current=current.source, reference=reference.source, results=[])
    report.results += schema_results(current, reference, report.notes)
    for ref_col in reference.columns:
        if ref_col.name not in current:
            continue
        cur_col = current[ref_col.name]
        if cur_col.dtype != ref_col.dtype and cur_col.kind != ref_col.kind:
            continue  # retyped: reported by the schema check, values are not comparable
        report.results += _value_results(cur_col, ref_col, cfg, report.notes)
    if label_column:
        report.results += _label_results(current, reference, label_column, cfg, report.notes)
    return report


def _too_few(cur: ColumnProfile, ref: ColumnProfile, cfg: DriftConfig, notes: list[str]) -> bool:
    if min(cur.non_null, ref.non_null) < cfg.min_values:
        notes.append(f"column '{ref.name}': fewer than {cfg.min_values} non-null values "
                     f"(reference {ref.non_null}, current {cur.non_null}): values not compared")
        return True
    return False


def numeric_counts(cur: ColumnProfile, ref: ColumnProfile) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], bool]:
    """Reference and current counts on the reference's bins; True when re-binned."""
    assert cur.drift_bins is not None and ref.drift_bins is not None
    r = np.asarray(ref.drift_bins.counts, dtype=float)
    if cur.drift_bins.breaks == ref.drift_bins.breaks:
        return r, np.asarray(cur.drift_bins.counts, dtype=float), False
    return r, rebin(cur.drift_bins, ref.drift_bins.breaks), True


def _value_results(cur: ColumnProfile, ref: ColumnProfile, cfg: DriftConfig,
                   notes: list[str]) -> list[DriftResult]:
    name = ref.name
    if ref.kind == "numeric" and cur.kind == "numeric":
        if ref.drift_bins is None or cur.drift_bins is None or _too_few(cur, ref, cfg, notes):
            return []
        r, c, rebinned = numeric_counts(cur, ref)
        extra = " (approximate: re-binned from a profile with other bins)" if rebinned else ""
        p = psi(*decile_groups(r, c))
        k = ks_binned(r, c)
        return [
            DriftResult("drift.psi", name, p, cfg.psi.outcome(p), cfg.psi,
                        f"PSI {p:.3f} of '{name}' vs the reference{extra}"),
            DriftResult("drift.ks", name, k, cfg.ks.outcome(k), cfg.ks,
                        f"KS statistic {k:.3f} of '{name}' at the reference's percentiles{extra}"),
        ]
    if ref.kind == "temporal":
        return []  # time moves on by design; schema and nulls are still checked
    if ref.frequencies is None or cur.frequencies is None:
        if ref.kind in ("string", "categorical", "boolean") and ref.non_null:
            notes.append(f"column '{name}': too many distinct values for category frequencies; "
                         "values not compared")
        return []
    if _too_few(cur, ref, cfg, notes):
        return []
    cats = sorted(set(ref.frequencies) | set(cur.frequencies))
    r = np.array([ref.frequencies.get(k, 0) for k in cats], dtype=float)
    c = np.array([cur.frequencies.get(k, 0) for k in cats], dtype=float)
    js = js_distance(r, c)
    cur_freq, ref_freq = cur.frequencies, ref.frequencies
    unseen = sorted((k for k in cur_freq if k not in ref_freq), key=lambda k: -cur_freq[k])
    n_unseen = sum(cur_freq[k] for k in unseen)
    share = n_unseen / cur.non_null if cur.non_null else 0.0
    shown = ", ".join(repr(k) for k in unseen[:10]) + (" ..." if len(unseen) > 10 else "")
    return [
        DriftResult("drift.js", name, js, cfg.js.outcome(js), cfg.js,
                    f"Jensen-Shannon distance {js:.3f} of '{name}' frequencies vs the reference"),
        DriftResult("drift.unseen_categories", name, share, cfg.unseen.outcome(share), cfg.unseen,
                    (f"{n_unseen} row(s) ({100 * share:.2f}%) of '{name}' have "
                     f"{len(unseen)} categor{'y' if len(unseen) == 1 else 'ies'} the reference "
                     f"never saw: {shown}") if unseen else f"no unseen categories in '{name}'",
                    {"unseen": unseen[:100], "unseen_rows": n_unseen}),
    ]


def _label_results(current: Profile, reference: Profile, label: str, cfg: DriftConfig,
                   notes: list[str]) -> list[DriftResult]:
    if label not in current or label not in reference:
        notes.append(f"label column '{label}' is not in both datasets: label drift not computed")
        return []
    cur, ref = current[label], reference[label]
    if _too_few(cur, ref, cfg, notes):
        return []
    if ref.frequencies is not None and cur.frequencies is not None:
        cats = sorted(set(ref.frequencies) | set(cur.frequencies))
        r = np.array([ref.frequencies.get(k, 0) for k in cats], dtype=float)
        c = np.array([cur.frequencies.get(k, 0) for k in cats], dtype=float)
        v, stat = js_distance(r, c), "Jensen-Shannon distance"
    elif ref.drift_bins is not None and cur.drift_bins is not None:
        v, stat = psi(*decile_groups(*numeric_counts(cur, ref)[:2])), "PSI"
    else:
        notes.append(f"label column '{label}': no comparable distribution")
        return []
    return [DriftResult("drift.label", label, v, cfg.label.outcome(v), cfg.label,
                        f"label '{label}' distribution: {stat} {v:.3f} vs the reference")]


__all__ = ["DriftConfig", "DriftReport", "DriftResult", "Threshold", "compare", "decile_groups",
           "js_distance", "ks_binned", "load_drift_config", "numeric_counts", "psi", "rebin"]
