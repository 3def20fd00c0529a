"""``class_imbalance``: rows of a class much rarer than a balanced share."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dataqa.labeling.issues.base import IssueInput, IssueManager, register

#: Datalab's class-imbalance threshold, as a fraction of the balanced frequency 1/K.
IMBALANCE_THRESHOLD = 0.1


@register
class ClassImbalanceIssueManager(IssueManager):
    """Rows of a class whose frequency is below ``0.1 * 1/K`` (K classes); score ``min(1, frequency * K)``."""

    issue_name = "class_imbalance"
    description = "belong to a rare class"

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        n, k = inp.pred_probs.shape
        freq = np.bincount(inp.labels, minlength=k) / max(n, 1)
        row_freq = freq[inp.labels]
        return row_freq < IMBALANCE_THRESHOLD / k, np.minimum(1.0, row_freq * k)
