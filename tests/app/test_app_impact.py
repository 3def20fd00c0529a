"""Impact page: retrain the fixed baseline per version; the ledger, the head's delta, the waterfall."""

from __future__ import annotations

import polars as pl
import pytest

from app_helpers import REPO, errors, open_page, settle
from dataqa.versions import VersionStore


def test_no_versions_says_what_to_do(app):
    at = open_page(app, "pages/impact.py")
    assert any("No versions yet" in i.value for i in at.info)


@pytest.mark.slow
def test_ledger_after_fixing_the_flipped_labels(app, app_env):
    at = open_page(app, "pages/versions.py")
    at.button(key="versions.add").click().run()
    # the review a human would do: restore every flipped label (ground truth of the sample)
    truth = pl.read_csv(REPO / "sample_data" / "diamonds_dirty_truth.csv").filter(pl.col("kind") == "flipped_label")
    VersionStore(app_env / "versions").edit_cells(
        truth.select("row_id", pl.lit("cut").alias("column"), pl.col("original_value").alias("new")),
        message="restore flipped labels")
    at = open_page(at, "pages/impact.py")
    at.button(key="impact.run").click().run()
    assert at.get("progress")  # the retraining runs in the worker, with a live panel
    settle(at)
    assert not at.exception and errors(at) == []
    table = at.dataframe[0].value
    assert table["version"].tolist() == ["v1", "v2"]
    assert table["fix"].tolist() == ["import", "manual_edit"]
    assert table["delta"].iloc[1] > 0  # cleaner training labels: the baseline does better
    metrics = {m.label: m for m in at.metric}
    assert list(metrics) == ["accuracy", "macro_f1", "log_loss"]
    assert metrics["accuracy"].proto.delta.startswith("+")
    assert len(at.get("vega_lite_chart")) == 1  # the waterfall
    # cached per history: a rerun shows it without retraining (no button press needed)
    at.run()
    assert at.dataframe[0].value["version"].tolist() == ["v1", "v2"]
