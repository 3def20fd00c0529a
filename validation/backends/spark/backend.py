"""The Spark backend: every check compiled into ``pyspark.sql.Column`` expressions, evaluated in two jobs.

For all checks of all suites together::

    work = data.select(*, row_id, idx, <one boolean flag per row check>)      # no job: a plan
    job 1: work.agg(count, <evaluated and failing count per map check>, <every aggregate>,
                    <failing count per aggregate check with row flags>)       # one row to the driver
    job 2 (only when a check failed): work.where(<any failing flag>)
              -> one row per (failing row, check): row_id, position, check, value as text
              -> first N per check by position (a window), collected; with ``failures_path``,
                 all of them written as Parquet by the executors

Without ``failures_path``, jobs 1 and 2 are one job: the aggregates of job 1 are observed
(``DataFrame.observe``) on ``work`` as every row flows into job 2's filter, so the table is read
once; the rows of checks that pass as a whole (an aggregate check with row flags) are dropped on
the driver. Aggregates ``observe`` cannot compute (``count_distinct``) and run-time failures fall
back to the two jobs, which isolate a failing check.

Counts are exact and come from job 1; the table is never collected to the driver. On Spark,
``failures_path`` is a directory of Parquet files (one per partition), readable as one table.

Duplicate flags (``checks.common.duplicated``, planned when the checks compile) are columns of
``work`` too. Before job 1, one small job per distinct key groups the key column(s) alone and
caches the keys that occur more than once (with the first/last position when a check keeps one);
``work`` left-joins them, so the flag is "the row's key is a duplicated key". The duplicated keys
are usually few: the planner, seeing the cached size, broadcasts them and the table's rows are
never shuffled (a window over the key, the plain way, shuffles and sorts every whole row). With no
duplicates there is no join at all. Order checks are window functions inside the same plan. A
check whose expression Spark cannot analyse becomes outcome ``error`` without stopping the
others; a job that fails at run time is retried without the checks that fail alone. External
checks (GX on Spark, quantiles, modes) run on just their columns, in their own jobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import polars as pl
from pyspark.sql import Column, DataFrame, Observation, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from dataqa.validation.backends.base import Compiled, Evaluated, check_kwargs, compile_with
from dataqa.validation.backends.spark import checks as _checks  # noqa: F401  (registers the implementations)
from dataqa.validation.backends.spark.checks.common import Duplicates, all_of, any_of, col
from dataqa.validation.backends.spark.checks.implement import SPARK
from dataqa.validation.backends.spark.checks.pandera import polars_dtype
from dataqa.validation.backends.spark.reader import POSITION_COLUMN, SparkDataset, spark_errors, spark_message
from dataqa.validation.registry import IDX, N_ROWS, ROW_ID, CheckDef
from dataqa.validation.report import CHECK_INDEX, failure_schema
from dataqa.validation.suite_spec import CheckSpec

_KEY, _VALUE, _RANK = "__dataqa_check__", "__dataqa_value__", "__dataqa_rank__"


@dataclass
class _DuplicatePlan:
    """A duplicate flag some checks use: its hidden column and the checks (indices) reading it."""

    name: str
    spec: Duplicates
    checks: set[int] = field(default_factory=set)


class _Schema(Mapping[str, T.DataType]):
    """The ``schema`` implementations receive: the Spark schema, and ``duplicated`` (see
    ``checks.common.PlansDuplicates``) recording the flag for the check being compiled."""

    def __init__(self, backend: SparkBackend, index: int) -> None:
        self._backend, self._index = backend, index

    def __getitem__(self, key: str) -> T.DataType:
        return self._backend.schema[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._backend.schema)

    def __len__(self) -> int:
        return len(self._backend.schema)

    def duplicated(self, spec: Duplicates) -> Column:
        return self._backend._plan_duplicates(spec, self._index)


class SparkBackend:
    """The ``Backend`` for a ``SparkDataset`` (``backends.spark.reader.read_spark_dataset``)."""

    name = SPARK

    def __init__(self, dataset: SparkDataset) -> None:
        self.dataset = dataset
        self.path = dataset.path
        self.id_column = dataset.id_column
        self.schema = {f.name: f.dataType for f in dataset.df.schema.fields if f.name != POSITION_COLUMN}
        self._duplicates: dict[str, _DuplicatePlan] = {}

    def columns(self) -> list[str]:
        return list(self.schema)

    def row_id_dtype(self) -> pl.DataType:
        if self.id_column:
            return polars_dtype(self.schema[self.id_column])
        return pl.Int64()

    def compile(self, decl: CheckDef, impl: Callable[..., Any], spec: CheckSpec, index: int) -> Compiled:
        if getattr(impl, "external_runner", False):  # its own jobs on just its columns (GX on Spark, quantiles, modes)
            return Compiled(index, spec, "external", external=impl)
        return compile_with(decl, impl, spec, index, _Schema(self, index))

    def _plan_duplicates(self, spec: Duplicates, index: int) -> Column:
        # the same key (and filter, and keep) in several checks is grouped once
        key = repr(([str(k) for k in spec.keys], str(spec.within), spec.keep))
        plan = self._duplicates.get(key)
        if plan is None:
            plan = self._duplicates[key] = _DuplicatePlan(f"__dataqa_dup{len(self._duplicates)}__", spec)
        plan.checks.add(index)
        return F.col(plan.name)

    # -- evaluation ---------------------------------------------------------------------------

    def _base(self) -> DataFrame:
        df = self.dataset.df
        rid = col(self.id_column) if self.id_column else F.col(POSITION_COLUMN)
        return df.select(*[col(c) for c in self.schema], F.col(POSITION_COLUMN).alias(IDX), rid.alias(ROW_ID))

    def evaluate(self, compiled: Sequence[Compiled], *, max_failures: int | None,
                 failures_path: str | None) -> tuple[int, dict[int, Evaluated]]:
        plain = self._base()
        out: dict[int, Evaluated] = {}
        in_query = [c for c in compiled if c.kind != "external"]
        cached: list[DataFrame] = []
        try:
            base = self._with_duplicates(plain, {c.index for c in in_query}, out, cached)
            row_count = self._evaluate(base, in_query, out, max_failures, failures_path)
        finally:
            for frame in cached:
                frame.unpersist()
        for c in compiled:
            if c.kind == "external":
                try:
                    out[c.index] = self._run_external(c, plain)
                except Exception as exc:
                    out[c.index] = Evaluated(error=f"{type(exc).__name__}: {spark_message(exc)}")
        return row_count, out

    def _with_duplicates(self, base: DataFrame, indices: set[int], out: dict[int, Evaluated],
                         cached: list[DataFrame]) -> DataFrame:
        """``base`` plus the duplicate flags the checks ``indices`` read (one hidden column each).

        Each flag costs a job grouping its key alone; its duplicated keys stay cached (appended
        to ``cached``: the caller unpersists them) for the joins of the jobs that follow. A key
        that fails (a bad cast under ANSI...) makes its checks ``error``.
        """
        for plan in self._duplicates.values():
            if not plan.checks & indices:
                continue
            spec, name = plan.spec, plan.name
            keys = [f"{name}k{j}" for j in range(len(spec.keys))]
            found = F.lit(True).alias(f"{name}found")
            first = ([(F.min if spec.keep == "first" else F.max)(F.col(IDX)).alias(f"{name}keep")]
                     if spec.keep else [])
            try:
                rows = base if spec.within is None else base.where(spec.within)
                groups = (rows.groupBy(*[k.alias(n) for k, n in zip(spec.keys, keys)])
                          .agg(F.count(F.lit(1)).alias(f"{name}n"), *first)
                          .where(F.col(f"{name}n") > 1).drop(f"{name}n").select("*", found))
                groups = groups.cache()
                cached.append(groups)
                n_keys = groups.count()
            except Exception as exc:
                with spark_errors(self.path):  # a read error is the dataset's, not the check's
                    base.agg(F.count(F.lit(1))).first()
                for i in plan.checks & indices:
                    out[i] = Evaluated(error=f"{type(exc).__name__}: {spark_message(exc)}")
                base = base.select("*", F.lit(False).alias(name))
                continue
            if n_keys == 0:  # no duplicates: no join
                base = base.select("*", F.lit(False).alias(name))
                continue
            # `<=>`: null keys are equal, as in the grouping
            on = all_of([k.eqNullSafe(F.col(n)) for k, n in zip(spec.keys, keys)])
            flag = F.col(f"{name}found").isNotNull()
            if spec.keep:
                flag = flag & (F.col(IDX) != F.col(f"{name}keep"))
            if spec.within is not None:
                flag = flag & F.coalesce(spec.within, F.lit(False))
            base = base.join(groups, on=on, how="left").select(*[col(c) for c in base.columns], flag.alias(name))
        return base

    def _evaluate(self, base: DataFrame, in_query: list[Compiled], out: dict[int, Evaluated],
                  max_failures: int | None, failures_path: str | None) -> int:
        """Jobs 1 and 2 for the in-query checks (``out`` filled); the row count."""
        # analysis errors (a type mismatch...) are raised when the plan is built (no job): all
        # checks in one plan, and only when it fails one plan per check to find the culprits
        ok = [c for c in in_query if c.index not in out]  # not those whose duplicate flag failed
        try:
            base.select("*", *_flag_columns(ok)).agg(F.count(F.lit(1)), *_agg_columns(ok))
        except Exception:
            found = []
            for c in ok:
                try:
                    base.select("*", *_flag_columns([c])).agg(F.count(F.lit(1)), *_agg_columns([c]))
                    found.append(c)
                except Exception as exc:
                    out[c.index] = Evaluated(error=f"{type(exc).__name__}: {spark_message(exc)}")
            ok = found
        one_pass = self._one_pass(base, ok, max_failures) if failures_path is None else None
        scalars = one_pass[0] if one_pass is not None else self._aggregate(base, ok, out)
        row_count = int(scalars[N_ROWS])
        ok = [c for c in ok if c.index not in out]
        for c in ok:
            out[c.index] = _answer(c, scalars)
        failing = [c for c in ok if c.has_flag and (out[c.index].unexpected or 0) > 0
                   and not (c.agg is not None and _agg_passes(c, out[c.index]))]
        if failing:
            frames = one_pass[1] if one_pass is not None else self._failing_rows(
                base, failing, max_failures, failures_path)
            for c in failing:
                out[c.index].failing = frames.get(c.index)
        elif failures_path is not None:
            _empty_failures_file(failures_path, self.row_id_dtype())
        return row_count

    def _aggregate(self, base: DataFrame, checks: list[Compiled], out: dict[int, Evaluated]) -> dict[str, Any]:
        """Job 1: the row count and every check's counts and aggregates, in one row."""
        work = base.select("*", *_flag_columns(checks))
        try:
            with spark_errors(self.path):
                row = work.agg(F.count(F.lit(1)).alias(N_ROWS), *_agg_columns(checks)).first()
        except Exception:
            # a run-time failure (a bad cast under ANSI...): read errors surface on a bare count;
            # otherwise find the checks that fail alone and run the others together again
            with spark_errors(self.path):
                base.agg(F.count(F.lit(1))).first()
            bad = []
            for c in checks:
                try:
                    base.select("*", *_flag_columns([c])).agg(F.count(F.lit(1)), *_agg_columns([c])).first()
                except Exception as exc:
                    out[c.index] = Evaluated(error=f"{type(exc).__name__}: {spark_message(exc)}")
                    bad.append(c)
            if not bad:
                raise
            return self._aggregate(base, [c for c in checks if c not in bad], out)
        assert row is not None
        return row.asDict()

    def _one_pass(self, base: DataFrame, checks: list[Compiled],
                  max_failures: int | None) -> tuple[dict[str, Any], dict[int, pl.DataFrame]] | None:
        """Jobs 1 and 2 as one job: the aggregates observed on the way into the failing-rows filter.

        ``None`` when that cannot be planned or fails at run time: the caller runs the two jobs.
        """
        flagged = [c for c in checks if c.has_flag]
        if not flagged:
            return None
        metrics = Observation()  # a fresh name: observations are matched by name
        try:
            work = base.select("*", *_flag_columns(checks)).observe(
                metrics, F.count(F.lit(1)).alias(N_ROWS), *_agg_columns(checks))
            frames = self._collect_failing(work, flagged, max_failures)
            return metrics.get, frames
        except Exception:  # the two jobs re-raise read errors and isolate a failing check
            return None

    def _failing_rows(self, base: DataFrame, checks: list[Compiled], max_failures: int | None,
                      failures_path: str | None) -> dict[int, pl.DataFrame]:
        """Job 2: the failing rows, one row per (row, check); the first ``max_failures`` per check
        collected, all of them written to ``failures_path``."""
        work = base.select("*", *_flag_columns(checks))
        long = self._long(work, checks)
        if failures_path is not None:
            self._write_failures(long, checks, failures_path)
        return self._collect(long, max_failures)

    def _collect_failing(self, work: DataFrame, checks: list[Compiled],
                         max_failures: int | None) -> dict[int, pl.DataFrame]:
        return self._collect(self._long(work, checks), max_failures)

    def _long(self, work: DataFrame, checks: list[Compiled]) -> DataFrame:
        """One row per (failing row, check): row id, position, check index, value as text."""
        entries = [F.when(F.col(c.flag_column), F.struct(F.lit(c.index).alias("k"), _value(c).alias("v")))
                   for c in checks]
        long = (work.where(any_of([F.col(c.flag_column) for c in checks]))
                .select(ROW_ID, IDX, F.explode(F.array(*entries)).alias("f"))
                .where(F.col("f").isNotNull())
                .select(ROW_ID, IDX, F.col("f.k").alias(_KEY), F.col("f.v").alias(_VALUE)))
        return long

    def _collect(self, long: DataFrame, max_failures: int | None) -> dict[int, pl.DataFrame]:
        """The first ``max_failures`` rows per check by position (all with ``None``), to the driver."""
        if max_failures is not None:
            rank = F.row_number().over(Window.partitionBy(_KEY).orderBy(IDX))
            long = long.select("*", rank.alias(_RANK)).where(F.col(_RANK) <= max_failures)
        with spark_errors(self.path):
            table = pl.from_arrow(long.select(ROW_ID, IDX, _KEY, _VALUE).toArrow())
        assert isinstance(table, pl.DataFrame)
        table = table.sort(IDX)
        return {int(k): part.select(pl.col(ROW_ID), pl.col(_VALUE).alias("failure_case"))
                for (k,), part in table.partition_by(_KEY, as_dict=True).items()}

    def _write_failures(self, long: DataFrame, checks: list[Compiled], path: str) -> None:
        def lookup(values: dict[int, str]) -> Column:
            pairs: list[Column] = []
            for k, v in values.items():
                pairs += [F.lit(k), F.lit(v)]
            return F.create_map(*pairs)[F.col(_KEY)]

        table = long.select(
            F.col(ROW_ID), lookup({c.index: c.spec.suite_file for c in checks}).alias("suite_file"),
            lookup({c.index: c.spec.display for c in checks}).alias("check"),
            lookup({c.index: ",".join(c.spec.columns) for c in checks}).alias("column"),
            F.col(_VALUE).alias("failure_case"), F.col(_KEY).cast("long").alias(CHECK_INDEX))
        with spark_errors(self.path):
            table.write.mode("overwrite").parquet(path)
        local = Path(path)
        if local.is_dir():  # Hadoop's checksum and marker files would confuse other readers
            for extra in [*local.glob(".*.crc"), local / "_SUCCESS"]:
                extra.unlink(missing_ok=True)

    def _run_external(self, c: Compiled, base: DataFrame) -> Evaluated:
        assert c.external is not None
        cols = [x for x in c.spec.columns if x in self.schema]
        if not cols or c.spec.kwargs.get("row_condition") is not None:
            cols = list(self.schema)
        frame = base.select(*[col(x) for x in cols], F.col(IDX))
        res = c.external(frame, **check_kwargs(c.spec, c.external))
        part = None
        if res.unexpected_index:
            rows = base.where(F.col(IDX).isin(list(res.unexpected_index))).select(
                ROW_ID, IDX, _default_value(c.spec).alias("failure_case"))
            with spark_errors(self.path):
                got = pl.from_arrow(rows.toArrow())
            assert isinstance(got, pl.DataFrame)
            part = got.sort(IDX).select(ROW_ID, "failure_case")
        return Evaluated(external=res, failing=part)


def _eligible(c: Compiled) -> Column:
    assert c.map is not None
    if c.map.eligible is not None:
        return F.coalesce(c.map.eligible, F.lit(False))
    cols = c.spec.columns
    if not cols:
        return F.lit(True)
    return all_of([col(x).isNotNull() for x in cols])


def _flag(c: Compiled) -> Column:
    if c.kind == "map":
        assert c.map is not None
        return _eligible(c) & ~F.coalesce(c.map.valid, F.lit(False))
    assert c.agg is not None and c.agg.unexpected is not None
    return F.coalesce(c.agg.unexpected, F.lit(False))


def _flag_columns(checks: Sequence[Compiled]) -> list[Column]:
    out = []
    for c in checks:
        if c.has_flag:
            out.append(_flag(c).alias(c.flag_column))
        if c.kind == "map":
            out.append(_eligible(c).alias(c.evaluated_column))
    return out


def _agg_columns(checks: Sequence[Compiled]) -> list[Column]:
    out: list[Column] = []
    for c in checks:
        if c.has_flag:
            out.append(F.sum(F.col(c.flag_column).cast("long")).alias(f"{c.flag_column}_n"))
        if c.kind == "map":
            out.append(F.sum(F.col(c.evaluated_column).cast("long")).alias(f"{c.evaluated_column}_n"))
        elif c.agg is not None:
            out += [e.alias(c.agg_name(k)) for k, e in c.agg.exprs.items()]
    return out


def _answer(c: Compiled, scalars: dict[str, Any]) -> Evaluated:
    unexpected = int(scalars.get(f"{c.flag_column}_n") or 0) if c.has_flag else None
    if c.kind == "map":
        return Evaluated(evaluated=int(scalars.get(f"{c.evaluated_column}_n") or 0), unexpected=unexpected)
    assert c.agg is not None
    return Evaluated(values={k: scalars[c.agg_name(k)] for k in c.agg.exprs}, unexpected=unexpected)


def _agg_passes(c: Compiled, ev: Evaluated) -> bool:
    assert c.agg is not None and ev.values is not None
    try:
        return bool(c.agg.evaluate(ev.values)[0])
    except Exception:
        return True


def _default_value(spec: CheckSpec) -> Column:
    cols = spec.columns
    if len(cols) == 1:
        return col(cols[0]).cast("string")
    if not cols:
        return F.lit(None).cast("string")
    return F.concat_ws(", ", *[F.concat(F.lit(f"{x}="), F.coalesce(col(x).cast("string"), F.lit("null")))
                              for x in cols])


def _value(c: Compiled) -> Column:
    if c.map is not None and c.map.value is not None:
        value: Column = c.map.value  # the Spark backend's MapResult holds Spark columns
        return value.cast("string")
    return _default_value(c.spec)


def _empty_failures_file(path: str, id_dtype: pl.DataType) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(schema=failure_schema(id_dtype)).write_parquet(target)


__all__ = ["SparkBackend"]
