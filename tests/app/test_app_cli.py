"""``dataqa app``: bad --data is one error line; the server starts on 127.0.0.1 and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from typer.testing import CliRunner

from app_helpers import REPO
from dataqa.cli.main import app as cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_missing_data_file_is_one_error_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["app", "--data", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {tmp_path / 'nope.csv'}: no such file"


def test_command_line_is_loopback_and_headless():
    from dataqa.cli.app_cmd import main_script, streamlit_command

    cmd = streamlit_command(8599)
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert cmd[4] == str(main_script()) and main_script().is_file()
    assert opts["--server.address"] == "127.0.0.1"
    assert opts["--server.headless"] == "true"
    assert opts["--browser.gatherUsageStats"] == "false"


def test_app_serves_on_loopback_and_stops_with_sigterm(tmp_path):
    port = free_port()
    env = {**os.environ, "DATAQA_WORKSPACE": str(tmp_path / "ws")}
    proc = subprocess.Popen([sys.executable, "-m", "dataqa", "app", "--port", str(port)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = None
        for _ in range(120):  # readiness poll, not a timing assertion
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert body == b"ok", proc.stdout.read() if proc.poll() is not None else "no answer"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert f"http://127.0.0.1:{port}" in out
    # the streamlit child was stopped with it: the port is free again
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT, not a listener
        s.bind(("127.0.0.1", port))
