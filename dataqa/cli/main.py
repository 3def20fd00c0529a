"""The ``dataqa`` command line: one Typer app, one module per command.

Each command module defines a function and is registered here with one line, so that the whole
CLI surface can be read in this file. A command body parses its options, resolves project defaults
through ``dataqa.config.ProjectConfig`` (dataset, id/label column, default paths), calls the
library and renders; it raises ``DataqaError`` and leaves the message and exit code to the one
boundary, ``boundary.DataqaGroup``. Policy (fix kinds, gate arithmetic, slugs) lives in the library.

A command imports the library inside its function, not to dodge a cycle (the CLI sits on top of
everything): ``dataqa --help`` and each command load only what that command uses, since sklearn,
cleanlab, Great Expectations, label-studio-sdk and pyspark each take a second or more to import.
"""

from __future__ import annotations

import typer

from dataqa.cli import app_cmd, check, impact, label, labelstudio, noise, profile, suggest, version
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


# One line per command (or sub-app). The command modules import the heavy libraries inside the
# command functions, so that `dataqa --help` stays fast.
app.command("check")(check.check)
app.command("app")(app_cmd.app)
app.command("profile")(profile.profile)
app.command("suggest")(suggest.suggest)
app.add_typer(version.app, name="version")
app.command("impact")(impact.impact)
app.add_typer(labelstudio.app, name="labelstudio")
app.add_typer(label.app, name="label")
app.command("noise")(noise.noise)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
