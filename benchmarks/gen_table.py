"""Seeded generator of the 20-column benchmark table, with ~1% injected errors.

Vectorised with numpy + polars (no Python loop over rows), written as Parquet::

    python benchmarks/gen_table.py --rows 1000000            # -> benchmarks/data/table_1m.parquet
    python benchmarks/gen_table.py --rows 5000000            # -> benchmarks/data/table_5m.parquet

Columns: ``id`` (int key), four ints, five floats, four strings (``email``, ``code``,
``name``, ``zip``), three categorical columns (``country`` and ``channel`` as polars Categorical,
``status`` as plain strings), a timestamp
``ts`` and a 5-class ``label``. Each of the 16 checks in ``bench_check.CHECKS`` gets
errors on about 0.06% of the rows (about 1% of the rows carry an error in total).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl

SEED = 7
DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRIES = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL", "SE", "JP"]
STATUSES = ["active", "paused", "closed", "pending"]
CHANNELS = ["web", "app", "store", "phone", "partner"]
LABELS = ["class_0", "class_1", "class_2", "class_3", "class_4"]
FIRST = ["ann", "bob", "carla", "dimitri", "eve", "francesca", "gus", "hiroshi", "ines", "joanna"]
ERROR_RATE = 0.0006  # per check; 16 checks -> ~1% of rows


def default_path(rows: int) -> Path:
    """``benchmarks/data/table_<rows>.parquet`` with 1m/5m style names."""
    tag = f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else str(rows)
    return DATA_DIR / f"table_{tag}.parquet"


def generate(rows: int, seed: int = SEED) -> pl.DataFrame:
    """Build the table in memory (about 150 bytes per row before compression)."""
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> pl.Series:
        return pl.Series(values).gather(rng.integers(0, len(values), rows))

    def hit() -> pl.Series:
        """A fresh random ~ERROR_RATE mask: which rows get this check's error."""
        return pl.Series(rng.random(rows) < ERROR_RATE)

    ids = np.arange(1, rows + 1, dtype=np.int64)
    df = pl.DataFrame({
        "id": ids,
        "int_a": rng.integers(18, 91, rows),
        "int_b": rng.integers(0, 1001, rows),
        "int_c": rng.integers(1990, 2026, rows),
        "int_d": rng.integers(1, 51, rows),
        "f_a": rng.gamma(2.0, 500.0, rows).clip(0, 10_000),
        "f_b": rng.random(rows),
        "f_c": rng.normal(12, 8, rows).clip(-30, 50),
        "f_d": rng.normal(0, 1, rows),
        "f_e": rng.uniform(-90, 90, rows),
        "name": pick(FIRST),
        "country": pick(COUNTRIES),
        "status": pick(STATUSES),
        "channel": pick(CHANNELS),
        "label": pick(LABELS),
        "ts": pl.Series(1_577_836_800_000_000 + rng.integers(0, 5 * 365 * 86_400, rows) * 1_000_000)
        .cast(pl.Datetime("us")),
        "_zip": rng.integers(0, 100_000, rows),
        "_code_l": pick(["AB", "CD", "EF", "GH", "KL", "MN"]),
        "_code_n": rng.integers(0, 100_000, rows),
    }).with_columns(
        email=pl.col("name") + pl.lit(".") + pl.col("id").cast(pl.Utf8) + pl.lit("@example.com"),
        code=pl.col("_code_l") + pl.lit("-") + pl.col("_code_n").cast(pl.Utf8).str.zfill(5),
        zip=pl.col("_zip").cast(pl.Utf8).str.zfill(5),
    )
    # Inject the errors, one independent mask per check (see bench_check.CHECKS).
    df = df.with_columns(
        zip=pl.when(hit()).then(None).otherwise(pl.col("zip")),
        int_a=pl.when(hit()).then(pl.col("int_a") * 10).otherwise(pl.col("int_a")),
        int_b=pl.when(hit()).then(-pl.col("int_b") - 1).otherwise(pl.col("int_b")),
        int_c=pl.when(hit()).then(pl.col("int_c") - 1000).otherwise(pl.col("int_c")),
        f_b=pl.when(hit()).then(pl.col("f_b") + 1.5).otherwise(pl.col("f_b")),
        f_c=pl.when(hit()).then(pl.col("f_c") + 100.0).otherwise(pl.col("f_c")),
        email=pl.when(hit()).then(pl.col("email").str.replace("@", " at ")).otherwise(pl.col("email")),
        code=pl.when(hit()).then(pl.col("code").str.to_lowercase()).otherwise(pl.col("code")),
        name=pl.when(hit()).then(pl.lit("x")).otherwise(pl.col("name")),
        country=pl.when(hit()).then(pl.lit("XX")).otherwise(pl.col("country")),
        status=pl.when(hit()).then(pl.col("status").str.to_uppercase()).otherwise(pl.col("status")),
        channel=pl.when(hit()).then(None).otherwise(pl.col("channel")),
        label=pl.when(hit()).then(pl.lit("class_9")).otherwise(pl.col("label")),
    )
    # f_a: some nulls (not_null) and some negatives (between), on separate masks.
    df = df.with_columns(
        f_a=pl.when(hit()).then(None).when(hit()).then(-pl.col("f_a") - 1.0).otherwise(pl.col("f_a")),
    )
    # Duplicate ids: a hit row takes the id of the row before it (both become duplicates).
    # ids have no nulls: pandera counts nulls as duplicates and GX does not.
    df = df.with_columns(id=pl.when(hit()).then(pl.col("id").shift(1)).otherwise(pl.col("id")).fill_null(1))
    return df.select(
        "id", "int_a", "int_b", "int_c", "int_d", "f_a", "f_b", "f_c", "f_d", "f_e",
        "email", "code", "name", "zip", "country", "status", "channel", "ts", "label",
        pl.col("f_a").round(0).cast(pl.Int64).alias("int_e"),
    ).with_columns(pl.col("country", "channel").cast(pl.Categorical))


def ensure_table(rows: int) -> Path:
    """The benchmark table with ``rows`` rows: generated (whole millions) or sliced when missing."""
    path = default_path(rows)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if rows % 1_000_000 == 0:
        generate(rows).write_parquet(path)
    else:
        pl.scan_parquet(ensure_table(1_000_000)).head(rows).sink_parquet(path)
    return path


def main(argv: list[str] | None = None) -> None:
    """Write the table to Parquet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or default_path(args.rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    df = generate(args.rows, args.seed)
    df.write_parquet(out)
    print(f"wrote {out}: {df.height} rows x {df.width} columns, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
