"""``label``: confident-learning label issues (cleanlab) on the baseline's out-of-fold probabilities."""

from __future__ import annotations

from typing import Any

from numpy.typing import NDArray

from dataqa.labeling.issues.base import IssueInput, IssueManager, register


@register
class LabelIssueManager(IssueManager):
    """The detector's flags and scores when given (``IssueInput.label_flags``: the top of the ranking
    up to the estimated error count, see :mod:`dataqa.labeling.estimate`); otherwise flags from
    cleanlab ``filter.find_label_issues`` (``prune_by_noise_rate``) and the score
    ``rank.get_label_quality_scores`` (self-confidence: the out-of-fold probability of the given label)."""

    issue_name = "label"
    description = "have a given label the baseline finds unlikely"

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        if inp.label_flags is not None and inp.label_scores is not None:
            return inp.label_flags, inp.label_scores
        # cleanlab takes about 2 s to import: only when this detector runs
        from cleanlab.filter import find_label_issues
        from cleanlab.rank import get_label_quality_scores

        # n_jobs=1: cleanlab otherwise forks a process pool, which deadlocks inside threaded
        # hosts such as the Streamlit server; the work is small next to the cross-validation.
        kwargs = {"n_jobs": 1, **(inp.cleanlab_kwargs or {})}
        flags = find_label_issues(inp.labels, inp.pred_probs, **kwargs)
        return flags, get_label_quality_scores(inp.labels, inp.pred_probs)
