"""Run a long library call in a fresh (spawned) process that reports progress and can be stopped.

Why a process: the Streamlit server is multi-threaded and runs every page script on its own
thread; a long computation there freezes the page and cannot be interrupted. A spawned worker
starts single-threaded, keeps the server responsive, and can be stopped at any moment (the
library writes only at the end of a job, from the server, so stopping it leaves nothing half-written).

Messages from the worker, in order: any number of ``("progress", done, total, partial)``, then one
``("result", value)`` or ``("error", envelope)``. Errors keep their type: the exception is pickled
when it survives a round trip, else sent as a typed envelope (class, args, attributes) and rebuilt
without calling its constructor, so an error whose constructor takes several arguments comes back
as itself, not as a bare ``DataqaError``.

The worker does not force the ``fork`` start method any more: cleanlab's process pool is never
used, because ``labeling/issues/label.py`` calls it with ``n_jobs=1``. That fix is the one kept
because it sits in the library, so it holds in every host (the CLI, notebooks, threaded servers),
and one process per job is enough on the machines we run on; a fork inside a spawned worker only
protected the app.

This module imports no Streamlit: the worker process imports only what the call needs.
"""

from __future__ import annotations

import importlib
import multiprocessing
import pickle
import queue as queue_mod
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

#: ``progress(done, total, partial)``: ``partial`` is a piece of the result to show early, or ``None``.
Report = Callable[[int, int, Any], None]


class WorkerCancelled(Exception):
    """The job was cancelled before it finished (raised by :meth:`Worker.wait`)."""


class WorkerDied(Exception):
    """The worker process exited without a result (killed, out of memory, a crash in C code)."""


@dataclass(frozen=True)
class ErrorEnvelope:
    """An exception that does not survive pickling, as data: rebuilt with its class and attributes."""

    module: str
    qualname: str
    args: tuple[Any, ...]
    state: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, exc: BaseException) -> ErrorEnvelope:
        state = {k: v for k, v in vars(exc).items() if _picklable(v)}
        args = tuple(a if _picklable(a) else str(a) for a in exc.args)
        return cls(type(exc).__module__, type(exc).__qualname__, args, state)

    def rebuild(self) -> BaseException:
        """The exception of the original class (``RuntimeError`` naming it if it cannot be imported)."""
        try:
            owner: Any = importlib.import_module(self.module)
            for part in self.qualname.split("."):
                owner = getattr(owner, part)
        except (ImportError, AttributeError):
            return RuntimeError(f"{self.qualname}: {self.args[0] if self.args else ''}")
        if not (isinstance(owner, type) and issubclass(owner, BaseException)):
            return RuntimeError(f"{self.qualname}: {self.args[0] if self.args else ''}")
        # __new__ without __init__: the constructor's signature does not matter.
        exc: BaseException = owner.__new__(owner, *self.args)
        exc.args = self.args
        vars(exc).update(self.state)
        return exc


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def pack_error(exc: BaseException) -> bytes:
    """The exception itself when pickle round-trips it, else its envelope (both pickled)."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # multi-argument constructors fail here, not in the server
        return data
    except Exception:
        return pickle.dumps(ErrorEnvelope.of(exc))


def unpack_error(data: bytes) -> BaseException:
    """The exception sent by :func:`pack_error`."""
    obj = pickle.loads(data)
    exc: BaseException = obj.rebuild() if isinstance(obj, ErrorEnvelope) else obj
    return exc


def _child(target: str, kwargs: dict[str, Any], q: Any) -> None:
    module, name = target.rsplit(":", 1)
    try:
        fn = getattr(importlib.import_module(module), name)
        result = fn(**kwargs, progress=lambda done, total, partial=None: q.put(("progress", done, total, partial)))
        q.put(("result", result))
    except BaseException as exc:
        q.put(("error", pack_error(exc)))


@dataclass
class Worker:
    """One spawned call of ``module:function(**kwargs, progress=...)``.

    ``on_progress(done, total, partial)`` runs in the thread that calls :meth:`wait`.
    """

    target: str
    kwargs: dict[str, Any]
    on_progress: Report | None = None
    poll: float = 0.2
    _cancel: threading.Event = field(default_factory=threading.Event)
    _proc: Any = None

    def start(self) -> Worker:
        ctx = multiprocessing.get_context("spawn")
        self._q = ctx.Queue()
        # not daemonic: a daemonic process may not start children, and library code may (joblib)
        self._proc = ctx.Process(target=_child, args=(self.target, self.kwargs, self._q))
        self._proc.start()
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def cancel(self) -> None:
        """Ask :meth:`wait` to stop the worker (safe from any thread)."""
        self._cancel.set()

    def terminate(self) -> None:
        """Stop the process now (at server exit; pages use :meth:`cancel`)."""
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()

    def wait(self) -> Any:
        """Pump progress until the result arrives; return it or raise the worker's error.

        Raises
        ------
        WorkerCancelled
            :meth:`cancel` was called; the process is stopped before this returns.
        WorkerDied
            The process exited without an answer (its exit code is in the message).
        """
        try:
            while True:
                if self._cancel.is_set():
                    raise WorkerCancelled(self.target)
                try:
                    msg = self._q.get(timeout=self.poll)
                except queue_mod.Empty:
                    if not self._proc.is_alive():
                        raise WorkerDied(f"the worker for {self.target} exited with code "
                                         f"{self._proc.exitcode}") from None
                    continue
                if msg[0] == "progress":
                    if self.on_progress is not None:
                        self.on_progress(msg[1], msg[2], msg[3])
                elif msg[0] == "result":
                    return msg[1]
                else:
                    raise unpack_error(msg[1])
        finally:
            self._stop()

    def _stop(self) -> None:
        self._proc.join(timeout=0 if self._cancel.is_set() else 10)
        if self._proc.is_alive():  # cancelled, or the page gave up
            self._proc.terminate()
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join()
        self._q.close()


def run(target: str, kwargs: dict[str, Any], progress: Report | None = None, poll: float = 0.2) -> Any:
    """Call ``module:function(**kwargs, progress=...)`` in a spawned process and return its result.

    Raises whatever the call raised, with its own type (see the module docstring).
    """
    return Worker(target, kwargs, progress, poll).start().wait()
