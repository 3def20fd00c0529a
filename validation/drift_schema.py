"""Schema skew between two profiles: columns removed, added, retyped, newly nullable."""

from __future__ import annotations

from dataqa.validation.drift_model import DriftResult
from dataqa.validation.profile_model import Profile


def schema_results(current: Profile, reference: Profile, notes: list[str]) -> list[DriftResult]:
    """One ``drift.schema`` result per skewed column, or a single passed one.

    Removed and retyped columns fail (a model or a suite reading them breaks); added columns
    and a column that gained nulls warn.
    """
    out: list[DriftResult] = []
    cur_names = set(current.names)
    ref_names = set(reference.names)
    for name in reference.names:
        if name not in cur_names:
            out.append(DriftResult("drift.schema", name, None, "failed", None,
                                   f"column '{name}' is in the reference but missing now",
                                   {"change": "removed"}))
    for name in current.names:
        if name not in ref_names:
            out.append(DriftResult("drift.schema", name, None, "warning", None,
                                   f"column '{name}' is new (not in the reference)",
                                   {"change": "added"}))
    for name in reference.names:
        if name not in cur_names:
            continue
        ref, cur = reference[name], current[name]
        if ref.dtype != cur.dtype:
            out.append(DriftResult("drift.schema", name, None, "failed", None,
                                   f"column '{name}' changed type: {ref.dtype} in the "
                                   f"reference, {cur.dtype} now", {"change": "retyped",
                                   "reference_dtype": ref.dtype, "current_dtype": cur.dtype}))
        elif ref.null_count == 0 and ref.count > 0 and cur.null_count > 0:
            out.append(DriftResult("drift.schema", name, float(cur.null_percent), "warning", None,
                                   f"column '{name}' had no nulls in the reference; now "
                                   f"{cur.null_count} ({cur.null_percent:.2f}%)",
                                   {"change": "nullable"}))
    if cur_names != ref_names:
        notes.append(f"the columns differ from the reference: {len(ref_names - cur_names)} "
                     f"removed, {len(cur_names - ref_names)} added; only common columns are "
                     "compared for value drift")
    if not out:
        out.append(DriftResult("drift.schema", None, None, "passed", None,
                               f"same {len(cur_names)} columns, types and nullability as the "
                               "reference"))
    return out
