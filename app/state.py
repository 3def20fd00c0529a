"""Session state of the workbench: the project config, the current dataset and error display.

Every page works on one *current dataset*: a file on disk (the shipped sample, an upload, or a
materialised version from the store) with a fingerprint. Results are cached per fingerprint, so
switching back to a dataset or version shows its results again without recomputing.

Environment (set by ``dataqa app``):

- ``DATAQA_APP_DATA``: the dataset to open first (default: ``[dataset] path`` in ``dataqa.toml``).
- ``DATAQA_APP_ROOT``: where to look for ``dataqa.toml`` (default: the working directory).
- ``DATAQA_WORKSPACE``: overrides the workspace folder (default: ``workspace`` in ``dataqa.toml``).
- ``DATAQA_LABEL_STUDIO_PORT``: port of the embedded Label Studio (default ``[label_studio] port``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from collections import OrderedDict
from typing import Any, Callable, Iterator, TypeVar

import streamlit as st

from dataqa.config import ProjectConfig, load_config
from dataqa.errors import DataqaError

T = TypeVar("T")
_CURRENT = "dataqa.current"
_CONFIG = "dataqa.config"


@dataclass(frozen=True)
class Current:
    """The dataset every page works on.

    Attributes
    ----------
    path:
        The file (CSV/Parquet/JSONL) holding the data.
    name:
        Display name (file stem, or the version store's dataset name).
    fingerprint:
        Cache key: ``version:<id>`` for a stored version, else a content hash of the file.
    version:
        Version id in the store, or ``None`` for a plain file.
    id_column, label_column:
        From ``dataqa.toml`` for the configured dataset; chosen on the Data page otherwise.
    """

    path: str
    name: str
    fingerprint: str
    version: str | None = None
    id_column: str | None = None
    label_column: str | None = None
    dataset: str | None = None
    """The version store's dataset name, for a stored version (Label Studio projects use it)."""


def file_fingerprint(path: str | Path) -> str:
    """A content hash of a file (sha256, first 16 hex digits), read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()[:16]


def config() -> ProjectConfig:
    """The project's ``dataqa.toml`` (read once per session), with the workspace override."""
    if _CONFIG not in st.session_state:
        cfg = load_config(os.environ.get("DATAQA_APP_ROOT") or None)
        ws = os.environ.get("DATAQA_WORKSPACE")
        if ws:
            cfg = replace(cfg, workspace=str(Path(ws).resolve()))
        port = os.environ.get("DATAQA_LABEL_STUDIO_PORT")
        if port and port.isdigit():
            cfg = replace(cfg, label_studio=replace(cfg.label_studio, port=int(port)))
        st.session_state[_CONFIG] = cfg
    return st.session_state[_CONFIG]


def workspace() -> Path:
    """The workspace folder (created on first use)."""
    path = config().workspace_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _default_current() -> Current | None:
    cfg = config()
    data = os.environ.get("DATAQA_APP_DATA") or cfg.resolve(cfg.dataset.path)
    if not data or not Path(data).is_file():
        return None
    from_config = not os.environ.get("DATAQA_APP_DATA") or (
        cfg.dataset.path and Path(data).resolve() == Path(cfg.resolve(cfg.dataset.path)).resolve()
    )
    return Current(
        path=str(Path(data).resolve()),
        name=Path(data).stem,
        fingerprint=file_fingerprint(data),
        id_column=cfg.dataset.id_column if from_config else None,
        label_column=cfg.dataset.label_column if from_config else None,
    )


def current() -> Current | None:
    """The current dataset, defaulting to the configured (sample) dataset."""
    if _CURRENT not in st.session_state:
        st.session_state[_CURRENT] = _default_current()
    return st.session_state[_CURRENT]


def set_current(cur: Current) -> None:
    """Make ``cur`` the dataset every page works on."""
    st.session_state[_CURRENT] = cur


def require_current() -> Current:
    """The current dataset, or stop the page with a hint when there is none."""
    cur = current()
    if cur is None:
        st.info("No dataset yet: upload one on the Data page (or set [dataset] path in dataqa.toml).")
        st.stop()
    return cur


def reference_path() -> str | None:
    """The configured drift reference (``[dataset] reference``), if the file exists."""
    cfg = config()
    ref = cfg.resolve(cfg.dataset.reference)
    return ref if ref and Path(ref).exists() else None


def put(key: str, value: object) -> None:
    """Store a page result for the current dataset (cleared when the dataset changes)."""
    cur = current()
    st.session_state[f"dataqa.result.{key}"] = (cur.fingerprint if cur else None, value)


def get(key: str) -> object | None:
    """A page result stored by ``put`` for the current dataset, else ``None``."""
    cur = current()
    item = st.session_state.get(f"dataqa.result.{key}")
    if item is None or cur is None or item[0] != cur.fingerprint:
        return None
    return item[1]


@st.cache_resource(show_spinner=False)
def _results() -> "OrderedDict[tuple[Any, ...], Any]":
    return OrderedDict()


def memo(key: tuple[Any, ...], compute: Callable[[], T], max_entries: int = 16) -> T:
    """``compute()`` once per ``key`` in this server process (shared by sessions, LRU-bounded).

    For long computations that report progress to the page: ``st.cache_data`` would record and
    replay those progress-bar calls, which Streamlit refuses for elements created outside the
    cached function. Keys must name the data's content (fingerprint / version hashes).
    """
    cache = _results()
    if key in cache:
        cache.move_to_end(key)
        return cache[key]  # type: ignore[no-any-return]
    value = compute()
    cache[key] = value
    while len(cache) > max_entries:
        cache.popitem(last=False)
    return value


def memo_has(key: tuple[Any, ...]) -> bool:
    """Whether ``memo`` already holds a result for ``key``."""
    return key in _results()


@contextlib.contextmanager
def guard(what: str) -> Iterator[None]:
    """Show any error raised inside as a readable message instead of a traceback.

    ``DataqaError`` messages are written for users and shown as they are; anything else is a
    bug, shown as one line naming what failed (Streamlit's stop/rerun are not ``Exception``).
    """
    try:
        yield
    except DataqaError as exc:
        st.error(f"{what}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        st.error(f"{what}: unexpected {type(exc).__name__}: {exc}")


def sidebar() -> None:
    """The current dataset in the sidebar, shown on every page."""
    cur = current()
    with st.sidebar:
        st.caption("Current dataset")
        if cur is None:
            st.write("none")
            return
        st.markdown(f"**{cur.name}**")
        st.caption(f"{'version ' + cur.version if cur.version else 'file'} · `{cur.fingerprint}`")
        if cur.label_column:
            st.caption(f"label column: `{cur.label_column}`")
