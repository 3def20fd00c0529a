"""The ``dataqa-check`` pre-commit hook, run by the real pre-commit on a real git repository.

Two ways in:

- ``repo: local`` with the hook exactly as ``.pre-commit-hooks.yaml`` publishes it, except
  ``language: system`` (the hook runs this checkout's ``dataqa`` instead of building a virtualenv):
  the hook's ``entry``, ``files`` and ``pass_filenames`` are what is tested, quickly.
- a ``.pre-commit-config.yaml`` naming a clone of this repository at a commit, as a user's would:
  pre-commit reads the published hook file there, builds its Python environment (pip installs
  dataqa from the clone) and runs it. Slow (marked ``slow``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
#: pre-commit is a dev dependency: missing, these tests fail rather than skip.
PRE_COMMIT = str(Path(sys.executable).with_name("pre-commit"))

SUITE = {"name": "prices", "expectations": [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "price"}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "price", "min_value": 0, "max_value": 1000}},
]}
CLEAN = "id,price\n1,10\n2,20\n3,30\n"
DIRTY = "id,price\n1,10\n2,\n3,3000\n"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid", PRE_COMMIT_HOME=str(tmp / "pre-commit-home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return env


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=_env(repo.parent), check=True, capture_output=True)


def _repo(path: Path, config: dict[str, object] | None) -> Path:
    """A git repository with dataqa.toml, a suite, clean data and (optionally) a pre-commit config."""
    path.mkdir()
    (path / "data").mkdir()
    (path / "data" / "prices.csv").write_text(CLEAN)
    (path / "expectations").mkdir()
    (path / "expectations" / "prices.gx.json").write_text(json.dumps(SUITE))
    (path / "dataqa.toml").write_text('[dataset]\npath = "data/prices.csv"\nid_column = "id"\n\n'
                                      '[check]\nsuites = ["expectations/prices.gx.json"]\n')
    (path / "README.md").write_text("a data repository\n")
    if config is not None:
        (path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "data")
    return path


def _run(repo: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRE_COMMIT, *args], cwd=repo, env=_env(repo.parent), capture_output=True, text=True,
                          timeout=timeout)


def test_published_hook_definition() -> None:
    assert (HOOK["id"], HOOK["entry"], HOOK["language"], HOOK["pass_filenames"]) == (
        "dataqa-check", "dataqa check", "python", False)


def test_local_hook_passes_on_clean_data_fails_with_the_report_on_dirty(tmp_path: Path) -> None:
    hook = {**HOOK, "language": "system"}  # this checkout's dataqa; otherwise the published hook
    repo = _repo(tmp_path / "repo", {"repos": [{"repo": "local", "hooks": [hook]}]})
    clean = _run(repo, "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "dataqa check" in clean.stdout and "Passed" in clean.stdout
    (repo / "data" / "prices.csv").write_text(DIRTY)
    dirty = _run(repo, "run", "--all-files")
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "Failed" in dirty.stdout and "- exit code: 1" in dirty.stdout
    # the report itself, with the failing rows by id
    assert "dataqa check: " in dirty.stdout and "-> FAILED" in dirty.stdout
    assert "FAIL expect_column_values_to_not_be_null(price): id 2" in dirty.stdout
    assert "FAIL expect_column_values_to_be_between(price): id 3" in dirty.stdout


def test_local_hook_runs_only_when_data_suite_or_config_change(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo", {"repos": [{"repo": "local", "hooks": [{**HOOK, "language": "system"}]}]})
    (repo / "data" / "prices.csv").write_text(DIRTY)
    _git(repo, "commit", "-q", "-am", "dirty data, committed without the hook")
    (repo / "README.md").write_text("docs only\n")
    _git(repo, "add", "README.md")
    docs = _run(repo, "run")  # staged files only: README.md does not match `files`
    assert docs.returncode == 0 and "(no files to check)Skipped" in docs.stdout, docs.stdout
    (repo / "expectations" / "prices.gx.json").write_text(json.dumps(SUITE, indent=1))
    _git(repo, "add", "expectations/prices.gx.json")
    suite = _run(repo, "run")  # a suite change runs the gate on the (dirty) data
    assert suite.returncode == 1 and "FAIL expect_column_values_to_not_be_null(price)" in suite.stdout, suite.stdout


@pytest.mark.slow
def test_published_hook_from_a_clone_of_this_repository(tmp_path: Path) -> None:
    """The hook as users get it: a ``.pre-commit-config.yaml`` naming this repository (a clone, by
    path) at a commit; pre-commit reads the published hook file there, builds its Python env (pip
    installs dataqa from the clone) and runs it; the second run reuses the env."""
    clone = tmp_path / "dataqa-clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True, env=_env(tmp_path))
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, check=True, capture_output=True,
                         text=True).stdout.strip()
    repo = _repo(tmp_path / "repo", {"repos": [{"repo": str(clone), "rev": rev, "hooks": [{"id": "dataqa-check"}]}]})
    started = time.monotonic()
    clean = _run(repo, "run", "--all-files", timeout=1500)
    print(f"\npre-commit run with the hook env build: {time.monotonic() - started:.0f} s")
    assert clean.returncode == 0, (clean.stdout + clean.stderr)[-4000:]
    assert "dataqa check" in clean.stdout and "Passed" in clean.stdout
    (repo / "data" / "prices.csv").write_text(DIRTY)
    started = time.monotonic()
    dirty = _run(repo, "run", "--all-files")
    print(f"pre-commit run, env reused: {time.monotonic() - started:.0f} s")
    assert dirty.returncode == 1, (dirty.stdout + dirty.stderr)[-4000:]
    assert "FAIL expect_column_values_to_not_be_null(price): id 2" in dirty.stdout
