"""Reading the suspects table (written by ``dataqa noise``) and turning rows into review tasks.

The contract (see the project brief): columns ``row_id``, ``given_label``, ``suggested_label``,
``label_score``, ``is_label_issue``, other ``is_<kind>_issue`` / ``<kind>_score`` columns, then the
row's feature columns; worst first. Parquet key-value metadata ``dataqa`` holds JSON with
``dataset``, ``dataset_path``, ``version``, ``label_column``, ``id_column`` and ``classes``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.errors import FileFormatError, InputError, MissingColumnError

REQUIRED = (ROW_ID, "given_label", "suggested_label", "label_score")
#: Detector columns after the issue pairs (``dataqa.labeling.noise.DETECTOR_COLUMNS``): not features.
DETECTOR = ("p_error", "models_rejecting", "label_margin")
UNSURE = "unsure"
MODEL_VERSION = "dataqa-cleanlab"
FROM_NAME, TO_NAME = "label", "features"


@dataclass(frozen=True)
class Suspects:
    """A suspects table and its metadata."""

    frame: pl.DataFrame
    dataset: str
    version: str | None = None
    label_column: str | None = None
    id_column: str | None = None
    classes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def feature_columns(self) -> list[str]:
        """Columns shown to reviewers: everything but the detector columns and the label."""
        # Detector columns come in pairs (is_<kind>_issue, <kind>_score): a feature that merely
        # ends in "_score" (say credit_score) stays.
        detector = {f"{c[3:-6]}_score" for c in self.issue_columns} | set(self.issue_columns)
        skip = set(REQUIRED) | {self.label_column} | detector | set(DETECTOR)
        return [c for c in self.frame.columns if c not in skip]

    @property
    def issue_columns(self) -> list[str]:
        """The ``is_<kind>_issue`` flags."""
        return [c for c in self.frame.columns if c.startswith("is_") and c.endswith("_issue")]


def read_suspects(path: str | Path) -> Suspects:
    """Read a suspects Parquet (with ``dataqa`` metadata) or CSV (metadata inferred).

    Raises
    ------
    FileFormatError
        Missing or unreadable file.
    MissingColumnError
        A required column (``row_id``, ``given_label``, ``suggested_label``, ``label_score``) is absent.
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(f"{p}: no such suspects file (write one with `dataqa noise`)", str(p))
    meta: dict[str, Any] = {}
    try:
        if p.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq  # only to read the file's metadata (polars reads the rows)

            raw = (pq.read_schema(p).metadata or {}).get(b"dataqa")
            meta = json.loads(raw) if raw else {}
            df = pl.read_parquet(p)
        else:
            df = pl.read_csv(p, infer_schema_length=10_000)
    except Exception as exc:  # polars/pyarrow raise several types for bad files
        raise FileFormatError(f"{p}: cannot read suspects table: {str(exc).splitlines()[0]}", str(p)) from None
    return suspects_from_frame(df, meta, source=str(p))


def suspects_from_frame(df: pl.DataFrame, meta: dict[str, Any] | None = None, *,
                        source: str = "suspects") -> Suspects:
    """Wrap an in-memory suspects frame; missing metadata is inferred from the frame."""
    meta = dict(meta or {})
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise MissingColumnError(
            f"{source}: suspects table lacks column(s) {', '.join(missing)}; columns are "
            f"{', '.join(df.columns)}", missing[0], df.columns)
    df = df.with_columns(pl.col("given_label").cast(pl.String), pl.col("suggested_label").cast(pl.String))
    classes = meta.get("classes") or sorted(
        set(df["given_label"].drop_nulls().to_list()) | set(df["suggested_label"].drop_nulls().to_list()))
    classes = [str(c) for c in classes]
    if UNSURE in classes:
        raise InputError(f"{source}: a class is named '{UNSURE}', which dataqa reserves for reviewers' "
                         "'unsure' answer; rename that class")
    dataset = meta.get("dataset") or Path(str(meta.get("dataset_path") or source)).stem
    return Suspects(frame=df, dataset=str(dataset), version=meta.get("version"),
                    label_column=meta.get("label_column"), id_column=meta.get("id_column"),
                    classes=tuple(classes), extra=meta)


def select_rows(s: Suspects, top: int | None = None, include_unflagged: bool = False,
                budget: int | None = None) -> pl.DataFrame:
    """Rows to review: flagged by any detector (unless ``include_unflagged``), first ``top``, in file order.

    With ``budget``: the ``budget`` rows with the highest expected value of a review, ``P(error)``
    (column ``p_error``; ``label_score`` ascending for older tables), flagged or not.
    Raises ``InputError`` naming ``--budget`` unless ``1 <= budget <= rows``.
    """
    df = s.frame
    if budget is not None:
        if budget < 1 or budget > df.height:
            raise InputError(f"--budget {budget}: must be between 1 and the {df.height:,} rows of the suspects table")
        key = (pl.col("p_error").cast(pl.Float64).fill_null(0.0) if "p_error" in df.columns
               else 1.0 - pl.col("label_score").cast(pl.Float64).fill_null(1.0))
        return df.with_row_index("_pos").sort([key, pl.col("_pos")], descending=[True, False]).head(budget).drop("_pos")
    flags = s.issue_columns
    if flags and not include_unflagged:
        df = df.filter(pl.any_horizontal(pl.col(flags).fill_null(False)))
    return df.head(top) if top is not None else df


def label_config(classes: tuple[str, ...] | list[str]) -> str:
    """The Label Studio labeling view: a summary line, the feature table, one choice per class + unsure."""
    choices = "\n".join(f"    <Choice value={quoteattr(c)}/>" for c in [*classes, UNSURE])
    return (
        "<View>\n"
        '  <Header value="Is the given label right? Pick the correct class, or unsure."/>\n'
        '  <Text name="summary" value="$summary"/>\n'
        f'  <Table name="{TO_NAME}" value="$features"/>\n'
        f'  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="single-radio" showInline="true" required="true">\n'
        f"{choices}\n"
        "  </Choices>\n"
        "</View>\n"
    )


def task_key(dataset: Any, version: Any, row_id: Any) -> str:
    """The identity of a task across pushes: (dataset, version, row id)."""
    return json.dumps([dataset, version, str(row_id)])


def build_tasks(s: Suspects, rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Label Studio import payloads: task data plus cleanlab's suggestion as a scored prediction."""
    feats = s.feature_columns
    score = pl.col("label_score").cast(pl.Float64)
    issues = s.issue_columns
    prepared = rows.select(
        pl.col(ROW_ID),
        pl.col("given_label"),
        pl.col("suggested_label"),
        score.alias("label_score"),
        pl.format("Given label: {} | suggested: {} | label quality {} (lower = more suspect) | issues: {}",
                  pl.col("given_label").fill_null("(null)"), pl.col("suggested_label").fill_null("(null)"),
                  score.round(3).cast(pl.String).fill_null("?"),
                  pl.concat_str([pl.when(pl.col(c).fill_null(False)).then(pl.lit(c[3:-6]))
                                 for c in issues], separator=",", ignore_nulls=True)
                  if issues else pl.lit("")).alias("summary"),
        # The Table tag shows values as text; casting here keeps dates/decimals JSON-safe.
        pl.struct([pl.col(c).cast(pl.String).fill_null("") for c in feats]).alias("features")
        if feats else pl.lit(None).alias("features"),
    )
    tasks = []
    for rec in prepared.to_dicts():  # one JSON payload per task is what the API takes
        pred_label = rec["suggested_label"]
        task: dict[str, Any] = {"data": {
            **{k: rec[k] for k in (ROW_ID, "given_label", "suggested_label", "label_score", "summary")},
            "features": rec["features"] or {},
            "dataset": s.dataset, "version": s.version, "label_column": s.label_column,
        }}
        if pred_label is not None:
            task["predictions"] = [{
                "model_version": MODEL_VERSION,
                "score": rec["label_score"],
                "result": [{"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices",
                            "value": {"choices": [pred_label]}}],
            }]
        tasks.append(task)
    return tasks
