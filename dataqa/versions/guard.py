"""The evaluation-integrity guard: the frozen evaluation rows are only changed by reviewed fixes,
and two models are only compared on the same evaluation rows.

Above ``split.py`` and ``lineage.py``; below the repository, whose ``commit`` calls
``check_automated_fix``. ``check_same_eval_rows`` reads versions through the small ``EvalReader``
protocol, which the repository satisfies, so the guard never imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence

import polars as pl

from dataqa.errors import EvaluationIntegrityError
from dataqa.versions.layout import ROW_ID, examples
from dataqa.versions.lineage import PendingFix
from dataqa.versions.split import eval_rows_among, has_split

__all__ = ["EvalReader", "check_automated_fix", "check_same_eval_rows"]


class EvalReader(Protocol):
    """What the guard reads of a store: its folder, the split's eval rows, each version's drops."""

    @property
    def path(self) -> Path: ...

    def eval_row_ids(self) -> pl.Series: ...

    def dropped(self, ref: str) -> pl.Series: ...


def check_automated_fix(root: Path, fix: PendingFix) -> None:
    """Refuse an automated fix (rule-based repair, unreviewed drop) that touches evaluation rows.

    Raises
    ------
    EvaluationIntegrityError
        Naming the evaluation rows concerned; nothing is written.
    """
    if fix.reviewed or not has_split(root):
        return
    hit = eval_rows_among(root, pl.concat([fix.cells[ROW_ID], fix.rows[ROW_ID]]).unique())
    if hit.len():
        raise EvaluationIntegrityError(
            f"{root}: this {fix.kind.value} fix is automated and would change {hit.len()} row(s) "
            f"of the frozen evaluation split (row_id {examples(hit)}); nothing was written. Leave those "
            "rows out, or have a human review them (a manual edit or a Label Studio review)"
        )


def check_same_eval_rows(store: EvalReader, refs: Sequence[str]) -> pl.Series:
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
                f"{lost.len()} differ (row_id {examples(lost)}, dropped in one of them); their models "
                "cannot be compared on the same rows. Roll the drop back, or start a new store"
            )
    return ref
