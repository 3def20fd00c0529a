"""What every issue kind shares: the input, the result, the manager base class and the registry.

An issue kind is a small :class:`IssueManager` subclass in its own module (cleanlab Datalab's
``<Kind>IssueManager`` layout): it sets ``issue_name`` and implements :meth:`IssueManager.find_issues`,
and :func:`register` adds one instance to :data:`REGISTRY`. A registered manager is called like a
function, ``REGISTRY["null"](inp) -> Issues``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np
import polars as pl
from numpy.typing import NDArray

_EPS = 1e-12


@dataclass(frozen=True)
class IssueInput:
    """What the detectors share (computed once per run by :func:`dataqa.labeling.noise.find_noise`).

    Attributes
    ----------
    labels:
        Given class index per row, shape ``(n,)``.
    pred_probs:
        Out-of-fold class probabilities, shape ``(n, K)``.
    knn_distances:
        Sorted distances to the nearest other rows, shape ``(n, k)`` (self excluded).
    nn_distance, nn_index:
        Distance to, and index of, the nearest other row, shape ``(n,)``.
    nn_median:
        Median nearest-neighbour distance (see :mod:`dataqa.labeling.neighbours`).
    categories:
        Categorical codes per row (``-1`` for null), shape ``(n, c)``; may have 0 columns.
    null_fraction:
        Fraction of null feature values per row, shape ``(n,)``.
    """

    labels: NDArray[Any]
    pred_probs: NDArray[Any]
    knn_distances: NDArray[Any]
    nn_distance: NDArray[Any]
    nn_index: NDArray[Any]
    nn_median: float
    categories: NDArray[Any]
    null_fraction: NDArray[Any]
    cleanlab_kwargs: dict[str, Any] | None = None
    """Extra keyword arguments for ``find_label_issues`` (e.g. a precomputed confident joint)."""
    label_flags: NDArray[Any] | None = None
    """Precomputed label-issue flags (the detector's default flags); ``None``: cleanlab's."""
    label_scores: NDArray[Any] | None = None
    """Precomputed label quality scores (lower = worse) to go with ``label_flags``."""


@dataclass(frozen=True)
class Issues:
    """One kind's result: ``frame`` has ``is_<kind>_issue`` and ``<kind>_score``, one row per row."""

    kind: str
    frame: pl.DataFrame
    summary: str

    @property
    def count(self) -> int:
        """Number of flagged rows."""
        return int(self.frame.get_column(f"is_{self.kind}_issue").sum())


class IssueManager:
    """Base of every issue kind.

    Subclasses set ``issue_name`` (the columns become ``is_<issue_name>_issue`` and
    ``<issue_name>_score``) and ``description`` (the end of the one-line summary), and implement
    :meth:`find_issues` returning ``(flags, scores)``.
    """

    issue_name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def find_issues(self, inp: IssueInput) -> tuple[NDArray[Any], NDArray[Any]]:
        """Per-row flags (bool) and scores (lower = worse; clipped to [0, 1], NaN -> 1)."""
        raise NotImplementedError

    def __call__(self, inp: IssueInput) -> Issues:
        flags, scores = self.find_issues(inp)
        return make_issues(self.issue_name, flags, scores, self.description)


def make_issues(kind: str, flags: NDArray[Any], scores: NDArray[Any], what: str) -> Issues:
    """The :class:`Issues` of ``kind`` from raw flags and scores, with its summary line."""
    scores = np.clip(np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=1.0), 0.0, 1.0)
    flags = np.asarray(flags, dtype=bool)
    frame = pl.DataFrame({f"is_{kind}_issue": flags, f"{kind}_score": scores})
    n, hit = len(flags), int(flags.sum())
    share = f" ({hit / n:.1%})" if n else ""
    return Issues(kind, frame, f"{kind}: {hit} of {n} rows{share} {what}")


#: Issue kind -> manager, in the order the columns appear in the suspects table.
REGISTRY: dict[str, IssueManager] = {}

M = TypeVar("M", bound=type[IssueManager])


def register(cls: M) -> M:
    """Class decorator: register one instance of ``cls`` under its ``issue_name``."""
    if not cls.issue_name:
        raise TypeError(f"{cls.__name__} has no issue_name")
    REGISTRY[cls.issue_name] = cls()
    return cls
