"""Pull against the real server: majority, ties, unsure, orphans, idempotence, edits."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dataqa.labeling.labelstudio.changeset import read_changeset
from dataqa.labeling.labelstudio.pull import pull_reviews
from dataqa.labeling.labelstudio.push import push_suspects

from ls_helpers import LS, SAMPLE, choice, make_suspects

# Sample rows (0-based positions in diamonds_dirty.csv) and one row that is not in it.
ROWS = [10, 20, 30, 40, 50, 60]
ORPHAN = 90_000


@pytest.fixture()
def reviewed(ls: LS, reviewers: list[int], tmp_path: Path, request: pytest.FixtureRequest) -> dict:
    """A pushed project whose tasks three reviewers annotated through the API."""
    path = tmp_path / "suspects.parquet"
    df = make_suspects(path, ROWS)
    base = df.row(0, named=True)
    df = make_suspects(path, ROWS, extra_rows=[{**base, "row_id": ORPHAN}])
    title = f"pull {request.node.name}"[:50]
    res = push_suspects(path, connection=ls.conn, project=title)
    tasks = {t.data["row_id"]: t for t in ls.admin.sdk.tasks.list(project=res.project_id, fields="all")}
    given = dict(zip(df["row_id"].to_list(), df["given_label"].to_list()))
    other = {r: ("Fair" if g != "Fair" else "Good") for r, g in given.items()}
    third = {r: ("Premium" if g != "Premium" and other[r] != "Premium" else "Very Good") for r, g in given.items()}
    r1, r2, r3 = reviewers
    votes = {
        10: [(r1, other[10]), (r2, other[10]), (r3, other[10])],   # unanimous relabel
        20: [(r1, given[20]), (r2, given[20]), (r3, other[20])],   # majority confirms
        30: [(r1, other[30]), (r2, third[30])],                     # 1-1: tie
        40: [(r1, "unsure"), (r2, "unsure"), (r3, given[40])],     # majority unsure
        50: [(r1, other[50]), (r2, other[50]), (r3, given[50])],   # majority relabel
        # 60: nobody reviewed it -> not in the changeset
        ORPHAN: [(r1, other[ORPHAN])],
    }
    ann_ids = {}
    for row, vs in votes.items():
        for user, label in vs:
            a = ls.admin.sdk.annotations.create(id=tasks[row].id, result=choice(label), completed_by=user)
            ann_ids[(row, user)] = a.id
    # A skipped task (cancelled annotation) is not a vote.
    ls.admin.sdk.annotations.create(id=tasks[60].id, result=[], completed_by=r1, was_cancelled=True)
    return {"title": title, "given": given, "other": other, "third": third, "tasks": tasks,
            "ann": ann_ids, "reviewers": reviewers, "project_id": res.project_id}


def test_pull_builds_changeset_with_majority_ties_unsure_and_orphans(ls: LS, reviewed: dict) -> None:
    cs = pull_reviews(reviewed["title"], dataset=SAMPLE, connection=ls.conn)

    g, o, t = reviewed["given"], reviewed["other"], reviewed["tasks"]
    emails = "reviewer1@dataqa.test,reviewer2@dataqa.test,reviewer3@dataqa.test"
    expected = pl.DataFrame(
        {
            "row_id": [10, 20, 30, 40, 50, ORPHAN],
            "kind": ["relabel", "confirmed", "tie", "unsure", "relabel", "orphan"],
            "old_label": [g[10], g[20], g[30], g[40], g[50], g[ORPHAN]],
            "new_label": [o[10], g[20], None, None, o[50], o[ORPHAN]],
            "annotators": [emails, emails, "reviewer1@dataqa.test,reviewer2@dataqa.test", emails, emails,
                           "reviewer1@dataqa.test"],
            "task_id": [t[r].id for r in (10, 20, 30, 40, 50, ORPHAN)],
            "project": [reviewed["title"]] * 6,
        },
        schema_overrides={"row_id": pl.Int64, "task_id": pl.Int64, "new_label": pl.String},
    )
    assert_frame_equal(cs.frame.drop("annotated_at"), expected)
    assert cs.counts == {"relabel": 2, "confirmed": 1, "unsure": 1, "tie": 1, "orphan": 1}
    assert cs.relabels["row_id"].to_list() == [10, 50]  # only these change data; tie/orphan never
    for ts in cs.frame["annotated_at"]:
        datetime.fromisoformat(ts.replace("Z", "+00:00"))
    assert cs.meta == {"dataset": "diamonds_dirty", "version": "v1", "label_column": "cut",
                       "project": reviewed["title"], "source": "label-studio"}


def test_pull_twice_is_identical_and_picks_up_an_edited_annotation(ls: LS, reviewed: dict) -> None:
    first = pull_reviews(reviewed["title"], dataset=SAMPLE, connection=ls.conn)
    second = pull_reviews(reviewed["title"], dataset=SAMPLE, connection=ls.conn)
    assert_frame_equal(first.frame, second.frame)

    # Reviewer 2 changes their mind on row 30: the tie becomes a 2-1 majority for reviewer 1's label.
    r1, r2, _ = reviewed["reviewers"]
    ls.admin.sdk.annotations.update(id=reviewed["ann"][(30, r2)], result=choice(reviewed["other"][30]))
    third = pull_reviews(reviewed["title"], dataset=SAMPLE, connection=ls.conn)

    row = third.frame.filter(pl.col("row_id") == 30).row(0, named=True)
    assert (row["kind"], row["new_label"]) == ("relabel", reviewed["other"][30])
    before = first.frame.filter(pl.col("row_id") == 30)["annotated_at"][0]
    assert row["annotated_at"] > before
    assert_frame_equal(third.frame.filter(pl.col("row_id") != 30), first.frame.filter(pl.col("row_id") != 30))


def test_changeset_round_trips_through_parquet_and_csv(ls: LS, reviewed: dict, tmp_path: Path) -> None:
    cs = pull_reviews(reviewed["title"], dataset=SAMPLE, connection=ls.conn)

    for name in ("cs.parquet", "cs.csv"):
        back = read_changeset(cs.write(tmp_path / name))
        assert_frame_equal(back.frame, cs.frame)
        assert back.meta == cs.meta


def test_pull_without_dataset_reports_no_orphans(ls: LS, reviewed: dict) -> None:
    cs = pull_reviews(reviewed["title"], connection=ls.conn)

    assert cs.counts["orphan"] == 0
    assert cs.frame.filter(pl.col("row_id") == ORPHAN)["kind"].to_list() == ["relabel"]
