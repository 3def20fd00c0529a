"""Version store: import, cell edits, drops, review changesets, rollback, diff, the eval guard."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from dataqa.errors import (
    EvaluationIntegrityError,
    InputError,
    MissingColumnError,
    VersionNotFound,
    VersionStoreError,
)
from dataqa.io import read_dataset
from dataqa.versions import FixKind, VersionStore

CSV = """name,score,n,label
ann,0.5,1,a
bob,1.25,2,a
cid,2.0,3,a
dan,3.5,4,b
eve,4.0,5,b
fay,5.75,6,b
"""


@pytest.fixture()
def store(tmp_path: Path) -> VersionStore:
    (tmp_path / "d.csv").write_text(CSV)
    s = VersionStore(tmp_path / "store")
    s.add(read_dataset(tmp_path / "d.csv"), "tiny", label_column="label", eval_fraction=0.34, seed=7)
    return s


def train_ids(s: VersionStore) -> list[int]:
    ev = set(s.eval_row_ids().to_list())
    return [i for i in range(6) if i not in ev]


def test_add_gives_position_row_ids_and_a_stratified_split(store: VersionStore, tmp_path: Path) -> None:
    v1 = store.checkout("v1").collect()
    assert v1["row_id"].to_list() == [0, 1, 2, 3, 4, 5]
    assert_frame_equal(v1.drop("row_id"), pl.read_csv(tmp_path / "d.csv"))
    split = store.split().collect().join(v1.select("row_id", "label"), on="row_id")
    # round(0.34 * 3) = 1 evaluation row per class
    assert split.filter(pl.col("split") == "eval").group_by("label").len().sort("label")["len"].to_list() == [1, 1]
    rec = store.head()
    assert (rec.id, rec.parent, rec.kind, rec.n_rows) == ("v1", None, FixKind.IMPORT, 6)
    assert set(rec.environment) >= {"dataqa", "polars", "scikit-learn", "cleanlab"}


def test_edit_records_exactly_the_cells_changed(store: VersionStore) -> None:
    r0, r1 = train_ids(store)[:2]
    edits = pl.DataFrame({"row_id": [r0, r1, r1], "column": ["score", "name", "n"], "new": ["9.5", "BOB", str(r1 + 1)]})
    rec = store.edit_cells(edits, message="fix typos", kind="repair", source={"type": "suite", "suite": "s.yaml"})
    # n = row position + 1 already: that edit is not a change
    assert (rec.id, rec.parent, rec.cells_changed, rec.rows_changed, rec.report) == ("v2", "v1", 2, 2, {"unchanged_edits": 1})
    old = store.checkout("v1").collect()
    expected = pl.DataFrame({
        "row_id": [r0, r1], "column": ["score", "name"],
        "old": [str(old["score"][r0]), old["name"][r1]], "new": ["9.5", "BOB"],
    }).sort("row_id", "column")
    assert_frame_equal(store.changes("v2").sort("row_id", "column"), expected)
    v2 = store.checkout().collect()
    assert v2["score"][r0] == 9.5 and v2["name"][r1] == "BOB" and v2.schema == old.schema
    assert store.checkout("v1").collect().equals(old)  # earlier versions never change


def test_a_fix_that_changes_nothing_writes_nothing(store: VersionStore) -> None:
    r0 = train_ids(store)[0]
    same = store.checkout().collect()["name"][r0]
    with pytest.raises(VersionStoreError, match="changes nothing compared with v1; no version written"):
        store.edit_cells(pl.DataFrame({"row_id": [r0], "column": ["name"], "new": [same]}), message="m")
    assert store.head().id == "v1"
    # a review changeset with no relabel rows at all is refused the same way
    none = pl.DataFrame({"row_id": [r0], "kind": ["confirmed"], "new_label": [None]}, schema_overrides={"new_label": pl.String})
    with pytest.raises(VersionStoreError, match="changes nothing"):
        store.apply_changeset(none)


def test_dropping_rows_keeps_every_other_row_id(store: VersionStore) -> None:
    r0 = train_ids(store)[0]
    rec = store.drop_rows([r0], "duplicate")
    assert (rec.kind, rec.rows_dropped, rec.n_rows) == (FixKind.DROP, 1, 5)
    assert store.checkout().collect()["row_id"].to_list() == [i for i in range(6) if i != r0]
    with pytest.raises(VersionStoreError, match=rf"cannot drop 1 row_id\(s\) not in v2: {r0}"):
        store.drop_rows([r0], "again")


def test_rollback_restores_content_and_keeps_history(store: VersionStore) -> None:
    r0, r1 = train_ids(store)[:2]
    store.edit_cells(pl.DataFrame({"row_id": [r0], "column": ["score"], "new": ["100"]}), message="a")
    store.drop_rows([r1], "b")
    rec = store.rollback("v1")
    assert (rec.id, rec.kind, rec.rollback_of, rec.cells_changed, rec.rows_restored) == ("v4", FixKind.ROLLBACK, "v1", 1, 1)
    assert_frame_equal(store.checkout("v4").collect(), store.checkout("v1").collect())
    assert [r.id for r in store.list()] == ["v1", "v2", "v3", "v4"]
    assert store.diff("v1", "v4").is_empty()
    assert store.head().data_hash != store.resolve("v1").data_hash  # a new version, same content


def test_diff_names_the_fix_that_changed_each_cell(store: VersionStore) -> None:
    r0, r1 = train_ids(store)[:2]
    store.edit_cells(pl.DataFrame({"row_id": [r0, r1], "column": ["name", "name"], "new": ["x", "y"]}), message="first")
    store.edit_cells(pl.DataFrame({"row_id": [r0], "column": ["name"], "new": ["z"]}), message="second", kind="repair")
    store.drop_rows([r1], "third")
    d = store.diff("v1", "v4")
    names = store.checkout("v1").collect()["name"]
    expected = pl.DataFrame({
        "row_id": [r0, r1], "change": ["cell", "dropped"], "column": ["name", "*"],
        "before": [names[r0], "present"], "after": ["z", "dropped"], "changed_by": ["v3", "v4"],
        "fix_kind": ["repair", "drop"], "message": ["second", "drop 1 rows: third"],
    })
    assert_frame_equal(d, expected.sort("row_id", "column"))
    back = store.diff("v4", "v2")
    assert back.filter(pl.col("change") == "restored")["row_id"].to_list() == [r1]
    assert back.filter(pl.col("column") == "name").select("before", "after").row(0) == ("z", "x")


def test_automated_fixes_may_not_touch_evaluation_rows(store: VersionStore) -> None:
    ev = store.eval_row_ids().to_list()[0]
    edit = pl.DataFrame({"row_id": [ev], "column": ["label"], "new": ["b"]})
    with pytest.raises(EvaluationIntegrityError, match=rf"automated and would change 1 row\(s\) of the frozen evaluation split \(row_id {ev}\)"):
        store.edit_cells(edit, message="rule", kind="repair")
    with pytest.raises(EvaluationIntegrityError):
        store.drop_rows([ev], "rule says so")
    assert store.head().id == "v1"
    rec = store.edit_cells(edit, message="a human looked", kind="manual_edit")
    assert rec.reviewed and rec.eval_rows_changed == 1


def test_review_changeset_applies_relabels_only_and_reports_the_rest(store: VersionStore) -> None:
    tr = train_ids(store)
    ev = store.eval_row_ids().to_list()
    labels = store.checkout().collect()["label"]
    flip = {"a": "b", "b": "a"}
    cs = pl.DataFrame({
        "row_id": [tr[0], ev[0], tr[1], tr[2], tr[3], 5000],
        "kind": ["relabel", "relabel", "relabel", "confirmed", "unsure", "orphan"],
        "old_label": [labels[tr[0]], labels[ev[0]], flip[labels[tr[1]]], labels[tr[2]], labels[tr[3]], None],
        "new_label": [flip[labels[tr[0]]], flip[labels[ev[0]]], "a", labels[tr[2]], None, None],
        "annotators": ["ann@x.org", "bob@x.org,ann@x.org", "ann@x.org", "bob@x.org", "bob@x.org", None],
        "project": ["review-1"] * 6,
    })
    rec = store.apply_changeset(cs)
    assert (rec.kind, rec.reviewed, rec.cells_changed, rec.eval_rows_changed) == (FixKind.RELABEL, True, 2, 1)
    assert rec.source == {"type": "label-studio", "project": "review-1", "annotators": ["ann@x.org", "bob@x.org"]}
    # the third relabel's old_label is not the row's label any more: stale, skipped
    assert rec.report["changeset"] == {"relabel": 3, "confirmed": 1, "unsure": 1, "tie": 0, "orphan": 1}
    assert (rec.report["applied"], rec.report["stale"], rec.report["stale_rows"]) == (2, 1, [tr[1]])
    after = store.checkout().collect()["label"]
    assert after[tr[0]] == flip[labels[tr[0]]] and after[ev[0]] == flip[labels[ev[0]]] and after[tr[1]] == labels[tr[1]]


def test_changeset_parquet_metadata_is_read(store: VersionStore, tmp_path: Path) -> None:
    r0 = train_ids(store)[0]
    cs = pl.DataFrame({"row_id": [r0], "kind": ["relabel"], "old_label": ["a" if r0 < 3 else "b"],
                       "new_label": ["b" if r0 < 3 else "a"], "annotators": ["ann"], "annotated_at": ["2026-11-28T09:00:00"],
                       "task_id": [1], "project": [None]}, schema_overrides={"project": pl.String})
    path = tmp_path / "cs.parquet"
    cs.write_parquet(path, metadata={"dataqa": '{"dataset": "tiny", "version": "v1", "label_column": "label", '
                                               '"project": "p7", "source": "label-studio"}'})
    rec = store.apply_changeset(path)
    assert rec.source["project"] == "p7" and rec.report["changeset_version"] == "v1"


def test_errors_name_what_is_wrong(store: VersionStore, tmp_path: Path) -> None:
    r0 = train_ids(store)[0]
    with pytest.raises(MissingColumnError, match="cell edits name column\\(s\\) 'nope' that cannot be edited"):
        store.edit_cells(pl.DataFrame({"row_id": [r0], "column": ["nope"], "new": ["1"]}), message="m")
    with pytest.raises(VersionStoreError, match="1 row_id\\(s\\) are not in v1 \\(never imported, or dropped\\): 99"):
        store.edit_cells(pl.DataFrame({"row_id": [99], "column": ["name"], "new": ["x"]}), message="m")
    with pytest.raises(InputError, match="value 'abc' is not a valid Float64 for column 'score'"):
        store.edit_cells(pl.DataFrame({"row_id": [r0], "column": ["score"], "new": ["abc"]}), message="m")
    with pytest.raises(VersionNotFound, match="no version 'v9'; versions are v1..v1"):
        store.checkout("v9")
    with pytest.raises(VersionStoreError, match="already holds dataset 'tiny'"):
        store.add(read_dataset(tmp_path / "d.csv"), "again")
    with pytest.raises(VersionNotFound, match="no version store here"):
        VersionStore(tmp_path / "none").meta
    assert store.head().id == "v1"


def test_id_column_rows_keep_their_key(tmp_path: Path) -> None:
    (tmp_path / "k.csv").write_text("key,v\nk1,1\nk2,2\nk3,3\n")
    s = VersionStore(tmp_path / "s")
    s.add(read_dataset(tmp_path / "k.csv", id_column="key"), "keyed")
    s.drop_rows(["k1"], "bad")
    s.edit_cells(pl.DataFrame({"row_id": ["k3"], "column": ["v"], "new": ["30"]}), message="m")
    assert s.checkout().collect().rows() == [("k2", "k2", 2), ("k3", "k3", 30)]


def test_same_fixes_give_the_same_data_hash(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text(CSV)
    hashes = []
    for name in ("a", "b"):
        s = VersionStore(tmp_path / name)
        s.add(read_dataset(tmp_path / "d.csv"), "tiny", label_column="label", eval_fraction=0.34, seed=7)
        s.edit_cells(pl.DataFrame({"row_id": [1], "column": ["name"], "new": ["q"]}), message="m", kind="manual_edit")
        hashes.append([r.data_hash for r in s.list()])
    assert hashes[0] == hashes[1] and hashes[0][0] != hashes[0][1]


VALUES = {
    "i": st.one_of(st.none(), st.integers(-(2**62), 2**62)),
    "f": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    "s": st.one_of(st.none(), st.text(max_size=5)),
    "b": st.one_of(st.none(), st.booleans()),
    "d": st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))),
}
DTYPES = {"i": pl.Int64, "f": pl.Float64, "s": pl.String, "b": pl.Boolean, "d": pl.Date}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_typed_edit_round_trips_exactly(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    """Property: checkout after edits == the frame with those cells set (every dtype, nulls too)."""
    n = 4
    frame = pl.DataFrame({c: data.draw(st.lists(VALUES[c], min_size=n, max_size=n)) for c in VALUES},
                         schema=DTYPES)
    edits = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(sorted(VALUES))),
                               min_size=1, max_size=8, unique=True))
    new = [data.draw(VALUES[c]) for _, c in edits]
    tmp = tmp_path_factory.mktemp("prop")
    frame.write_parquet(tmp / "d.parquet")
    s = VersionStore(tmp / "s")
    s.add(read_dataset(tmp / "d.parquet"), "p")
    expected = frame.with_row_index("row_id").with_columns(pl.col("row_id").cast(pl.Int64))
    for (row, col), value in zip(edits, new):
        expected = expected.with_columns(
            pl.when(pl.col("row_id") == row).then(pl.lit(value, dtype=DTYPES[col])).otherwise(pl.col(col)).alias(col))
    typed = pl.DataFrame({"row_id": [r for r, _ in edits], "column": [c for _, c in edits],
                          "new": [None if v is None else ("true" if v is True else "false" if v is False else str(v))
                                  for v in new]}, schema={"row_id": pl.Int64, "column": pl.String, "new": pl.String})
    try:
        s.edit_cells(typed, message="prop")
    except VersionStoreError as exc:
        assert "changes nothing" in str(exc)
    assert_frame_equal(s.checkout().collect(), expected)
