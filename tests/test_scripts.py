"""The README's two commands, run as a newcomer runs them: ``scripts/demo`` and ``scripts/test``.

They reuse this interpreter's virtual environment (``DATAQA_VENV``), so ``scripts/install`` must
be idempotent: after the install that CI's ``scripts/test`` did, it installs nothing.
``scripts/demo`` must bring the workbench up every time, also on a busy machine (it once probed
``dataqa --help | grep -q`` under ``pipefail`` and, when SIGPIPE killed ``dataqa``, ran ``dataqa
check`` instead).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix)
BUSY_SECONDS = 90  # the busy loops end on their own even if the test is killed
pytestmark = [pytest.mark.slow]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATAQA_VENV=str(VENV), DATAQA_WORKSPACE=str(tmp_path / "workspace"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200 and r.read().strip() == b"ok")
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def busy_machine() -> Iterator[None]:
    """Three CPU-bound loops beside the test (bounded in time, stopped at the end)."""
    loop = f"import time\nend = time.time() + {BUSY_SECONDS}\nwhile time.time() < end: pass\n"
    procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(3)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def test_install_is_idempotent(tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = subprocess.run(["scripts/install"], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]
    again = subprocess.run(["scripts/install"], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "==>" not in again.stdout + again.stderr, "a second install must do nothing"


@pytest.mark.timeout(600)
def test_demo_opens_the_workbench_on_a_busy_machine(tmp_path: Path, busy_machine: None) -> None:
    port = _free_port()
    proc = subprocess.Popen(["scripts/demo", "--port", str(port)], cwd=REPO, env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not _healthy(port):
            assert proc.poll() is None, f"scripts/demo exited {proc.returncode}:\n{proc.stdout.read()[-3000:]}"  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the workbench did not answer /_stcore/health in 300 s"
            time.sleep(1)
        # stopping the demo (a plain kill of the script's process) stops the server too
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        time.sleep(1)
        assert not _healthy(port), "the server outlived scripts/demo"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_test_script_runs_pytest(tmp_path: Path) -> None:
    """``scripts/test ARGS`` installs (idempotently) and hands ARGS to pytest."""
    out = subprocess.run(["scripts/test", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "tests/test_core_io.py"], cwd=REPO, env=_env(tmp_path),
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "tests collected" in out.stdout


def test_demo_launches_the_app_unconditionally() -> None:
    """The race above is probabilistic; this pins its cause: no probing pipeline, one exec of the app."""
    code = [ln.strip() for ln in (REPO / "scripts" / "demo").read_text().splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]
    assert not [ln for ln in code if "|" in ln.replace("||", "") or "--help" in ln]
    execs = [ln for ln in code if ln.startswith("exec ")]
    assert execs == ['exec "${DATAQA_VENV:-.venv}/bin/dataqa" app "$@"']
