"""The ``Profile`` object: per-column and per-table statistics, with a JSON form that round-trips.

A pipeline stores the training profile once (``Profile.to_json``) and later compares new batches
against it (``Profile.from_json`` + ``dataqa.validation.drift``) without re-reading the old data,
so a profile keeps what drift needs: numeric quantile bins with counts and categorical frequencies
(up to ``FREQUENCY_LIMIT`` categories).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from dataqa.errors import FileFormatError

PROFILE_FORMAT = "dataqa-profile"
PROFILE_FORMAT_VERSION = 1

#: ``numeric`` ints/floats/decimals, ``temporal`` dates/times, ``categorical`` Categorical/Enum/
#: Boolean or a text column with few distinct values, ``string`` other text, ``null`` a column
#: with no non-null value, ``other`` nested or binary types (counted only).
Kind = Literal["numeric", "temporal", "categorical", "string", "boolean", "null", "other"]


@dataclass
class Histogram:
    """Bins for display: ``counts[i]`` values fall in ``[edges[i], edges[i+1])`` (equal width;
    the last bin also holds the maximum).

    For temporal columns the edges are epoch milliseconds.
    """

    edges: list[float]
    counts: list[int]


@dataclass
class DriftBins:
    """Quantile bins kept for drift (PSI, KS) against later batches.

    ``breaks`` are the inner bin boundaries (the reference's percentiles, deduplicated); there
    are ``len(breaks) + 1`` bins, open at both ends: ``(-inf, b0], (b0, b1], ..., (b_last, inf)``.
    ``counts`` are the finite non-null values per bin.
    """

    breaks: list[float]
    counts: list[int]


@dataclass
class ColumnProfile:
    """Statistics of one column. Fields that do not apply to the column's kind are ``None``.

    Numeric statistics (``min`` ... ``quantiles``) are computed over the finite values: NaN and
    infinities are counted in ``nan_count`` / ``inf_count`` instead. Temporal statistics are ISO
    strings.
    """

    name: str
    dtype: str
    kind: Kind
    count: int
    null_count: int
    distinct: int | None = None
    distinct_exact: bool = True
    min: float | str | None = None
    max: float | str | None = None
    mean: float | str | None = None
    std: float | None = None
    sum: float | None = None
    skewness: float | None = None
    kurtosis: float | None = None
    mad: float | None = None
    """Median absolute deviation."""
    zeros: int | None = None
    negatives: int | None = None
    quantiles: dict[str, float | str | None] = field(default_factory=dict)
    nan_count: int | None = None
    inf_count: int | None = None
    length_min: int | None = None
    length_max: int | None = None
    length_mean: float | None = None
    top_values: list[tuple[str, int]] | None = None
    frequencies: dict[str, int] | None = None
    patterns: list[tuple[str, int]] | None = None
    """Most common value shapes of short text (``A`` upper, ``a`` lower, ``9`` digit, rest kept),
    e.g. ``[("AA-99999", 5000)]``; ``suggest`` turns a single shape into a regex."""
    histogram: Histogram | None = None
    drift_bins: DriftBins | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def non_null(self) -> int:
        """Rows with a value."""
        return self.count - self.null_count

    @property
    def null_percent(self) -> float:
        """Null rows as a percentage of all rows (0 for an empty table)."""
        return 100.0 * self.null_count / self.count if self.count else 0.0


@dataclass
class Profile:
    """A dataset profile: table statistics and one ``ColumnProfile`` per column, in file order.

    Examples
    --------
    >>> import polars as pl
    >>> from dataqa.validation.profile import Profile, profile
    >>> p = profile(pl.DataFrame({"a": [1, 2, 2, None]}))
    >>> p.rows, p["a"].null_count, p["a"].distinct
    (4, 1, 2)
    >>> Profile.from_json(p.to_json()) == p
    True
    """

    source: str
    rows: int
    n_columns: int
    duplicate_rows: int | None
    columns: list[ColumnProfile]
    id_column: str | None = None
    duplicate_ids: int | None = None
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> ColumnProfile:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"column '{name}' is not in the profile; columns are "
                       f"{', '.join(c.name for c in self.columns)}")

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.columns]

    # --- JSON -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (non-finite floats become ``null``)."""
        d = asdict(self)
        d = {"format": PROFILE_FORMAT, "version": PROFILE_FORMAT_VERSION, **d}
        out: dict[str, Any] = _finite(d)
        return out

    def to_json(self, indent: int | None = 2) -> str:
        """JSON text; ``Profile.from_json`` reads it back to an equal object."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Inverse of ``to_dict``."""
        cols = []
        for c in data["columns"]:
            c = dict(c)
            if c.get("histogram") is not None:
                c["histogram"] = Histogram(**c["histogram"])
            if c.get("drift_bins") is not None:
                c["drift_bins"] = DriftBins(**c["drift_bins"])
            for key in ("top_values", "patterns"):
                if c.get(key) is not None:
                    c[key] = [(str(v), int(n)) for v, n in c[key]]
            cols.append(ColumnProfile(**c))
        keep = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "columns"}
        return cls(columns=cols, **keep)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """Read a profile written by ``to_json``."""
        return cls.from_dict(json.loads(text))

    def save(self, path: str | Path) -> None:
        """Write the JSON form to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")


def is_profile_file(path: str | Path) -> bool:
    """True when ``path`` is a ``.json`` file (a profile; datasets use .jsonl/.csv/.parquet)."""
    return Path(path).suffix.lower() == ".json"


def load_profile(path: str | Path) -> Profile:
    """Read a saved profile JSON.

    Raises
    ------
    FileFormatError
        The file is missing, not JSON, or not a dataqa profile.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileFormatError(f"{p}: no such file", str(p)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileFormatError(f"{p}: not a readable profile JSON ({exc})", str(p)) from None
    if not isinstance(data, dict) or data.get("format") != PROFILE_FORMAT:
        raise FileFormatError(
            f"{p}: not a dataqa profile (expected \"format\": \"{PROFILE_FORMAT}\"); "
            "write one with `dataqa profile DATA --json FILE`", str(p))
    try:
        return Profile.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise FileFormatError(f"{p}: malformed dataqa profile ({exc})", str(p)) from None


def _finite(v: Any) -> Any:
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    return v
