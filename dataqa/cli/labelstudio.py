"""``dataqa labelstudio serve|stop|status``: the embedded loopback Label Studio server.

Glue over ``dataqa.labeling.labelstudio.server``; errors go to the CLI's one boundary.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from dataqa.cli.exit_codes import ExitCode
from dataqa.config import load_config

if TYPE_CHECKING:  # the Label Studio package takes seconds to import: only when a command runs
    from dataqa.labeling.labelstudio.server import EmbeddedServer

app = typer.Typer(name="labelstudio", help="Run the embedded Label Studio server (127.0.0.1 only).",
                  no_args_is_help=True)


def _server(port: Optional[int]) -> EmbeddedServer:
    from dataqa.labeling.labelstudio.server import EmbeddedServer
    from dataqa.labeling.labelstudio.settings import server_paths

    cfg = load_config()
    return EmbeddedServer(server_paths(cfg.workspace_path), port=port or cfg.label_studio.port)


@app.command("serve")
def serve(
    port: Annotated[Optional[int], typer.Option("--port", "-p", help="Port on 127.0.0.1 (default: label_studio.port in dataqa.toml, 8089).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait until the server answers.")] = 180.0,
    foreground: Annotated[bool, typer.Option("--foreground", help="Stay attached; Ctrl-C stops the server.")] = False,
) -> None:
    """Start Label Studio on 127.0.0.1 with its data in the dataqa workspace (first start: ~30-60 s)."""
    srv = _server(port)
    if not srv.initialised:
        typer.echo("first start: setting up the Label Studio database (30-60 s)...", err=True)
    st = srv.start(timeout=timeout)
    typer.echo(f"Label Studio is running at {st.url} (pid {st.pid}); data in {st.data_dir}")
    typer.echo(f"web login: the e-mail and password in {srv.paths.credentials_file} (mode 0600); "
               f"API token in {srv.paths.token_file}")
    if foreground:
        try:
            while srv.status().running:
                time.sleep(1.0)
        except KeyboardInterrupt:
            srv.stop()
            typer.echo("Label Studio stopped")


@app.command("stop")
def stop() -> None:
    """Stop the embedded server (its whole process group)."""
    stopped = _server(None).stop()
    typer.echo("Label Studio stopped" if stopped else "Label Studio was not running")


@app.command("status")
def status() -> None:
    """Say whether the embedded server runs and answers. Exit 0 if it answers, 4 if not."""
    srv = _server(None)
    st = srv.status()
    if st.running and st.ready:
        typer.echo(f"running at {st.url} (pid {st.pid}); data in {st.data_dir}")
        raise typer.Exit(int(ExitCode.OK))
    state = "starting or not answering" if st.running else "not running"
    init = "initialised" if st.initialised else "not initialised yet"
    typer.echo(f"Label Studio is {state}; data folder {st.data_dir} ({init})")
    raise typer.Exit(int(ExitCode.SERVICE_UNREACHABLE))
