"""``outlier``: rows far from their nearest neighbours in feature space."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dataqa.labeling.issues.base import _EPS, IssueInput, IssueManager, register

#: Neighbours averaged for the outlier score (Datalab's default k).
K_NEIGHBOURS = 10
#: Datalab's outlier threshold for features: flagged beyond Q3 + (1/t - 1) * IQR.
OUTLIER_THRESHOLD = 0.37037


@register
class OutlierIssueManager(IssueManager):
    """Average distance ``d`` to the ``K_NEIGHBOURS`` nearest other rows; score ``exp(-d / median(d))``
    (cleanlab ``OutOfDistribution``'s transform); flagged when ``d > Q3 + (1/0.37 - 1) * IQR``
    (Datalab's ``OutlierIssueManager`` rule for features)."""

    issue_name = "outlier"
    description = "are outliers in feature space"

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        k = min(K_NEIGHBOURS, inp.knn_distances.shape[1])
        n = inp.knn_distances.shape[0]
        if k == 0:  # a single row has no neighbours: nothing to compare with
            return np.zeros(n, bool), np.ones(n)
        avg = inp.knn_distances[:, :k].mean(axis=1)
        scores = np.exp(-avg / max(float(np.median(avg)), _EPS))
        q1, q3 = np.percentile(avg, [25, 75])
        limit = q3 + (1.0 / OUTLIER_THRESHOLD - 1.0) * (q3 - q1)
        return avg > limit, scores
