"""Long jobs of the workbench (profile, label noise, ledger, Label Studio push) running in the background.

A job is one :class:`~dataqa.app.worker.Worker` pumped by a server thread, kept in a registry
shared by every session of the server and keyed by what it computes (the dataset's fingerprint,
the label column, the baseline...). A page asks for a job by key: a running one is followed, not
restarted, so switching pages while it runs changes nothing; a finished one is its cached result
(per dataset version, like the rest of the app). Pages poll a job's state; nothing here imports
Streamlit.

Cancel stops the worker process. The workers compute and return; whatever a job writes (the
suspects file, a new version) is written by its ``finish`` step in the server after the result
arrived, so a cancelled job has written nothing.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Literal

from dataqa.app.worker import Worker, WorkerCancelled

Status = Literal["running", "done", "failed", "cancelled"]
#: Finished jobs kept (their results are the app's per-version cache of long computations).
KEEP_FINISHED = 16


@dataclass
class Job:
    """A background call and what the page shows of it."""

    key: tuple[Hashable, ...]
    label: str
    status: Status = "running"
    done: int = 0
    total: int = 0
    partials: list[Any] = field(default_factory=list)
    """Pieces of the result reported early (e.g. the profile of one column group), in order."""
    step: str = ""
    """What the worker is doing now, when it says (e.g. the version being retrained)."""
    result: Any = None
    error: BaseException | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    _worker: Worker | None = None

    @property
    def fraction(self) -> float:
        """Share done, 0..1 (0 until the worker reports a total)."""
        return min(self.done / self.total, 1.0) if self.total else 0.0

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def eta(self) -> float | None:
        """Seconds left, extrapolated from the pace so far; ``None`` before the first step is done."""
        if self.status != "running" or not self.done or not self.total:
            return None
        return self.elapsed * (self.total - self.done) / self.done

    def cancel(self) -> None:
        """Stop the worker; the job ends as ``cancelled`` (its ``finish`` step never runs)."""
        if self._worker is not None and self.status == "running":
            self._worker.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is finished (for tests and scripts); ``True`` if it is."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.status == "running":
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.05)
        return True


_LOCK = threading.Lock()
_JOBS: OrderedDict[tuple[Hashable, ...], Job] = OrderedDict()


def get(key: tuple[Hashable, ...]) -> Job | None:
    """The job for ``key`` (running or finished), else ``None``."""
    with _LOCK:
        job = _JOBS.get(key)
        if job is not None:
            _JOBS.move_to_end(key)
        return job


def forget(key: tuple[Hashable, ...]) -> None:
    """Drop a finished job (a failed or cancelled one, so the next request starts afresh)."""
    with _LOCK:
        job = _JOBS.get(key)
        if job is not None and job.status != "running":
            del _JOBS[key]


def start(key: tuple[Hashable, ...], label: str, target: str, kwargs: dict[str, Any],
          finish: Callable[[Any], Any] | None = None) -> Job:
    """The job for ``key``: the existing one if it runs or succeeded, else a new one started now.

    ``target`` is ``module:function`` called in the worker with ``kwargs`` and ``progress``;
    ``finish(result)`` runs in the server thread on the worker's result, and its return value
    is the job's result (write files there, never in the worker).
    """
    with _LOCK:
        job = _JOBS.get(key)
        if job is not None and job.status in ("running", "done"):
            _JOBS.move_to_end(key)
            return job
        job = Job(key=key, label=label)
        job._worker = Worker(target, kwargs, on_progress=lambda d, t, p: _progress(job, d, t, p))
        _JOBS[key] = job
        _JOBS.move_to_end(key)
        _trim()
    job._worker.start()
    threading.Thread(target=_pump, args=(job, finish), name=f"dataqa-job-{label}", daemon=True).start()
    return job


def _progress(job: Job, done: int, total: int, partial: Any) -> None:
    job.done, job.total = done, total
    if isinstance(partial, str):
        job.step = partial
    elif partial is not None:
        job.partials.append(partial)


def _pump(job: Job, finish: Callable[[Any], Any] | None) -> None:
    assert job._worker is not None
    try:
        value = job._worker.wait()
        job.result = finish(value) if finish is not None else value
        job.status = "done"
    except WorkerCancelled:
        job.status = "cancelled"
    except BaseException as exc:
        job.error = exc
        job.status = "failed"
    finally:
        job.finished = time.monotonic()
        job._worker = None


def _trim() -> None:
    finished = [k for k, j in _JOBS.items() if j.status != "running"]
    for k in finished[: max(len(finished) - KEEP_FINISHED, 0)]:
        del _JOBS[k]


def running() -> list[Job]:
    """Jobs still running (for the sidebar)."""
    with _LOCK:
        return [j for j in _JOBS.values() if j.status == "running"]


@atexit.register
def _stop_all() -> None:
    """Stop running workers when the server exits (multiprocessing would otherwise wait for them)."""
    for job in running():
        if job._worker is not None:
            job._worker.terminate()
