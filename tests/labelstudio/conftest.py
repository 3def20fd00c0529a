"""A real Label Studio server for the whole test session (no mock server).

The session fixture ``ls`` starts the embedded server on a free 127.0.0.1 port with a temporary
data folder and waits until ``/health`` answers (up to 180 s: the machine may be busy).

A fresh data folder needs ``label-studio init`` (migrations, ~35-60 s). To keep later sessions
fast, an initialised folder is built once and cached as a template in
``$DATAQA_LS_TEMPLATE`` (default ``~/.cache/dataqa/ls-test-template-1.23.2``); each session copies
it into its temporary folder (start then takes ~5 s). Delete the template to rebuild it.

Without label-studio installed the tests are skipped, unless ``DATAQA_REQUIRE_LABEL_STUDIO=1``
(CI), which turns that into a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

from dataqa.errors import LabelStudioError
from dataqa.labeling.labelstudio.client import connect
from dataqa.labeling.labelstudio.server import EmbeddedServer, find_binary, free_port
from dataqa.labeling.labelstudio.settings import Connection, ServerPaths, read_token_file

sys.path.insert(0, str(Path(__file__).parent))
from ls_helpers import LS, seed_workspace  # noqa: E402

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.labelstudio)


def _binary_or_skip() -> str:
    try:
        return find_binary()
    except LabelStudioError as exc:
        if os.environ.get("DATAQA_REQUIRE_LABEL_STUDIO") == "1":
            pytest.fail(str(exc))
        pytest.skip(f"label-studio not installed: {exc}")


@pytest.fixture(scope="session")
def ls(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[LS]:
    _binary_or_skip()
    ws = tmp_path_factory.mktemp("ls-session")
    root = seed_workspace(ws)
    srv = EmbeddedServer(ServerPaths(root), port=free_port())
    try:
        st = srv.start(timeout=180)
    except LabelStudioError as exc:  # the message carries the log tail, token redacted
        pytest.fail(f"Label Studio did not start:\n{exc}")
    token = read_token_file(srv.paths.token_file)
    assert token is not None and st.url
    conn = Connection(st.url, token, "test token file")
    try:
        yield LS(server=srv, url=st.url, token=token, conn=conn, admin=connect(conn))
    finally:
        if request.session.testsfailed:  # help diagnose: the server's side of the story
            print("\n--- Label Studio log tail (token redacted) ---\n" + srv.log_tail(lines=60), file=sys.stderr)
        if not srv.stop():
            print("Label Studio was not running at teardown; log tail:\n" + srv.log_tail(), file=sys.stderr)


@pytest.fixture(scope="session")
def reviewers(ls: LS) -> list[int]:
    """Three reviewer accounts (user ids), created through the API."""
    ids = []
    for i in (1, 2, 3):
        u = ls.admin.sdk.users.create(email=f"reviewer{i}@dataqa.test", username=f"reviewer{i}",
                                      password=f"not-a-secret-{i}-pw")
        ids.append(int(u.id))
    return ids


