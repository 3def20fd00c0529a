"""Every command against bad input: one readable line, the documented exit code, no traceback.

Each case runs a command in-process (``CliRunner``) in a fresh project folder and asserts

- the exit code documented in ``dataqa/cli/exit_codes.py`` (and the README's table),
- one ``error:`` line on stderr naming the file, column, row or option (``needle``),
- no Python traceback anywhere in the output,
- for commands that write to the version store: the store byte-for-byte unchanged.

A Label Studio that refuses the token or lost the project (exit 6) needs the real server: those
cases are in ``tests/labelstudio/test_faults.py``; concurrent pushes in
``tests/labelstudio/test_push_concurrency.py``.

The regression tests of issue 12 (a checked-out version read back with the same ``--id``; ``check``
rejecting what ``profile`` rejects; ``--output`` checked before the run; exit codes that mean one
thing) are at the end.
"""

from __future__ import annotations

import hashlib
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl
import pytest
from typer.testing import CliRunner

from dataqa.cli.exit_codes import ExitCode, exit_code_for
from dataqa.cli.main import app
from dataqa.errors import DataqaError, InputError
from dataqa.validation.report import CheckResult, SuiteReport

runner = CliRunner()
N = 60  # rows of the small labelled dataset
E = ExitCode


def _dataset(n: int = N) -> pl.DataFrame:
    return pl.DataFrame({
        "key": [f"k{i:03d}" for i in range(n)],
        "x": [float(i % 7) for i in range(n)],
        "y": [float((i * 3) % 11) for i in range(n)],
        "label": ["a" if i % 3 else "b" for i in range(n)],
    })


GX_OK = {"name": "ok", "expectations": [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}}]}


def _write_project(root: Path) -> None:
    """The files every case may use (no dataqa.toml: options are explicit)."""
    _dataset().write_csv(root / "d.csv")
    _dataset().write_parquet(root / "d.parquet")
    (root / "ok.json").write_text(json.dumps(GX_OK))
    (root / "empty.csv").write_bytes(b"")
    (root / "ragged.csv").write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
    (root / "dupcols.csv").write_text("a,a,b\n1,2,3\n")
    (root / "random.parquet").write_bytes(bytes(range(256)) * 8)
    (root / "random.csv").write_bytes(bytes(range(256)) * 8)
    whole = (root / "d.parquet").read_bytes()
    (root / "truncated.parquet").write_bytes(whole[: len(whole) // 2])
    (root / "latin1.csv").write_bytes("name,city\nJos\xe9,Z\xfcrich\n".encode("latin-1"))
    (root / "broken.jsonl").write_text('{"a": 1}\n{"a": 2\n{"a": 3}\n')
    (root / "folder.csv").mkdir()
    (root / "data.xlsx").write_bytes(b"PK\x03\x04")
    (root / "dupids.csv").write_text("key,x\nk1,1\nk1,2\nk2,3\n")
    (root / "nullids.csv").write_text("key,x\nk1,1\n,2\nk2,3\n")
    (root / "has_row_id.csv").write_text("row_id,x,label\n" + "".join(f"{i},{i},{'ab'[i % 2]}\n" for i in range(N)))
    (root / "bad.json").write_text('{"name": "s", "expectations": [')
    (root / "unknown.json").write_text(json.dumps({"expectations": [
        {"type": "expect_column_values_to_be_nul", "kwargs": {"column": "x"}}]}))
    (root / "badkwargs.json").write_text(json.dumps({"expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "max_value": []}}]}))
    (root / "missingcol.json").write_text(json.dumps({"expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "nope"}}]}))
    (root / "bad.yaml").write_text("schema_type: dataframe\ncolumns: [unclosed\n")
    (root / "invalid.yaml").write_text("schema_type: dataframe\ncolumns:\n  x:\n    checks:\n      no_such_check: 1\n")
    (root / "raises.py").write_text("raise RuntimeError('boom at import')\n")
    (root / "one_class.csv").write_text("x,label\n" + "".join(f"{i},a\n" for i in range(N)))
    (root / "null_labels.csv").write_text("x,label\n" + "".join(f"{i},\n" for i in range(N)))
    (root / "few_rows.csv").write_text("x,label\n1,a\n2,b\n3,a\n")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATAQA_WORKSPACE", raising=False)
    _write_project(tmp_path)
    return tmp_path


@pytest.fixture()
def store(project: Path) -> Path:
    """A version store holding d.csv keyed by ``key``, with the label frozen (v1)."""
    res = runner.invoke(app, ["version", "add", "d.csv", "--id", "key", "--label", "label"])
    assert res.exit_code == 0, res.output
    return project / ".dataqa" / "versions"


def tree_hash(folder: Path) -> str:
    """One hash over every file's path and bytes under ``folder`` (absent folder: a fixed value)."""
    h = hashlib.sha256()
    if folder.exists():
        for p in sorted(folder.rglob("*")):
            h.update(str(p.relative_to(folder)).encode())
            if p.is_file():
                h.update(p.read_bytes())
    return h.hexdigest()


@dataclass
class Case:
    args: list[str]
    code: int
    needle: str
    setup: Callable[[Path], None] = field(default=lambda root: None)
    env: dict[str, str] = field(default_factory=dict)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed once the socket is: nothing listens there


def _edits(rows: dict[str, list[object]], name: str) -> Callable[[Path], None]:
    return lambda root: pl.DataFrame(rows).write_csv(root / name)


UNREACHABLE = {"DATAQA_LABEL_STUDIO_URL": f"http://127.0.0.1:{_closed_port()}",
               "LABEL_STUDIO_API_KEY": "not-a-real-token"}

READ_CASES: dict[str, Case] = {
    # --- check: the data file --------------------------------------------------------------
    "check-empty": Case(["check", "empty.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "empty.csv: the file is empty"),
    "check-ragged": Case(["check", "ragged.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "ragged.csv: ragged CSV: line 4 has 4 fields"),
    "check-dup-columns": Case(["check", "dupcols.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "dupcols.csv: duplicate column name(s) in the header: 'a'"),
    "check-random-parquet": Case(["check", "random.parquet", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "random.parquet"),
    "check-random-csv": Case(["check", "random.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "random.csv"),
    "check-truncated-parquet": Case(["check", "truncated.parquet", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "truncated.parquet"),
    "check-undecodable": Case(["check", "latin1.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "latin1.csv: the file is not valid UTF-8"),
    "check-broken-jsonl": Case(["check", "broken.jsonl", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "broken.jsonl"),
    "check-folder": Case(["check", "folder.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "folder.csv: is a folder"),
    "check-missing-file": Case(["check", "nothere.csv", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "nothere.csv: no such file"),
    "check-unknown-format": Case(["check", "data.xlsx", "-s", "ok.json"], E.USAGE_OR_INPUT_ERROR, "unknown dataset format '.xlsx'"),
    "check-unknown-id": Case(["check", "d.csv", "-s", "ok.json", "--id", "nope"], E.USAGE_OR_INPUT_ERROR, "id column 'nope' not found"),
    "check-duplicate-ids": Case(["check", "dupids.csv", "-s", "ok.json", "--id", "key"], E.USAGE_OR_INPUT_ERROR, "id column 'key' is not unique"),
    "check-null-ids": Case(["check", "nullids.csv", "-s", "ok.json", "--id", "key"], E.USAGE_OR_INPUT_ERROR, "id column 'key' has 1 null"),
    "check-unwritable-output": Case(["check", "d.csv", "-s", "ok.json", "-o", "no/such/dir/r.txt"], E.USAGE_OR_INPUT_ERROR, "--output no/such/dir/r.txt: cannot write there"),
    "check-output-is-folder": Case(["check", "d.csv", "-s", "ok.json", "-o", "folder.csv"], E.USAGE_OR_INPUT_ERROR, "--output folder.csv: is a folder"),
    "check-bad-format-option": Case(["check", "d.csv", "-s", "ok.json", "--format", "pdf"], E.USAGE_OR_INPUT_ERROR, "--format"),
    "check-bad-fail-on": Case(["check", "d.csv", "-s", "ok.json", "--fail-on", "sometimes"], E.USAGE_OR_INPUT_ERROR, "--fail-on"),
    "check-no-suite": Case(["check", "d.csv"], E.USAGE_OR_INPUT_ERROR, "no suite given"),
    # --- check: the suite ----------------------------------------------------------------
    "suite-unparsable-gx": Case(["check", "d.csv", "-s", "bad.json"], E.SUITE_ERROR, "bad.json"),
    "suite-unknown-check": Case(["check", "d.csv", "-s", "unknown.json"], E.SUITE_ERROR, "did you mean 'expect_column_values_to_be_null'"),
    "suite-gx-rejected-kwargs": Case(["check", "d.csv", "-s", "badkwargs.json"], E.SUITE_ERROR, "max_value"),
    "suite-unparsable-pandera": Case(["check", "d.csv", "-s", "bad.yaml"], E.SUITE_ERROR, "bad.yaml"),
    "suite-invalid-pandera": Case(["check", "d.csv", "-s", "invalid.yaml"], E.SUITE_ERROR, "no_such_check"),
    "suite-python-raises": Case(["check", "d.csv", "-s", "raises.py"], E.SUITE_ERROR, "raises.py"),
    "suite-missing-suite-file": Case(["check", "d.csv", "-s", "nosuite.json"], E.SUITE_ERROR, "nosuite.json"),
    "suite-column-not-in-data": Case(["check", "d.csv", "-s", "missingcol.json"], E.CHECK_ERRORS, ""),
    # --- profile ---------------------------------------------------------------------------
    "profile-ragged": Case(["profile", "ragged.csv"], E.USAGE_OR_INPUT_ERROR, "ragged.csv: ragged CSV: line 4 has 4 fields"),
    "profile-dup-columns": Case(["profile", "dupcols.csv"], E.USAGE_OR_INPUT_ERROR, "dupcols.csv: duplicate column name(s)"),
    "profile-random-parquet": Case(["profile", "random.parquet"], E.USAGE_OR_INPUT_ERROR, "random.parquet"),
    "profile-empty": Case(["profile", "empty.csv"], E.USAGE_OR_INPUT_ERROR, "empty.csv: the file is empty"),
    "profile-bad-reference": Case(["profile", "d.csv", "--reference", "broken.jsonl"], E.USAGE_OR_INPUT_ERROR, "broken.jsonl"),
    # --- suggest ---------------------------------------------------------------------------
    "suggest-truncated-parquet": Case(["suggest", "truncated.parquet"], E.USAGE_OR_INPUT_ERROR, "truncated.parquet"),
    "suggest-bad-format": Case(["suggest", "d.csv", "--format", "sql"], E.USAGE_OR_INPUT_ERROR, "--format"),
    "suggest-unknown-id": Case(["suggest", "d.csv", "--id", "nope"], E.USAGE_OR_INPUT_ERROR, "nope"),
    # --- noise -----------------------------------------------------------------------------
    "noise-unknown-label": Case(["noise", "d.csv", "--label", "nope"], E.USAGE_OR_INPUT_ERROR, "nope"),
    "noise-one-class": Case(["noise", "one_class.csv", "--label", "label"], E.USAGE_OR_INPUT_ERROR, "label"),
    "noise-null-labels": Case(["noise", "null_labels.csv", "--label", "label"], E.USAGE_OR_INPUT_ERROR, "label"),
    "noise-too-few-rows": Case(["noise", "few_rows.csv", "--label", "label"], E.USAGE_OR_INPUT_ERROR, "3 rows are fewer than the 5 folds"),
    "noise-row-id-column": Case(["noise", "has_row_id.csv", "--label", "label"], E.USAGE_OR_INPUT_ERROR, "row_id"),
    "noise-ragged": Case(["noise", "ragged.csv", "--label", "c"], E.USAGE_OR_INPUT_ERROR, "ragged.csv: ragged CSV"),
    # --- label push / pull -----------------------------------------------------------------
    "push-missing-suspects": Case(["label", "push", "nothere.parquet"], E.USAGE_OR_INPUT_ERROR, "nothere.parquet"),
    "push-random-suspects": Case(["label", "push", "random.parquet"], E.USAGE_OR_INPUT_ERROR, "random.parquet"),
    "push-not-suspects": Case(["label", "push", "d.parquet"], E.USAGE_OR_INPUT_ERROR, "d.parquet"),
    "pull-unreachable": Case(["label", "pull", "--project", "proj"], E.SERVICE_UNREACHABLE, "127.0.0.1", env=UNREACHABLE),
    "pull-bad-project-title": Case(["label", "pull", "--project", "p"], E.USAGE_OR_INPUT_ERROR, "--project", env=UNREACHABLE),
    # --- impact ----------------------------------------------------------------------------
    "impact-no-store": Case(["impact"], E.VERSION_STORE_ERROR, ".dataqa"),
}

#: Cases that write to the version store (which must stay byte-for-byte unchanged).
WRITE_CASES: dict[str, Case] = {
    "add-ragged": Case(["version", "add", "ragged.csv", "--store", "other"], E.USAGE_OR_INPUT_ERROR, "ragged.csv"),
    "add-duplicate-ids": Case(["version", "add", "dupids.csv", "--id", "key", "--store", "other"], E.USAGE_OR_INPUT_ERROR, "not unique"),
    "add-unknown-label": Case(["version", "add", "d.csv", "--label", "nope", "--store", "other"], E.USAGE_OR_INPUT_ERROR, "label column 'nope'"),
    "add-row-id-column": Case(["version", "add", "has_row_id.csv", "--store", "other"], E.USAGE_OR_INPUT_ERROR, "row_id"),
    "add-into-full-store": Case(["version", "add", "d.csv", "--id", "key"], E.VERSION_STORE_ERROR, "already holds"),
    "apply-unknown-row": Case(["version", "apply", "e.csv", "--kind", "repair"], E.VERSION_STORE_ERROR, "zzz",
                              setup=_edits({"row_id": ["zzz"], "column": ["x"], "new": ["1.0"]}, "e.csv")),
    "apply-unknown-column": Case(["version", "apply", "e.csv", "--kind", "repair"], E.USAGE_OR_INPUT_ERROR, "nope",
                                 setup=_edits({"row_id": ["k001"], "column": ["nope"], "new": ["1"]}, "e.csv")),
    "apply-bad-cell-value": Case(["version", "apply", "e.csv", "--kind", "repair"], E.USAGE_OR_INPUT_ERROR, "x",
                                 setup=_edits({"row_id": ["k001"], "column": ["x"], "new": ["not a number"]}, "e.csv")),
    "apply-unknown-class": Case(["version", "apply", "e.csv", "--kind", "relabel"], E.USAGE_OR_INPUT_ERROR, "zebra",
                                setup=_edits({"row_id": ["k001"], "kind": ["relabel"], "new_label": ["zebra"]}, "e.csv")),
    "apply-drop-unknown-rows": Case(["version", "apply", "e.csv", "--kind", "drop"], E.VERSION_STORE_ERROR, "zzz",
                                    setup=_edits({"row_id": ["zzz"]}, "e.csv")),
    "apply-stale-parent": Case(["version", "apply", "e.csv", "--kind", "repair", "--parent", "v0"], E.VERSION_STORE_ERROR, "v0",
                               setup=_edits({"row_id": ["k001"], "column": ["x"], "new": ["1.0"]}, "e.csv")),
    "apply-random-bytes": Case(["version", "apply", "random.parquet"], E.USAGE_OR_INPUT_ERROR, "random.parquet"),
    "apply-folder": Case(["version", "apply", "folder.csv"], E.USAGE_OR_INPUT_ERROR, "folder.csv"),
    "apply-empty": Case(["version", "apply", "empty.csv"], E.USAGE_OR_INPUT_ERROR, "empty.csv"),
    "checkout-unknown-version": Case(["version", "checkout", "v9", "--out", "x.csv"], E.VERSION_STORE_ERROR, "v9"),
    "checkout-unwritable": Case(["version", "checkout", "v1", "--out", "no/such/dir/x.csv"], E.USAGE_OR_INPUT_ERROR, "--out no/such/dir/x.csv: cannot write there"),
    "checkout-unknown-format": Case(["version", "checkout", "v1", "--out", "x.xlsx"], E.USAGE_OR_INPUT_ERROR, ".xlsx"),
    "diff-unknown-version": Case(["version", "diff", "v1", "v7"], E.VERSION_STORE_ERROR, "v7"),
    "rollback-unknown-version": Case(["version", "rollback", "v5"], E.VERSION_STORE_ERROR, "v5"),
    "push-unreachable": Case(["label", "push", "s.parquet"], E.SERVICE_UNREACHABLE, "127.0.0.1", env=UNREACHABLE,
                             setup=lambda root: None),
}


def _assert_one_readable_error(res: object, case: Case) -> None:
    out, err = res.stdout, res.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in out + err, out + err
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)  # type: ignore[attr-defined]
    assert res.exit_code == case.code, f"exit {res.exit_code}, want {int(case.code)}:\n{out}\n{err}"  # type: ignore[attr-defined]
    if case.code == E.CHECK_ERRORS:
        return  # a report, not an error line
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines, f"no message on stderr (stdout: {out})"
    text = " ".join(lines)
    assert case.needle in text, text
    if not text.lstrip("│╭╰ ").startswith(("Usage", "Try")):  # typer's own usage errors are boxed
        assert len(lines) == 1 and lines[0].startswith("error: "), err


@pytest.mark.parametrize("name", sorted(READ_CASES))
def test_bad_input(name: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = READ_CASES[name]
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    case.setup(project)
    res = runner.invoke(app, case.args)
    _assert_one_readable_error(res, case)


@pytest.mark.parametrize("name", sorted(WRITE_CASES))
def test_bad_input_leaves_the_store_unchanged(name: str, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = store.parents[1]
    case = WRITE_CASES[name]
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    if name == "push-unreachable":  # a real suspects table, so only the server is wrong
        assert runner.invoke(app, ["noise", "d.csv", "--id", "key", "--label", "label", "--folds", "2",
                                   "--out", "s.parquet"]).exit_code == 0
    case.setup(project)
    before, other_before = tree_hash(store), tree_hash(project / "other")
    res = runner.invoke(app, case.args)
    _assert_one_readable_error(res, case)
    assert tree_hash(store) == before, "the version store changed"
    assert tree_hash(project / "other") == other_before, "a refused import left files behind"


def test_app_upload_rejects_bad_files_with_one_message(project: Path) -> None:
    from dataqa.app.services import save_upload

    for name in ("ragged.csv", "dupcols.csv", "random.parquet", "latin1.csv", "broken.jsonl"):
        with pytest.raises(InputError) as info:
            save_upload(project / "ws", name, (project / name).read_bytes())
        assert name.split(".")[0] in str(info.value) and "\n" not in str(info.value)
    assert not list((project / "ws" / "uploads").iterdir()), "a refused upload was kept"


# --- regressions of issue 12 ---------------------------------------------------------------

def test_checked_out_version_goes_back_into_every_command_with_the_same_id(store: Path) -> None:
    """Defect 3: checkout wrote the store's row_id beside the key, and noise refused the file."""
    assert runner.invoke(app, ["version", "checkout", "v1", "--out", "v1.csv"]).exit_code == 0
    assert pl.read_csv("v1.csv").columns == _dataset().columns
    for args in (["check", "v1.csv", "-s", "ok.json", "--id", "key"],
                 ["profile", "v1.csv", "--id", "key"],
                 ["noise", "v1.csv", "--id", "key", "--label", "label", "--folds", "2", "--out", "s.parquet"],
                 ["version", "add", "v1.csv", "--id", "key", "--label", "label", "--store", "again"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 0, f"{args}: {res.output}"
    assert runner.invoke(app, ["version", "checkout", "v1", "--out", "w.csv", "--row-id"]).exit_code == 0
    assert pl.read_csv("w.csv").columns == ["row_id", *_dataset().columns]


def test_check_rejects_what_profile_rejects(project: Path) -> None:
    """Defect 5: with one column checked, polars never parsed the ragged line and check passed."""
    for name, needle in (("ragged.csv", "line 4 has 4 fields, the header has 3"),
                         ("dupcols.csv", "'a' is column 1 and 2")):
        for args in (["check", name, "-s", "ok.json"], ["profile", name]):
            res = runner.invoke(app, args)
            assert res.exit_code == E.USAGE_OR_INPUT_ERROR and needle in res.stderr, (args, res.output)


def test_unwritable_output_fails_before_the_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4: a traceback after every check had run; now one line before reading the data."""
    import dataqa.validation.api as api

    def never(*a: object, **k: object) -> None:
        raise AssertionError("the data was read before the output was checked")

    monkeypatch.setattr(api, "check_dataset", never)
    res = runner.invoke(app, ["check", "d.csv", "-s", "ok.json", "-o", "no/such/dir/r.xml"])
    assert res.exit_code == E.USAGE_OR_INPUT_ERROR and res.exception is not None  # SystemExit
    assert res.stderr.strip() == "error: --output no/such/dir/r.xml: cannot write there (No such file or directory)"
    assert not (project / "no").exists()


def _report(*outcomes: str) -> SuiteReport:
    checks = [CheckResult(check="c", label=f"c{i}", suite_file="s.json", location=f"s.json[{i}]", columns=[],
                          severity="critical", outcome=o) for i, o in enumerate(outcomes)]
    return SuiteReport(dataset="d.csv", id_column=None, checks=checks)


@pytest.mark.parametrize(("outcomes", "fail_on", "code"), [
    ((), "error", E.OK),
    (("passed", "passed"), "error", E.OK),
    (("passed", "warning"), "error", E.OK),
    (("passed", "warning"), "warning", E.CHECK_FAILURES),
    (("failed", "passed"), "error", E.CHECK_FAILURES),
    (("error", "passed"), "error", E.CHECK_ERRORS),
    (("failed", "error"), "error", E.CHECK_ERRORS),  # an incomplete verdict outranks failures
    (("warning", "error"), "warning", E.CHECK_ERRORS),
])
def test_exit_code_for(outcomes: tuple[str, ...], fail_on: str, code: ExitCode) -> None:
    """Defect 6: exit 1 meant both "the data failed" and "a check crashed"."""
    assert exit_code_for(_report(*outcomes), fail_on) == code


def test_exit_codes_are_distinct_and_documented() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert len({int(c) for c in ExitCode}) == len(ExitCode)
    for c in ExitCode:
        assert f"\n| {int(c)} | " in readme, f"exit code {int(c)} is not in the README's table"
    assert issubclass(InputError, DataqaError)
