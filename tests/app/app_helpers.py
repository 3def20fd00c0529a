"""Helpers shared by the workbench tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAIN = REPO / "app" / "main.py"
PAGES = ["pages/data.py", "pages/checks.py", "pages/noise.py", "pages/versions.py", "pages/impact.py"]


def open_page(at, page: str, settle_jobs: bool = True):
    """Switch ``at`` to ``page`` (relative to app/main.py) and run it (until its jobs are done)."""
    at.switch_page(page)
    at.run()
    return settle(at) if settle_jobs else at


def settle(at, timeout: float = 600):
    """Wait for the background jobs the page started (profile, detection...), then rerun it.

    AppTest does not rerun the live panels on their own as a browser does; this does it for them.
    """
    from dataqa.app import jobs

    for _ in range(20):
        running = jobs.running()
        if not running:
            return at
        for job in running:
            assert job.wait(timeout), f"{job.label} still running after {timeout}s"
        at.run()
    return at


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def current(at):
    """The app's current dataset (``dataqa.app.current.Current``)."""
    return at.session_state["dataqa.current"]


CLASSES = ("Fair", "Good", "Very Good", "Premium", "Ideal")


def seed_noise_result(at, workspace, row_ids):
    """Put a detection result for the current dataset in the session, as the Find button would.

    Lets the review tests (queue, inline fixes, Label Studio) run without the minutes-long
    detection: the suspects are rows of the sample in the shared suspects contract, written to
    the workspace like the page does.
    """
    import json

    import polars as pl
    import pyarrow.parquet as pq

    from dataqa.app.noise import NoiseView

    cur = current(at)
    data = pl.read_csv(cur.path) if cur.path.endswith(".csv") else pl.read_parquet(cur.path)
    data = data.with_row_index("row_id").with_columns(pl.col("row_id").cast(pl.Int64))
    rows = data.filter(pl.col("row_id").is_in(row_ids)).sort(
        pl.col("row_id").replace_strict(row_ids, list(range(len(row_ids)))))
    nxt = {c: CLASSES[(i + 1) % len(CLASSES)] for i, c in enumerate(CLASSES)}
    suspects = rows.select(
        "row_id", pl.col("cut").alias("given_label"), pl.col("cut").replace_strict(nxt).alias("suggested_label"),
        pl.Series("label_score", [round(0.01 + 0.01 * i, 3) for i in range(rows.height)]),
        pl.lit(True).alias("is_label_issue"), *[c for c in data.columns if c != "row_id"])
    path = workspace / "noise" / "seeded.suspects.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"dataset": cur.name, "dataset_path": cur.path, "version": cur.version, "label_column": "cut",
            "id_column": None, "classes": list(CLASSES)}
    table = suspects.to_arrow()
    pq.write_table(table.replace_schema_metadata({b"dataqa": json.dumps(meta).encode()}), path)
    view = NoiseView(dataset=cur.name, fingerprint=cur.fingerprint, version=cur.version, rows=data.height, counts={"label": rows.height},
                     per_class=pl.DataFrame({"class": list(CLASSES)}), confusion=pl.DataFrame({"given": []}),
                     suspects=suspects, suspects_path=str(path), classes=CLASSES)
    at.session_state["dataqa.noise"] = view
    return view
