"""Plain-text rendering of a profile (and drift) for the terminal and CI logs."""

from __future__ import annotations

from typing import Any

from dataqa.validation.drift_model import DriftReport
from dataqa.validation.profile_model import Profile


def _fmt(v: Any, width: int = 12) -> str:
    if v is None:
        s = ""
    elif isinstance(v, float):
        s = f"{v:.6g}"
    else:
        s = str(v)
    return s if len(s) <= width else s[: width - 1] + "…"


def render_text(p: Profile, drift: DriftReport | None = None) -> str:
    """A summary table of the profile, its notes, and the drift results if given."""
    lines = [f"{p.source}: {p.rows} rows, {p.n_columns} columns, "
             f"{p.duplicate_rows} duplicate rows"
             + (f", {p.duplicate_ids} duplicate ids in '{p.id_column}'" if p.id_column else "")]
    lines += [f"note: {n}" for n in p.notes]
    head = ("column", "type", "kind", "nulls%", "distinct", "min", "max", "mean", "top")
    rows = [head]
    for c in p.columns:
        top = c.top_values[0][0] if c.top_values else None
        rows.append((c.name, c.dtype, c.kind, f"{c.null_percent:.2f}",
                     ("" if c.distinct_exact else "~") + _fmt(c.distinct), _fmt(c.min), _fmt(c.max),
                     _fmt(c.mean), _fmt(top)))
    widths = [min(24, max(len(str(r[i])) for r in rows)) for i in range(len(head))]
    for r in rows:
        lines.append("  ".join(_fmt(v, w).ljust(w) for v, w in zip(r, widths)).rstrip())
    for c in p.columns:
        lines += [f"note: {c.name}: {n}" for n in c.notes]
    if drift is not None:
        lines.append("")
        lines.append(f"drift against {drift.reference}: {drift.outcome}")
        for d in drift.results:
            value = "" if d.value is None else f" = {d.value:.4f}"
            lines.append(f"  {d.outcome:<8} {d.check}({d.column or '*'}){value}: {d.message}")
        lines += [f"note: {n}" for n in drift.notes]
    return "\n".join(lines) + "\n"
