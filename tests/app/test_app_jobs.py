"""The workbench's background jobs: typed errors across the worker, partial results, Cancel, the streamed profile."""

from __future__ import annotations

import math

import pytest
from worker_targets import StaleRowsError

from app_helpers import REPO
from dataqa.app import jobs, worker
from dataqa.app.profile_stream import column_groups
from dataqa.errors import UnknownCheckError
from dataqa.validation.profile import profile


def _floats_approx(value: object) -> object:
    if isinstance(value, float) and math.isfinite(value):
        return pytest.approx(value, rel=1e-9, abs=1e-12)
    if isinstance(value, dict):
        return {k: _floats_approx(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats_approx(v) for v in value]
    return value


def test_an_error_with_a_several_argument_constructor_comes_back_as_itself():
    with pytest.raises(StaleRowsError) as info:
        worker.run("worker_targets:fail_stale", {})
    assert str(info.value) == "rows changed under the job"
    assert (info.value.path, info.value.rows) == ("/data/t.parquet", [3, 50])


def test_a_dataqa_error_keeps_its_class_and_attributes():
    with pytest.raises(UnknownCheckError) as info:
        worker.run("worker_targets:fail_unknown_check", {})
    assert info.value.location == "s.json[3]"
    assert "did you mean 'expect_column_values_to_be_null'" in str(info.value)


def test_other_errors_keep_their_type_too():
    with pytest.raises(ValueError, match="not a number"):
        worker.run("worker_targets:fail_value", {})


def test_a_job_reports_partials_and_its_result(tmp_path):
    job = jobs.start(("test", "ok", str(tmp_path)), "Steps", "worker_targets:slow_steps",
                     {"marker": str(tmp_path / "out"), "steps": 3})
    assert jobs.start(job.key, "Steps", "worker_targets:slow_steps", {}) is job  # followed, not restarted
    assert job.wait(120)
    assert (job.status, job.result, job.partials, job.fraction) == ("done", "finished", [[0], [1], [2]], 1.0)


def test_cancel_stops_the_worker_before_it_writes(tmp_path):
    marker = tmp_path / "out"
    job = jobs.start(("test", "cancel", str(tmp_path)), "Steps", "worker_targets:slow_steps",
                     {"marker": str(marker), "steps": 200})
    for _ in range(600):  # until the worker has started working
        if job.done:
            break
        job.wait(0.1)
    assert job.done and job.eta() is not None
    job.cancel()
    assert job.wait(30)
    assert job.status == "cancelled" and job.result is None
    assert not marker.exists()
    jobs.forget(job.key)
    assert jobs.get(job.key) is None  # the next request starts afresh


def test_the_streamed_profile_equals_the_library_profile():
    path = str(REPO / "sample_data" / "diamonds_dirty.csv")
    job = jobs.start(("test", "profile"), "Profiling", "dataqa.app.profile_stream:profile_in_groups",
                     {"path": path, "id_column": "diamond_id", "group_size": 3})
    assert job.wait(300), job.error
    assert job.status == "done", job.error
    expected = profile(path, id_column="diamond_id")
    # Float statistics may differ in the last bit (polars sums in another order when the query holds
    # fewer columns); everything else must be identical.
    assert _floats_approx(job.result.to_dict()) == expected.to_dict()
    groups = column_groups(expected.names, 3)
    assert [[c.name for c in part] for part in job.partials] == groups  # one partial per group, in order
