"""The ``dataqa`` command line: one Typer app, one module per command.

Each command module defines a function and is registered here with one line, so that the whole
CLI surface can be read in this file. A command body parses its options, resolves project defaults
through ``dataqa.config.ProjectConfig`` (dataset, id/label column, default paths), calls the
library and renders; it raises ``DataqaError`` and leaves the message and exit code to the one
boundary, ``boundary.DataqaGroup``. Policy (fix kinds, gate arithmetic, slugs) lives in the library.
"""

from __future__ import annotations

import typer

from dataqa.cli.boundary import DataqaGroup

app = typer.Typer(
    name="dataqa",
    cls=DataqaGroup,  # the one error boundary: DataqaError -> "error: ..." + its exit code
    help="Profile, validate, find label noise, review, version and measure tabular ML datasets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Profile, validate, find label noise, review, version and measure tabular ML datasets."""


def _register() -> None:
    # One line per command (or sub-app). Imports are local so that `dataqa --help` stays fast.
    from dataqa.cli import check

    app.command("check")(check.check)
    from dataqa.cli import app_cmd

    app.command("app")(app_cmd.app)
    from dataqa.cli import profile, suggest

    app.command("profile")(profile.profile)
    app.command("suggest")(suggest.suggest)
    from dataqa.cli import version

    app.add_typer(version.app, name="version")
    from dataqa.cli import impact

    app.command("impact")(impact.impact)
    from dataqa.cli import label, labelstudio

    app.add_typer(labelstudio.app, name="labelstudio")
    app.add_typer(label.app, name="label")
    from dataqa.cli import noise

    app.command("noise")(noise.noise)


_register()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
