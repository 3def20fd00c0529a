"""Label noise page with a real Label Studio: start on demand, send, review via the API, pull, apply."""

from __future__ import annotations

import pytest

from app_helpers import current, errors, open_page, seed_noise_result, settle
from browser_helpers import free_port, load_ls_fixtures
from dataqa.versions import VersionStore

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
ROWS = [2, 3, 11, 40, 7]  # 2 and 3 had their label flipped (ground truth); 11, 40, 7 did not


@pytest.fixture
def ls_workspace(app_env, monkeypatch):
    """The app's workspace with an initialised Label Studio folder; the server is stopped after."""
    fixtures = load_ls_fixtures()
    fixtures._binary_or_skip()
    app_env.mkdir(parents=True, exist_ok=True)
    fixtures.seed_workspace(app_env)
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_PORT", str(free_port()))
    for var in ("DATAQA_LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    yield app_env
    from dataqa.labeling.labelstudio.server import EmbeddedServer
    from dataqa.labeling.labelstudio.settings import server_paths

    EmbeddedServer(server_paths(app_env)).stop()


def test_send_review_pull_apply(app, ls_workspace):
    at = open_page(app, "pages/versions.py")
    at.button(key="versions.add").click().run()
    seed_noise_result(at, ls_workspace, ROWS)
    at = open_page(at, "pages/noise.py")
    at.button(key="noise.ls_start").click().run(timeout=240)
    assert not at.exception and errors(at) == []

    at.number_input(key="noise.push_top").set_value(5)
    settle(at.button(key="noise.push").click().run())  # the push runs in the worker
    assert errors(at) == []
    assert any("pushed 5 new task(s)" in s.value for s in at.success)
    [link] = at.get("link_button")
    assert "/projects/" in link.proto.url

    # a reviewer answers through the API: the true label for the flipped rows, confirm the rest
    from dataqa.labeling.labelstudio.client import connect
    from dataqa.labeling.labelstudio.settings import resolve_connection

    admin = connect(resolve_connection(at.session_state["dataqa.config"]))
    project = at.text_input(key="noise.project_input").value
    pid = next(p.id for p in admin.sdk.projects.list() if p.title == project)
    user = admin.sdk.users.create(email="reviewer@dataqa.test", username="rev", password="not-a-secret-pw")
    truth = {2: "Premium", 3: "Ideal"}
    for task in admin.sdk.tasks.list(project=pid, fields="all"):
        label = truth.get(int(task.data["row_id"]), task.data["given_label"])
        admin.sdk.annotations.create(id=task.id, completed_by=user.id, result=[
            {"from_name": "label", "to_name": "features", "type": "choices", "value": {"choices": [label]}}])

    at.button(key="noise.pull").click().run(timeout=120)
    assert errors(at) == []
    apply = at.button(key="noise.apply")
    assert apply.label == "Apply 2 relabel(s) as a new version"
    apply.click().run()
    assert not at.exception and errors(at) == []
    assert current(at).version == "v2"
    rec = VersionStore(ls_workspace / "versions").head()
    assert rec.kind.value == "relabel" and rec.source["annotators"] == ["reviewer@dataqa.test"]
    changed = VersionStore(ls_workspace / "versions").changes("v2")
    assert sorted(zip(changed["row_id"].to_list(), changed["new"].to_list())) == [(2, "Premium"), (3, "Ideal")]
