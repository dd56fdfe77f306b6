"""Regional coverage in tables and charts: partners' networks, Toolkit uptake and activities by region.

Every chart takes DataFrames and returns a matplotlib :class:`~matplotlib.figure.Figure` (the contract
of :mod:`iccwc.views.charts.base`: show it with ``charts.show(fig)``); counts get integer ticks.
Tables are DataFrames; :func:`table_html` turns one into escaped HTML.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from iccwc.analysis.coverage import REGION_ORDER, REGION_TITLES, partner_table, reach, years_by_region
from iccwc.views.charts import base as charts
from iccwc.views.charts import overview as overview_charts
from iccwc.vocab import (ACTIVITY_CATEGORIES as CATEGORIES, ACTIVITY_STATUSES as STATUSES, ACTIVITY_TYPES)
from iccwc.views.charts.toolkit import stage_by_region_figure
from iccwc.analysis.toolkit_uptake import one_date
from iccwc.analysis.overview import as_of_label

CATEGORY_COLOURS = dict(zip(CATEGORIES, ["#0072B2", "#E69F00", "#009E73"]))   # Okabe-Ito
LOWER_BOUND_HATCH = "///"


# ---------------------------------------------------------------- Part 1: partners' networks

def partner_tip(r) -> str:
    """The tooltip of a partner network's bar (``r``: a row of
    :func:`iccwc.analysis.coverage.partner_table`): its figure as printed, its date and its source."""
    return f"{overview_charts.partner_tip(r)}\nSource: {r.source}"


@charts.styled
def partner_chart(presence: pd.DataFrame):
    """Horizontal bars of each partner network's latest figure (its date beside the name); lower bounds
    hatched with an arrow; a figure that does not count countries grey, its unit said."""
    t = partner_table(presence).iloc[::-1].reset_index(drop=True)
    fig = charts.figure(7.5, 1.6 + 0.45 * len(t))
    ax = fig.add_subplot()
    ys = range(len(t))
    for y, r in zip(ys, t.itertuples(index=False)):
        colour = "#0072B2" if r.unit == "countries" else "#999999"
        text = partner_tip(r)
        if r.lower_bound:   # lighter, white hatch (visible in SVG too), outlined in the bar's colour
            charts.tip(ax.barh(y, r.count, color=colour, alpha=0.6, hatch=LOWER_BOUND_HATCH, edgecolor="white",
                               linewidth=0)[0], text)
            charts.tip(ax.barh(y, r.count, fill=False, edgecolor=colour, linewidth=1.2)[0], text)
        else:
            charts.tip(ax.barh(y, r.count, color=colour, edgecolor=colour, linewidth=1.2)[0], text)
        if r.lower_bound:   # an arrow: the true number lies beyond the bar
            ax.annotate("", xy=(r.count + 22, y), xytext=(r.count, y),
                        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.5})
        ax.text(r.count + (26 if r.lower_bound else 3), y, r.label, va="center", fontsize=9, color=charts.TEXT)
    ax.set_yticks(list(ys), [f"{r.partner}\n{r.network} ({as_of_label(str(r.as_of))})"
                             for r in t.itertuples(index=False)], fontsize=8.5)
    ax.set_xlim(0, max(t["count"]) * 1.55)
    charts.integer_axis(ax.xaxis)
    # Bars not counting countries (WCO members, CITES Parties...) are grey, each partner's unit said
    other = list(dict.fromkeys((r.partner, r.unit) for r in t.iloc[::-1].itertuples(index=False)
                               if r.unit != "countries"))
    units = {p: ", ".join(u for q, u in other if q == p) for p, _ in other}   # a partner once: "Member States, Parties"
    ax.set_xlabel("countries" + (f" ({'; '.join(f'{p}: {u}' for p, u in units.items())})" if other else ""),
                  loc="right")                        # ends at the axes' right edge: stays on the figure
    ax.set_title("Partners' networks, latest figures")
    fig.legend(handles=[Patch(facecolor="#0072B2", edgecolor="#0072B2", label="countries, number as printed"),
                        Patch(facecolor="#99c7e0", hatch=LOWER_BOUND_HATCH, edgecolor="white",
                              label="lower bound: printed 'more than' / 'over' (arrow: more)"),
                        *[Patch(facecolor="#999999", label=f"{p} counts {u}, not countries") for p, u in other]],
               loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return fig


# ---------------------------------------------------------------- Part 3: Toolkit by region

def toolkit_region_chart(toolkit: pd.DataFrame, by: str = "document_region"):
    """Stacked bars: Toolkit requests per region by stage, with requests and completions written
    beside each bar (notebook 01's chart, :func:`iccwc.views.charts.toolkit.stage_by_region_figure`)."""
    when = one_date(toolkit)                       # refuses several status dates
    date = "no date" if when is None else when.date().isoformat()
    return stage_by_region_figure(toolkit, by, title=f"Toolkit requests by {REGION_TITLES[by]}, as of {date}",
                                  totals=True)


# ---------------------------------------------------------------- Part 4: activities

@charts.styled
def activities_chart(activities: pd.DataFrame, region: str | None = None):
    """One panel per Part 4 category: activities per document region (or, for one region, per activity
    type); where the source gives a status, ongoing or planned activities are hatched (the document's
    '*') and completed ones solid; activities with no status given (the ICCWC website's) are lighter.
    Empty categories say so."""
    df = activities if region is None else activities[activities["document_region"].astype(str) == region]
    key = "document_region" if region is None else "activity_type"
    groups = ([r for r in REGION_ORDER["document_region"] if r in set(df["document_region"].astype(str))]
              if region is None else [t for t in ACTIVITY_TYPES if t in set(df["activity_type"].astype(str))])
    groups = groups or ["(none)"]
    fig = charts.figure(7.5, 0.32 * len(groups) * len(CATEGORIES) + 2.6)
    axes = fig.subplots(len(CATEGORIES), 1, sharex=True)
    top = 1
    for ax, cat in zip(axes, CATEGORIES):
        in_cat = df[df["category"].astype(str) == cat]
        for y, g in enumerate(groups[::-1]):
            sub = in_cat[in_cat[key].astype(str) == g]
            left = 0
            for status in [*STATUSES, None]:
                n = int(sub["status"].isna().sum() if status is None else (sub["status"].astype(str) == status).sum())
                if n:
                    bar = ax.barh(y, n, left=left, color=CATEGORY_COLOURS[cat], edgecolor="white",
                                  hatch=LOWER_BOUND_HATCH if status == "ongoing or planned" else None,
                                  alpha={"completed": 1.0, "ongoing or planned": 0.6, None: 0.8}[status])[0]
                    where = "" if region is None else f" in {region}"
                    charts.tip(bar, f"{g}{where}, {cat}: {n} of {charts.counted(len(sub), 'activity', 'activities')}"
                                    f" {status or 'with no status given'}")
                left += n
            ax.text(left + 0.1, y, str(left), va="center", fontsize=8, color=charts.TEXT)
            top = max(top, left)
        ax.set_yticks(range(len(groups)), groups[::-1], fontsize=8.5)
        ax.set_ylim(-0.6, len(groups) - 0.4)
        ax.set_title(f"{cat} ({len(in_cat)})" + ("" if len(in_cat) else ": none in the data"),
                     fontsize=9, color=CATEGORY_COLOURS[cat])
    charts.integer_axis(axes[-1].xaxis)
    axes[-1].set_xlim(0, top * 1.15 + 0.5)
    axes[-1].set_xlabel("activities")
    where = "all regions" if region is None else region
    fig.suptitle(f"ICCWC activities in the data, by category: {where} ({len(df)})", x=0.02, ha="left",
                 fontsize=11, fontweight="bold")
    fig.legend(handles=[Patch(facecolor="#777777", label="completed"),
                        Patch(facecolor="white", edgecolor="#555555", hatch=LOWER_BOUND_HATCH,
                              label="ongoing or planned (the document's '*')"),
                        Patch(facecolor="#777777", alpha=0.8, label="status not given")],
               loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig


table_html = charts.table_html




@charts.styled
def reach_chart(activities: pd.DataFrame, by: str = "document_region"):
    """Activities (bars) and countries reached (labels) per value of ``by`` (a region column, category
    or activity_type), from :func:`iccwc.analysis.coverage.reach`."""
    t = reach(activities, by).drop("Total")
    fig = charts.figure(7.5, 0.38 * max(len(t), 1) + 1.4)
    ax = charts.axes(fig)
    ys = range(len(t))[::-1]
    bars = ax.barh(list(ys), t["activities"], color="#0072B2")
    for bar, (name, row) in zip(bars, t.iterrows()):
        if row["activities"]:
            charts.tip(bar, f"{name}: {charts.counted(row['activities'], 'activity', 'activities')} in "
                            f"{charts.counted(row['countries'], 'country', 'countries')}")
    for y, (name, row) in zip(ys, t.iterrows()):
        ax.text(row["activities"] + 0.5, y, f"{row['activities']} in {row['countries']} countries",
                va="center", fontsize=8, color=charts.TEXT)
    ax.set_yticks(list(ys), [str(i) for i in t.index], fontsize=8.5)
    charts.integer_axis(ax.xaxis)
    ax.set_xlim(0, t["activities"].max() * 1.35 + 1 if len(t) else 1)
    ax.set_xlabel("activities")
    ax.set_title(f"ICCWC activities and countries reached, by {REGION_TITLES.get(by, by.replace('_', ' '))}",
                 loc="left", fontsize=11, fontweight="bold")
    return fig


@charts.styled
def years_chart(activities: pd.DataFrame, by: str = "document_region"):
    """Activities per first year, stacked by region (:func:`iccwc.analysis.coverage.years_by_region`)."""
    t = years_by_region(activities, by).drop(columns="all regions")
    fig = charts.figure(7.5, 3.4)
    ax = charts.axes(fig)
    bottom = pd.Series(0, index=t.index)
    for r in t.columns:
        bars = ax.bar(t.index, t[r], bottom=bottom, color=charts.REGION_COLOURS.get(r, charts.NEUTRAL), label=r)
        for bar, year, n in zip(bars, t.index, t[r]):
            if n:
                charts.tip(bar, f"{year}, {r}: {n} of {charts.counted(t.loc[year].sum(), 'activity', 'activities')}"
                                f" starting that year")
        bottom += t[r]
    for x, n in bottom.items():
        ax.text(x, n + 1, str(int(n)), ha="center", fontsize=8, color=charts.TEXT)
    ax.set_xticks(list(t.index))
    charts.integer_axis(ax.yaxis)
    ax.set_ylabel("activities starting")
    ax.set_title("ICCWC activities per year, by the document's regions", loc="left", fontsize=11, fontweight="bold")
    ax.legend(fontsize=8, frameon=False, ncols=4, loc="upper left")
    ax.set_ylim(0, bottom.max() * 1.25 + 1)
    return fig
