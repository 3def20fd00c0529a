"""The evaluation-integrity guard: the frozen evaluation rows are only changed by reviewed fixes,
and two models are only compared on the same evaluation rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from dataqa.errors import EvaluationIntegrityError
from dataqa.versions.materialize import ROW_ID

if TYPE_CHECKING:  # pragma: no cover
    from dataqa.versions.store import PendingFix, VersionStore


def _examples(s: pl.Series, n: int = 5) -> str:
    return ", ".join(map(str, s.head(n).to_list())) + (" ..." if s.len() > n else "")


def check_automated_fix(store: "VersionStore", fix: "PendingFix") -> None:
    """Refuse an automated fix (rule-based repair, unreviewed drop) that touches evaluation rows.

    Raises
    ------
    EvaluationIntegrityError
        Naming the evaluation rows concerned; nothing is written.
    """
    if fix.reviewed or not (store.path / "split.parquet").exists():
        return
    hit = store.eval_rows_among(pl.concat([fix.cells[ROW_ID], fix.rows[ROW_ID]]).unique())
    if hit.len():
        raise EvaluationIntegrityError(
            f"{store.path}: this {fix.kind.value} fix is automated and would change {hit.len()} row(s) "
            f"of the frozen evaluation split (row_id {_examples(hit)}); nothing was written. Leave those "
            "rows out, or have a human review them (a manual edit or a Label Studio review)"
        )


def check_same_eval_rows(store: "VersionStore", refs: list[str]) -> pl.Series:
    """The evaluation rows present in every version of ``refs``; refuse if they differ.

    Raises
    ------
    EvaluationIntegrityError
        Some version lacks evaluation rows that another has (e.g. a reviewed drop of eval rows).
    """
    ids = store.eval_row_ids()
    present = {r: ids.filter(~ids.is_in(store.dropped(r).implode())).sort() for r in refs}
    ref = present[refs[-1]]
    for r in refs:
        if not present[r].equals(ref):
            a, b = set(present[r].to_list()), set(ref.to_list())
            lost = pl.Series(sorted(a ^ b))
            raise EvaluationIntegrityError(
                f"{store.path}: versions {r} and {refs[-1]} do not have the same evaluation rows: "
                f"{lost.len()} differ (row_id {_examples(lost)}, dropped in one of them); their models "
                "cannot be compared on the same rows. Roll the drop back, or start a new store"
            )
    return ref
