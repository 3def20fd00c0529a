"""The format-neutral draft rules of one column, below ``suggest.py`` (which derives them from a
profile) and ``suggest_render.py`` (which writes them as GX JSON or pandera YAML)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ColumnRules"]


@dataclass
class ColumnRules:
    """What the draft asserts about one column (format-neutral)."""

    name: str
    dtype: str
    nullable: bool = True
    not_null_mostly: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    strict_min: bool = False
    value_set: list[str] | None = None
    regex: str | None = None
    length_min: int | None = None
    length_max: int | None = None
    unique: bool = False
    notes: list[str] = field(default_factory=list)
