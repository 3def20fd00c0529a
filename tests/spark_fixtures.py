"""The one shared Spark session of a test run, for any test folder (a plugin: ``tests/conftest.py``
loads it with ``pytest_plugins``), and the helper turning a polars frame into a Spark dataset.

Tests under ``tests/spark/`` and the ``spark`` backend of the parametrised conformance and
parity tests (``tests/test_gx_conformance.py``, ``tests/test_pandera_parity.py``) all use the
``spark`` fixture: one ``local[2]`` session, started once (a JVM costs seconds). Without pyspark
or Java the fixture skips, unless ``DATAQA_REQUIRE_SPARK=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

#: Conf of the shared test session: small shuffles (tiny tables), no UI, loopback only.
TEST_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: needs pyspark and Java (a local[2] session or a standalone cluster)")
    # pyspark's import-time notice about pandas 3 (dataqa never hands Spark data to pandas)
    config.addinivalue_line("filterwarnings", "ignore:PySpark does not yet fully support pandas:FutureWarning")


def require_spark() -> None:
    """Skip (or fail, with ``DATAQA_REQUIRE_SPARK=1``) when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _missing("pyspark is not installed (pip install 'dataqa[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _missing("java is missing (scripts/install --test installs openjdk-17-jre-headless)")


def _missing(why: str) -> None:
    if os.environ.get("DATAQA_REQUIRE_SPARK") == "1":
        pytest.fail(f"DATAQA_REQUIRE_SPARK=1 but {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def spark_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace the test session's Spark logs go to (``<it>/logs/spark.log``)."""
    return tmp_path_factory.mktemp("spark-workspace")


@pytest.fixture(scope="session")
def spark(spark_workspace: Path) -> Iterator[Any]:
    """The run's one SparkSession (``local[2]``), logging into ``spark_workspace``."""
    require_spark()
    from dataqa.validation.backends.spark.session import get_spark, stop_spark

    before = os.environ.get("DATAQA_WORKSPACE")
    os.environ["DATAQA_WORKSPACE"] = str(spark_workspace)  # read once, when the JVM starts
    try:
        session = get_spark("local[2]", TEST_CONF)
    finally:
        if before is None:
            del os.environ["DATAQA_WORKSPACE"]
        else:
            os.environ["DATAQA_WORKSPACE"] = before
    yield session
    stop_spark()


@pytest.fixture(scope="session")
def spark_target(spark: Any) -> tuple[str, dict[str, str]]:
    """(master, conf) that give back the shared session: for code that calls ``get_spark`` itself
    (``check_dataset(..., engine="spark")``, the CLI in-process). Other settings would restart it."""
    return "local[2]", dict(TEST_CONF)


def spark_frame(spark: Any, df: pl.DataFrame, types: dict[str, Any] | None = None) -> Any:
    """``df`` as a Spark dataset whose positions are the polars row positions.

    ``types`` (column -> Spark ``DataType``) casts those columns after loading: how a column
    polars holds without a type (all null, ``pl.Null``) gets the type the case declares.
    """
    from pyspark.sql import functions as F

    from dataqa.validation.backends.spark.reader import POSITION_COLUMN, SparkDataset

    df = df.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))
    sdf = spark.createDataFrame(df.with_row_index(POSITION_COLUMN).with_columns(
        pl.col(POSITION_COLUMN).cast(pl.Int64)).to_arrow())
    # Arrow's zone-less timestamps arrive as Spark TIMESTAMP; Parquet gives TIMESTAMP_NTZ (as polars)
    naive = [n for n, t in df.schema.items() if isinstance(t, pl.Datetime) and t.time_zone is None]
    for name in naive:
        sdf = sdf.withColumn(name, sdf[name].cast("timestamp_ntz"))
    for name, dtype in (types or {}).items():
        sdf = sdf.withColumn(name, F.col(f"`{name}`").cast(dtype))
    return SparkDataset("<case>", sdf, None)
