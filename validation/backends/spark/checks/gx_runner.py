"""GX expectations that the Spark backend does not compile, run by GX itself on its SparkDFExecutionEngine.

Only the columns the expectation names (all of them with a ``row_condition``) plus the row position
are handed to GX, as a Spark DataFrame: the data never leaves Spark. GX reports failing rows by
the position column (``unexpected_index_column_names``); the report carries the note
"ran through Great Expectations on Spark".
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping

from pyspark.sql import DataFrame

from dataqa.validation.backends.spark.checks.implement import spark_check
from dataqa.validation.gx_fallback import PREFIX, _gx, expectation_class, gx_exception, on_fallback_declared
from dataqa.validation.registry import IDX, ExternalOutcome

NOTE = "ran through Great Expectations on Spark"


def run_gx_spark(type_name: str, frame: DataFrame, kwargs: Mapping[str, Any]) -> Any:
    """Validate ``frame`` (with the ``IDX`` column) with one GX expectation on Spark."""
    gx = _gx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = gx.get_context(mode="ephemeral")
        from great_expectations.data_context.types.base import ProgressBarsConfig  # GX's own module, loaded with GX

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_spark("dataqa").add_dataframe_asset("data")
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frame})
        expectation = expectation_class(type_name)(**kwargs)
        return batch.validate(expectation, result_format={
            "result_format": "COMPLETE", "unexpected_index_column_names": [IDX]})


def gx_spark_runner(type_name: str) -> Callable[..., Any]:
    """An external runner: ``run(frame, **kwargs) -> ExternalOutcome`` for GX type ``type_name``."""

    def run(frame: DataFrame, mostly: float | None = None, row_condition: Any = None,
            condition_parser: str | None = None, **kwargs: Any) -> ExternalOutcome:
        gx_kwargs = dict(kwargs)
        for key, value in (("mostly", mostly), ("row_condition", row_condition),
                           ("condition_parser", condition_parser)):
            if value is not None:
                gx_kwargs[key] = value
        result = run_gx_spark(type_name, frame, gx_kwargs)
        failure = gx_exception(result)
        if failure is not None:  # GX could not evaluate it: an error, never a silent "failed"
            raise RuntimeError(f"Great Expectations cannot run {type_name} on Spark: {failure}")
        res = result.result or {}
        index = res.get("unexpected_index_list")
        positions = None
        if isinstance(index, list):
            positions = [int(d[IDX]) if isinstance(d, Mapping) else int(d) for d in index]
        evaluated = None
        if res.get("element_count") is not None:
            evaluated = int(res["element_count"]) - int(res.get("missing_count") or 0)
        return ExternalOutcome(success=bool(result.success), observed_value=res.get("observed_value"),
                               evaluated_count=evaluated, unexpected_count=res.get("unexpected_count"),
                               unexpected_index=positions, note=NOTE)

    run.__name__ = f"gx_spark_{type_name}"
    run.external_runner = True  # type: ignore[attr-defined]
    return run


def _register_fallback(name: str, type_name: str) -> None:
    spark_check(name)(gx_spark_runner(type_name))


def register_gx_on_spark(type_name: str) -> None:
    """Run the natively declared GX type ``type_name`` through GX on Spark."""
    spark_check(type_name)(gx_spark_runner(type_name))


# every GX fallback check declared (now or later) also runs through GX on Spark
on_fallback_declared(_register_fallback)

__all__ = ["NOTE", "PREFIX", "gx_spark_runner", "register_gx_on_spark", "run_gx_spark"]
