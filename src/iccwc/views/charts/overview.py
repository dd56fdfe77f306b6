"""Notebook 00's charts: at a glance (Toolkit stages, recognitions per year, partners' networks, each
network's latest figure) and the partner figures as a series over time.

Takes DataFrames and returns a Figure, like every chart (:mod:`iccwc.views.charts.base`).
"""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from iccwc.analysis.overview import latest_partner_figures, partner_series
from iccwc.views.charts import base as charts
from iccwc.vocab import STAGES


@charts.styled
def at_a_glance(tk: pd.DataFrame, rec: pd.DataFrame, pp: pd.DataFrame) -> Figure:
    """Three small charts side by side: Toolkit stages (``tk``: one status date, ``load_toolkit()``),
    recognitions per year (``rec``: ``load_recognitions()``), partners' reach (``pp``:
    ``load_partner_presence()``)."""
    fig = charts.figure(11, 3.2)
    a, b, c = fig.subplots(1, 3)

    counts = tk["stage"].value_counts().reindex(STAGES, fill_value=0)
    a.barh(counts.index.astype(str), counts.values, color=[charts.STAGE_COLOURS[s] for s in STAGES])
    a.invert_yaxis()
    charts.integer_axis(a.xaxis)
    a.set_title(f"Toolkit requests by stage ({len(tk)})")
    for y, v in enumerate(counts.values):
        a.text(v + 0.15, y, str(v), va="center")
    a.set_xlim(0, counts.max() * 1.2 + 0.5)

    years = range(int(rec["year"].min()), int(rec["year"].max()) + 1)
    per_year = rec["year"].value_counts().reindex(years, fill_value=0)
    b.bar([str(y) for y in years], per_year.values, color=charts.CATEGORY_COLOURS[
        "governing bodies of ICCWC partner organizations"])
    charts.integer_axis(b.yaxis)
    b.set_title(f"Recognitions per year ({len(rec)})")

    latest = latest_partner_figures(pp)
    names = [f"{r.partner}: {r.network}" for r in latest.itertuples(index=False)]
    c.barh(names, latest["count"], color=charts.NEUTRAL,
           hatch=["//" if lb else "" for lb in latest["lower_bound"]], edgecolor="white")
    c.invert_yaxis()
    c.tick_params(axis="y", labelsize=8)
    c.set_title("Partners' networks (latest figure)")
    for y, r in enumerate(latest.itertuples(index=False)):
        c.text(r.count + 3, y, f"{(r.qualifier + ' ') if r.qualifier else ''}{r.count} {r.unit} ({r.as_of[:7]})",
               va="center", fontsize=8)
    c.set_xlim(0, latest["count"].max() * 1.75)
    c.set_xlabel("hatched = at least; (YYYY-MM) = as of")
    return charts.cite(fig, (tk, "source"), (rec, "source"), (pp, "source"))


@charts.styled
def partner_series_chart(pp: pd.DataFrame) -> Figure:
    """Each partner network's figures over time (``pp``: ``load_partner_presence()``): one line per
    network with several figures, one point per figure labelled with its number as printed and its
    date; a lower bound ("more than 150") is a hollow point, its label says so."""
    s = partner_series(pp)
    networks = list(dict.fromkeys(zip(s["partner"], s["network"])))
    fig = charts.figure(9, 4.6)
    ax = charts.axes(fig)
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#000000"]
    for i, key in enumerate(networks):
        g = s[(s["partner"] == key[0]) & (s["network"] == key[1])]
        colour = palette[i % len(palette)]
        ax.plot(g["date"], g["count"], color=colour, lw=1.5, drawstyle="steps-post" if len(g) > 1 else "default",
                label=f"{key[0]}: {key[1]} ({len(g)})")
        ax.scatter(g["date"], g["count"], s=28, zorder=3, edgecolors=colour,
                   facecolors=["white" if lb else colour for lb in g["lower_bound"]])
        for r in g.itertuples(index=False):
            ax.annotate(f"{r.label} ({r.as_of[:7]})", (r.date, r.count), xytext=(4, 5 if i % 2 else -11),
                        textcoords="offset points", fontsize=7.5, color=charts.TEXT)
    ax.set_ylim(0, s["count"].max() * 1.12)
    charts.integer_axis(ax.yaxis)
    ax.set_ylabel("count as printed (countries, Parties or members)")
    ax.set_title(f"Partner figures over time ({len(s)} figures, {len(networks)} networks)")
    ax.legend(loc="lower left", fontsize=7.5, frameon=False, ncol=2)
    return charts.cite(fig, (pp, "source"))
