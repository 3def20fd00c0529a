"""Write the benchmark table at 20M-100M rows as several Parquet files, one chunk at a time.

Each file is one chunk of ``gen_table.generate`` (a different seed per chunk, ids shifted so
they stay unique across files), written and dropped before the next one is built: memory is
bounded by one chunk (about 1 GB at 5M rows), never by the table::

    python benchmarks/gen_big.py --rows 20000000                 # -> /tmp/dataqa-bench/t20m/part-*.parquet
    python benchmarks/gen_big.py --rows 20000000 --all-failing   # -> /tmp/dataqa-bench/t20m-fail/
    python benchmarks/gen_big.py --rows 100000000 --from /tmp/dataqa-bench/t20m   # copies, ids shifted

``--all-failing``: every id appears exactly twice (uniqueness fails on every row) and ``f_b``
is shifted out of [0, 1] on every row (``f_b_between`` fails on every row); the other checks
keep their ~0.06% of injected errors. Data goes to ``/tmp/dataqa-bench`` (delete it after).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_table import SEED, generate  # noqa: E402

ROOT = Path("/tmp/dataqa-bench")
CHUNK = 5_000_000


def folder(rows: int, all_failing: bool) -> Path:
    """``/tmp/dataqa-bench/t<M>m[-fail]``."""
    return ROOT / (f"t{rows // 1_000_000}m" + ("-fail" if all_failing else ""))


def write(rows: int, all_failing: bool = False, out: Path | None = None, chunk: int = CHUNK) -> Path:
    """Write ``rows`` rows as ``ceil(rows / chunk)`` Parquet files; returns the folder."""
    out = out or folder(rows, all_failing)
    out.mkdir(parents=True, exist_ok=True)
    done, part = 0, 0
    while done < rows:
        n = min(chunk, rows - done)
        path = out / f"part-{part:03d}.parquet"
        if not path.exists():
            df = generate(n, SEED + part)
            if all_failing:
                # global row r gets id r // 2 + 1: each id exactly twice (chunk sizes are even)
                df = df.with_columns(((pl.int_range(0, n, dtype=pl.Int64) + done) // 2 + 1).alias("id"),
                                     (pl.col("f_b") + 1.5).alias("f_b"))
            else:
                df = df.with_columns(pl.col("id") + done)
            tmp = path.with_suffix(".tmp")
            df.write_parquet(tmp, row_group_size=500_000)
            tmp.rename(path)  # a killed run leaves no truncated part behind
            del df
        done += n
        part += 1
    return out


def replicate(source: Path, rows: int, all_failing: bool, out: Path | None = None) -> Path:
    """``rows`` rows from copies of the parts of a smaller table written by ``write`` (much
    faster than generating: one streaming scan and sink per part, ids shifted so the copies
    keep the source's duplicates and add none)."""
    out = out or folder(rows, all_failing)
    out.mkdir(parents=True, exist_ok=True)
    parts = sorted(source.glob("part-*.parquet"))
    sizes = [pl.scan_parquet(p).select(pl.len()).collect().item() for p in parts]
    done, k = 0, 0
    while done < rows:
        src, n = parts[k % len(parts)], sizes[k % len(parts)]
        offset = sum(sizes) * (k // len(parts))
        path = out / f"part-{k:03d}.parquet"
        if not path.exists():
            shift = offset // 2 if all_failing else offset  # all-failing ids are row // 2 + 1
            tmp = path.with_suffix(".tmp")
            pl.scan_parquet(src).with_columns(pl.col("id") + shift).sink_parquet(tmp, row_group_size=500_000)
            tmp.rename(path)
        done += n
        k += 1
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--all-failing", action="store_true")
    parser.add_argument("--chunk", type=int, default=CHUNK)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="replicate this smaller table's parts instead of generating")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = (replicate(args.source, args.rows, args.all_failing, args.out) if args.source
           else write(args.rows, args.all_failing, args.out, args.chunk))
    size = sum(p.stat().st_size for p in out.glob("*.parquet"))
    print(f"wrote {out}: {args.rows:,} rows in {len(list(out.glob('*.parquet')))} files, "
          f"{size / 1e9:.2f} GB, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
