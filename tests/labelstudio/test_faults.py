"""Faults against the real server: unreachable, wrong or forged tokens, deleted project; both
token kinds work; the token never shows in output, logs or exception text."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from dataqa.cli.main import app
from dataqa.errors import LabelStudioAuthError, LabelStudioError, ProjectNotFound, ServiceUnreachable
from dataqa.labeling.labelstudio.client import connect
from dataqa.labeling.labelstudio.pull import pull_reviews
from dataqa.labeling.labelstudio.push import push_suspects
from dataqa.labeling.labelstudio.server import EmbeddedServer, free_port
from dataqa.labeling.labelstudio.settings import Connection, Secret, ServerPaths

from ls_helpers import LS, SAMPLE, choice, make_suspects

runner = CliRunner()


@pytest.fixture()
def cli_env(ls: LS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder without dataqa.toml, pointed at the test server through the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", ls.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", ls.token.reveal())
    make_suspects(tmp_path / "suspects.parquet", [10, 20, 30])
    return tmp_path


def test_unreachable_server_is_exit_4_with_a_clear_message(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", dead)

    with pytest.raises(ServiceUnreachable) as exc:
        connect(Connection(dead, Secret("x" * 40)))
    result = runner.invoke(app, ["label", "push", "suspects.parquet"])

    assert f"Label Studio at {dead} is unreachable while connecting" in str(exc.value)
    assert result.exit_code == 4
    assert result.stderr.startswith(f"error: Label Studio at {dead} is unreachable")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_wrong_legacy_token_is_exit_6_and_never_printed(ls: LS, cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "deadbeef" * 5
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", wrong)

    with pytest.raises(LabelStudioAuthError) as exc:
        connect(Connection(ls.url, Secret(wrong)))
    push = runner.invoke(app, ["label", "push", "suspects.parquet"])
    pull = runner.invoke(app, ["label", "pull", "--project", "whatever"])

    assert "refused the token while connecting (HTTP 401)" in str(exc.value)
    assert (push.exit_code, pull.exit_code) == (6, 6)
    assert "refused the token" in push.stderr
    for text in (str(exc.value), repr(exc.value), push.output, pull.output):
        assert wrong not in text


@pytest.mark.parametrize("kind", ["forged", "expired"])
def test_forged_or_expired_personal_access_token_is_refused(ls: LS, kind: str) -> None:
    exp = time.time() + (3600 if kind == "forged" else -3600)
    token = jwt.encode({"token_type": "refresh", "exp": int(exp), "iat": int(time.time()) - 7200,
                        "jti": "0" * 32, "user_id": "1"}, "not-the-server-key-but-long-enough-for-hs256", algorithm="HS256")

    with pytest.raises(LabelStudioAuthError) as exc:
        connect(Connection(ls.url, Secret(token)))

    assert token not in str(exc.value) and token not in repr(exc.value)


def test_personal_access_token_and_legacy_token_both_work(ls: LS, tmp_path: Path) -> None:
    # A personal access token (a JWT refresh token) made by the admin through the API.
    pat = ls.admin.request("POST", "api/token/", what="creating a personal access token")["token"]
    assert jwt.decode(pat, options={"verify_signature": False})["token_type"] == "refresh"
    make_suspects(tmp_path / "s.parquet", [10, 20])

    via_pat = push_suspects(tmp_path / "s.parquet", connection=Connection(ls.url, Secret(pat)),
                            project="faults pat")
    via_legacy = push_suspects(tmp_path / "s.parquet", connection=ls.conn, project="faults pat")
    cs = pull_reviews("faults pat", connection=Connection(ls.url, Secret(pat)))

    assert connect(Connection(ls.url, Secret(pat))).user_email == "admin@dataqa.local"
    assert (via_pat.created, via_legacy.created, via_legacy.already_present) == (2, 0, 2)
    assert cs.frame.height == 0  # nobody reviewed yet: an empty changeset, not an error


def test_project_deleted_between_push_and_pull(ls: LS, cli_env: Path) -> None:
    res = push_suspects(cli_env / "suspects.parquet", connection=ls.conn, project="faults deleted")
    task = next(iter(ls.admin.sdk.tasks.list(project=res.project_id)))
    ls.admin.sdk.annotations.create(id=task.id, result=choice("Fair"))
    ls.admin.sdk.projects.delete(res.project_id)

    with pytest.raises(ProjectNotFound) as exc:
        pull_reviews("faults deleted", connection=ls.conn)
    result = runner.invoke(app, ["label", "pull", "--project", "faults deleted", "--dataset", str(SAMPLE)])

    assert "no Label Studio project titled 'faults deleted'" in str(exc.value)
    assert result.exit_code == 6
    assert "push the suspects first" in result.stderr
    # Pushing again recreates the project; nothing was lost on the dataqa side.
    again = push_suspects(cli_env / "suspects.parquet", connection=ls.conn, project="faults deleted")
    assert again.project_created and again.created == 3


def test_token_never_in_output_logs_reports_or_exceptions(
    ls: LS, cli_env: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
) -> None:
    token = ls.token.reveal()
    caplog.set_level(logging.DEBUG)  # every logger, including httpx and the SDK

    push = runner.invoke(app, ["label", "push", "suspects.parquet", "--project", "faults secret",
                               "--csv", "review.csv"])
    pull = runner.invoke(app, ["label", "pull", "--project", "faults secret", "--out", "cs.csv",
                               "--dataset", str(SAMPLE)])
    errors = []
    for bad in (Connection(ls.url, Secret(token + "x")), Connection(f"http://127.0.0.1:{free_port()}", ls.token)):
        with pytest.raises(LabelStudioError) as exc:
            push_suspects(cli_env / "suspects.parquet", connection=bad, project="faults secret")
        errors += [str(exc.value), repr(exc.value), repr(exc.value.__cause__), repr(exc.value.__context__)]

    assert push.exit_code == 0 and pull.exit_code == 0, push.output + pull.output
    out, err = capfd.readouterr()
    written = [p.read_text() for p in cli_env.rglob("*") if p.is_file() and p.suffix in (".csv", ".json")]
    texts = [push.output, pull.output, caplog.text, out, err, *errors, *written,
             repr(ls.conn), str(ls.token), f"{ls.token}", ls.log_text()]
    assert all(token not in t for t in texts)
    assert token[:12] not in ls.log_text()


def test_port_in_use_is_refused_instead_of_moving_to_another_port(ls: LS, tmp_path: Path) -> None:
    busy = int(ls.url.rsplit(":", 1)[1])
    srv = EmbeddedServer(ServerPaths(tmp_path / "labelstudio"), port=busy)

    with pytest.raises(LabelStudioError, match=f"port {busy} on 127.0.0.1 is already in use"):
        srv.start(timeout=30)


def test_something_else_at_the_url_is_a_clear_service_error(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class NotLabelStudio(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>hello</html>")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), NotLabelStudio)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv("DATAQA_LABEL_STUDIO_URL", url)
    try:
        result = runner.invoke(app, ["label", "push", "suspects.parquet"])
    finally:
        httpd.shutdown()
        httpd.server_close()

    assert result.exit_code == 6
    assert result.stderr == (f"error: {url} gave an answer Label Studio would not give while connecting; "
                             "is DATAQA_LABEL_STUDIO_URL the address of a Label Studio server?\n")
