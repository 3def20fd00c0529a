"""What the workbench's worker processes run for the ledger and Label Studio, with progress.

Each function takes ``progress(done, total, partial)`` (see ``dataqa.app.worker``) and only
computes or talks to the service; the app writes its own files after the result arrives, so
stopping the worker at any moment leaves the version store and the caches as they were.
No Streamlit here (the worker imports this module).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataqa.app.worker import Report
from dataqa.config import ProjectConfig
from dataqa.labeling.labelstudio.push import push_suspects
from dataqa.ledger.ledger import build_ledger as ledger_of
from dataqa.versions import VersionStore


def build_ledger(store_path: str, config: ProjectConfig, progress: Report) -> Any:
    """``dataqa.ledger.ledger.build_ledger`` on a store, one progress step per retrained version.

    The ledger's own cache of evaluation probabilities is written with an atomic rename, so a
    stopped worker leaves at most an unreferenced temporary file.
    """
    store = VersionStore(Path(store_path))
    steps = [0]
    total = 2 * len(store.list())  # upper bound: the parent of each version is retrained too

    def tick(message: str) -> None:
        steps[0] += 1
        progress(min(steps[0], total), total, message)  # a str: the step's name

    return ledger_of(store, config=config, progress=tick)


def push(suspects_path: str, connection: Any, top: int | None, project: str | None, progress: Report) -> Any:
    """``push_suspects`` to Label Studio, one progress step per committed batch.

    A stopped push is resumable: the next push skips the tasks the project already holds.
    """
    return push_suspects(suspects_path, connection=connection, project=project, top=top,
                         on_batch=lambda done, total: progress(done, total, None))
