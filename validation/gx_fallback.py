"""Run a GX expectation that dataqa has no native check for through GX itself, on pandas.

Only the columns the expectation names are handed over (all columns when it has a
``row_condition``, which may reference any); the report carries the note
"ran through Great Expectations on pandas". GX is imported on first use only: importing it
takes seconds, which the native path must not pay.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any, Callable, Mapping

import polars as pl

from dataqa.errors import SuiteFileError
from dataqa.validation.registry import IDX, POLARS, ROW_ID, ExternalOutcome, declare, implement, is_registered

NOTE = "ran through Great Expectations on pandas"


@lru_cache(maxsize=1)
def _gx() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
    return gx


def expectation_class(type_name: str) -> Any:
    """The GX 1.x class for a snake_case expectation type (``KL``-style acronyms included)."""
    gx = _gx()
    want = type_name.replace("_", "").lower()
    for attr in dir(gx.expectations):
        if attr.lower() == want:
            return getattr(gx.expectations, attr)
    raise KeyError(type_name)


def validate_gx_kwargs(type_name: str, kwargs: Mapping[str, Any], location: str) -> None:
    """Construct the GX expectation: GX's own pydantic validation of the kwargs.

    Raises
    ------
    SuiteFileError
        GX rejects the kwargs; the message is GX's first error line.
    """
    try:
        cls = expectation_class(type_name)
    except KeyError:
        raise SuiteFileError(f"{type_name}: not available in the installed Great Expectations",
                             location) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GX deprecation notes (string row_condition...)
            cls(**kwargs)
    except Exception as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        detail = "; ".join(lines[1:3]) if len(lines) > 1 else (lines[0] if lines else type(exc).__name__)
        raise SuiteFileError(f"{type_name}: Great Expectations rejects the kwargs: {detail}",
                             location) from None


def _make_runner(type_name: str) -> Callable[..., Any]:
    def run(frame: pl.DataFrame, mostly: float | None = None, row_condition: Any = None,
            condition_parser: str | None = None, **kwargs: Any) -> Any:
        gx_kwargs = dict(kwargs)
        for key, value in (("mostly", mostly), ("row_condition", row_condition),
                           ("condition_parser", condition_parser)):
            if value is not None:
                gx_kwargs[key] = value
        result = run_gx(type_name, frame, gx_kwargs)
        failure = gx_exception(result)
        if failure is not None:  # GX could not evaluate it: an error, never a silent "failed"
            raise RuntimeError(f"Great Expectations cannot run {type_name}: {failure}")
        res = result.result or {}
        index = res.get("unexpected_index_list")
        return ExternalOutcome(
            success=bool(result.success),
            observed_value=res.get("observed_value"),
            evaluated_count=_evaluated(res),
            unexpected_count=res.get("unexpected_count"),
            unexpected_index=[int(i) for i in index] if isinstance(index, list) else None,
            note=NOTE,
        )

    run.__name__ = f"gx_fallback_{type_name}"
    run.__doc__ = f"{type_name}, evaluated by Great Expectations on pandas."
    return run


def gx_exception(result: Any) -> str | None:
    """GX's own exception message when it could not evaluate the expectation, else ``None``
    (GX reports it in ``exception_info`` with ``success`` false, not by raising)."""
    info = getattr(result, "exception_info", None) or {}
    infos = [info] if "raised_exception" in info else list(info.values()) if isinstance(info, Mapping) else []
    for item in infos:
        if isinstance(item, Mapping) and item.get("raised_exception"):
            return str(item.get("exception_message") or "unknown error").splitlines()[0]
    return None


def _evaluated(res: Mapping[str, Any]) -> int | None:
    if res.get("element_count") is None:
        return None
    return int(res["element_count"]) - int(res.get("missing_count") or 0)


def run_gx(type_name: str, frame: pl.DataFrame, kwargs: Mapping[str, Any]) -> Any:
    """Validate ``frame`` (minus dataqa's internal columns) with one GX expectation.

    Returns GX's ``ExpectationValidationResult`` (``result_format="COMPLETE"``); its
    ``unexpected_index_list`` holds row positions.
    """
    gx = _gx()
    data = frame.drop([c for c in (IDX, ROW_ID) if c in frame.columns and c not in kwargs.values()])
    pdf = data.to_pandas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = gx.get_context(mode="ephemeral")
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # GX draws tqdm bars on stderr by default; dataqa's output must stay clean
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = context.data_sources.add_pandas("dataqa")
        asset = source.add_dataframe_asset("data")
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": pdf})
        expectation = expectation_class(type_name)(**kwargs)
        return batch.validate(expectation, result_format="COMPLETE")


#: Prefix of the registry names of fallback checks: ``great_expectations.<type>``.
PREFIX = "great_expectations."
_DECLARED: list[str] = []


def register_fallback(type_name: str) -> str:
    """Register ``type_name`` as an ``external`` check run by GX (once); returns its registry
    name, ``great_expectations.<type>`` (distinct from a native check of the same type, which a
    ``row_condition`` entry must bypass)."""
    name = PREFIX + type_name
    if not is_registered(name):
        _DECLARED.append(name)
        runner = _make_runner(type_name)
        declare(name, kind="external", error=f"{type_name} ({NOTE})")(runner)
        implement(POLARS, name)(runner)
        for hook in _FALLBACK_HOOKS:  # other backends add their own GX runner
            hook(name, type_name)
    return name


#: Called with ``(registry name, GX type)`` for each fallback declared: how a backend (Spark)
#: registers its own runner, GX on its execution engine, without this module importing it.
_FALLBACK_HOOKS: list[Callable[[str, str], None]] = []


def on_fallback_declared(hook: Callable[[str, str], None]) -> None:
    """Register ``hook`` for every fallback check, past and future."""
    _FALLBACK_HOOKS.append(hook)
    for name in list(_DECLARED):
        hook(name, name[len(PREFIX):])
