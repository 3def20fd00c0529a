"""Custom checks: one Python function, usable from GX JSON, pandera YAML and pandera itself.

>>> import polars as pl
>>> from dataqa.validation.custom import custom_check
>>> @custom_check("example_is_even", replace=True)
... def example_is_even(column: str) -> pl.Expr:
...     return pl.col(column) % 2 == 0

The function returns a boolean polars expression, True where a row is valid (or a ``MapResult``).
It receives ``column`` for a column check, plus its parameters by keyword. Registered this way:

- in dataqa's registry as a ``map`` check named ``example_is_even``: a GX suite uses it as
  ``{"type": "example_is_even", "kwargs": {"column": "x", "mostly": 0.9}}`` and a pandera YAML
  as ``columns: {x: {checks: {example_is_even: null}}}`` or flat ``example_is_even: null``;
- in pandera (``pandera.extensions.register_check_method``) as ``Check.example_is_even``, so
  ``pandera.io.from_yaml`` reads the same YAML and ``pa.Check.example_is_even()`` works in code.

Null handling is pandera's: rows where the expression is null are not evaluated (``ignore_na``).
Load a file of custom checks with ``dataqa check --plugin file.py`` or ``[check] plugins``.
pandera is imported only when a check is made visible to it (about 1.5 s to import).
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import polars as pl

from dataqa.validation.backends.polars.checks.pandera_builtin import pandera_map
from dataqa.validation.registry import REGISTRY, MapResult, implement, register_check

#: The Spark backend's name (``validation.backends.spark``), for custom Spark implementations.
SPARK = "spark"

CheckFn = Callable[..., "pl.Expr | MapResult"]


def custom_check(
    name: str | None = None,
    *,
    error: str = "",
    aliases: tuple[str, ...] = (),
    pandera: bool = True,
    replace: bool = False,
    spark: Callable[..., Any] | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Register a function as a dataqa check and, when ``pandera`` is true, as a pandera check.

    Parameters
    ----------
    name:
        Check name (default: the function's name). Must not start with ``pandera.``/``expect_``.
    error:
        Message template shown in reports, formatted with the check's parameters.
    aliases:
        Other dataqa names for the check.
    pandera:
        Also register with ``pandera.extensions.register_check_method`` (skipped if pandera
        already has a check of that name, e.g. when a plugin is loaded twice).
    replace:
        Allow re-registering the name in dataqa (reloading a plugin).
    spark:
        The same check for the Spark backend: a function taking the same parameters and
        returning a boolean ``pyspark.sql.Column`` (True where a row is valid; a null result is
        not evaluated) or a ``MapResult`` of columns. Without it the check is refused on Spark.

    Returns
    -------
    callable
        A decorator returning the function unchanged.

    Raises
    ------
    ValueError
        The name is taken (and ``replace`` is false) or reserved.
    """

    def deco(fn: CheckFn) -> CheckFn:
        check_name = name or fn.__name__
        if check_name.startswith(("pandera.", "expect_")):
            raise ValueError(f"custom check name '{check_name}' is reserved for built-in checks")
        sig = inspect.signature(fn)
        stats = [p for p in sig.parameters if p != "column"]
        takes_column = "column" in sig.parameters

        def run(**kwargs: Any) -> MapResult:
            ignore_na = kwargs.pop("ignore_na", True)
            out = fn(**kwargs)
            if isinstance(out, MapResult):
                return out
            # no column: a dataframe-level check, whose failing value is the whole row
            return pandera_map(out, frame_level=False, ignore_na=ignore_na,
                               row=kwargs.get("column") is None)

        params = list(sig.parameters.values())
        run.__signature__ = sig.replace(parameters=params + [  # type: ignore[attr-defined]
            inspect.Parameter("ignore_na", inspect.Parameter.KEYWORD_ONLY, default=True)]
            if not any(p.kind is p.VAR_KEYWORD for p in params) else params)
        run.__name__ = check_name
        run.__doc__ = fn.__doc__
        run.pandera_params = tuple(stats)  # type: ignore[attr-defined]
        run.pandera_required = tuple(  # type: ignore[attr-defined]
            p for p in stats if sig.parameters[p].default is inspect.Parameter.empty
            and sig.parameters[p].kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL))
        # the same definition imported again (a suite module re-read by the app) is not a clash
        run.dataqa_source = _source(fn)  # type: ignore[attr-defined]
        again = name_taken_by_same_source(check_name, run.dataqa_source)  # type: ignore[attr-defined]
        register_check(check_name, kind="map", error=error or check_name, aliases=aliases,
                       replace=replace or again)(run)
        if spark is not None:
            implement(SPARK, check_name)(_spark_runner(spark, check_name))
        if pandera:
            _register_in_pandera(check_name, fn, stats, takes_column)
        return fn

    return deco


def _spark_runner(fn: Callable[..., Any], check_name: str) -> Callable[..., MapResult]:
    """The Spark implementation of a custom check: pandera's null handling, as on polars."""

    def run(**kwargs: Any) -> MapResult:
        ignore_na = kwargs.pop("ignore_na", True)
        kwargs.pop("schema", None)
        out = fn(**kwargs)
        if isinstance(out, MapResult):
            return out
        if ignore_na:
            return MapResult(valid=out, eligible=out.isNotNull())
        return MapResult(valid=out, eligible=out.isNotNull() | out.isNull())  # every row; null fails

    run.__name__ = f"{check_name}_spark"
    return run


def _source(fn: Callable[..., Any]) -> str:
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}:{fn.__qualname__}" if code else repr(fn)


def name_taken_by_same_source(name: str, source: str) -> bool:
    """True when ``name`` is registered by a function defined at the same place."""
    existing = REGISTRY.get(name)
    return existing is not None and getattr(existing.fn, "dataqa_source", None) == source


def _register_in_pandera(name: str, fn: CheckFn, stats: list[str], takes_column: bool) -> None:
    """Make ``Check.<name>`` run the same expression in pandera's polars backend."""
    from pandera.api.checks import Check
    from pandera.api.extensions import register_check_method

    if hasattr(Check, name):
        return

    def pandera_fn(data: Any, **kwargs: Any) -> pl.LazyFrame:
        if takes_column and data.key not in (None, "*"):
            kwargs["column"] = data.key
        out = fn(**kwargs)
        expr = out.valid if isinstance(out, MapResult) else out
        return data.lazyframe.select(expr)  # type: ignore[no-any-return]

    pandera_fn.__name__ = name
    # marks pandera Check objects built from this function (functools.wraps copies __dict__),
    # so a schema module's Check.<name>() compiles to dataqa's expression, not a Python check
    pandera_fn.__dataqa_check__ = name  # type: ignore[attr-defined]
    pandera_fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("data", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(s, inspect.Parameter.KEYWORD_ONLY) for s in stats])
    register_check_method(statistics=stats)(pandera_fn)


__all__ = ["custom_check"]
