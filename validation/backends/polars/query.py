"""The polars backend's lazy queries over the compiled checks.

The queries, collected on polars' streaming engine (``run_queries``)::

    scalars: base.select(<row count>, <evaluated count per check>, <every aggregate>)  # 1 row
    rows:    base.select(row_id, idx, <per-row failure flags>, <columns for failing values>)
                 .filter(<any flag>)                      # failing rows only
                 .select(row_id, idx, flags, <failing value as text, failing rows only>)

Failure counts are sums of the flags over the small failing-rows frame (a passing row has every
flag False). Checks whose flags need whole columns (duplicates, order, Python predicates) get
their own rows query over just their columns, so the row-by-row checks stream in bounded
memory instead of materialising the table. Default failing values are cast to text only for
failing rows; a check's own ``MapResult.value`` is computed before the filter (it may look at
other rows) but only where the row fails.
"""

from __future__ import annotations

import polars as pl

from dataqa.validation.backends.base import Compiled
from dataqa.validation.registry import IDX, N_ROWS, ROW_ID
from dataqa.validation.suite_spec import CheckSpec


def default_value(spec: CheckSpec) -> pl.Expr:
    """The failing value as text: the column, or ``a=1, b=null`` for several columns."""
    cols = spec.columns
    if len(cols) == 1:
        return pl.col(cols[0]).cast(pl.String)
    if not cols:
        return pl.lit(None, dtype=pl.String)
    return pl.concat_str(
        [pl.concat_str([pl.lit(f"{c}="), pl.col(c).cast(pl.String).fill_null("null")]) for c in cols],
        separator=", ",
    )


def _evaluated_expr(c: Compiled) -> pl.Expr:
    assert c.map is not None
    eligible = c.map.eligible
    if eligible is None:
        cols = c.spec.columns
        if len(cols) == 1:  # null_count is a bitmap popcount: far cheaper than summing a mask
            return pl.len() - pl.col(cols[0]).null_count()
        return pl.all_horizontal([pl.col(x).is_not_null() for x in cols]).sum() if cols else pl.len()
    expr: pl.Expr = eligible  # the polars backend's MapResult holds polars expressions
    if expr.meta.is_literal():  # pl.lit(True): every row (a literal sums to 1, not n)
        return pl.len().cast(pl.Int64) * expr.cast(pl.Int64)
    return expr.sum()


def _flag_expr(c: Compiled) -> pl.Expr:
    if c.kind == "map":
        assert c.map is not None
        cols = c.spec.columns
        eligible = c.map.eligible
        if eligible is None:
            eligible = pl.all_horizontal([pl.col(x).is_not_null() for x in cols]) if cols else pl.lit(True)
        valid: pl.Expr = c.map.valid
        return (eligible & valid.not_().fill_null(False)).fill_null(False)
    assert c.agg is not None and c.agg.unexpected is not None
    unexpected: pl.Expr = c.agg.unexpected
    return unexpected.fill_null(False)


def scalar_exprs(compiled: list[Compiled]) -> list[pl.Expr]:
    """Every one-value expression: row count, evaluated counts, the aggregate checks' values."""
    scalars: list[pl.Expr] = [pl.len().alias(N_ROWS)]
    for c in compiled:
        if c.kind == "map":
            scalars.append(_evaluated_expr(c).alias(c.evaluated_column))
        elif c.kind == "agg":
            assert c.agg is not None
            scalars += [e.alias(c.agg_name(k)) for k, e in c.agg.exprs.items()]
    return scalars


#: Operations that need the whole column at once (not row by row). A check using one is
#: evaluated in its own query over just its columns, so the other checks can stream.
#: Matched against the expression's printed form (``col("a").is_duplicated()``); a miss only
#: costs memory (polars falls back to in-memory for that query), never correctness.
_WHOLE_COLUMN_OPS = (".is_duplicated(", ".is_unique(", ".shift(", ".over(", ".python_udf(",
                     ".unique(", ".rank(", ".diff(", ".cum_", ".rolling", ".sort(", ".reverse(",
                     ".mode(", ".implode(", ".is_first_distinct(", ".is_last_distinct(",
                     ".fill_null_with_strategy(", ".map_", ".gather(", ".head(", ".tail(")


def row_exprs(c: Compiled) -> list[pl.Expr]:
    """The per-row expressions of a check with row flags: its flag, and its own failing value."""
    exprs = [_flag_expr(c)]
    if c.map is not None and c.map.value is not None:
        exprs.append(c.map.value)
    return exprs


def whole_column_ops(c: Compiled) -> list[str]:
    """The whole-column operations a check's row expressions use (``.is_duplicated(``...)."""
    text = " ".join(str(e) for e in row_exprs(c))
    return [op for op in _WHOLE_COLUMN_OPS if op in text]


def needs_whole_column(c: Compiled) -> bool:
    """True when a check's row flags need the whole column (duplicates, order, Python UDFs)."""
    return bool(whole_column_ops(c))


def rows_query(base: pl.LazyFrame, checks: list[Compiled]) -> pl.LazyFrame:
    """The failing rows of ``checks`` (all with row flags): row id, position, one boolean flag
    per check, and the failing value as text (null where that check passes)."""
    flags: list[pl.Expr] = []
    pre_values: list[pl.Expr] = []
    post_values: list[pl.Expr] = []
    needed: dict[str, None] = {}
    for c in checks:
        flag = _flag_expr(c)
        flags.append(flag.alias(c.flag_column))
        custom = c.map.value if c.map is not None else None
        if custom is not None:
            pre_values.append(pl.when(flag).then(custom.cast(pl.String)).alias(c.case_column))
        else:
            needed.update(dict.fromkeys(c.spec.columns))
            post_values.append(pl.when(pl.col(c.flag_column)).then(default_value(c.spec)).alias(c.case_column))
    names = [c.flag_column for c in checks]
    custom_names = [c.case_column for c in checks if c.map is not None and c.map.value is not None]
    return (base.select(ROW_ID, IDX, *flags, *pre_values, *[x for x in needed if x not in (ROW_ID, IDX)])
            .filter(pl.any_horizontal([pl.col(f) for f in names]))
            .select(ROW_ID, IDX, *names, *custom_names, *post_values))


Group = tuple[list[Compiled], pl.LazyFrame]


def build_queries(base: pl.LazyFrame, compiled: list[Compiled]) -> tuple[pl.LazyFrame, Group | None, Group | None]:
    """The scalar query (one row: row count, evaluated counts, aggregates) and two failing-rows
    queries (``None`` when empty): the row-by-row checks (they stream), and the checks that need
    whole columns (that query reads only their columns)."""
    flagged = [c for c in compiled if c.has_flag]
    whole = [c for c in flagged if needs_whole_column(c)]
    rowwise = [c for c in flagged if c not in whole]
    return (base.select(scalar_exprs(compiled)),
            (rowwise, rows_query(base, rowwise)) if rowwise else None,
            (whole, rows_query(base, whole)) if whole else None)


def run_queries(scalar_q: pl.LazyFrame, rowwise: Group | None,
                whole: Group | None) -> tuple[pl.DataFrame, list[tuple[list[Compiled], pl.DataFrame]]]:
    """Collect the queries on polars' streaming engine.

    The scalar and row-by-row queries are collected together so they share one scan of the
    file; the whole-column query runs on its own, because sharing a scan with it would make
    polars cache (materialise) every column the others read.
    """
    first = pl.collect_all([scalar_q, *([rowwise[1]] if rowwise else [])], engine="streaming")
    frames = [(rowwise[0], first[1])] if rowwise else []
    if whole:
        frames.append((whole[0], whole[1].collect(engine="streaming")))
    return first[0], frames


def probe_check(base: pl.LazyFrame, c: Compiled) -> str | None:
    """Run one check's queries alone; the error message if it cannot be evaluated."""
    try:
        run_queries(*build_queries(base, [c]))
        return None
    except Exception as exc:
        text = str(exc)
        return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
