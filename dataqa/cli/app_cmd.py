"""``dataqa app``: open the Streamlit workbench on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dataqa.app.uploads import UPLOAD_GRACE
from dataqa.cli.exit_codes import ExitCode


def main_script() -> Path:
    """The installed workbench entry point (``dataqa/app/main.py``)."""
    import dataqa.app

    return Path(dataqa.app.__file__).resolve().parent / "main.py"


def streamlit_command(port: int, max_upload_mb: int = 200) -> list[str]:
    """The ``streamlit run`` command line: loopback only, headless, no telemetry, no file watcher."""
    return [
        sys.executable, "-m", "streamlit", "run", str(main_script()),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.maxUploadSize", str(max_upload_mb * UPLOAD_GRACE),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--browser.serverAddress", "127.0.0.1",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
    ]


def app(
    port: Annotated[int, typer.Option("--port", "-p", help="Port on 127.0.0.1.")] = 8501,
    data: Annotated[Optional[Path], typer.Option("--data", help="Dataset to open first (default: the dataset named in dataqa.toml).")] = None,
) -> None:
    """Open the workbench (Data, Checks, Label noise, Versions, Impact) at http://127.0.0.1:PORT."""
    from dataqa.config import load_config
    from dataqa.io import read_dataset

    env = dict(os.environ)
    max_upload_mb = load_config(env.get("DATAQA_APP_ROOT") or None).app.max_upload_mb
    if data is not None:
        read_dataset(data, check_ids=False)  # reads the header: fails here, with one line, not in the page
        env["DATAQA_APP_DATA"] = str(data.resolve())
    env.setdefault("DATAQA_APP_ROOT", str(Path.cwd()))
    typer.echo(f"dataqa workbench: http://127.0.0.1:{port}  (Ctrl-C stops it)", err=True)
    proc = subprocess.Popen(streamlit_command(port, max_upload_mb), env=env)
    # Stopping `dataqa app` (Ctrl-C or a plain kill) must stop the server too, not orphan it.
    signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        code = proc.wait()
    raise typer.Exit(int(ExitCode.OK) if code in (0, -2, -15, 130, 143) else code)
