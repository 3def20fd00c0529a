"""Finding, creating and reading dataqa's Label Studio projects."""

from __future__ import annotations

from typing import Any

from dataqa.errors import ProjectNotFound
from dataqa.labeling.labelstudio.client import LabelStudioSession


def default_title(dataset: str) -> str:
    """The project title used when none is given: ``dataqa: <dataset>``."""
    return f"dataqa: {dataset}"


def find_project(session: LabelStudioSession, title: str) -> int | None:
    """The id of the (oldest) project with exactly this title, or ``None``."""
    def _ids() -> list[int]:
        return sorted(int(p.id) for p in session.sdk.projects.list(title=title, page_size=100)
                      if p.title == title and p.id is not None)

    ids = session.call(f"looking up project '{title}'", _ids)
    return ids[0] if ids else None


def require_project(session: LabelStudioSession, title: str) -> int:
    """The id of the project titled ``title``.

    Raises
    ------
    ProjectNotFound
        No such project (deleted, never pushed, or a typo in ``--project``).
    """
    pid = find_project(session, title)
    if pid is None:
        raise ProjectNotFound(
            f"no Label Studio project titled '{title}' at {session.conn.url} (deleted, or never "
            "pushed?); push the suspects first or pass --project with an existing title"
        )
    return pid


def ensure_project(session: LabelStudioSession, title: str, config: str, description: str) -> tuple[int, bool]:
    """Reuse the project titled ``title`` (updating its labeling view if it changed) or create it.

    Returns the project id and whether it was created.
    """
    pid = find_project(session, title)
    label = f"'{title}'"
    if pid is None:
        proj = session.call(f"creating project {label}", session.sdk.projects.create,
                            title=title, label_config=config, description=description)
        return int(proj.id), True
    current = session.call(f"reading project {label}", session.sdk.projects.get, pid, project=label)
    if (current.label_config or "").strip() != config.strip():
        session.call(f"updating the labeling view of project {label}", session.sdk.projects.update,
                     pid, label_config=config, project=label)
    return pid, False


def list_tasks(session: LabelStudioSession, pid: int, title: str) -> list[dict[str, Any]]:
    """Every task of the project with its data and annotations, as plain dicts."""
    label = f"'{title}' (id {pid})"
    # Check the project first: listing tasks of a deleted project returns an empty page, not 404.
    session.call(f"reading project {label}", session.sdk.projects.get, pid, project=label)

    def _all() -> list[dict[str, Any]]:
        out = []
        for t in session.sdk.tasks.list(project=pid, fields="all", page_size=500):
            anns = [a if isinstance(a, dict) else a.dict() for a in (t.annotations or [])]
            out.append({"id": int(t.id), "data": dict(t.data or {}), "annotations": anns})
        return out

    return session.call(f"listing tasks of project {label}", _all, project=label)  # type: ignore[no-any-return]
