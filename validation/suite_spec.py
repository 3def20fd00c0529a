"""Parsed suites: the typed objects every suite format compiles to.

Suite files (GX JSON, pandera YAML, pandera Python modules) are parsed once, at the edge, into
these frozen objects; check code never sees raw dicts.

Where things go: this module sits at the bottom of ``validation`` and imports nothing from
dataqa. The parsers (``gx_suite``, ``pandera_suite``, ``pandera_model``) build these objects, the
engine and the backends read them; a new suite format compiles to them too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Mapping

#: GX severities; "critical" failures fail the gate, "warning" and "info" ones warn.
Severity = Literal["critical", "warning", "info"]


def freeze(kwargs: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only view of check parameters."""
    return MappingProxyType(dict(kwargs))


@dataclass(frozen=True)
class CheckSpec:
    """One check to run, as declared in a suite file.

    Attributes
    ----------
    name:
        Registry name of the check, e.g. ``expect_column_values_to_not_be_null`` or
        ``pandera.greater_than_or_equal_to``.
    kwargs:
        Its parameters, including ``column`` / ``column_list`` / ``column_A`` etc. and ``mostly``.
    suite_file:
        Path of the suite file it came from.
    location:
        ``file[entry]`` or ``file[line,col]``, for messages.
    severity:
        ``critical`` (fails), ``warning`` or ``info`` (warn).
    label:
        Human name shown in reports, e.g. ``expect_column_values_to_be_between(age)``.
    """

    name: str
    kwargs: Mapping[str, Any]
    suite_file: str
    location: str
    severity: Severity = "critical"
    label: str = ""
    meta: Mapping[str, Any] = field(default_factory=lambda: freeze({}))

    @property
    def columns(self) -> list[str]:
        """The data columns the check reads, from its kwargs."""
        k = self.kwargs
        cols: list[str] = []
        for key in ("column", "column_A", "column_B"):
            if isinstance(k.get(key), str):
                cols.append(k[key])
        for key in ("column_list",):
            if isinstance(k.get(key), (list, tuple)):
                cols.extend(str(c) for c in k[key])
        return cols

    @property
    def display(self) -> str:
        """``label`` or ``name(columns)``."""
        if self.label:
            return self.label
        cols = ",".join(self.columns)
        return f"{self.name}({cols})" if cols else self.name


@dataclass(frozen=True)
class Suite:
    """A parsed suite file: its checks in file order, plus notes made while parsing."""

    name: str
    path: str
    checks: tuple[CheckSpec, ...]
    notes: tuple[str, ...] = ()
