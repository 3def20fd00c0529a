"""Label noise page: review queue, inline fixes saved as a version, Label Studio faults."""

from __future__ import annotations

import pytest

from app_helpers import current, errors, open_page, seed_noise_result, settle
from dataqa.versions import VersionStore

ROWS = [2, 3, 11, 40, 7]


@pytest.fixture
def reviewed(app, app_env):
    at = open_page(app, "pages/versions.py")
    at.button(key="versions.add").click().run()
    seed_noise_result(at, app_env, ROWS)
    return open_page(at, "pages/noise.py")


def test_queue_is_ordered_worst_first(reviewed):
    q = reviewed.data_editor[0].value
    assert q["row_id"].tolist() == ROWS
    assert q["label_score"].is_monotonic_increasing
    assert q["fix"].isna().all()


def test_inline_fix_becomes_a_manual_edit_version(reviewed, app_env):
    at = reviewed
    key = next(k for k in at.session_state if str(k).startswith("noise.editor."))
    at.session_state[key] = {"edited_rows": {0: {"fix": "Premium"}, 1: {"fix": "Good"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    save = at.button(key="noise.save")
    assert save.label == "Save 1 fix(es) as a new version"  # row 3 is already Good: no-op
    save.click().run()
    assert not at.exception and errors(at) == []
    assert current(at).version == "v2"
    rec = VersionStore(app_env / "versions").head()
    assert rec.kind.value == "manual_edit" and rec.cells_changed == 1
    assert any(s.value.startswith("v2: manual edit") for s in at.success)


def test_label_studio_unreachable_is_a_readable_error(reviewed, monkeypatch):
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "a-token-that-must-not-show")
    at = reviewed
    at.run()
    settle(at.button(key="noise.push").click().run())  # the push runs in the worker
    assert not at.exception
    [msg] = errors(at)
    assert msg.startswith("Label Studio: ") and "127.0.0.1:9" in msg
    assert "a-token-that-must-not-show" not in msg
