"""Reading datasets lazily with polars, with a stable row id and clear errors.

Every dataset has a row id: a key column the user names (``--id COL`` or ``id_column`` in
``dataqa.toml``), otherwise the row position in the file (0-based), which is the same for the
same file. Failures, suspects and version diffs are reported by this id.
"""

from __future__ import annotations

import csv
import glob
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from dataqa.columns import ROW_ID
from dataqa.errors import DuplicateIdError, FileFormatError, InputError, MissingColumnError

Format = Literal["csv", "parquet", "jsonl"]

_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def detect_format(path: str | Path) -> Format:
    """Return the dataset format from the file suffix.

    Raises
    ------
    FileFormatError
        If the suffix is not one of .csv .tsv .txt .parquet .pq .jsonl .ndjson.
    """
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(_SUFFIXES))
        raise FileFormatError(
            f"{path}: unknown dataset format '{suffix or '(no suffix)'}'; use one of {known}",
            str(path),
        ) from None


@dataclass(frozen=True)
class Dataset:
    """A lazily read dataset and how its rows are identified.

    Attributes
    ----------
    path:
        Where it was read from (for messages).
    lf:
        The data, exactly the file's columns, as a polars LazyFrame.
    id_column:
        The user's key column, or ``None`` when rows are identified by position.
    """

    path: str
    lf: pl.LazyFrame
    id_column: str | None = None
    format: Format | None = None

    @property
    def columns(self) -> list[str]:
        """Column names, in file order."""
        return list(self.schema.names())

    @property
    def schema(self) -> pl.Schema:
        """The polars schema (resolving it reads only the file header or metadata)."""
        return collect_schema(self.lf, self.path)

    def with_row_id(self, name: str = ROW_ID) -> pl.LazyFrame:
        """The data plus a ``name`` column holding each row's id (key value or row position)."""
        if self.id_column is None:
            return self.lf.with_row_index(name)
        return self.lf.with_columns(pl.col(self.id_column).alias(name))

    def collect(self) -> pl.DataFrame:
        """Read the whole dataset into memory, translating read errors to ``FileFormatError``."""
        return collect(self.lf, self.path)


def _separator(path: str | Path) -> str:
    return "\t" if str(path).lower().endswith(".tsv") else ","


def _scan(path: Path, fmt: Format) -> pl.LazyFrame:
    if fmt == "csv":
        # Ragged lines must be an error, not silently padded: truncate_ragged_lines stays False.
        return pl.scan_csv(path, separator=_separator(path), infer_schema_length=10_000, encoding="utf8")
    if fmt == "parquet":
        return pl.scan_parquet(path)
    return pl.scan_ndjson(path, infer_schema_length=10_000)


def read_dataset(
    path: str | Path,
    *,
    id_column: str | None = None,
    format: Format | None = None,
    check_ids: bool = True,
) -> Dataset:
    """Open a CSV, Parquet or JSON Lines file lazily.

    Parameters
    ----------
    path:
        The file, or a directory or glob of Parquet files (read in sorted path order).
    id_column:
        A key column identifying rows; ``None`` identifies rows by position.
    format:
        Overrides the format detected from the suffix.
    check_ids:
        Verify that ``id_column`` exists and is unique and non-null (one small query on that column).

    Raises
    ------
    FileFormatError
        Missing, empty, unknown-format or malformed file.
    MissingColumnError
        ``id_column`` is not in the file.
    DuplicateIdError
        ``id_column`` has duplicated or null values.

    Examples
    --------
    >>> ds = read_dataset("sample_data/diamonds.csv", id_column="diamond_id")
    >>> ds.id_column
    'diamond_id'
    """
    p = Path(path)
    parts = parquet_parts(path)
    if parts is None:
        if not p.exists():
            raise FileFormatError(f"{p}: no such file", str(p))
        if p.is_dir():
            raise FileFormatError(f"{p}: is a folder, not a dataset file", str(p))
        if p.stat().st_size == 0:
            raise FileFormatError(f"{p}: the file is empty", str(p))
    fmt = format or ("parquet" if parts is not None else detect_format(p))
    try:
        # several files: scanned in sorted path order, so a row's position is the rows of the
        # files before it plus its index in its file (what the Spark reader computes too)
        lf = _scan(p, fmt) if parts is None else pl.scan_parquet(parts)
    except Exception as exc:  # polars raises several types on open
        raise FileFormatError(f"{p}: {_first_line(exc)}", str(p)) from None
    ds = Dataset(path=str(p), lf=lf, id_column=id_column, format=fmt)
    if fmt == "csv":
        check_csv_shape(p)
    columns = ds.columns  # resolves the header now, so a bad file fails here
    if id_column is not None:
        if id_column not in columns:
            raise MissingColumnError(
                f"{p}: id column '{id_column}' not found; columns are {', '.join(columns)}",
                id_column,
                columns,
            )
        if check_ids:
            check_unique_ids(ds)
    return ds


def parquet_parts(path: str | Path) -> list[Path] | None:
    """The Parquet files a directory or a glob pattern names, in sorted path order.

    ``None`` when ``path`` is neither (a single dataset file). A directory contributes the
    ``*.parquet``/``*.pq`` files directly in it (not ``_SUCCESS`` or hidden files).

    Raises
    ------
    FileFormatError
        Nothing matches, a matched file is not Parquet, or a file's footer is unreadable.
    """
    text = str(path)
    if any(ch in text for ch in "*?["):
        files = [Path(f) for f in glob.glob(text)
                 if Path(f).is_file() and not Path(f).name.startswith((".", "_"))]
        if not files:
            raise FileFormatError(f"{text}: no file matches the pattern", text)
    elif Path(text).is_dir():
        files = [f for f in Path(text).iterdir() if f.is_file()
                 and f.suffix.lower() in (".parquet", ".pq") and not f.name.startswith((".", "_"))]
        if not files:
            raise FileFormatError(f"{text}: is a folder without Parquet files (*.parquet)", text)
    else:
        return None
    files.sort(key=str)
    for f in files:
        if detect_format(f) != "parquet":
            raise FileFormatError(f"{f}: only Parquet files can be read as a set "
                                  f"(matched by {text})", str(f))
        # The footer only: a corrupt part is named here rather than mid-query. polars reads it,
        # not pyarrow: importing pyarrow (and numpy) costs `dataqa check` ~0.15 s CPU at start.
        try:
            pl.read_parquet_schema(f)
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise FileFormatError(f"{f}: {_first_line(exc)}", str(f)) from None
    return files


def check_unique_ids(ds: Dataset) -> None:
    """Raise ``DuplicateIdError`` when the dataset's id column has duplicates or nulls."""
    assert ds.id_column is not None
    col = pl.col(ds.id_column)
    stats = collect(
        ds.lf.select(
            col.null_count().alias("nulls"),
            col.is_duplicated().sum().alias("dups"),
        ),
        ds.path,
    ).row(0)
    if stats[0]:
        raise DuplicateIdError(
            f"{ds.path}: id column '{ds.id_column}' has {stats[0]} null value(s)", ds.id_column
        )
    if stats[1]:
        examples = (
            collect(
                ds.lf.select(col).filter(col.is_duplicated()).unique(maintain_order=True).head(5),
                ds.path,
            )
            .to_series()
            .to_list()
        )
        shown = ", ".join(map(repr, examples))
        raise DuplicateIdError(
            f"{ds.path}: id column '{ds.id_column}' is not unique: {stats[1]} rows share an id "
            f"(e.g. {shown})",
            ds.id_column,
            examples,
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    msg = text[0] if text else type(exc).__name__
    low = str(exc).lower()
    if "utf-8" in low or "utf8" in low or "invalid utf" in low:
        return f"the file is not valid UTF-8 text ({msg})"
    if "found more fields than defined" in low or "expected" in low and "fields" in low:
        return f"ragged CSV: a line has more fields than the header ({msg})"
    if "parquet" in low or "magic" in low or "footer" in low or "out of spec" in low:
        return f"not a valid Parquet file ({msg})"
    return msg


def csv_header(path: str | Path) -> list[str]:
    """The names on a CSV's first line, exactly as written (polars renames duplicates)."""
    try:
        head = pl.read_csv(path, has_header=False, n_rows=1, infer_schema=False,
                           separator=_separator(path), truncate_ragged_lines=True)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FileFormatError(f"{path}: {_first_line(exc)}", str(path)) from None
    return [str(v) if v is not None else "" for v in head.row(0)] if head.height else []


def check_csv_shape(path: str | Path) -> None:
    """Reject what polars would read differently depending on the columns a query touches.

    Duplicated header names (polars renames the second ``a`` to ``a_duplicated_0``) and ragged
    lines (a line with more fields than the header: polars notices only when it parses every
    column, so ``check`` on one column would pass a file ``profile`` rejects). The ragged-line
    pass tokenises every line but keeps one text column: about a quarter of a full read.

    Raises
    ------
    FileFormatError
        Naming the duplicated column(s), or the first ragged line by its line number in the file.
    """
    names = csv_header(path)
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        where = "; ".join(f"'{d}' is column " + " and ".join(str(i + 1) for i, n in enumerate(names) if n == d)
                          for d in dups)
        raise FileFormatError(f"{path}: duplicate column name(s) in the header: {where}", str(path))
    ragged = first_ragged_line(path, len(names))
    if ragged is not None:
        line, fields = ragged
        raise FileFormatError(
            f"{path}: ragged CSV: line {line} has {fields} fields, the header has {len(names)}", str(path))


def first_ragged_line(path: str | Path, width: int) -> tuple[int, int] | None:
    """``(line number, field count)`` of the first line with more than ``width`` fields, or None.

    Polars reads the file with one extra text column: it is filled only on ragged lines.
    """
    extra = f"__dataqa_extra_{width}"
    schema: dict[str, pl.DataType] = {f"__dataqa_{i}": pl.String() for i in range(width)}
    schema[extra] = pl.String()
    lf = pl.scan_csv(path, has_header=False, skip_rows=1, schema=schema, separator=_separator(path),
                     truncate_ragged_lines=True, missing_columns="insert")
    try:
        row = lf.select(pl.col(extra).is_not_null().arg_true().first()).collect(engine="streaming").item()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _read_error(exc, str(path)) from None
    if row is None:
        return None
    return _physical_line(path, int(row) + 1)


def _physical_line(path: str | Path, record: int) -> tuple[int, int]:
    """Line number and field count of the ``record``-th record after the header (1-based).

    The csv module counts physical lines, so quoted fields spanning lines are accounted for;
    ``islice`` skips the records before it in C (error path only).
    """
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=_separator(path))
        fields = next(itertools.islice(reader, record, record + 1), [])
        return reader.line_num, len(fields)


def _read_error(exc: BaseException, source: str) -> FileFormatError:
    msg = _first_line(exc)
    if msg.startswith("ragged CSV") and Path(source).is_file():
        try:
            ragged = first_ragged_line(source, len(csv_header(source)))
        except FileFormatError:
            ragged = None
        if ragged is not None:
            msg = f"ragged CSV: line {ragged[0]} has {ragged[1]} fields, the header has {len(csv_header(source))}"
    return FileFormatError(f"{source}: {msg}", source)


def collect_schema(lf: pl.LazyFrame, source: str) -> pl.Schema:
    """``lf.collect_schema()`` with read errors turned into ``FileFormatError`` naming ``source``."""
    try:
        return lf.collect_schema()
    except Exception as exc:
        raise _read_error(exc, source) from None


def collect(lf: pl.LazyFrame, source: str) -> pl.DataFrame:
    """``lf.collect()`` with read errors turned into ``FileFormatError`` naming ``source``."""
    try:
        return lf.collect()
    except pl.exceptions.ColumnNotFoundError as exc:
        raise MissingColumnError(f"{source}: {_first_line(exc)}", str(exc)) from None
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError, pl.exceptions.SchemaError) as exc:
        raise _read_error(exc, source) from None


def collect_all(lfs: list[pl.LazyFrame], source: str) -> list[pl.DataFrame]:
    """``pl.collect_all`` (shared scans are read once) with errors translated like ``collect``."""
    try:
        return pl.collect_all(lfs)
    except pl.exceptions.ColumnNotFoundError as exc:
        raise MissingColumnError(f"{source}: {_first_line(exc)}", str(exc)) from None
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError, pl.exceptions.SchemaError) as exc:
        raise _read_error(exc, source) from None


def write_dataset(df: pl.DataFrame, path: str | Path) -> None:
    """Write a frame as CSV, Parquet or JSON Lines, chosen by suffix."""
    fmt = detect_format(path)
    if fmt == "csv":
        df.write_csv(path)
    elif fmt == "parquet":
        df.write_parquet(path)
    else:
        df.write_ndjson(path)


def ensure_writable(path: str | Path, option: str) -> None:
    """Fail early, before any work, when an output file cannot be written.

    ``option`` names the command-line option in the message (``--output``). An existing file
    must be a writable file; a new one is probed by creating and removing it, which also
    catches what permission bits cannot tell (root on a read-only mount, a missing folder).

    Raises
    ------
    InputError
        One line naming the option, the path and the reason.
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{option} {p}: is a folder, not a file")
        if p.exists():
            if not os.access(p, os.W_OK):
                raise InputError(f"{option} {p}: cannot write there (permission denied)")
            return
        with open(p, "x", encoding="utf-8"):
            pass
        p.unlink()
    except OSError as exc:
        raise InputError(f"{option} {p}: cannot write there ({exc.strerror or type(exc).__name__})") from None
