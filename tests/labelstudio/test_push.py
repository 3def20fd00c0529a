"""Push against the real server: project view, task payloads, predictions, idempotence, resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from dataqa.labeling.labelstudio.push import push_suspects
from dataqa.labeling.labelstudio.suspects import read_suspects

from ls_helpers import CLASSES, LS, make_suspects

ROWS = [7, 3, 11, 42, 5, 99, 120]


def _tasks(ls: LS, pid: int) -> list:
    return list(ls.admin.sdk.tasks.list(project=pid, fields="all"))


def test_push_creates_project_with_review_view_and_scored_predictions(ls: LS, tmp_path: Path) -> None:
    path = tmp_path / "suspects.parquet"
    make_suspects(path, ROWS, unflagged=[120])

    result = push_suspects(path, connection=ls.conn, project="push view")

    assert result.created == 6 and result.already_present == 0 and result.total_tasks == 6
    assert result.project_created
    assert list(result.created_row_ids) == [7, 3, 11, 42, 5, 99]  # worst first; row 120 not flagged
    project = ls.admin.sdk.projects.get(result.project_id)
    assert project.title == "push view"
    for cls in [*CLASSES, "unsure"]:
        assert f'<Choice value="{cls}"/>' in project.label_config
    assert '<Table name="features" value="$features"/>' in project.label_config

    tasks = sorted(_tasks(ls, result.project_id), key=lambda t: t.id)
    assert [t.data["row_id"] for t in tasks] == [7, 3, 11, 42, 5, 99]
    first = tasks[0]
    assert first.data["dataset"] == "diamonds_dirty" and first.data["version"] == "v1"
    assert first.data["given_label"] == read_suspects(path).frame["given_label"][0]
    assert "Given label: " in first.data["summary"] and "issues: label" in first.data["summary"]
    # The feature table shows the row as in the dataset (values as text), not the label column.
    assert set(first.data["features"]) == {"diamond_id", "carat", "color", "clarity", "depth",
                                           "table", "price", "x", "y", "z"}
    (pred,) = first.predictions
    assert pred.model_version == "dataqa-cleanlab"
    assert pred.score == pytest.approx(0.01)
    assert pred.result[0]["value"]["choices"] == [first.data["suggested_label"]]


def test_push_twice_creates_no_duplicates_and_later_push_adds_only_new_rows(ls: LS, tmp_path: Path) -> None:
    path = tmp_path / "suspects.parquet"
    make_suspects(path, ROWS)

    first = push_suspects(path, connection=ls.conn, project="push idem", top=3)
    again = push_suspects(path, connection=ls.conn, project="push idem", top=3)
    later = push_suspects(path, connection=ls.conn, project="push idem")

    assert (first.created, again.created, later.created) == (3, 0, 4)
    assert again.already_present == 3 and later.already_present == 3
    assert first.project_id == again.project_id == later.project_id
    assert not again.project_created
    row_ids = Counter(t.data["row_id"] for t in _tasks(ls, first.project_id))
    assert sorted(row_ids) == sorted(ROWS) and set(row_ids.values()) == {1}


def test_interrupted_push_resumes_without_duplicates(ls: LS, tmp_path: Path) -> None:
    path = tmp_path / "suspects.parquet"
    make_suspects(path, ROWS)

    def interrupt_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt  # what Ctrl-C does half-way through a push

    with pytest.raises(KeyboardInterrupt):
        push_suspects(path, connection=ls.conn, project="push resume", batch_size=2,
                      on_batch=interrupt_after_first_batch)
    resumed = push_suspects(path, connection=ls.conn, project="push resume", batch_size=2)

    assert resumed.already_present == 2 and resumed.created == 5 and resumed.total_tasks == 7
    row_ids = Counter(t.data["row_id"] for t in _tasks(ls, resumed.project_id))
    assert sorted(row_ids) == sorted(ROWS) and set(row_ids.values()) == {1}


def test_same_rows_of_another_version_are_new_tasks(ls: LS, tmp_path: Path) -> None:
    v1, v2 = tmp_path / "v1.parquet", tmp_path / "v2.parquet"
    make_suspects(v1, [7, 3], version="v1")
    make_suspects(v2, [7, 3], version="v2")

    push_suspects(v1, connection=ls.conn, project="push versions")
    second = push_suspects(v2, connection=ls.conn, project="push versions")

    assert second.created == 2 and second.total_tasks == 4


def test_review_csv_neutralises_spreadsheet_formulas(ls: LS, tmp_path: Path) -> None:
    path = tmp_path / "suspects.parquet"
    base = make_suspects(tmp_path / "base.parquet", [7])
    evil = ["=HYPERLINK(\"http://x\")", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]
    extra = [{**base.row(0, named=True), "row_id": 1000 + i, "diamond_id": v, "depth": -1.5}
             for i, v in enumerate(evil)]
    make_suspects(path, [7], extra_rows=extra)
    csv = tmp_path / "review.csv"

    push_suspects(path, connection=ls.conn, project="push csv", review_csv=csv)

    back = pl.read_csv(csv)
    assert back["diamond_id"].to_list()[1:] == ["'" + v for v in evil]
    assert back["depth"].to_list()[1:] == [-1.5] * len(evil)  # numbers are not touched
    assert back["diamond_id"][0] == base["diamond_id"][0]


def test_push_killed_mid_way_resumes_without_duplicates(ls: LS, tmp_path: Path) -> None:
    rows = list(range(100, 160))
    path = tmp_path / "suspects.parquet"
    make_suspects(path, rows)
    code = ("import sys; from dataqa.labeling.labelstudio.push import push_suspects; "
            "push_suspects(sys.argv[1], project='push killed', batch_size=1)")
    env = {**os.environ, "DATAQA_LABEL_STUDIO_URL": ls.url, "LABEL_STUDIO_API_KEY": ls.token.reveal()}
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], env=env, cwd=tmp_path)

    def count() -> int:
        ids = [p.id for p in ls.admin.sdk.projects.list() if p.title == "push killed"]
        return len(list(ls.admin.sdk.tasks.list(project=ids[0]))) if ids else 0

    try:
        while count() == 0 and proc.poll() is None:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)  # no clean-up code runs: the harshest interruption
        proc.wait()
    at_kill = count()
    resumed = push_suspects(path, connection=ls.conn, project="push killed")

    assert 0 < at_kill < len(rows), "the push was not interrupted half-way"
    assert resumed.already_present == at_kill and resumed.created == len(rows) - at_kill
    row_ids = Counter(t.data["row_id"] for t in _tasks(ls, resumed.project_id))
    assert sorted(row_ids) == rows and set(row_ids.values()) == {1}
