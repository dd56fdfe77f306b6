"""Notebook 00's charts: at a glance (Toolkit stages, recognitions per year, partners' networks, each
network's latest figure) and the partner figures as a series over time.

Takes DataFrames and returns a Figure, like every chart (:mod:`iccwc.views.charts.base`).
"""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from iccwc.analysis.overview import as_of_label, latest_partner_figures, partner_series
from iccwc.views.charts import base as charts
from iccwc.analysis.toolkit_uptake import date_label
from iccwc.vocab import STAGE_LEGEND, STAGES


def partner_tip(r) -> str:
    """A partner figure in words (``r``: a row of ``partner_series`` or ``latest_partner_figures``):
    "INTERPOL: member countries: 195 countries, as of 30 November 2021"; a lower bound says so."""
    printed = f"{r.qualifier} {r.count}" if r.qualifier else f"{r.count}"
    bound = " (a lower bound: the true number is higher)" if r.lower_bound else ""
    return f"{r.partner}: {r.network}: {printed} {r.unit}{bound}, as of {as_of_label(str(r.as_of))}"


@charts.styled
def at_a_glance(tk: pd.DataFrame, rec: pd.DataFrame, pp: pd.DataFrame) -> Figure:
    """Three small charts side by side: Toolkit stages (``tk``: one status date, ``load_toolkit()``),
    recognitions per year (``rec``: ``load_recognitions()``), partners' reach (``pp``:
    ``load_partner_presence()``)."""
    fig = charts.figure(13, 3.6)
    a, b, c = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.25]})

    counts = tk["stage"].value_counts().reindex(STAGES, fill_value=0)
    bars = a.barh(counts.index.astype(str), counts.values, color=[charts.STAGE_COLOURS[s] for s in STAGES])
    dates = sorted(pd.to_datetime(tk["status_date"]).unique())
    as_of = f" (as of {date_label(dates[0])})" if len(dates) == 1 else ""
    for bar, (stage, n) in zip(bars, counts.items()):
        if n:
            charts.tip(bar, f"{STAGE_LEGEND[stage]}: {n} of {charts.counted(len(tk), 'country', 'countries')}{as_of}")
    a.invert_yaxis()
    charts.integer_axis(a.xaxis)
    a.set_title(f"Toolkit requests by stage ({len(tk)})")
    for y, v in enumerate(counts.values):
        a.text(v + 0.15, y, str(v), va="center")
    a.set_xlim(0, counts.max() * 1.2 + 0.5)

    years = range(int(rec["year"].min()), int(rec["year"].max()) + 1)
    per_year = rec["year"].value_counts().reindex(years, fill_value=0)
    bars = b.bar([str(y) for y in years], per_year.values, color=charts.CATEGORY_COLOURS[
        "governing bodies of ICCWC partner organizations"])
    for bar, (year, n) in zip(bars, per_year.items()):
        if n:
            bodies = rec.loc[rec["year"] == year, "issuing_body_short"].astype(str).value_counts()
            by = ", ".join(f"{k} {v}" for k, v in sorted(bodies.items(), key=lambda kv: (-kv[1], kv[0])))
            charts.tip(bar, f"{year}: {charts.counted(n, 'recognition')} ({by})")
    charts.integer_axis(b.yaxis)
    if len(years) > 6:
        b.tick_params(axis="x", labelrotation=90)
    b.set_title(f"Recognitions per year ({len(rec)})")

    latest = latest_partner_figures(pp)
    names = [f"{r.partner}: {r.network}" for r in latest.itertuples(index=False)]
    bars = c.barh(names, latest["count"], color=charts.NEUTRAL,
                  hatch=["//" if lb else "" for lb in latest["lower_bound"]], edgecolor="white")
    for bar, r in zip(bars, latest.itertuples(index=False)):
        charts.tip(bar, partner_tip(r) + (f"; {r.figures} figures since {r.first_when} (first: {r.first_count})"
                                          if r.figures > 1 else ""))
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
    """Each partner network's figures over time (``pp``: ``load_partner_presence()``): one row per
    partner and network, one point per figure at its date, labelled with the number as printed and the
    date (``YYYY-MM``); a lower bound ("more than 150") is a hollow point and its label says so; a
    network's latest figure is drawn larger. A figure the same as the one before it in its network (a
    source repeating it) is a point with its tooltip but no label, so that labels do not pile up."""
    s = partner_series(pp)
    networks = list(dict.fromkeys(zip(s["partner"], s["network"])))
    fig = charts.figure(10, 0.75 * len(networks) + 1.4)
    ax = charts.axes(fig)
    for y, key in enumerate(networks):
        g = s[(s["partner"] == key[0]) & (s["network"] == key[1])]
        ax.plot(g["date"], [y] * len(g), color=charts.NEUTRAL, lw=1, zorder=1)
        for r in g.itertuples(index=False):     # a point each, so each has its tooltip
            charts.tip(ax.scatter([r.date], [y], s=60 if r.latest else 28, zorder=3, edgecolors=charts.TEXT,
                                  linewidths=0.8, facecolors="white" if r.lower_bound else charts.TEXT),
                       partner_tip(r) + ("; the latest figure" if r.latest else "") + f"\nSource: {r.source}")
        shown = [r for k, r in enumerate(g.itertuples(index=False))     # a label where the figure changes
                 if r.latest or k == 0 or (r.count, r.qualifier) != (g["count"].iloc[k - 1], g["qualifier"].iloc[k - 1])]
        for k, r in enumerate(shown):
            below = k % 2 == 1
            text = r.label if r.latest else r.label.removesuffix(f" {r.unit}")   # the unit once, at the latest
            ax.annotate(f"{text}\n{r.as_of[:7]}", (r.date, y), xytext=(0, -9 if below else 8),
                        textcoords="offset points", ha="center", va="top" if below else "bottom", fontsize=7.5,
                        color=charts.TEXT, fontweight="bold" if r.latest else "normal")
    ax.set_yticks(range(len(networks)), [f"{p}: {n} ({int(((s['partner'] == p) & (s['network'] == n)).sum())})"
                                         for p, n in networks], fontsize=8.5)
    ax.set_ylim(len(networks) - 0.4, -0.6)
    pad = pd.Timedelta(days=200)
    ax.set_xlim(s["date"].min() - pad, s["date"].max() + pad)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"Partner figures over time ({len(s)} figures, {len(networks)} networks; bold: latest)")
    ax.set_xlabel("date the source gives (hollow point: a lower bound, 'more than' or 'over')")
    return charts.cite(fig, (pp, "source"))
