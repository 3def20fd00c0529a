"""``null``: rows whose feature values are all null."""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

from dataqa.labeling.issues.base import IssueInput, IssueManager, register


@register
class NullIssueManager(IssueManager):
    """Score is the share of non-null feature values; flagged when every feature is null."""

    issue_name = "null"
    description = "have only null features"

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        return inp.null_fraction >= 1.0, 1.0 - inp.null_fraction
