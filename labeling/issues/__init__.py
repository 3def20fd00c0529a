"""The one registry of row-level issue kinds found by ``dataqa noise``.

One module per kind, each an :class:`~dataqa.labeling.issues.base.IssueManager` subclass
registered with :func:`~dataqa.labeling.issues.base.register` (cleanlab Datalab's layout). Every
manager receives the shared :class:`IssueInput` (labels, out-of-fold probabilities, the
k-nearest-neighbour graph, null fractions) and returns an :class:`Issues`: one row per input row
with ``is_<kind>_issue`` (bool) and ``<kind>_score`` in [0, 1], lower meaning worse (STYLE habit 2),
plus a one-line summary. Thresholds follow cleanlab Datalab's defaults, so results are comparable.

========================  =====================================================================
kind                      module (rule in its class docstring)
========================  =====================================================================
``label``                 :mod:`.label`: cleanlab confident learning + label quality scores
``outlier``               :mod:`.outlier`: average kNN distance, Datalab's IQR rule
``near_duplicate``        :mod:`.near_duplicate`: nearest row within 0.13 x median distance
``null``                  :mod:`.null`: every feature null
``class_imbalance``       :mod:`.class_imbalance`: class below a tenth of the balanced share
========================  =====================================================================

Adding a kind: a module with a ``@register``-ed ``<Kind>IssueManager``, imported below (the import
order is the column order), and a hand-computed case in ``tests/test_noise_detectors.py`` (a
guard test fails otherwise).
"""

from __future__ import annotations

from dataqa.labeling.issues.base import REGISTRY, IssueInput, IssueManager, Issues, make_issues, register
from dataqa.labeling.issues.class_imbalance import IMBALANCE_THRESHOLD, ClassImbalanceIssueManager

# Registration happens on import; this order is the suspects table's column order.
from dataqa.labeling.issues.label import LabelIssueManager
from dataqa.labeling.issues.near_duplicate import NEAR_DUPLICATE_THRESHOLD, NearDuplicateIssueManager
from dataqa.labeling.issues.null import NullIssueManager
from dataqa.labeling.issues.outlier import K_NEIGHBOURS, OUTLIER_THRESHOLD, OutlierIssueManager

__all__ = [
    "REGISTRY", "IssueInput", "IssueManager", "Issues", "make_issues", "register",
    "LabelIssueManager", "OutlierIssueManager", "NearDuplicateIssueManager", "NullIssueManager",
    "ClassImbalanceIssueManager", "K_NEIGHBOURS", "OUTLIER_THRESHOLD", "NEAR_DUPLICATE_THRESHOLD",
    "IMBALANCE_THRESHOLD",
]
