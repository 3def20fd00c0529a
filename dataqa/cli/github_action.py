"""The logic of the ``dataqa check`` GitHub Action (``action.yml``), testable without GitHub.

``python -m dataqa.cli.github_action`` reads the action's inputs from the environment, runs
``dataqa check`` once (JSON report), then from that one report:

- appends the Markdown report to ``$GITHUB_STEP_SUMMARY`` (the job summary),
- prints one ``::error`` / ``::warning`` annotation per check that did not pass,
- writes the step outputs ``outcome``, ``exit-code`` and ``report`` (the JSON path) to ``$GITHUB_OUTPUT``,

and exits with ``dataqa check``'s exit code (0 passed, 1 gate closed, 2/3 bad input or suite).

Environment (set by ``action.yml`` from the inputs; every one optional)::

    INPUT_DATA      dataset file (default: [dataset] path in dataqa.toml)
    INPUT_SUITES    suite files, separated by newlines or spaces (default: [check] suites)
    INPUT_ID        key column identifying rows
    INPUT_FAIL_ON   error | warning
    GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP   (set by GitHub)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Mapping

from dataqa.errors import DataqaError
from dataqa.validation.render import to_markdown
from dataqa.validation.render_github import escape_data, to_github
from dataqa.validation.report import SuiteReport


def check_args(env: Mapping[str, str], report_path: Path) -> list[str]:
    """The ``dataqa check`` arguments the inputs ask for (JSON report written to ``report_path``)."""
    args = ["check"]
    if env.get("INPUT_DATA", "").strip():
        args.append(env["INPUT_DATA"].strip())
    for suite in env.get("INPUT_SUITES", "").split():
        args += ["--suite", suite]
    if env.get("INPUT_ID", "").strip():
        args += ["--id", env["INPUT_ID"].strip()]
    if env.get("INPUT_FAIL_ON", "").strip():
        args += ["--fail-on", env["INPUT_FAIL_ON"].strip()]
    return [*args, "--format", "json", "--output", str(report_path)]


def _append(path: str | None, text: str) -> None:
    """Append to a GitHub file command (summary, outputs); absent outside GitHub: skipped."""
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def run(env: Mapping[str, str]) -> int:
    """Run the action with ``env`` as its environment; returns the exit code."""
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    report_path = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir()) / "dataqa-report.json"
    report_path.unlink(missing_ok=True)  # a stale report must never be taken for this run's
    proc = subprocess.run([sys.executable, "-m", "dataqa", *check_args(env, report_path)],
                          cwd=workspace, env=dict(env), capture_output=True, text=True)
    sys.stderr.write(proc.stderr)
    code = proc.returncode
    if code in (0, 1) and report_path.is_file():
        try:
            report = SuiteReport.from_json(report_path.read_text(encoding="utf-8"))
        except DataqaError as exc:
            return _fail(env, f"the report {report_path} cannot be read: {exc}", 2)
        sys.stdout.write(to_github(report, base=workspace))
        c = report.counts
        print(f"dataqa check: {report.outcome} ({c['passed']} passed, {c['failed']} failed, "
              f"{c['warning']} warnings, {c['error']} errors); gate {'closed' if code else 'open'}")
        _append(env.get("GITHUB_STEP_SUMMARY"), to_markdown(report) + "\n")
        _append(env.get("GITHUB_OUTPUT"), f"outcome={report.outcome}\nexit-code={code}\nreport={report_path}\n")
        return code
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    return _fail(env, lines[-1] if lines else f"dataqa check exited with {code}", code or 2)


def _fail(env: Mapping[str, str], message: str, code: int) -> int:
    """Report a run that produced no report (bad input, bad suite): annotation, summary, outputs."""
    print(f"::error title=dataqa check::{escape_data(message)}")
    _append(env.get("GITHUB_STEP_SUMMARY"), f"### dataqa check: 💥 error\n\n```\n{message}\n```\n\n")
    _append(env.get("GITHUB_OUTPUT"), f"outcome=error\nexit-code={code}\nreport=\n")
    return code


def main() -> None:
    """Entry point of ``python -m dataqa.cli.github_action``."""
    sys.exit(run(os.environ))


if __name__ == "__main__":
    main()
