"""Measured review precision: what a Label Studio round found vs what the detector expected.

After ``dataqa label pull``, the verdicts on reviewed suspects are compared with their
``p_error`` (the suspects table's calibrated probability that the label is wrong):

- measured precision = relabel / (relabel + confirmed) (``unsure`` and ties carry no verdict),
- expected precision = mean ``p_error`` of the same rows.

The factor :func:`dataqa.labeling.estimate.recalibrate` derives from them is kept per dataset in
``<workspace>/noise/calibration.json`` and multiplies the next run's ``P(error)`` and count.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.errors import InputError
from dataqa.labeling.estimate import recalibrate

FILE = "calibration.json"


@dataclass(frozen=True)
class RoundPrecision:
    """One review round: verdicts, measured and expected precision, the next round's factor."""

    dataset: str
    relabels: int
    confirmed: int
    expected: float
    """Summed ``p_error`` of the rows with a verdict."""
    factor: float

    @property
    def reviewed(self) -> int:
        return self.relabels + self.confirmed

    @property
    def measured_precision(self) -> float:
        return self.relabels / max(self.reviewed, 1)

    @property
    def expected_precision(self) -> float:
        return self.expected / max(self.reviewed, 1)

    def summary(self) -> str:
        """One line for people."""
        return (f"review precision: measured {self.measured_precision:.2f} ({self.relabels} relabel of "
                f"{self.reviewed} verdicts) vs expected {self.expected_precision:.2f}; the next "
                f"`dataqa noise` scales P(error) by {self.factor:.2f}")


def measure(changeset: pl.DataFrame, suspects: pl.DataFrame, dataset: str) -> RoundPrecision | None:
    """The round's precision, or ``None`` when no reviewed row has a ``p_error`` (older suspects)."""
    if "p_error" not in suspects.columns:
        return None
    verdicts = changeset.filter(pl.col("kind").is_in(["relabel", "confirmed"])).select(
        pl.col(ROW_ID).cast(pl.String), "kind")
    joined = verdicts.join(suspects.select(pl.col(ROW_ID).cast(pl.String), "p_error"), on=ROW_ID, how="inner")
    if joined.height == 0:
        return None
    relabels = int((joined["kind"] == "relabel").sum())
    confirmed = joined.height - relabels
    expected = float(joined["p_error"].sum())
    return RoundPrecision(dataset, relabels, confirmed, expected, recalibrate(expected, relabels))


def save(folder: Path, rnd: RoundPrecision) -> Path:
    """Record ``rnd`` as the dataset's latest round in ``folder/calibration.json``."""
    path = folder / FILE
    data = _read(path)
    data[rnd.dataset] = asdict(rnd)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(path)  # atomic: a crash never leaves half a file
    except OSError as exc:
        raise InputError(f"{path}: cannot write the review calibration: {exc.strerror}") from None
    return path


def factor(folder: Path, dataset: str) -> float:
    """The dataset's recalibration factor from its latest round (1.0 if none)."""
    entry = _read(folder / FILE).get(dataset)
    value = entry.get("factor") if isinstance(entry, dict) else None
    return float(value) if isinstance(value, (int, float)) else 1.0


def _read(path: Path) -> dict[str, dict[str, object]]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{path}: unreadable review calibration; delete it to start afresh") from None
    return data if isinstance(data, dict) else {}
