"""``near_duplicate``: rows much closer to another row than rows usually are."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dataqa.labeling.issues.base import _EPS, IssueInput, IssueManager, register

#: Datalab's near-duplicate radius, as a fraction of the median nearest-neighbour distance.
NEAR_DUPLICATE_THRESHOLD = 0.13


@register
class NearDuplicateIssueManager(IssueManager):
    """Distance ``d1`` to the nearest other row; flagged when ``d1 < 0.13 * median(d1)`` and the two
    rows share every categorical value (Datalab's ``NearDuplicateIssueManager`` rule; both rows of
    a pair are flagged); score ``tanh(d1 / median(d1))``. Rows whose features are all null are
    left to the ``null`` kind (identical emptiness is not duplication)."""

    issue_name = "near_duplicate"
    description = "are near-duplicates of another row"

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        n = inp.nn_distance.shape[0]
        if n < 2:
            return np.zeros(n, bool), np.ones(n)
        d1, nearest = inp.nn_distance, inp.nn_index
        median = max(inp.nn_median, _EPS)
        same_cats = (inp.categories == inp.categories[nearest]).all(axis=1)
        usable = inp.null_fraction < 1.0
        close = (d1 < NEAR_DUPLICATE_THRESHOLD * median) & same_cats & usable & usable[nearest]
        flags = close.copy()
        flags[nearest[close]] = True  # the partner is a near-duplicate too
        return flags, np.tanh(d1 / median)
