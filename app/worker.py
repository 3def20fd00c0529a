"""Run a long library call in a fresh (spawned) process, reporting progress back to the page.

Why: the Streamlit server is multi-threaded, and label-noise detection forks (cleanlab's
``find_label_issues`` uses a fork-based multiprocessing pool on Linux). Forking a multi-threaded
process can deadlock the child on a lock another thread held, which froze the app. A spawned
worker starts single-threaded, so the fork inside it is safe, and the server stays responsive.

This module imports no Streamlit: the worker process imports only what the call needs.
"""

from __future__ import annotations

import importlib
import multiprocessing
import queue as queue_mod
from typing import Any, Callable

from dataqa.errors import DataqaError


def _child(target: str, kwargs: dict[str, Any], q: Any) -> None:
    # A spawned child inherits "spawn" as its default start method; cleanlab's pool relies on
    # fork (it shares arrays through module globals). Forking is safe here: this process is ours
    # and single-threaded apart from numerical thread pools.
    multiprocessing.set_start_method("fork", force=True)
    module, name = target.rsplit(":", 1)
    fn = getattr(importlib.import_module(module), name)
    try:
        result = fn(**kwargs, progress=lambda done, total: q.put(("progress", done, total)))
        q.put(("result", result))
    except DataqaError as exc:  # sent as text: not every error class survives pickling
        q.put(("dataqa_error", type(exc).__name__, str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the page as one line
        q.put(("error", type(exc).__name__, str(exc)))


def run(target: str, kwargs: dict[str, Any], progress: Callable[[int, int], None] | None = None,
        poll: float = 0.2) -> Any:
    """Call ``module:function(**kwargs, progress=...)`` in a spawned process and return its result.

    ``progress(done, total)`` is called in this process for every report of the worker.

    Raises
    ------
    DataqaError
        The call raised one (same class when it can be rebuilt from its message).
    RuntimeError
        The call failed otherwise, or the worker died (its exit code is in the message).
    """
    import dataqa.errors as errors

    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, kwargs, q))  # not daemonic: cleanlab forks
    proc.start()
    try:
        while True:
            try:
                msg = q.get(timeout=poll)
            except queue_mod.Empty:
                if not proc.is_alive():
                    raise RuntimeError(f"the worker for {target} exited with code {proc.exitcode}") from None
                continue
            if msg[0] == "progress":
                if progress is not None:
                    progress(msg[1], msg[2])
                continue
            if msg[0] == "result":
                return msg[1]
            name, text = msg[1], msg[2]
            if msg[0] == "dataqa_error":
                cls = getattr(errors, name, errors.DataqaError)
                try:
                    exc = cls(text)
                except TypeError:
                    exc = errors.DataqaError(text)
                raise exc
            raise RuntimeError(f"{name}: {text}")
    finally:
        proc.join(timeout=10)
        if proc.is_alive():  # only when the page gave up early
            proc.kill()
            proc.join()
