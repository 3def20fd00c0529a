"""``label``: confident-learning label issues (cleanlab) on the baseline's out-of-fold probabilities."""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

from dataqa.labeling.issues.base import IssueInput, IssueManager, register


@register
class LabelIssueManager(IssueManager):
    """Flags from cleanlab ``filter.find_label_issues`` (``prune_by_noise_rate``); the score is
    ``rank.get_label_quality_scores`` (self-confidence: the out-of-fold probability of the given label)."""

    issue_name = "label"
    description = "have a given label the baseline finds unlikely"

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        from cleanlab.filter import find_label_issues
        from cleanlab.rank import get_label_quality_scores

        # n_jobs=1: cleanlab otherwise forks a process pool, which deadlocks inside threaded
        # hosts such as the Streamlit server; the work is small next to the cross-validation.
        kwargs = {"n_jobs": 1, **(inp.cleanlab_kwargs or {})}
        flags = find_label_issues(inp.labels, inp.pred_probs, **kwargs)
        return flags, get_label_quality_scores(inp.labels, inp.pred_probs)
