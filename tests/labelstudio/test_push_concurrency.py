"""Two ``dataqa label push`` processes at once, to one project of the real Label Studio server.

Without a guard both list the (empty) project, both create it or both import every row: the
reviewers then see each row twice. Each push now holds a file lock in the workspace for that
project and re-lists its tasks once it holds it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from filelock import FileLock

from dataqa.errors import LabelStudioError
from dataqa.labeling.labelstudio.projects import find_project, list_tasks
from dataqa.labeling.labelstudio.push import push_suspects

sys.path.insert(0, str(Path(__file__).parent))
from ls_helpers import LS, make_suspects

ROWS = list(range(0, 1200, 4))  # 300 rows: each push takes long enough for the two to overlap


def _push(cwd: Path, env: dict[str, str], title: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "dataqa", "label", "push", "s.parquet", "--all",
                             "--project", title], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.timeout(900)
def test_two_concurrent_pushes_create_each_task_once(ls: LS, tmp_path: Path) -> None:
    make_suspects(tmp_path / "s.parquet", ROWS)
    env = dict(os.environ, DATAQA_LABEL_STUDIO_URL=ls.url, LABEL_STUDIO_API_KEY=ls.token.reveal())
    title = "concurrent pushes"
    procs = [_push(tmp_path, env, title) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "Traceback" not in err and ls.token.reveal() not in out + err

    projects = [p for p in ls.admin.sdk.projects.list() if p.title == title]
    assert len(projects) == 1, "the project was created twice"
    pid = find_project(ls.admin, title)
    assert pid is not None
    keys = Counter(t["data"]["row_id"] for t in list_tasks(ls.admin, pid, title))
    assert sorted(keys) == ROWS and set(keys.values()) == {1}, "a row was pushed twice"
    # one push created them all, the other found them there
    created = sorted(int(out.split("pushed ")[1].split(" ")[0]) for out, _ in outs)
    assert created == [0, len(ROWS)]


def test_a_held_lock_times_out_with_one_readable_error(ls: LS, tmp_path: Path) -> None:
    make_suspects(tmp_path / "s.parquet", [1, 2])
    title = "locked project"
    locks = tmp_path / "locks"
    locks.mkdir()
    # hold the lock of that project the way another push would (key: server URL and title)
    key = hashlib.sha256(f"{ls.url}\n{title}".encode()).hexdigest()[:16]
    with FileLock(locks / f"push-{key}.lock"):
        with pytest.raises(LabelStudioError, match="another push to project 'locked project'"):
            push_suspects(tmp_path / "s.parquet", connection=ls.conn, project=title,
                          lock_dir=locks, lock_timeout=0.5)
    assert find_project(ls.admin, title) is None, "nothing may be created while another push runs"
