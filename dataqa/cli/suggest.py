"""``dataqa suggest``: draft a GX or pandera suite from a dataset's profile."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class SuiteFormat(str, Enum):
    gx = "gx"
    pandera = "pandera"


def suggest(
    data: Annotated[Optional[str], typer.Argument(help="Dataset file or saved profile JSON; default from dataqa.toml.")] = None,
    format: Annotated[SuiteFormat, typer.Option("--format", "-f", help="gx (GX JSON) or pandera (pandera YAML).")] = SuiteFormat.gx,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the draft here (default: stdout).")] = None,
    id_column: Annotated[Optional[str], typer.Option("--id", help="Id column that must stay unique (default: detected).")] = None,
) -> None:
    """Draft a suite from DATA's profile: types, nulls, ranges with a margin, sets, id uniqueness."""
    from dataqa.config import load_config
    from dataqa.io import ensure_writable
    from dataqa.validation.profile import load_reference
    from dataqa.validation.suggest import suggest as draft

    cfg = load_config()
    if out:
        ensure_writable(out, "--out")
    prof = load_reference(cfg.dataset_path(data))
    text = draft(prof, format=format.value, id_column=cfg.id_column_for(data, id_column))
    if out:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote draft {format.value} suite for {prof.n_columns} columns to {out}")
    else:
        typer.echo(text, nl=False)
