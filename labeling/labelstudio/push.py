"""``push_suspects``: send suspect rows to a Label Studio project for review, idempotently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from filelock import FileLock, Timeout

from dataqa.columns import ROW_ID
from dataqa.config import load_config
from dataqa.errors import LabelStudioError
from dataqa.labeling.labelstudio.client import LabelStudioSession, connect
from dataqa.labeling.labelstudio.csvsafe import write_safe_csv
from dataqa.labeling.labelstudio.projects import check_title, default_title, ensure_project, list_tasks
from dataqa.labeling.labelstudio.settings import Connection, resolve_connection
from dataqa.labeling.labelstudio.suspects import (
    Suspects,
    build_tasks,
    label_config,
    read_suspects,
    select_rows,
    task_key,
)


@dataclass(frozen=True)
class PushResult:
    """What a push did.

    Attributes
    ----------
    project_id, project_title, url:
        The project and the server (``url`` opens the project in a browser).
    created:
        Tasks created by this push.
    already_present:
        Selected rows that were already tasks (pushed before): not duplicated.
    total_tasks:
        Tasks in the project after the push.
    created_row_ids:
        Row ids of the new tasks, in push order (worst first).
    project_created:
        Whether this push created the project.
    """

    project_id: int
    project_title: str
    url: str
    created: int
    already_present: int
    total_tasks: int
    created_row_ids: tuple[object, ...]
    project_created: bool

    def summary(self) -> str:
        """One line for people."""
        return (f"pushed {self.created} new task(s) to project '{self.project_title}' "
                f"(id {self.project_id}); {self.already_present} already there; "
                f"{self.total_tasks} task(s) in the project: {self.url}")


def push_suspects(
    suspects: str | Path | Suspects,
    *,
    connection: Connection | None = None,
    project: str | None = None,
    top: int | None = None,
    include_unflagged: bool = False,
    batch_size: int = 250,
    review_csv: str | Path | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    budget: int | None = None,
    lock_dir: str | Path | None = None,
    lock_timeout: float = 600.0,
) -> PushResult:
    """Create or reuse a review project and import the suspect rows not yet in it.

    Parameters
    ----------
    suspects:
        The suspects table (Parquet/CSV path, see ``read_suspects``) or a loaded ``Suspects``.
    connection:
        URL and token; default from the environment / embedded server (``resolve_connection``).
    project:
        Project title; default ``dataqa: <dataset>``.
    top:
        Push only the first ``top`` selected rows (the table is ordered worst first).
    include_unflagged:
        Also push rows no detector flagged (by default only rows with an ``is_*_issue``).
    batch_size:
        Tasks per import request. Each batch is committed on its own, so an interrupted push
        keeps the batches already sent, and a re-run imports only the rest.
    review_csv:
        Also write the selected rows to this CSV for reviewers (spreadsheet formulas neutralised).
    on_batch:
        Called as ``on_batch(done, total)`` after each committed batch (progress).
    budget:
        Push the ``budget`` rows with the highest ``P(error)`` instead (see ``select_rows``).
    lock_dir, lock_timeout:
        Pushes to one project (same server URL and title) run one at a time: each holds a file
        lock in ``lock_dir`` (default ``<workspace>/labelstudio/locks``) from finding the project
        to its last import, and re-lists the project's tasks once it holds it, so two pushes at
        once neither create the project twice nor import a row twice. A push waits up to
        ``lock_timeout`` seconds for another to finish.

    Returns
    -------
    PushResult

    Raises
    ------
    ServiceUnreachable, LabelStudioAuthError, LabelStudioError
        The server cannot be reached, refuses the token, or refuses the project or the tasks.
    FileFormatError, MissingColumnError, InputError
        The suspects table is unusable.

    Examples
    --------
    >>> result = push_suspects("suspects.parquet", top=50)      # doctest: +SKIP
    >>> print(result.summary())                                  # doctest: +SKIP
    pushed 50 new task(s) to project 'dataqa: diamonds_dirty' (id 1); 0 already there; ...
    """
    s = suspects if isinstance(suspects, Suspects) else read_suspects(suspects)
    rows = select_rows(s, top, include_unflagged, budget)
    if review_csv is not None:
        write_safe_csv(rows, review_csv)
    title = check_title(project or default_title(s.dataset))
    session = connect(connection or resolve_connection())
    with _project_lock(session.conn.url, title, lock_dir, lock_timeout):
        return _push_locked(session, s, rows, title, batch_size, on_batch)


@contextmanager
def _project_lock(url: str, title: str, lock_dir: str | Path | None, timeout: float) -> Iterator[None]:
    """Hold the lock for pushes to project ``title`` on ``url`` (raise if another holds it too long)."""
    folder = Path(lock_dir) if lock_dir is not None else load_config().workspace_path / "labelstudio" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(f"{url}\n{title}".encode()).hexdigest()[:16]
    lock = FileLock(folder / f"push-{key}.lock")
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise LabelStudioError(f"another push to project '{title}' has held {lock.lock_file} for "
                               f"{timeout:.0f} s; try again once it has finished") from None
    try:
        yield
    finally:
        lock.release()


def _push_locked(session: LabelStudioSession, s: Suspects, rows: pl.DataFrame, title: str,
                 batch_size: int, on_batch: Callable[[int, int], None] | None) -> PushResult:
    description = (f"Suspect labels from dataqa (dataset {s.dataset}, version {s.version or '-'}, "
                   f"label column {s.label_column or '-'}). Sort by prediction score: lowest first.")
    pid, created_project = ensure_project(session, title, label_config(s.classes), description)

    # Dedupe against what is already in the project: this makes re-runs and resumed pushes safe.
    present = list_tasks(session, pid, title)
    existing = {task_key(t["data"].get("dataset"), t["data"].get("version"), t["data"].get(ROW_ID))
                for t in present}
    keys = pl.Series([task_key(s.dataset, s.version, r) for r in rows[ROW_ID].to_list()], dtype=pl.String)
    new_rows = rows.filter(~keys.is_in(list(existing)))
    tasks = build_tasks(s, new_rows)
    done = 0
    for start in range(0, len(tasks), batch_size):
        batch = tasks[start:start + batch_size]
        _import(session, pid, title, batch)
        done += len(batch)
        if on_batch is not None:
            on_batch(done, len(tasks))
    total = len(present) + done
    return PushResult(
        project_id=pid, project_title=title, url=f"{session.conn.url}/projects/{pid}/data",
        created=done, already_present=rows.height - new_rows.height, total_tasks=total,
        created_row_ids=tuple(new_rows[ROW_ID].to_list()), project_created=created_project,
    )


def _import(session: LabelStudioSession, pid: int, title: str, batch: list[dict[str, object]]) -> None:
    label = f"'{title}' (id {pid})"
    session.call(f"importing {len(batch)} task(s) into project {label}",
                 session.sdk.projects.import_tasks, pid, request=batch, return_task_ids=True,
                 project=label)
