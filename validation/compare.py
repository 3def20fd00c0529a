"""Compare a report with a baseline report: per check, new / still failing / fixed rows.

``compare_reports(current, baseline)`` matches the checks of both reports (same suite file
name, check, label and parameters), then splits every check's failing rows by row id with
polars anti/semi joins over the two failure tables (never a Python loop over rows). Large
failure tables are split into hash buckets of row ids, processed one bucket at a time, so the
joins' hash tables stay bounded whatever the number of failing rows.

A baseline is a ``SuiteReport`` (``load_report``: a JSON report from ``dataqa check --format
json``, or a report stored with a version) plus, optionally, the Parquet file of all its
failing rows, needed when the report itself lists only the first rows of each check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.errors import BaselineError
from dataqa.validation.compare_model import CheckDelta, ReportComparison
from dataqa.validation.report import CHECK_INDEX, CheckResult, SuiteReport

#: Failing rows per hash bucket: above this, the comparison runs bucket by bucket.
ROWS_PER_BUCKET = 20_000_000


@dataclass(frozen=True)
class Baseline:
    """A report to compare against, and where its complete failing rows are.

    Attributes
    ----------
    name:
        What to call it in messages and reports (a file path, ``version v3``).
    report:
        The baseline report.
    failures:
        Every failing row of the baseline (``check_index, row_id``), when the report lists only
        some; ``None`` uses ``report.failures``.
    """

    name: str
    report: SuiteReport
    failures: pl.LazyFrame | None = None


def load_report(path: str | Path) -> Baseline:
    """Read a JSON report (``dataqa check --format json``) as a baseline.

    A ``failures_file`` key (reports stored with a version) names the Parquet file of every
    failing row, relative to the report.

    Raises
    ------
    BaselineError
        The file is missing or is not a dataqa report.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{p}: no such baseline report") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{p}: not a JSON report ({exc}); write one with dataqa check --format json") from None
    return baseline_from_data(p, data)


def baseline_from_data(p: Path, data: Any) -> Baseline:
    """``load_report`` of the parsed JSON ``data`` of the file ``p``."""
    if not isinstance(data, dict) or data.get("format") != "dataqa-report" or "checks" not in data:
        raise BaselineError(f"{p}: not a dataqa report (no \"format\": \"dataqa-report\"); "
                            "write one with dataqa check --format json")
    try:
        report = SuiteReport.from_dict(data)
    except (KeyError, TypeError, ValueError, pl.exceptions.PolarsError) as exc:
        raise BaselineError(f"{p}: malformed dataqa report ({type(exc).__name__}: {exc})") from None
    failures = None
    if data.get("failures_file"):
        fp = p.parent / str(data["failures_file"])
        if not fp.exists():
            raise BaselineError(f"{p}: its failing rows file {fp} is missing")
        failures = pl.scan_parquet(fp)
    return Baseline(str(p), report, failures)


def check_key(c: CheckResult) -> str:
    """What identifies a check across runs: suite file name, check, label and parameters
    (not the entry's position, so reordering a suite keeps the match)."""
    kwargs = json.dumps(c.kwargs, sort_keys=True, default=str)
    return f"{Path(c.suite_file).name}|{c.check}|{c.label}|{kwargs}"


def check_keys(checks: Sequence[CheckResult]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in checks:  # the same check twice in a suite: told apart by occurrence
        k = check_key(c)
        seen[k] = seen.get(k, 0) + 1
        out.append(f"{k}#{seen[k]}")
    return out


def _match(current: SuiteReport, baseline: Baseline) -> list[int]:
    """For each baseline check, the index of the same check in ``current``."""
    base = baseline.report
    if base.id_column != current.id_column:
        def how(col: str | None) -> str:
            return f"column '{col}'" if col else "row position"
        raise BaselineError(
            f"{baseline.name}: identifies rows by {how(base.id_column)}, this run by "
            f"{how(current.id_column)}; compare runs with the same --id")
    cur_keys, base_keys = check_keys(current.checks), check_keys(base.checks)
    where = {k: i for i, k in enumerate(cur_keys)}
    missing = [base.checks[i].label for i, k in enumerate(base_keys) if k not in where]
    extra = [current.checks[i].label for i, k in enumerate(cur_keys) if k not in set(base_keys)]
    if missing or extra:
        what = (f"this run has no check {missing[0]!r} of the baseline" if missing
                else f"the baseline has no check {extra[0]!r} of this run")
        n = len(missing) + len(extra)
        raise BaselineError(
            f"{baseline.name}: another suite or dataset: {what}"
            + (f" ({n} checks differ)" if n > 1 else "")
            + "; compare against a report of the same suites")
    return [where[k] for k in base_keys]


def failing_rows(report: SuiteReport, failures: pl.LazyFrame | None = None, *,
                 values: bool = False) -> pl.LazyFrame:
    """``check_index, row_id`` (and ``failure_case`` with ``values``) of every failing row: from
    ``failures`` (a failures file, with ``check_index`` or with ``suite_file, check`` as
    ``--failures`` writes them) for the checks it holds, from the report's own table for the
    others (checks added after the run: drift)."""
    extra = [pl.col("failure_case").cast(pl.String)] if values else []
    own = report.failures.lazy()
    if CHECK_INDEX in own.collect_schema().names():
        own = own.select(pl.col(CHECK_INDEX).cast(pl.Int64), ROW_ID, *extra)
    else:
        own = pl.LazyFrame(schema={CHECK_INDEX: pl.Int64, ROW_ID: report.failures.schema.get(ROW_ID, pl.Int64),
                                   **({"failure_case": pl.String} if values else {})})
    if failures is None:
        return own
    names = failures.collect_schema().names()
    if CHECK_INDEX in names:
        mapped = failures.select(pl.col(CHECK_INDEX).cast(pl.Int64), ROW_ID, *extra)
    else:
        where: dict[tuple[str, str], int] = {}
        for i, c in enumerate(report.checks):
            key = (c.suite_file, c.label)
            if key in where:
                raise BaselineError(f"{c.suite_file}: two checks are named {c.label!r}; their rows "
                                    "cannot be told apart in the failures file")
            where[key] = i
        index = pl.LazyFrame({"suite_file": [k[0] for k in where], "check": [k[1] for k in where],
                              CHECK_INDEX: list(where.values())},
                             schema={"suite_file": pl.String, "check": pl.String, CHECK_INDEX: pl.Int64})
        mapped = failures.join(index, on=["suite_file", "check"]).select(CHECK_INDEX, ROW_ID, *extra)
    present = mapped.select(CHECK_INDEX).unique().collect(engine="streaming")[CHECK_INDEX]
    rest = own.filter(~pl.col(CHECK_INDEX).is_in(present.implode()))
    out: pl.LazyFrame = pl.concat([mapped, rest.with_columns(pl.col(ROW_ID).cast(mapped.collect_schema()[ROW_ID]))])
    return out


def _check_complete(name: str, report: SuiteReport, failures: pl.LazyFrame) -> None:
    """Every failing row must be there: a capped report cannot tell new rows from old ones."""
    counted = dict(failures.group_by(CHECK_INDEX).len().collect(engine="streaming").iter_rows())
    for i, c in enumerate(report.checks):
        if c.unexpected_count and counted.get(i, 0) < c.unexpected_count:
            raise BaselineError(
                f"{name}: lists {counted.get(i, 0)} of the {c.unexpected_count} failing rows of "
                f"{c.label!r}; compare against a report with every failing row (its --failures "
                "file, or a report stored with dataqa check --version)")


def _id_dtypes(cur: pl.DataType, base: pl.DataType, name: str) -> pl.DataType:
    """The dtype both row-id columns are compared in."""
    if cur == base or base == pl.Null or cur == pl.Null:
        return cur if cur != pl.Null else base
    if cur.is_integer() and base.is_integer():
        return pl.Int64()
    if cur.is_numeric() != base.is_numeric() and (cur == pl.String or base == pl.String) and (
            cur.is_numeric() or base.is_numeric()):
        raise BaselineError(f"{name}: its row ids are {base}, this run's are {cur}: another dataset "
                            "or id column")
    return pl.String()


def compare_reports(
    current: SuiteReport,
    baseline: Baseline | SuiteReport,
    *,
    current_failures: pl.LazyFrame | None = None,
    rows_shown: int = 20,
    rows_per_bucket: int = ROWS_PER_BUCKET,
) -> ReportComparison:
    """Split each check's failing rows into new, still failing and fixed, against ``baseline``.

    The result is also stored in ``current.comparison`` (so renderers and the JSON show it).

    Parameters
    ----------
    current:
        This run's report.
    baseline:
        The report to compare against (``load_report``), or a ``SuiteReport`` directly.
    current_failures:
        Every failing row of this run (``check_index, row_id``), when ``current.failures`` holds
        only the first rows of each check.
    rows_shown:
        How many new and fixed row ids to keep per check.
    rows_per_bucket:
        Failing rows per hash bucket of the joins (bounds their memory).

    Raises
    ------
    BaselineError
        The baseline is from another suite or dataset (checks or row ids differ), or lists only
        some failing rows and has no failures file.

    Examples
    --------
    >>> import polars as pl
    >>> from dataqa.io import Dataset
    >>> from dataqa.validation.engine import run_suites
    >>> from dataqa.validation.gx_suite import parse_gx_suite
    >>> suite = parse_gx_suite({"expectations": [{"type": "expect_column_values_to_not_be_null",
    ...                                          "kwargs": {"column": "a"}}]}, "s.json")
    >>> old = run_suites(Dataset("d", pl.LazyFrame({"a": [1, None, 3]})), [suite])
    >>> new = run_suites(Dataset("d", pl.LazyFrame({"a": [None, 2, 3]})), [suite])
    >>> d = compare_reports(new, old).checks[0]
    >>> d.new_rows, d.fixed_rows, new.gate_closed("new")
    ([0], [1], True)
    """
    if isinstance(baseline, SuiteReport):
        baseline = Baseline("baseline report", baseline)
    to_current = _match(current, baseline)
    cur = failing_rows(current, current_failures)
    base = failing_rows(baseline.report, baseline.failures)
    _check_complete(baseline.name, baseline.report, base)
    _check_complete("this run", current, cur)
    dtype = _id_dtypes(cur.collect_schema()[ROW_ID], base.collect_schema()[ROW_ID], baseline.name)
    remap = pl.LazyFrame({CHECK_INDEX: range(len(to_current)), "__to": to_current},
                         schema={CHECK_INDEX: pl.Int64, "__to": pl.Int64})
    cur = cur.with_columns(pl.col(ROW_ID).cast(dtype))
    base = (base.join(remap, on=CHECK_INDEX).select(pl.col("__to").alias(CHECK_INDEX),
                                                     pl.col(ROW_ID).cast(dtype)))
    total = sum(c.unexpected_count or 0 for c in current.checks) + sum(
        c.unexpected_count or 0 for c in baseline.report.checks)
    stats = _split(cur, base, max(1, -(-total // rows_per_bucket)), rows_shown)
    base_outcome = {to_current[i]: c.outcome for i, c in enumerate(baseline.report.checks)}
    deltas = []
    for i, c in enumerate(current.checks):
        s = stats.get(i, {})
        deltas.append(CheckDelta(
            index=i, label=c.label, outcome=c.outcome, baseline_outcome=base_outcome[i],
            new_count=s.get("new", 0), still_count=s.get("still", 0), fixed_count=s.get("fixed", 0),
            new_rows=s.get("new_rows", []), fixed_rows=s.get("fixed_rows", [])))
    result = ReportComparison(baseline.name, tuple(deltas), rows_shown)
    current.comparison = result
    return result


def _bucket(lf: pl.LazyFrame, buckets: int, b: int) -> pl.LazyFrame:
    """The rows of `lf` whose row-id hash falls in bucket `b` (all rows when there is one bucket)."""
    return lf if buckets == 1 else lf.filter(pl.col(ROW_ID).hash(seed=0) % buckets == b)


def _split(cur: pl.LazyFrame, base: pl.LazyFrame, buckets: int,
           rows_shown: int) -> dict[int, dict[str, Any]]:
    """Per check index: counts of new / still / fixed rows and the first new and fixed ids."""
    keys = [CHECK_INDEX, ROW_ID]
    out: dict[int, dict[str, Any]] = {}
    for b in range(buckets):
        c, o = _bucket(cur, buckets, b), _bucket(base, buckets, b)
        new = c.join(o, on=keys, how="anti")
        fixed = o.join(c, on=keys, how="anti")
        still = c.join(o, on=keys, how="semi")
        frames = pl.collect_all([
            new.group_by(CHECK_INDEX).agg(pl.len().alias("n"), pl.col(ROW_ID).bottom_k(rows_shown).alias("ids")),
            fixed.group_by(CHECK_INDEX).agg(pl.len().alias("n"), pl.col(ROW_ID).bottom_k(rows_shown).alias("ids")),
            still.group_by(CHECK_INDEX).agg(pl.len().alias("n")),
        ], engine="streaming")
        for name, frame in zip(("new", "fixed", "still"), frames):
            for row in frame.iter_rows(named=True):  # one row per check, not per failing row
                s = out.setdefault(row[CHECK_INDEX], {})
                s[name] = s.get(name, 0) + row["n"]
                if "ids" in row:
                    s[f"{name}_rows"] = sorted(s.get(f"{name}_rows", []) + row["ids"])[:rows_shown]
    return out
