"""The CLI's one error boundary (``dataqa.cli.boundary``): any command's dataqa error is one line
on stderr and its documented exit code, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode
from dataqa.cli.main import app

BAD_TOML = "[label_studio\nport = 1\n"


@pytest.fixture()
def bad_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dataqa.toml").write_text(BAD_TOML)
    return tmp_path


def test_labelstudio_status_with_a_bad_config_is_one_line(bad_project: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "dataqa", "labelstudio", "status"],
                          capture_output=True, text=True, timeout=120)

    assert proc.returncode == ExitCode.USAGE_OR_INPUT_ERROR
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"error: {bad_project / 'dataqa.toml'}: cannot read config: Expected ']' at the end of a table "
        "declaration (at line 1, column 14)"]


@pytest.mark.parametrize("args", [["labelstudio", "stop"], ["version", "list"], ["version", "sql"]])
def test_every_command_goes_through_the_boundary(bad_project: Path, args: list[str]) -> None:
    res = CliRunner().invoke(app, args)

    assert res.exit_code == ExitCode.USAGE_OR_INPUT_ERROR, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert res.stderr.startswith(f"error: {bad_project / 'dataqa.toml'}: cannot read config")
