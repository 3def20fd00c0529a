"""A self-contained HTML profile report: an overview table plus a small chart per column.

Charts are Altair (Vega-Lite) specs rendered by vega-embed. The Vega, Vega-Lite and
vega-embed scripts are inlined from ``vl-convert-python``'s offline bundle, so the file opens
without network access (no CDN).
"""

from __future__ import annotations

import html
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import altair as alt

from dataqa.validation.drift_model import DriftReport
from dataqa.validation.profile_model import ColumnProfile, Profile

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}.note{color:#8a5a00}
.col{display:flex;gap:2rem;align-items:flex-start;border-top:1px solid #ccc;padding:1rem 0}
.failed{color:#b00020;font-weight:bold}.warning{color:#8a5a00}.passed{color:#1b5e20}
"""


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script (from vl-convert's offline bundle).

    Bundling takes seconds, so the result is kept in ``$XDG_CACHE_HOME/dataqa`` (default
    ``~/.cache/dataqa``), keyed by the vl-convert version; an unwritable cache is skipped.
    """
    import vl_convert  # a native Vega runtime: loaded only when an HTML profile is written

    version = getattr(vl_convert, "__version__", None) or vl_convert.get_vega_embed_version()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dataqa"
    path = cache / f"vega-bundle-{version}-{vl_convert.get_vega_version()}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = str(vl_convert.javascript_bundle())  # type: ignore[call-arg]  # snippet is optional
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # atomic: concurrent runs never read half a file
    except OSError:
        pass
    return text


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def column_chart(cp: ColumnProfile) -> dict[str, Any] | None:
    """A Vega-Lite spec for the column (histogram or top-values bars), or None."""
    size = {"width": 260, "height": 120}
    if cp.histogram is not None:
        e, n = cp.histogram.edges, cp.histogram.counts
        rows: list[dict[str, Any]] = [{"start": e[i], "end": e[i + 1], "count": n[i]} for i in range(len(n))]
        kind: Literal["temporal", "quantitative"] = (
            "temporal" if cp.kind == "temporal" else "quantitative")
        chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(  # type: ignore[no-untyped-call]
            x=alt.X("start", type=kind, title=cp.name), x2="end",
            y=alt.Y("count", type="quantitative", title="rows"))
    elif cp.top_values:
        rows = [{"value": v, "count": n} for v, n in cp.top_values]
        chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(  # type: ignore[no-untyped-call]
            y=alt.Y("value", type="nominal", sort="-x", title=cp.name),
            x=alt.X("count", type="quantitative", title="rows"))
    else:
        return None
    # validate=False: the two chart shapes are fixed and tested in a browser; schema validation
    # of every chart costs more than computing the profile of a small table
    return dict(chart.properties(**size).to_dict(validate=False))


def _stats(cp: ColumnProfile) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [("type", f"{cp.dtype} ({cp.kind})"),
                                   ("nulls", f"{cp.null_count} ({cp.null_percent:.2f}%)"),
                                   ("distinct", f"{'' if cp.distinct_exact else '~'}{_fmt(cp.distinct)}")]
    for k in ("min", "max", "mean", "std", "sum", "mad", "skewness", "kurtosis", "zeros",
              "negatives"):
        if getattr(cp, k) is not None:
            rows.append((k, getattr(cp, k)))
    rows += [(k, v) for k, v in cp.quantiles.items() if v is not None]
    if cp.nan_count or cp.inf_count:
        rows.append(("NaN / inf", f"{cp.nan_count} / {cp.inf_count}"))
    if cp.length_min is not None:
        rows.append(("length min/mean/max", f"{cp.length_min} / {_fmt(cp.length_mean)} / {cp.length_max}"))
    if cp.top_values:
        rows.append(("top", ", ".join(f"{v} ({n})" for v, n in cp.top_values[:3])))
    return rows


def _table(rows: list[tuple[str, Any]]) -> str:
    return "<table>" + "".join(f"<tr><th class=l>{html.escape(k)}</th><td class=l>"
                               f"{html.escape(_fmt(v))}</td></tr>" for k, v in rows) + "</table>"


def _overview(p: Profile) -> str:
    head = ["column", "type", "nulls %", "distinct", "min", "max", "mean", "std"]
    out = ["<table><tr>" + "".join(f"<th class=l>{h}</th>" for h in head) + "</tr>"]
    for c in p.columns:
        cells = [c.name, c.dtype, f"{c.null_percent:.2f}",
                 f"{'' if c.distinct_exact else '~'}{_fmt(c.distinct)}", c.min, c.max, c.mean, c.std]
        out.append("<tr>" + "".join(f"<td class=l>{html.escape(_fmt(v))}</td>" for v in cells) + "</tr>")
    return "".join(out) + "</table>"


def _drift(d: DriftReport) -> str:
    rows = ["<h2>Drift against the reference</h2>",
            f"<p>reference: {html.escape(d.reference)}; outcome: "
            f"<span class={d.outcome}>{d.outcome}</span></p>",
            "<table><tr><th class=l>check</th><th class=l>column</th><th>value</th>"
            "<th>warning &gt;</th><th>failed &gt;</th><th class=l>outcome</th><th class=l>message</th></tr>"]
    for r in d.results:
        t = r.threshold
        rows.append(f"<tr><td class=l>{r.check}</td><td class=l>{html.escape(r.column or '')}</td>"
                    f"<td>{_fmt(r.value)}</td><td>{_fmt(t.warning if t else None)}</td>"
                    f"<td>{_fmt(t.failed if t else None)}</td><td class='l {r.outcome}'>{r.outcome}</td>"
                    f"<td class=l>{html.escape(r.message)}</td></tr>")
    rows.append("</table>")
    rows += [f"<p class=note>{html.escape(n)}</p>" for n in d.notes]
    return "".join(rows)


def render_html(p: Profile, drift: DriftReport | None = None) -> str:
    """The whole report as one HTML string (scripts inlined, no external requests)."""
    specs: dict[str, Any] = {}
    sections = []
    for i, c in enumerate(p.columns):
        spec = column_chart(c)
        chart = f"<div class=chart id=chart-{i}></div>" if spec else "<p class=note>no chart</p>"
        if spec:
            specs[f"chart-{i}"] = spec
        notes = "".join(f"<p class=note>{html.escape(n)}</p>" for n in c.notes)
        sections.append(f"<div class=col data-column='{html.escape(c.name, quote=True)}'>"
                        f"<div><h3>{html.escape(c.name)}</h3>{_table(_stats(c))}{notes}</div>"
                        f"{chart}</div>")
    table = [("rows", p.rows), ("columns", p.n_columns), ("duplicate rows", p.duplicate_rows)]
    if p.id_column:
        table.append((f"duplicate ids ({p.id_column})", p.duplicate_ids))
    notes = "".join(f"<p class=note>{html.escape(n)}</p>" for n in p.notes)
    # "</" inside inline JSON would close the script element early
    data = json.dumps(specs).replace("</", "<\\/")
    script = vega_bundle().replace("</script", "<\\/script")
    title = html.escape(f"dataqa profile: {p.source}")
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>"
        f"<style>{_CSS}</style><script>{script}</script></head><body>"
        f"<h1>{title}</h1>{_table(table)}{notes}"
        f"{_drift(drift) if drift else ''}<h2>Columns</h2>{_overview(p)}{''.join(sections)}"
        f"<script>const SPECS={data};for(const [id,s] of Object.entries(SPECS)){{"
        f"vegaEmbed('#'+id,s,{{actions:false,renderer:'svg'}}).catch(e=>console.error(e));}}</script>"
        "</body></html>"
    )


def write_html(p: Profile, path: str | Path, drift: DriftReport | None = None) -> None:
    """Write the report to ``path``."""
    Path(path).write_text(render_html(p, drift), encoding="utf-8")
