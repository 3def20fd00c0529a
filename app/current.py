"""The current dataset: the one every page works on, and how a path becomes it.

A current dataset is a file, a folder or a glob of Parquet files on this machine (the shipped
sample, an upload, a path typed on the Data page, or a materialised version from the store) with
a fingerprint. Results are cached per fingerprint, so switching back to a dataset or version shows
its results again without recomputing.

Environment: ``DATAQA_APP_DATA`` names the dataset to open first (default: ``[dataset] path`` in
``dataqa.toml``).
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dataqa.app.project import config
from dataqa.config import ProjectConfig
from dataqa.errors import FileFormatError
from dataqa.io import read_dataset

_CURRENT = "dataqa.current"
#: Characters that make a path a glob pattern.
GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Current:
    """The dataset every page works on.

    Attributes
    ----------
    path:
        The file (CSV/Parquet/JSONL), folder or glob of Parquet files holding the data.
    name:
        Display name (file stem, or the version store's dataset name).
    fingerprint:
        Cache key: ``version:<id>`` for a stored version, else a content hash of the file(s).
    version:
        Version id in the store, or ``None`` for a plain file.
    id_column, label_column:
        From ``dataqa.toml`` for the configured dataset; chosen on the Data page otherwise.
    dataset:
        The version store's dataset name, for a stored version (Label Studio projects use it).
    """

    path: str
    name: str
    fingerprint: str
    version: str | None = None
    id_column: str | None = None
    label_column: str | None = None
    dataset: str | None = None


def dataset_files(path: str | Path) -> list[Path]:
    """The files behind a dataset path: the file, the Parquet files under a folder, or a glob's matches."""
    text = str(path)
    if GLOB_CHARS & set(text):
        return sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
    p = Path(text)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in (".parquet", ".pq"))
    return [p]


def fingerprint(path: str | Path) -> str:
    """A content hash of a dataset's file(s) (sha256, first 16 hex digits), read in 1 MiB blocks."""
    h = hashlib.sha256()
    for f in dataset_files(path):
        h.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return "sha256:" + h.hexdigest()[:16]


def display_name(path: str | Path) -> str:
    """A file's stem, a folder's name, or a glob's folder name."""
    text = str(path)
    if GLOB_CHARS & set(text):
        parts = [p for p in Path(text).parts if not GLOB_CHARS & set(p)]
        return Path(*parts).name if parts else "dataset"
    return Path(text).stem if Path(text).is_file() else Path(text).name


def open_path(cfg: ProjectConfig, path: str, *, name: str | None = None) -> Current:
    """A ``Current`` for a dataset path: checked readable, fingerprinted, with the project's
    label column when the data has it (and id column only for the configured dataset).

    Raises ``FileFormatError`` (readable) for a path that is no dataset.
    """
    text = os.path.expanduser(path.strip())
    if not (GLOB_CHARS & set(text)):
        text = str(Path(text).resolve())
    if not dataset_files(text):
        raise FileFormatError(f"{path}: no dataset file matches", path)
    configured = cfg.resolve(cfg.dataset.path)
    is_configured = configured is not None and Path(configured).resolve() == Path(text).resolve()
    id_column = cfg.dataset.id_column if is_configured else None
    ds = read_dataset(text, id_column=id_column, check_ids=False)
    label = cfg.dataset.label_column if cfg.dataset.label_column in ds.columns else None
    return Current(path=text, name=name or display_name(text), fingerprint=fingerprint(text),
                   id_column=id_column, label_column=label)


def _default_current() -> Current | None:
    cfg = config()
    data = os.environ.get("DATAQA_APP_DATA") or cfg.resolve(cfg.dataset.path)
    if not data or not dataset_files(data) or not dataset_files(data)[0].exists():
        return None
    from_config = not os.environ.get("DATAQA_APP_DATA") or (
        cfg.dataset.path and Path(data).resolve() == Path(cfg.resolve(cfg.dataset.path) or "").resolve()
    )
    text = data if GLOB_CHARS & set(data) else str(Path(data).resolve())
    return Current(
        path=text,
        name=display_name(data),
        fingerprint=fingerprint(data),
        id_column=cfg.dataset.id_column if from_config else None,
        label_column=cfg.dataset.label_column if from_config else None,
    )


def current() -> Current | None:
    """The current dataset, defaulting to the configured (sample) dataset."""
    if _CURRENT not in st.session_state:
        st.session_state[_CURRENT] = _default_current()
    cur: Current | None = st.session_state[_CURRENT]
    return cur


def set_current(cur: Current) -> None:
    """Make ``cur`` the dataset every page works on."""
    st.session_state[_CURRENT] = cur


def require_current() -> Current:
    """The current dataset, or stop the page with a hint when there is none."""
    cur = current()
    if cur is None:
        st.info("No dataset yet: open a path or upload a file on the Data page "
                "(or set [dataset] path in dataqa.toml).")
        st.stop()
    return cur
