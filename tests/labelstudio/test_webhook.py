"""The optional loopback webhook receiver against the real server."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from dataqa.labeling.labelstudio.changeset import read_changeset
from dataqa.labeling.labelstudio.push import push_suspects
from dataqa.labeling.labelstudio.webhook import ReviewWatcher

from ls_helpers import LS, SAMPLE, choice, make_suspects


def test_watcher_repulls_when_a_reviewer_annotates_and_cleans_up(ls: LS, tmp_path: Path) -> None:
    make_suspects(tmp_path / "s.parquet", [10, 20])
    res = push_suspects(tmp_path / "s.parquet", connection=ls.conn, project="webhook watch")
    task = min(ls.admin.sdk.tasks.list(project=res.project_id), key=lambda t: t.id)
    out = tmp_path / "cs.parquet"

    with ReviewWatcher("webhook watch", connection=ls.conn, dataset=SAMPLE, out=out) as watcher:
        nothing = watcher.wait(timeout=0.5)
        forged = httpx.post(watcher.url, json={"action": "ANNOTATION_CREATED"})  # no secret header
        after_forged = watcher.wait(timeout=0.5)
        ls.admin.sdk.annotations.create(id=task.id, result=choice("Fair"))
        cs = watcher.wait(timeout=120)
        hooks = ls.admin.request("GET", "api/webhooks/", what="listing webhooks",
                                 params={"project": res.project_id})

    assert nothing is None and after_forged is None and forged.status_code == 403
    assert cs is not None and cs.frame.select("row_id", "new_label").rows() == [(10, "Fair")]
    assert read_changeset(out).frame.equals(cs.frame)
    assert len(hooks) == 1 and hooks[0]["url"] == watcher.url  # registered while watching...
    left = ls.admin.request("GET", "api/webhooks/", what="listing webhooks", params={"project": res.project_id})
    assert left == []  # ...and deleted on exit


def test_label_watch_cli_rewrites_the_changeset_until_ctrl_c(ls: LS, tmp_path: Path) -> None:
    make_suspects(tmp_path / "s.parquet", [10])
    res = push_suspects(tmp_path / "s.parquet", connection=ls.conn, project="webhook cli")
    task = next(iter(ls.admin.sdk.tasks.list(project=res.project_id)))
    env = {**os.environ, "DATAQA_LABEL_STUDIO_URL": ls.url, "LABEL_STUDIO_API_KEY": ls.token.reveal()}
    proc = subprocess.Popen([sys.executable, "-m", "dataqa", "label", "watch", "--project", "webhook cli",
                             "--out", "cs.parquet", "--dataset", str(SAMPLE)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()

    def next_line() -> str:
        return lines.get(timeout=120)

    try:
        started = next_line()
        ls.admin.sdk.annotations.create(id=task.id, result=choice("unsure"))
        changed = next_line()
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
    reader.join(timeout=30)  # the output ends when the process has exited
    rest = "".join(lines.get_nowait() for _ in range(lines.qsize()))

    assert started.startswith("watching project 'webhook cli' (webhook http://127.0.0.1:")
    assert "1 unsure" in changed and changed.rstrip().endswith("cs.parquet")
    assert code == 0 and "stopped watching" in rest
    assert read_changeset(tmp_path / "cs.parquet").frame["kind"].to_list() == ["unsure"]
    assert ls.token.reveal() not in started + changed + rest
