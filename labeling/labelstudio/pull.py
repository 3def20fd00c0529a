"""``pull_reviews``: read completed annotations through the API and build the changeset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from dataqa.changeset import SCHEMA, Changeset
from dataqa.columns import ROW_ID
from dataqa.errors import InputError
from dataqa.io import Dataset, read_dataset
from dataqa.labeling.labelstudio.client import LabelStudioSession, connect
from dataqa.labeling.labelstudio.projects import check_title, default_title, list_tasks, require_project
from dataqa.labeling.labelstudio.settings import Connection, resolve_connection
from dataqa.labeling.labelstudio.suspects import FROM_NAME, UNSURE

_VOTES = {"task_id": pl.Int64, ROW_ID: pl.String, "given_label": pl.String, "choice": pl.String,
          "annotator": pl.String, "annotated_at": pl.String}


def _choice(result: list[dict[str, Any]]) -> str | None:
    for item in result or []:
        if item.get("from_name") == FROM_NAME and item.get("type") == "choices":
            chosen = (item.get("value") or {}).get("choices") or []
            if chosen:
                return str(chosen[0])
    return None


def _annotator(completed_by: Any, users: dict[int, str]) -> str:
    if isinstance(completed_by, dict):
        return str(completed_by.get("email") or completed_by.get("id"))
    return users.get(int(completed_by), str(completed_by)) if completed_by is not None else "?"


def votes_frame(tasks: list[dict[str, Any]], users: dict[int, str] | None = None) -> pl.DataFrame:
    """One row per submitted (not skipped) annotation with a choice: the reviewers' votes."""
    users = users or {}
    rows = [
        {"task_id": t["id"], ROW_ID: str(t["data"].get(ROW_ID)),
         "given_label": t["data"].get("given_label"), "choice": _choice(a.get("result") or []),
         "annotator": _annotator(a.get("completed_by"), users),
         "annotated_at": str(a.get("updated_at") or a.get("created_at") or "")}
        for t in tasks for a in t["annotations"]  # parsing the API's JSON; not a data-row loop
        if not a.get("was_cancelled")
    ]
    return pl.DataFrame(rows, schema=_VOTES).filter(pl.col("choice").is_not_null())


def decide(votes: pl.DataFrame, known_row_ids: pl.Series | None, project: str) -> pl.DataFrame:
    """Majority per task -> the changeset's rows (contract columns, ``row_id`` still text).

    A task is ``orphan`` when its row id is not in ``known_row_ids`` (if given); otherwise ``tie``
    when the top choices are tied, ``unsure`` when the majority says so, ``confirmed`` when it
    keeps the given label, else ``relabel``.
    """
    counts = votes.group_by("task_id", "choice").len("n")
    top = counts.filter(pl.col("n") == pl.col("n").max().over("task_id"))
    winners = top.group_by("task_id").agg(pl.col("choice").sort().alias("winners"))
    info = votes.group_by("task_id").agg(
        pl.col(ROW_ID).first(), pl.col("given_label").first().alias("old_label"),
        pl.col("annotator").unique().sort().str.join(",").alias("annotators"),
        pl.col("annotated_at").max(),
    )
    df = info.join(winners, on="task_id")
    known = (pl.col(ROW_ID).is_in(known_row_ids.cast(pl.String).implode())
             if known_row_ids is not None else pl.lit(True))
    single = pl.col("winners").list.len() == 1
    winner = pl.col("winners").list.first()
    kind = (pl.when(~known).then(pl.lit("orphan"))
            .when(~single).then(pl.lit("tie"))
            .when(winner == UNSURE).then(pl.lit("unsure"))
            .when(winner == pl.col("old_label")).then(pl.lit("confirmed"))
            .otherwise(pl.lit("relabel")))
    new = pl.when(single & (winner != UNSURE)).then(winner).otherwise(pl.lit(None, pl.String))
    return df.select(
        ROW_ID, kind.alias("kind"), "old_label", new.alias("new_label"), "annotators",
        "annotated_at", "task_id", pl.lit(project).alias("project"),
    ).sort("task_id")


def _row_ids(dataset: str | Path | Dataset, id_column: str | None) -> pl.Series:
    ds = dataset if isinstance(dataset, Dataset) else read_dataset(dataset, id_column=id_column)
    return ds.with_row_id(ROW_ID).select(pl.col(ROW_ID).cast(pl.String)).collect()[ROW_ID]


def _users(session: LabelStudioSession) -> dict[int, str]:
    def _list() -> dict[int, str]:
        return {int(u.id): str(u.email or u.username or u.id) for u in session.sdk.users.list()}

    return session.call("listing users", _list)  # type: ignore[no-any-return]


def pull_reviews(
    project: str | None = None,
    *,
    dataset: str | Path | Dataset | None = None,
    id_column: str | None = None,
    connection: Connection | None = None,
) -> Changeset:
    """Read the project's annotations and return the changeset (nothing is applied here).

    Parameters
    ----------
    project:
        Project title; default ``dataqa: <dataset file stem>``.
    dataset:
        The dataset the reviews are for; rows whose id is not in it are reported as ``orphan``.
        Without it no row is an orphan.
    id_column:
        The dataset's key column (default: rows identified by position).
    connection:
        URL and token; default from the environment / embedded server.

    Returns
    -------
    Changeset
        Deterministic: pulling again without new annotations gives the same frame. Edited
        annotations count with their current choice.

    Raises
    ------
    ProjectNotFound
        The project does not exist (deleted between push and pull?).
    ServiceUnreachable, LabelStudioAuthError, LabelStudioError
        As for every call to the server.

    Examples
    --------
    >>> cs = pull_reviews("dataqa: diamonds_dirty", dataset="sample_data/diamonds_dirty.csv")  # doctest: +SKIP
    >>> cs.counts                                                                            # doctest: +SKIP
    {'relabel': 31, 'confirmed': 12, 'unsure': 3, 'tie': 1, 'orphan': 0}
    >>> cs.write(".dataqa/changesets/review.parquet")                                        # doctest: +SKIP
    """
    if project is None:
        if dataset is None:
            raise InputError("no project given: pass --project NAME or a dataset")
        name = dataset.path if isinstance(dataset, Dataset) else str(dataset)
        project = default_title(Path(name).stem)
    check_title(project)
    known = _row_ids(dataset, id_column) if dataset is not None else None
    session = connect(connection or resolve_connection())
    pid = require_project(session, project)
    tasks = list_tasks(session, pid, project, annotated_only=True)
    frame = decide(votes_frame(tasks, _users(session)), known, project)
    datas = [t["data"] for t in tasks]
    if datas and all(isinstance(d.get(ROW_ID), int) for d in datas):
        frame = frame.with_columns(pl.col(ROW_ID).cast(pl.Int64))  # row positions stay integers
    dtypes: dict[Any, pl.DataType] = dict(SCHEMA)  # polars' key type is wider than str
    frame = frame.cast(dtypes)
    meta = {
        "dataset": _single(d.get("dataset") for d in datas),
        "version": _single(d.get("version") for d in datas),
        "label_column": _single(d.get("label_column") for d in datas),
        "project": project,
        "source": "label-studio",
    }
    return Changeset(frame, meta)


def _single(values: Any) -> Any:
    """The one distinct non-null value, else ``None`` (none, or a project mixing several)."""
    distinct = {v for v in values if v is not None}
    return distinct.pop() if len(distinct) == 1 else None
