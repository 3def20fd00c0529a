"""Issue 11 end to end on the real server: ``dataqa noise`` -> ``label push --budget N`` -> a
reviewer's verdicts through the Label Studio API -> ``label pull`` shows the measured precision
beside the expected one -> the next ``dataqa noise`` is recalibrated by it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app

from ls_helpers import LS, choice

runner = CliRunner()
BUDGET = 30
CLASSES = ["a", "b", "c"]


def overlapping_blobs(n: int = 600, rate: float = 0.1, seed: int = 3) -> tuple[pl.DataFrame, dict[int, str]]:
    """Three overlapping 2-D classes, ``rate`` of labels flipped; returns the flipped rows' true class."""
    rng = np.random.default_rng(seed)
    cls = np.arange(n) % 3
    xy = np.array([(0.0, 0.0), (3.0, 0.0), (0.0, 3.0)])[cls] + rng.normal(0, 1.0, (n, 2))
    flips = rng.choice(n, int(rate * n), replace=False)
    label = cls.copy()
    label[flips] = (cls[flips] + rng.integers(1, 3, len(flips))) % 3
    names = np.array(CLASSES)
    return (pl.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "label": names[label]}),
            {int(i): str(names[cls[i]]) for i in flips})


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ls: LS) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", ls.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", ls.token.reveal())
    (tmp_path / "dataqa.toml").write_text(
        'workspace = ".dq"\n[dataset]\npath = "blobs.csv"\nlabel_column = "label"\n'
        '[noise]\nmodels = ["logistic", "knn"]\nfolds = 3\n')  # two fast models keep the test short
    return tmp_path


def test_budgeted_push_review_round_and_recalibrated_next_round(ls: LS, reviewers: list[int],
                                                                project: Path) -> None:
    df, truth = overlapping_blobs()
    df.write_csv(project / "blobs.csv")
    first = runner.invoke(app, ["noise"])
    assert first.exit_code == 0, first.output
    suspects_path = project / ".dq" / "noise" / "blobs.suspects.parquet"
    suspects = pl.read_parquet(suspects_path)
    title = "noise review round"

    push = runner.invoke(app, ["label", "push", str(suspects_path), "--budget", str(BUDGET), "--project", title])

    assert push.exit_code == 0, push.output
    assert f"pushed {BUDGET} new task(s) to project '{title}'" in push.output
    pid = next(p.id for p in ls.admin.sdk.projects.list() if p.title == title)
    tasks = sorted(ls.admin.sdk.tasks.list(project=pid, fields="all"), key=lambda t: t.id)
    # Exactly N tasks: the N rows with the highest P(error), flagged or not, best first.
    expected_rows = suspects.sort("p_error", descending=True, maintain_order=True)["row_id"][:BUDGET].to_list()
    assert [int(t.data["row_id"]) for t in tasks] == expected_rows
    p_error = dict(zip(suspects["row_id"].to_list(), suspects["p_error"].to_list()))
    assert all(p_error[r] >= p_error[expected_rows[-1]] for r in expected_rows)

    # A reviewer answers every task: the true class where the label was flipped (relabel),
    # the given label otherwise (confirmed); one "unsure" carries no verdict.
    given = dict(zip(suspects["row_id"].to_list(), suspects["given_label"].to_list()))
    unsure = int(tasks[-1].data["row_id"])
    for t in tasks:
        row = int(t.data["row_id"])
        answer = "unsure" if row == unsure else truth.get(row, given[row])
        ls.admin.sdk.annotations.create(id=t.id, result=choice(answer), completed_by=reviewers[0])
    judged = [r for r in expected_rows if r != unsure]
    relabels = sum(r in truth for r in judged)
    measured = relabels / len(judged)
    expected = sum(p_error[r] for r in judged) / len(judged)

    pull = runner.invoke(app, ["label", "pull", "--project", title])

    assert pull.exit_code == 0, pull.output
    assert (f"review precision: measured {measured:.2f} ({relabels} relabel of {len(judged)} verdicts) "
            f"vs expected {expected:.2f}") in pull.output
    factor = float(re.search(r"scales P\(error\) by ([0-9.]+)", pull.output).group(1))
    # The factor moves the next round toward what the reviewer found, shrunk toward 1.
    assert (factor - 1) * (measured - expected) >= 0 and abs(factor - 1) <= abs(measured / expected - 1) + 0.01

    second = runner.invoke(app, ["noise"])

    assert second.exit_code == 0, second.output
    assert f"P(error) scaled by {factor:.2f} from the last review round" in second.output
    again = pl.read_parquet(suspects_path)
    before = suspects.select("row_id", "p_error").join(again.select("row_id", pl.col("p_error").alias("after")),
                                                       on="row_id")
    assert before.height == df.height
    scaled = np.clip(before["p_error"].to_numpy() * factor, 0, 1)
    np.testing.assert_allclose(before["after"].to_numpy(), scaled, atol=0.006)  # factor printed to 2 digits
    # The next round's expected yield of the default flags is the recalibrated one.
    flags = again.filter("is_label_issue")
    assert f"flagged: top {flags.height:,}: about {flags['p_error'].sum():,.0f} real errors" in second.output
