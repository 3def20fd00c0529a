"""What the pages call: thin, cached adapters over the dataqa library.

Pages hold no polars logic; the few frames built for display are built here. Every cached
function takes the dataset's ``fingerprint`` (``version:<id>`` or a content hash) so results are
cached per dataset version and recomputed only when the data changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any, Sequence

import polars as pl
import streamlit as st

from dataqa.app import versioning
from dataqa.columns import ROW_ID
from dataqa.config import ProjectConfig
from dataqa.errors import DataqaError
from dataqa.io import collect, read_dataset
from dataqa.validation.api import check_dataset
from dataqa.validation.compare import compare_reports, load_report
from dataqa.validation.profile_model import Profile
from dataqa.validation.render import RENDERERS
from dataqa.validation.report import CHECK_INDEX, SuiteReport
from dataqa.validation.suggest import Format, suggest
from dataqa.validation.suites import load_suite

#: Formats the Data page accepts for upload.
UPLOAD_TYPES = ("csv", "parquet")
#: Suite files the Checks page lists.
SUITE_SUFFIXES = (".json", ".yaml", ".yml", ".py")


# --- datasets ------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=16)
def dataset_info(path: str, fingerprint: str, id_column: str | None) -> dict[str, Any]:
    """Rows, columns and dtypes of a dataset (fingerprint keys the cache).

    The first view of a big table: Parquet's row count comes from the files' metadata.
    """
    ds = read_dataset(path, id_column=id_column, check_ids=False)
    schema = ds.schema
    rows = collect(ds.lf.select(pl.len()), path).item()
    return {"rows": int(rows), "columns": list(schema.names()),
            "dtypes": [str(t) for t in schema.dtypes()]}


@st.cache_data(show_spinner=False, max_entries=16)
def preview(path: str, fingerprint: str, n: int = 200) -> pl.DataFrame:
    """The first ``n`` rows with their ``row_id``."""
    ds = read_dataset(path, check_ids=False)
    return collect(ds.with_row_id(ROW_ID).head(n), path)


def rows_by_id(path: str, fingerprint: str, id_column: str | None, row_ids: Sequence[Any],
               limit: int = 500) -> pl.DataFrame:
    """The dataset's rows whose ``row_id`` is in ``row_ids`` (first ``limit``), for display."""
    ds = read_dataset(path, id_column=id_column, check_ids=False)
    wanted = list(row_ids)[:limit]
    lf = ds.with_row_id(ROW_ID)
    return collect(lf.filter(pl.col(ROW_ID).is_in(wanted)), path)


def save_upload(workspace: Path, name: str, data: bytes) -> Path:
    """Write an uploaded file under ``workspace/uploads`` and check that dataqa can read it.

    The name is reduced to safe characters; the content hash in the file name keeps two different
    uploads with the same name apart. Raises ``InputError`` (readable) for an unusable file.
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name) or "upload.csv"
    digest = hashlib.sha256(data).hexdigest()[:8]
    folder = workspace / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{Path(safe).stem}-{digest}{Path(safe).suffix.lower()}"
    path.write_bytes(data)
    try:
        ds = read_dataset(path, check_ids=False)
        collect(ds.lf.head(100), f"upload {name}")  # a malformed body fails here, not on a later page
    except DataqaError:
        path.unlink(missing_ok=True)  # a refused upload leaves nothing behind
        raise
    return path


def project_files(cfg: ProjectConfig) -> list[tuple[str, str]]:
    """(label, absolute path) of the datasets a user can open: configured, samples, uploads."""
    root = cfg.root
    paths: list[Path] = []
    for configured in (cfg.resolve(cfg.dataset.path), cfg.resolve(cfg.dataset.reference)):
        if configured and Path(configured).is_file():
            paths.append(Path(configured).resolve())
    for folder in (root / "sample_data", cfg.workspace_path / "uploads"):
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.suffix.lower() in (".csv", ".parquet", ".jsonl") and "truth" not in f.stem:
                    if f.resolve() not in paths:
                        paths.append(f.resolve())
    out = []
    for p in paths:
        try:
            label = str(p.relative_to(root.resolve()))
        except ValueError:
            label = str(p)
        out.append((label, str(p)))
    return out


# --- suites and checks --------------------------------------------------------------------------
def list_suites(root: Path, configured: Sequence[str], workspace: Path) -> list[str]:
    """Suite files offered on the Checks page: configured ones, ``expectations/`` and drafts."""
    found: list[str] = [str(Path(s).resolve()) for s in configured if Path(s).is_file()]
    for folder in (root / "expectations", workspace / "suites"):
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.suffix.lower() in SUITE_SUFFIXES and p.is_file() and not p.name.startswith("_"):
                    rp = str(p.resolve())
                    if rp not in found:
                        found.append(rp)
    return found


def suite_label(root: Path, suite: str) -> str:
    """A suite path relative to the project root when it is inside it."""
    try:
        return str(Path(suite).resolve().relative_to(root.resolve()))
    except ValueError:
        return Path(suite).name


def save_suite(workspace: Path, name: str, text: str) -> Path:
    """Save an edited or drafted suite under ``workspace/suites`` and parse it (``SuiteError``)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)
    folder = workspace / "suites"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(text, encoding="utf-8")
    try:
        load_suite(path)
    except Exception:
        # keep the last good file: a broken edit must not break the next run
        if previous is None:
            path.unlink()
        else:
            path.write_text(previous, encoding="utf-8")
        raise
    return path


def _suite_key(suites: Sequence[str]) -> tuple[tuple[str, int, int], ...]:
    return tuple((s, Path(s).stat().st_mtime_ns, Path(s).stat().st_size) for s in suites)


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_check(path: str, fingerprint: str, suite_key: tuple[tuple[str, int, int], ...], id_column: str | None,
                  reference: str | None, label_column: str | None,
                  drift: dict[str, Any] | None) -> SuiteReport:
    return check_dataset(path, [s for s, _, _ in suite_key], id_column=id_column,
                         reference=reference, label_column=label_column, drift=drift)


def run_checks(path: str, fingerprint: str, suites: Sequence[str], id_column: str | None,
               reference: str | None = None, *, label_column: str | None = None,
               drift: dict[str, Any] | None = None) -> SuiteReport:
    """``check_dataset``, cached per dataset fingerprint and suite file contents.

    ``label_column`` and ``drift`` (the project's ``[drift]`` thresholds) are passed in by the
    page: the library reads no ``dataqa.toml`` itself.
    """
    return _cached_check(path, fingerprint, _suite_key(suites), id_column, reference,
                         label_column, drift)


def outcomes_table(report: SuiteReport) -> pl.DataFrame:
    """``SuiteReport.to_frame()`` with display headers (one row per check)."""
    return report.to_frame().drop(CHECK_INDEX).rename(
        {"failing_rows": "failing rows", "failing_percent": "failing %"})


def failing_rows(report: SuiteReport, index: int, path: str, fingerprint: str,
                 id_column: str | None, limit: int = 500) -> pl.DataFrame:
    """The failing values of check ``index`` next to the full data rows they come from."""
    fails = report.failures_of(index).head(limit)
    if not fails.height:
        return fails
    rows = rows_by_id(path, fingerprint, id_column, fails[ROW_ID].to_list(), limit)
    fails = fails.select(ROW_ID, "column", "failure_case")
    rows = rows.with_columns(pl.col(ROW_ID).cast(fails.schema[ROW_ID], strict=False))
    return fails.join(rows, on=ROW_ID, how="left", coalesce=True)


def baseline_choices(workspace: Path) -> list[str]:
    """Reports a run can be compared with: those stored with versions (``dataqa check --version``
    keeps them in ``<workspace>/reports``), newest first."""
    found = (workspace / "reports").glob("*.json")
    return [str(p) for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def compare_with(report: SuiteReport, baseline: str) -> tuple[SuiteReport, pl.DataFrame]:
    """``report`` (a copy) compared with the JSON report ``baseline``, and one row per check:
    new, still failing and fixed rows (what ``--baseline-report`` / ``--fail-on new`` use).

    Raises
    ------
    BaselineError
        ``baseline`` is not a report of these suites and this dataset (or lists only some rows).
    """
    copy = dataclasses.replace(report)  # the cached report is shared between reruns
    comparison = compare_reports(copy, load_report(baseline))
    table = pl.DataFrame(
        {"check": [d.label for d in comparison.checks],
         "status": [d.status for d in comparison.checks],
         "baseline outcome": [d.baseline_outcome for d in comparison.checks],
         "outcome": [d.outcome for d in comparison.checks],
         "new": [d.new_count for d in comparison.checks],
         "still failing": [d.still_count for d in comparison.checks],
         "fixed": [d.fixed_count for d in comparison.checks]},
        schema_overrides={"new": pl.Int64, "still failing": pl.Int64, "fixed": pl.Int64})
    return copy, table


def render(report: SuiteReport, fmt: str) -> str:
    """The report as ``json``, ``junit`` or ``markdown`` text (the CLI's renderers)."""
    return RENDERERS[fmt](report)


# --- versions and drafts -------------------------------------------------------------------------
def version_choices(cfg: ProjectConfig) -> list[tuple[str, str]]:
    """(label, version id) of stored versions, newest first."""
    return [(versioning.label(r), r.id) for r in reversed(versioning.history(cfg))]


def draft_suite(prof: Profile, id_column: str | None, fmt: Format) -> str:
    """A draft suite (GX JSON or pandera YAML text) from the dataset's profile."""
    return suggest(prof, format=fmt, id_column=id_column)


def save_draft(workspace: Path, name: str, prof: Profile, id_column: str | None) -> Path:
    """Draft a GX suite from the profile and save it as ``<name>.draft.gx.json`` (parsed first)."""
    return save_suite(workspace, f"{name}.draft.gx.json", draft_suite(prof, id_column, "gx"))
