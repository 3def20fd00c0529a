"""Pure logic without a server: the majority rule, the label view, CSV neutralisation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dataqa.config import LabelStudioConfig, ProjectConfig
from dataqa.errors import LabelStudioAuthError, LabelStudioError
from dataqa.labeling.labelstudio.csvsafe import FORMULA_TRIGGERS, neutralise_formulas, restore_formula_text
from dataqa.labeling.labelstudio.pull import decide, votes_frame
from dataqa.labeling.labelstudio.server import EmbeddedServer, find_binary
from dataqa.labeling.labelstudio.settings import (
    Connection, Secret, ServerPaths, read_token_file, resolve_connection, server_paths, write_private,
)
from dataqa.labeling.labelstudio.suspects import label_config, select_rows, suspects_from_frame

from ls_helpers import choice


def _task(tid: int, row: int, given: str, *votes: tuple[int, str, bool]) -> dict:
    return {"id": tid, "data": {"row_id": row, "given_label": given},
            "annotations": [{"completed_by": u, "result": choice(lab) if lab else [], "was_cancelled": c,
                             "updated_at": f"2026-01-0{u}T00:00:00Z"} for u, lab, c in votes]}


def test_majority_rule_on_a_hand_computed_table() -> None:
    tasks = [
        _task(1, 0, "A", (1, "B", False), (2, "B", False), (3, "A", False)),  # 2-1 -> relabel B
        _task(2, 1, "A", (1, "A", False), (2, "B", False)),                   # 1-1 -> tie
        _task(3, 2, "A", (1, "unsure", False), (2, "A", False), (3, "unsure", False)),  # unsure
        _task(4, 3, "A", (1, "A", False), (2, "B", True)),                    # cancelled: confirmed
        _task(5, 4, "A", (1, None, False)),                                   # no choice: dropped
        _task(6, 99, "A", (2, "C", False)),                                   # not in data: orphan
    ]
    users = {1: "ann", 2: "bob", 3: "cy"}

    out = decide(votes_frame(tasks, users), pl.Series([0, 1, 2, 3, 4]), "p")

    assert out.select("row_id", "kind", "old_label", "new_label", "annotators", "annotated_at").rows() == [
        ("0", "relabel", "A", "B", "ann,bob,cy", "2026-01-03T00:00:00Z"),
        ("1", "tie", "A", None, "ann,bob", "2026-01-02T00:00:00Z"),
        ("2", "unsure", "A", None, "ann,bob,cy", "2026-01-03T00:00:00Z"),
        ("3", "confirmed", "A", "A", "ann", "2026-01-01T00:00:00Z"),
        ("99", "orphan", "A", "C", "bob", "2026-01-02T00:00:00Z"),
    ]


def test_label_view_escapes_class_names_and_adds_unsure() -> None:
    xml = label_config(["a<b", 'say "hi"'])
    assert '<Choice value="a&lt;b"/>' in xml and "<Choice value='say \"hi\"'/>" in xml
    assert xml.count("<Choice ") == 3 and '<Choice value="unsure"/>' in xml


def test_secret_never_prints_itself() -> None:
    s = Secret("tok-123456")
    conn = Connection("http://127.0.0.1:1", s)
    assert "tok-123456" not in f"{s} {s!r} {conn} {conn!r}"
    assert s.redact("a tok-123456 b") == "a *** b"


text = st.text(alphabet=st.sampled_from(list("=+-@\t\r'abc1 ")), max_size=8)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), text), min_size=1, max_size=6))
def test_neutralised_text_never_starts_a_formula_and_round_trips(values: list[str | None]) -> None:
    df = pl.DataFrame({"v": values, "n": list(range(len(values)))}, schema={"v": pl.String, "n": pl.Int64})

    safe = neutralise_formulas(df)

    assert not any(v.startswith(FORMULA_TRIGGERS) for v in safe["v"].drop_nulls())
    assert_frame_equal(safe["n"].to_frame(), df["n"].to_frame())
    assert_frame_equal(restore_formula_text(safe), df)


def test_connection_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.delenv("DATAQA_LABEL_STUDIO_URL", raising=False)
    cfg = ProjectConfig(root=tmp_path, label_studio=LabelStudioConfig(port=18123))
    token_file = server_paths(cfg.workspace_path).token_file
    write_private(token_file, "file-token-0123456789\n")

    embedded = resolve_connection(cfg)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "env-token-0123456789")
    from_env = resolve_connection(cfg)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY")
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", "http://ls.example:8080/")
    with pytest.raises(LabelStudioAuthError) as exc:
        resolve_connection(cfg)  # the embedded server's token is never sent to another server

    assert (embedded.url, embedded.token) == ("http://127.0.0.1:18123", read_token_file(token_file))
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    assert from_env.token.reveal() == "env-token-0123456789"
    assert str(exc.value) == (
        "no Label Studio token for http://ls.example:8080: set LABEL_STUDIO_API_KEY (and "
        "DATAQA_LABEL_STUDIO_URL for your own server) or start the embedded server with "
        "`dataqa labelstudio serve`")


def test_missing_label_studio_binary_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_BIN", "/nonexistent/label-studio")
    with pytest.raises(LabelStudioError, match="DATAQA_LABEL_STUDIO_BIN=/nonexistent/label-studio: no such file"):
        find_binary()


def test_reviewers_see_features_not_detector_columns_and_only_flagged_rows() -> None:
    df = pl.DataFrame({"row_id": [4, 2, 9], "given_label": ["a", "b", "a"], "suggested_label": ["b", "a", "b"],
                       "label_score": [0.1, 0.2, 0.9], "is_label_issue": [True, False, False],
                       "is_outlier_issue": [False, True, False], "outlier_score": [0.5, 0.1, 0.9],
                       "credit_score": [700, 650, 720], "cut": ["a", "b", "a"]})
    s = suspects_from_frame(df, {"label_column": "cut"}, source="s.csv")

    assert s.feature_columns == ["credit_score"]
    assert (s.dataset, s.classes) == ("s", ("a", "b"))
    assert select_rows(s)["row_id"].to_list() == [4, 2]
    assert select_rows(s, top=1)["row_id"].to_list() == [4]
    assert select_rows(s, include_unflagged=True)["row_id"].to_list() == [4, 2, 9]


def test_stale_state_file_never_kills_another_program(tmp_path: Path) -> None:
    paths = ServerPaths(tmp_path / "labelstudio")
    paths.root.mkdir()
    # After a reboot the recorded pid may belong to anything: here, this very test process.
    paths.state_file.write_text(json.dumps({"pid": os.getpid(), "port": 1, "url": "http://127.0.0.1:1"}))
    srv = EmbeddedServer(paths, port=1)

    assert srv.status().running is False
    assert srv.stop() is False  # and we are still alive to check it
    assert not paths.state_file.exists()


def test_project_titles_follow_label_studio_limits() -> None:
    from dataqa.errors import InputError
    from dataqa.labeling.labelstudio.projects import check_title, default_title

    assert default_title("diamonds_dirty") == "dataqa: diamonds_dirty"
    assert len(default_title("x" * 80)) == 50
    with pytest.raises(InputError, match="project title 'ab' has 2 characters; Label Studio accepts 3 to 50"):
        check_title("ab")
