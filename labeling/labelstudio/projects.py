"""Finding, creating and reading dataqa's Label Studio projects."""

from __future__ import annotations

from typing import Any

from label_studio_sdk import AllRolesProjectList

from dataqa.errors import InputError, ProjectNotFound
from dataqa.labeling.labelstudio.client import LabelStudioSession

TITLE_MIN, TITLE_MAX = 3, 50  # Label Studio 1.23's limits (PROJECT_TITLE_MIN_LEN/MAX_LEN)


def default_title(dataset: str) -> str:
    """The project title used when none is given: ``dataqa: <dataset>`` (cut to 50 characters)."""
    return f"dataqa: {dataset}"[:TITLE_MAX]


def check_title(title: str) -> str:
    """``title`` if Label Studio accepts it as a project title.

    Raises
    ------
    InputError
        Shorter than 3 or longer than 50 characters.
    """
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise InputError(f"project title '{title}' has {len(title)} characters; Label Studio "
                         f"accepts {TITLE_MIN} to {TITLE_MAX}: pass a shorter --project")
    return title


def find_project(session: LabelStudioSession, title: str) -> int | None:
    """The id of the (oldest) project with exactly this title, or ``None``."""
    def _ids() -> list[int]:
        # annotated: the SDK's pager does not tell mypy its item type
        projects: list[AllRolesProjectList] = list(session.sdk.projects.list(title=title, page_size=100))
        return sorted(int(p.id) for p in projects if p.title == title and p.id is not None)

    ids = session.call(f"looking up project '{title}'", _ids)
    return ids[0] if ids else None


def require_project(session: LabelStudioSession, title: str) -> int:
    """The id of the project titled ``title``.

    Raises
    ------
    ProjectNotFound
        No such project (deleted, never pushed, or a typo in ``--project``).
    """
    pid = find_project(session, check_title(title))
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
    pid = find_project(session, check_title(title))
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


def list_tasks(session: LabelStudioSession, pid: int, title: str, *,
               annotated_only: bool = False) -> list[dict[str, Any]]:
    """Tasks of the project with their data and annotations, as plain dicts.

    Uses the project's JSON export: one request, and about twice as fast as paging through
    ``/api/tasks`` on Label Studio 1.23 (``benchmarks/README.md``). ``annotated_only`` returns
    only tasks that have annotations, which is what a pull needs.
    """
    label = f"'{title}' (id {pid})"
    # Check the project first, so that a deleted project is a clear ProjectNotFound.
    session.call(f"reading project {label}", session.sdk.projects.get, pid, project=label)
    params = {"exportType": "JSON", "download_all_tasks": "false" if annotated_only else "true"}
    raw = session.request("GET", f"api/projects/{pid}/export", params=params,
                          what=f"exporting the tasks of project {label}", project=label)
    return [{"id": int(t["id"]), "data": dict(t.get("data") or {}),
             "annotations": list(t.get("annotations") or [])} for t in raw or []]
