"""The waterfall chart of cumulative gain by fix (altair; PNG through vl-convert)."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import polars as pl

from dataqa.ledger.ledger import Ledger
from dataqa.ledger.metrics import gain


def waterfall_frame(ledger: Ledger, metric: str = "accuracy") -> pl.DataFrame:
    """One bar per fix: from the cumulative gain before it to the cumulative gain after it.

    Gain is oriented so that up is better (for log loss, a drop in loss is a gain).
    """
    sign = gain(metric, 1.0)  # +1 when higher is better, -1 for a loss
    first = ledger.entries[0].metrics[metric].value
    rows = []
    for e in ledger.entries[1:]:
        assert e.delta is not None
        gain_after = sign * (e.metrics[metric].value - first)
        d = e.delta[metric]
        rows.append({
            "step": f"{e.version} {e.fix_kind}", "start": gain_after - sign * d.value, "end": gain_after,
            "delta": sign * d.value, "low": sign * (d.low if sign > 0 else d.high),
            "high": sign * (d.high if sign > 0 else d.low), "message": e.message,
        })
    return pl.DataFrame(rows, schema={"step": pl.String, "start": pl.Float64, "end": pl.Float64,
                                      "delta": pl.Float64, "low": pl.Float64, "high": pl.Float64,
                                      "message": pl.String})


def waterfall_chart(ledger: Ledger, metric: str = "accuracy") -> alt.LayerChart:
    """The altair chart: bars of each fix's gain, with the delta's 95% interval as a rule."""
    df = waterfall_frame(ledger, metric).with_columns(
        (pl.col("end") - pl.col("delta") + pl.col("low")).alias("ci_low"),
        (pl.col("end") - pl.col("delta") + pl.col("high")).alias("ci_high"),
        pl.when(pl.col("delta") >= 0).then(pl.lit("gain")).otherwise(pl.lit("loss")).alias("direction"),
    )
    if df.height:  # a closing bar: the total gain of all fixes
        last = df.row(-1, named=True)
        df = pl.concat([df, pl.DataFrame([{**last, "step": "total", "start": 0.0, "delta": last["end"],
                                           "low": None, "high": None, "ci_low": None, "ci_high": None,
                                           "message": "all fixes", "direction": "total"}], schema=df.schema)])
    order = df["step"].to_list()
    axis = alt.Axis(labelAngle=0)
    base = alt.Chart(alt.Data(values=df.to_dicts())).encode(  # type: ignore[no-untyped-call]  # altair stub
        x=alt.X("step:N", sort=order, title="fix (version)", axis=axis))
    bars = base.mark_bar(size=40).encode(
        y=alt.Y("start:Q", title=f"cumulative {metric} gain vs {ledger.entries[0].version}"),
        y2="end:Q",
        color=alt.Color("direction:N", scale=alt.Scale(domain=["gain", "loss", "total"],
                                                               range=["#2ca02c", "#d62728", "#7f7f7f"])),
        tooltip=["step:N", "message:N", alt.Tooltip("delta:Q", format="+.4f"),
                 alt.Tooltip("low:Q", format="+.4f"), alt.Tooltip("high:Q", format="+.4f")],
    )
    ci = base.mark_rule(color="black").encode(y="ci_low:Q", y2="ci_high:Q")
    zero = alt.Chart(alt.Data(values=[{"z": 0}])).mark_rule(  # type: ignore[no-untyped-call]  # altair stub
        strokeDash=[4, 4]).encode(y="z:Q")
    return (bars + ci + zero).properties(  # type: ignore[no-any-return]  # altair is untyped here
        title=f"{ledger.dataset}: what each fix did to the baseline's {metric} (95% CI of each delta)",
        width=max(200, 90 * len(order)), height=300)


def write_waterfall(ledger: Ledger, out_dir: str | Path, metric: str = "accuracy") -> tuple[Path, Path]:
    """Write ``waterfall_<metric>.html`` and ``.png`` into ``out_dir``; return both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chart = waterfall_chart(ledger, metric)
    html, png = out / f"waterfall_{metric}.html", out / f"waterfall_{metric}.png"
    chart.save(str(html))
    chart.save(str(png), scale_factor=2)
    return html, png
