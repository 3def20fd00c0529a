"""Label Studio for the Label noise page: the embedded server on demand, push, pull, apply.

An external Label Studio is used when ``DATAQA_LABEL_STUDIO_URL`` or ``[label_studio] url`` is set
(with ``LABEL_STUDIO_API_KEY``); otherwise the embedded loopback server of the workspace, started
by a button (the first start initialises its database: about half a minute).

The ``dataqa.labeling.labelstudio`` modules are imported inside the functions, not to dodge a
cycle: importing any of them loads label-studio-sdk (about 2 s, through the package's
``__init__``), which the Label noise page needs only once the user reaches Label Studio.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dataqa.app import jobs
from dataqa.config import ProjectConfig


def external_url(cfg: ProjectConfig) -> str | None:
    """The user's own Label Studio URL, if one is configured."""
    from dataqa.labeling.labelstudio.settings import ENV_URL

    return os.environ.get(ENV_URL) or cfg.label_studio.url


def _server(cfg: ProjectConfig) -> Any:
    from dataqa.labeling.labelstudio.server import EmbeddedServer
    from dataqa.labeling.labelstudio.settings import server_paths

    return EmbeddedServer(server_paths(cfg.workspace_path), port=cfg.label_studio.port)


def status(cfg: ProjectConfig) -> dict[str, Any]:
    """``{"external": bool, "running": bool, "url": str | None, "initialised": bool}``."""
    ext = external_url(cfg)
    if ext:
        return {"external": True, "running": True, "url": ext.rstrip("/"), "initialised": True}
    st = _server(cfg).status()
    return {"external": False, "running": bool(st.running and st.ready), "url": st.url,
            "initialised": st.initialised}


def start(cfg: ProjectConfig) -> str:
    """Start the embedded server (no-op if it runs); returns its URL."""
    st = _server(cfg).start()
    return str(st.url)


def stop(cfg: ProjectConfig) -> bool:
    """Stop the embedded server; ``False`` when it was not running."""
    return bool(_server(cfg).stop())


def connection(cfg: ProjectConfig) -> Any:
    """URL and token (never shown) for the configured or embedded server."""
    from dataqa.labeling.labelstudio.settings import resolve_connection

    return resolve_connection(cfg)


def admin_login(cfg: ProjectConfig) -> str | None:
    """The embedded admin's e-mail (the password is in the workspace credentials file, 0600)."""
    if external_url(cfg):
        return None
    from dataqa.labeling.labelstudio.settings import ADMIN_EMAIL

    return ADMIN_EMAIL


def project_title(dataset_name: str) -> str:
    from dataqa.labeling.labelstudio.projects import default_title

    return default_title(dataset_name)


def push_job(cfg: ProjectConfig, suspects_path: str | Path, *, top: int | None, project: str | None,
             start: bool) -> jobs.Job | None:
    """The push of ``top`` suspects to ``project`` in the worker (progress per batch, cancellable).

    ``start=False`` only looks the job up. Label Studio commits each batch of tasks on its own
    and the push skips tasks the project already holds, so a cancelled push resumes by sending again.
    """
    key = ("push", str(suspects_path), top, project, cfg.label_studio.port, external_url(cfg))
    if not start:
        return jobs.get(key)
    return jobs.start(key, "Sending to Label Studio", "dataqa.app.tasks:push",
                      {"suspects_path": str(suspects_path), "connection": connection(cfg), "top": top,
                       "project": project})


def forget(job: jobs.Job) -> None:
    """Drop a finished push, so that the next press of Send pushes again (new suspects, resumes)."""
    jobs.forget(job.key)


def pull(cfg: ProjectConfig, project: str, dataset_path: str, id_column: str | None) -> Any:
    """``pull_reviews`` of ``project`` against the current dataset; returns the ``Changeset``."""
    from dataqa.labeling.labelstudio.pull import pull_reviews

    return pull_reviews(project, dataset=dataset_path, id_column=id_column, connection=connection(cfg))
