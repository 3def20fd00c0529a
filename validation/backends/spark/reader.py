"""Reading a dataset into Spark with the same row positions and errors as ``dataqa.io``.

``read_spark_dataset`` takes a CSV/Parquet/JSON Lines file, a directory or glob of Parquet
files, or a pyspark DataFrame, and adds a long column ``POSITION_COLUMN``: the row's 0-based
position, equal to the polars reader's position on the same input. Several Parquet files are
taken in sorted path order (``dataqa.io.parquet_parts``) and a row's position is the row count
of the files before it plus ``_metadata.row_index`` (its index in its own file), so the position
does not depend on how Spark splits or orders the partitions. CSV, JSON Lines and DataFrames have
no row index: there the position is the row's index in its partition plus the rows of the
partitions (file chunks) before it, counted in one small job.

Local inputs are first opened with ``dataqa.io.read_dataset`` (file footers and CSV headers
only), so a missing path, a corrupt Parquet footer or an unknown id column raise exactly the
polars backend's errors; CSV and JSON Lines get the schema polars infers, so both engines see
the same column types.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import polars as pl
import pyspark.sql.functions as F
import pyspark.sql.types as T
from pyspark.errors import AnalysisException, PySparkException
from pyspark.sql import Column, DataFrame, SparkSession

from dataqa.errors import DuplicateIdError, FileFormatError, MissingColumnError
from dataqa.io import Format, detect_format, parquet_parts, read_dataset

#: The row-position column added to every Spark dataset (not a user column).
POSITION_COLUMN = "__dataqa_position__"

_ROW_BITS = 33  # monotonically_increasing_id(): partition index << 33 | row in partition
_FILE, _BLOCK = "__dataqa_file__", "__dataqa_block__"


@dataclass(frozen=True)
class SparkDataset:
    """A dataset read into Spark.

    Attributes
    ----------
    path:
        Where it was read from (for messages): the file, folder or glob, or ``<DataFrame>``.
    df:
        The user's columns plus ``POSITION_COLUMN`` (long, the row's 0-based position).
    id_column:
        The user's key column, or ``None`` when rows are identified by position.
    """

    path: str
    df: DataFrame
    id_column: str | None = None

    @property
    def columns(self) -> list[str]:
        """The user's column names, in file order (without the position column)."""
        return [c for c in self.df.columns if c != POSITION_COLUMN]

    def row_id(self) -> Column:
        """The column identifying a row: the key column, or the position."""
        return F.col(self.id_column or POSITION_COLUMN)


def read_spark_dataset(source: str | Path | DataFrame, *, spark: SparkSession,
                       id_column: str | None = None, check_ids: bool = True) -> SparkDataset:
    """Open ``source`` in Spark, lazily, with a stable row position.

    Parameters
    ----------
    source:
        A CSV/Parquet/JSON Lines file, a directory or glob of Parquet files (local or any
        filesystem Spark reads, e.g. ``s3a://``), or a pyspark DataFrame.
    spark:
        The session (``dataqa.validation.backends.spark.session.get_spark()``).
    id_column:
        A key column identifying rows; checked to be present, unique and non-null.
    check_ids:
        ``False`` skips the uniqueness check (one Spark job), e.g. to count duplicates instead.

    Raises
    ------
    FileFormatError
        Missing, empty, unknown-format or malformed input.
    MissingColumnError
        ``id_column`` is not a column.
    DuplicateIdError
        ``id_column`` has duplicated or null values.
    """
    if isinstance(source, DataFrame):
        ds = SparkDataset("<DataFrame>", with_chunk_position(source, source), id_column)
    else:
        ds = _read_path(str(source), spark, id_column)
    if id_column is not None:
        if id_column not in ds.columns:
            raise MissingColumnError(f"{ds.path}: id column '{id_column}' not found; columns are "
                                     f"{', '.join(ds.columns)}", id_column, ds.columns)
        if check_ids:
            check_unique_ids(ds)
    return ds


def _is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _read_path(path: str, spark: SparkSession, id_column: str | None) -> SparkDataset:
    if _is_remote(path):
        fmt: Format = "parquet" if not Path(path).suffix else detect_format(path)
        schema = None
        files = [path]
    else:
        parts = parquet_parts(path)
        # the polars reader validates the input and gives the schema for CSV/JSON Lines
        local = read_dataset(path, id_column=id_column, check_ids=False)
        fmt = local.format or "parquet"
        schema = None if fmt == "parquet" else spark_schema(local.schema)
        files = [os.path.abspath(f) for f in parts] if parts else [os.path.abspath(path)]
    with spark_errors(path):
        if fmt == "parquet":
            df = spark.read.parquet(*files)
            if len(files) > 1 or _is_remote(path):
                df = _with_file_position(df, path, files)
            else:
                df = df.select("*", F.col("_metadata.row_index").cast("long").alias(POSITION_COLUMN))
        else:
            reader = spark.read.schema(schema) if schema is not None else spark.read
            if fmt == "csv":
                sep = "\t" if path.lower().endswith(".tsv") else ","
                raw = reader.options(header=True, sep=sep, mode="FAILFAST", encoding="UTF-8").csv(files)
            else:
                raw = reader.options(mode="FAILFAST").json(files)
            df = with_chunk_position(raw, raw.select("*", F.col("_metadata.file_path").alias(_FILE),
                                                     F.col("_metadata.file_block_start").alias(_BLOCK)))
    return SparkDataset(path, df, id_column)


def _with_file_position(df: DataFrame, path: str, files: list[str]) -> DataFrame:
    """Position = rows of the files before (sorted path order) + row index in the file."""
    counts = {r[0]: r[1] for r in df.groupBy(F.col("_metadata.file_path")).count().collect()}
    order = sorted(counts, key=lambda p: _local_name(p, files))
    offsets: dict[str, int] = {}
    total = 0
    for p in order:
        offsets[p], total = total, total + counts[p]
    lookup = F.create_map(*chain.from_iterable((F.lit(p), F.lit(o)) for p, o in offsets.items()))
    pos = lookup[F.col("_metadata.file_path")] + F.col("_metadata.row_index")
    return df.select("*", pos.cast("long").alias(POSITION_COLUMN))


def _local_name(spark_path: str, files: list[str]) -> str:
    """Spark's ``file:/a/b%20c.parquet`` as the path the polars reader sorted (``/a/b c.parquet``)."""
    plain = unquote(spark_path.removeprefix("file:"))
    while plain.startswith("//"):
        plain = plain[1:]
    return plain if plain in files else spark_path


def with_chunk_position(df: DataFrame, probe: DataFrame) -> DataFrame:
    """Add ``POSITION_COLUMN`` where there is no row index: partitions (file chunks) in order.

    ``probe`` is ``df`` plus ``_FILE``/``_BLOCK`` (``_metadata`` fields) when read from files (chunks
    ordered by file then offset), or ``df`` itself (partitions in order). One small job counts
    the rows per chunk; each row's position is then its chunk's offset plus its index in its
    partition. Spark packs file chunks into partitions the same way every time it plans the same
    read, so positions are stable.
    """
    has_file = _FILE in probe.columns
    mid = F.monotonically_increasing_id()
    part, row = mid.bitwiseAND(-(1 << _ROW_BITS)), mid.bitwiseAND((1 << _ROW_BITS) - 1)
    keys = [F.col(_FILE), F.col(_BLOCK)] if has_file else [F.lit(""), F.lit(0)]
    tagged = probe.select(part.alias("_p"), row.alias("_r"), keys[0].alias("_f"), keys[1].alias("_b"))
    chunks = tagged.groupBy("_p", "_f", "_b").agg(F.min("_r").alias("_lo"), F.count("*").alias("_n"))
    rows = sorted(chunks.collect(), key=lambda r: (str(r["_f"]), r["_b"], r["_p"]))
    lookup: dict[str, int] = {}
    total = 0
    for r in rows:
        lookup[f"{r['_p']}|{r['_f']}|{r['_b']}"] = total - r["_lo"]
        total += r["_n"]
    tag = F.concat_ws("|", part.cast("string"), keys[0].cast("string"), keys[1].cast("string"))
    if not lookup:
        return df.withColumn(POSITION_COLUMN, F.lit(0).cast("long"))
    table = F.create_map(*chain.from_iterable((F.lit(k), F.lit(v)) for k, v in lookup.items()))
    user = [F.col(f"`{c}`") for c in df.columns]
    source = probe if has_file else df
    return source.select(*user, (table[tag] + row).cast("long").alias(POSITION_COLUMN))


def check_unique_ids(ds: SparkDataset) -> None:
    """Raise ``DuplicateIdError`` when the id column has nulls or duplicates (one Spark job)."""
    assert ds.id_column is not None
    col = F.col(f"`{ds.id_column}`")
    with spark_errors(ds.path):
        nulls, dups = ds.df.agg(F.count_if(col.isNull()), F.count(col) - F.count_distinct(col)).first()  # type: ignore[misc]
    if nulls:
        raise DuplicateIdError(f"{ds.path}: id column '{ds.id_column}' has {nulls} null value(s)",
                               ds.id_column)
    if dups:  # error path only: the polars reader's count (rows sharing an id) and examples
        n = F.count("*").alias("n")
        with spark_errors(ds.path):
            groups = ds.df.groupBy(col.alias("id")).agg(n, F.min(POSITION_COLUMN).alias("first"))
            groups = groups.where("n > 1").cache()
            shared = groups.agg(F.sum("n")).first()[0]  # type: ignore[index]
            examples = [r[0] for r in groups.orderBy("first").limit(5).collect()]
            groups.unpersist()
        shown = ", ".join(map(repr, examples))
        raise DuplicateIdError(f"{ds.path}: id column '{ds.id_column}' is not unique: {shared} rows "
                               f"share an id (e.g. {shown})", ds.id_column, examples)


@contextmanager
def spark_errors(source: str) -> Iterator[None]:
    """Turn a Spark failure while reading ``source`` into one line naming it (no JVM trace).

    Wrap every Spark action on a dataset with it: a corrupt file is often only found by the job.
    """
    try:
        yield
    except AnalysisException as exc:
        cond = exc.getCondition() or ""
        if "UNRESOLVED_COLUMN" in cond or "FIELD_NOT_FOUND" in cond:
            name = (exc.getMessageParameters() or {}).get("objectName", "?")
            raise MissingColumnError(f"{source}: column {name} not found", name.strip("`")) from None
        raise FileFormatError(f"{source}: {spark_message(exc)}", source) from None
    except PySparkException as exc:
        raise FileFormatError(f"{source}: {spark_message(exc)}", source) from None
    except Exception as exc:  # py4j's Py4JJavaError for failures outside pyspark's wrappers
        if type(exc).__module__.startswith("py4j"):
            raise FileFormatError(f"{source}: {spark_message(exc)}", source) from None
        raise


def spark_message(exc: BaseException) -> str:
    """The first meaningful line of a Spark error, without the JVM stack trace."""
    text = str(exc)
    if isinstance(exc, PySparkException):
        text = exc.getMessage() or text
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    cause = next((ln for ln in lines if "Caused by:" in ln), None)
    first = lines[0] if lines else type(exc).__name__
    low = text.lower()
    if "parquet" in low and ("magic" in low or "not a parquet" in low or "corrupt" in low):
        return f"not a valid Parquet file ({first[:200]})"
    if "malformed" in low:
        return f"malformed record ({first[:200]})"
    return (cause.split("Caused by:", 1)[1].strip() if cause else first)[:300]


def spark_type(dtype: pl.DataType) -> T.DataType:
    """The Spark type that reads a CSV/JSON value as polars would type it (text otherwise)."""
    simple: dict[Any, T.DataType] = {
        pl.Int8: T.ByteType(), pl.Int16: T.ShortType(), pl.Int32: T.IntegerType(),
        pl.Int64: T.LongType(), pl.UInt8: T.ShortType(), pl.UInt16: T.IntegerType(),
        pl.UInt32: T.LongType(), pl.UInt64: T.DecimalType(20, 0), pl.Float32: T.FloatType(),
        pl.Float64: T.DoubleType(), pl.Boolean: T.BooleanType(), pl.Date: T.DateType(),
    }
    for k, v in simple.items():
        if dtype == k:
            return v
    if isinstance(dtype, pl.Datetime):
        return T.TimestampType() if dtype.time_zone else T.TimestampNTZType()
    if isinstance(dtype, pl.Decimal):
        return T.DecimalType(dtype.precision or 38, dtype.scale or 0)
    return T.StringType()


def spark_schema(schema: pl.Schema) -> T.StructType:
    """A Spark schema from a polars schema (``spark_type`` per column)."""
    return T.StructType([T.StructField(n, spark_type(t), True) for n, t in schema.items()])


__all__ = ["POSITION_COLUMN", "SparkDataset", "read_spark_dataset", "check_unique_ids",
           "spark_errors", "spark_message", "spark_schema", "spark_type", "with_chunk_position"]
