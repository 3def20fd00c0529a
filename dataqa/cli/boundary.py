"""The CLI's one error boundary: a dataqa error becomes one ``error:`` line and its exit code.

``DataqaGroup`` is the click group class of the ``dataqa`` app (``main.py``). Every command and
sub-command runs inside its ``invoke``, so a command body just calls the library and lets a
``DataqaError`` propagate: no ``try/except`` in the commands. The code comes from
``exit_codes.exit_code_for_error``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from dataqa.cli.exit_codes import exit_code_for_error
from dataqa.errors import DataqaError

__all__ = ["DataqaGroup", "fail"]


def fail(exc: DataqaError) -> typer.Exit:
    """Print ``error: <exc>`` on stderr and return the ``Exit`` to raise with the error's code."""
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(int(exit_code_for_error(exc)))


class DataqaGroup(TyperGroup):
    """A Typer group whose sub-commands' dataqa errors end as one line and a documented exit code."""

    # ``Any``: typer vendors click privately (``typer._click``), so its Context type is not public;
    # the supertype returns ``Any`` too (a command's return value).
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DataqaError as exc:
            raise fail(exc) from None
