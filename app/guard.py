"""The app's one error boundary: an error inside a page block is one readable line, never a traceback."""

from __future__ import annotations

import contextlib
from typing import Iterator

import streamlit as st

from dataqa.errors import DataqaError


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
    except Exception as exc:
        st.error(f"{what}: unexpected {type(exc).__name__}: {exc}")
