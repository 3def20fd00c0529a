"""The project the workbench works in: ``dataqa.toml`` (read once per session) and its workspace.

Environment (set by ``dataqa app``):

- ``DATAQA_APP_ROOT``: where to look for ``dataqa.toml`` (default: the working directory).
- ``DATAQA_WORKSPACE``: overrides the workspace folder (default: ``workspace`` in ``dataqa.toml``).
- ``DATAQA_LABEL_STUDIO_PORT``: port of the embedded Label Studio (default ``[label_studio] port``).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import streamlit as st

from dataqa.config import ProjectConfig, load_config

_CONFIG = "dataqa.config"


def config() -> ProjectConfig:
    """The project's ``dataqa.toml`` (read once per session), with the environment's overrides."""
    if _CONFIG not in st.session_state:
        cfg = load_config(os.environ.get("DATAQA_APP_ROOT") or None)
        ws = os.environ.get("DATAQA_WORKSPACE")
        if ws:
            cfg = replace(cfg, workspace=str(Path(ws).resolve()))
        port = os.environ.get("DATAQA_LABEL_STUDIO_PORT")
        if port and port.isdigit():
            cfg = replace(cfg, label_studio=replace(cfg.label_studio, port=int(port)))
        st.session_state[_CONFIG] = cfg
    cfg_: ProjectConfig = st.session_state[_CONFIG]
    return cfg_


def workspace() -> Path:
    """The workspace folder (created on first use)."""
    path = config().workspace_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def reference_path() -> str | None:
    """The configured drift reference (``[dataset] reference``), if the file exists."""
    cfg = config()
    ref = cfg.resolve(cfg.dataset.reference)
    return ref if ref and Path(ref).exists() else None
