"""Charts of Toolkit uptake: the step funnel, stages by region, and the Toolkit's reach over time.

Every chart takes DataFrames and returns a matplotlib Figure (the contract of
:mod:`iccwc.views.charts.base`; show it with ``charts.show(fig)``, or ``charts.widget(fig)`` in an
explorer). Counts use integer ticks.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from iccwc.views.charts import base as charts
from iccwc.vocab import STAGE_LEGEND, STAGES, TOOLKIT_STAGES
from iccwc.analysis.toolkit_uptake import (TABLE_BASIS, TEXT_BASIS, date_label, funnel_counts, one_date,
                                           reach_footnotes, stage_by_region)
from iccwc.vocab import REACH_MEASURES, REACH_QUALIFIER_SIGNS

_SHORT_STEP = {9: "Implementation of action\nplan recommendations"}


def _when(df: pd.DataFrame, sep: str = " ") -> str:
    when = one_date(df)
    return "" if when is None else f"{sep}(as of {date_label(when)})"


def _no_data_note(ax, text="No country matches the filters") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=charts.TEXT,
            fontsize=11, bbox={"facecolor": "white", "edgecolor": charts.NEUTRAL})


def _no_data(ax, text="No country matches the filters") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=charts.TEXT)
    ax.set_xticks([])
    ax.set_yticks([])


@charts.styled
def funnel_figure(df: pd.DataFrame, title: str | None = None, width: float = 7.0):
    """Horizontal bars: countries that reached each of the 8 steps, then the action-plan stage.

    Bars are coloured by the stage a country is in once that step is its highest
    (:data:`iccwc.analysis.toolkit_uptake.STEP_STAGE`); each bar carries its count.
    """
    counts = funnel_counts(df)
    fig = charts.figure(width, 4.6)
    ax = charts.axes(fig)
    ax.set_title(title or f"Countries that reached each Toolkit step{_when(df, chr(10))}")
    labels = [_SHORT_STEP.get(n, s) for n, s in zip(counts["step_number"], counts["step"])]
    y = list(range(len(counts)))[::-1]           # step 1 at the top
    colours = [charts.STAGE_COLOURS[s] for s in counts["stage"]]
    bars = ax.barh(y, counts["countries"], color=colours, edgecolor="#555555", linewidth=0.4, height=0.7)
    for bar, r in zip(bars, counts.itertuples(index=False)):
        if r.countries:
            charts.tip(bar, f"{r.step}: {r.countries} of {charts.counted(len(df), 'country', 'countries')} "
                            f"reached it{_when(df)}\nBar colour: {STAGE_LEGEND[r.stage]} (the stage of a "
                            f"country whose last step this is)")
    ax.set_yticks(y, labels)
    total = int(counts["countries"].max()) if len(df) else 0
    for yy, n in zip(y, counts["countries"]):
        ax.text(n + max(total, 1) * 0.01, yy, str(int(n)), va="center", ha="left", fontsize=9,
                color=charts.TEXT)
    ax.set_xlim(0, max(total, 1) * 1.08)
    charts.integer_axis(ax.xaxis)
    ax.set_xlabel("countries")
    ax.legend(handles=[Patch(facecolor=charts.STAGE_COLOURS[s], edgecolor="#555555", linewidth=0.4,
                             label=STAGE_LEGEND[s]) for s in STAGES],
              loc="upper center", bbox_to_anchor=(0.35, -0.16), ncol=2, fontsize=7.5, frameon=False,
              title="Bar colour: the stage of a country whose last step this is", title_fontsize=7.5)
    if not len(df):
        _no_data_note(ax)
    return fig


@charts.styled
def stage_by_region_figure(df: pd.DataFrame, by: str = "region", title: str | None = None,
                           width: float = 7.0, totals: bool = False):
    """Stacked horizontal bars: countries at each stage, per continent or document grouping; countries a
    status list names without steps (:data:`~iccwc.vocab.STEPS_UNKNOWN`) in a grey segment of their own,
    so each bar is as long as its total.

    ``totals``: write "N requests, M complete" after each bar.
    """
    table = stage_by_region(df, by)
    fig = charts.figure(width, 1.2 + 0.45 * max(len(table), 2))
    ax = charts.axes(fig)
    what = "continent" if by == "region" else "region (the document's grouping)"
    ax.set_title(title or f"Toolkit requests by stage, per {what}{_when(df, chr(10))}")
    if table.empty:
        _no_data(ax)
        return fig
    y = list(range(len(table)))[::-1]
    left = [0] * len(table)
    for s in [s for s in TOOLKIT_STAGES if s in table.columns]:
        vals = table[s].tolist()
        bars = ax.barh(y, vals, left=left, color=charts.STAGE_FILLS[s], edgecolor="white", linewidth=0.8,
                       height=0.65, label=STAGE_LEGEND[s])
        for bar, region, v, n in zip(bars, table.index, vals, table["total"]):
            if v:
                charts.tip(bar, f"{region}: {v} of {charts.counted(n, 'country', 'countries')}, "
                                f"{STAGE_LEGEND[s]}{_when(df)}")
        for yy, l0, v in zip(y, left, vals):
            if v:
                ax.text(l0 + v / 2, yy, str(v), ha="center", va="center", fontsize=8.5,
                        color=charts.text_colour(charts.STAGE_FILLS[s]))
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(y, table.index.tolist())
    ax.set_xlim(0, max(left) * (1.45 if totals else 1.02) + (0.5 if totals else 0))
    if totals:
        for yy, (n, done) in zip(y, zip(table["total"], table["complete"])):
            ax.text(n + 0.15, yy, f"{n} request{'s' if n != 1 else ''}, {done} complete", va="center",
                    fontsize=8.5, color=charts.TEXT)
    charts.integer_axis(ax.xaxis)
    ax.set_xlabel("countries")
    # Below the chart, so the totals written after the longest bar can never run into it.
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return fig


#: Colours of the reach measures (Okabe-Ito, colour-blind safe), in REACH_MEASURES order.
REACH_COLOURS = dict(zip(REACH_MEASURES, ["#0072B2", "#009E73", "#E69F00", "#CC79A7", "#D55E00"]))
#: Marker of an observation's basis: a square for a status table's count, a circle for a source's words.
_BASIS_MARKER = {TABLE_BASIS: "s", TEXT_BASIS: "o"}


def month_span(when: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first day of ``when``'s month and the first day of the next: where a month-only count is drawn."""
    start = pd.Timestamp(when).to_period("M").start_time
    return start, (start + pd.offsets.MonthBegin(1))


def reach_notes(series: pd.DataFrame) -> str:
    """The chart's key to its labels and markers, from the qualifiers and dates the series holds."""
    notes = []
    signs = {}
    for q in dict.fromkeys(series["qualifier"]):
        if q in REACH_QUALIFIER_SIGNS:
            signs.setdefault(REACH_QUALIFIER_SIGNS[q], []).append(q)
    notes += [f"{s}: {' / '.join(qs)} (the source's word{'s' if len(qs) > 1 else ''})" for s, qs in signs.items()]
    notes += [f"{m}: \u201c{q}\u201d (the source's words)" for m, q in reach_footnotes(series).items()]
    if series["month_only"].any():
        notes.append("hollow marker on a bar: the source gives the month only (the bar spans it)")
    return "; ".join(notes)


def reach_tip(r) -> str:
    """The tooltip of one observation of :func:`reach_figure` (a row of ``reach_series``): its date as
    precise as the source, the measure and count as labelled, how it was counted and the source."""
    when = date_label(r.when) if len(str(r.date)) == 10 else pd.Timestamp(r.when).strftime("%B %Y")
    how = "counted from a status table" if r.basis == TABLE_BASIS else "stated in a source's words"
    qualifier = f" ({r.qualifier})" if r.qualifier else ""
    return f"{when}: {r.measure} {r.label}{qualifier}, {how}\nSource: {r.source}"


@charts.styled
def reach_figure(series: pd.DataFrame, title: str | None = None, width: float = 8.0):
    """Counts of the Toolkit's reach over time, one colour per measure (requests, completed, under way,
    countries implementing), from the first observation's month to the latest's.

    ``series``: :func:`iccwc.analysis.toolkit_uptake.reach_series`. Each point carries its label as the
    source gives it ("~20", "19*"; the key below the plot explains the signs); squares are a status
    table's counts, circles a source's own words; a count the source dates by its month only is a hollow
    marker on a bar spanning that month (no day is invented). The sources of the points are in
    :func:`iccwc.views.tables.reach_table`, in the same order.
    """
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    fig = charts.figure(width, 4.8)
    ax = charts.axes(fig)
    if series.empty:
        ax.set_title(title or "Toolkit reach over time")
        _no_data(ax, "No count of the Toolkit's reach in the data")
        return fig
    first, last = series["when"].min(), series["when"].max()
    last_end = month_span(last)[1] if series.loc[series["when"] == last, "month_only"].any() else last
    label_last = series.loc[series["when"] == last, "date"].iloc[0]
    when_last = date_label(last) if len(label_last) == 10 else last.strftime("%B %Y")
    ax.set_title(title or f"Toolkit reach over time: status tables and the sources' own words\n"
                          f"({date_label(first) if len(series['date'].iloc[0]) == 10 else first.strftime('%B %Y')}"
                          f" to {when_last})")
    for measure in REACH_MEASURES:
        colour = REACH_COLOURS[measure]
        rows = series[series["measure"] == measure]
        for r in rows.itertuples(index=False):
            marker = _BASIS_MARKER[r.basis]
            text = reach_tip(r)
            if r.month_only:
                start, end = month_span(r.when)
                x = start + (end - start) / 2
                span, = ax.plot([start, end], [r.value, r.value], color=colour, linewidth=2.2,
                                solid_capstyle="butt", zorder=2, gid="month-span")
                charts.tip(span, text)
                charts.tip(ax.scatter([x], [r.value], marker=marker, s=40, facecolors="white", edgecolors=colour,
                                      linewidths=1.6, zorder=3), text)
            else:
                x = r.when
                charts.tip(ax.scatter([x], [r.value], marker=marker, s=40, color=colour, zorder=3), text)
            ax.annotate(r.label, (mdates.date2num(x), r.value), xytext=(0, 7), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8.5, color=charts.TEXT)
    pad = pd.Timedelta(days=20)
    ax.set_xlim(month_span(first)[0] - pad, max(last_end, last) + pad)
    top = int(series["value"].max())
    ax.set_ylim(0, top * 1.25 + 1)
    charts.integer_axis(ax.yaxis)
    ax.set_ylabel("countries (or requests)")
    locator = mdates.MonthLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xlabel(reach_notes(series), loc="left", fontsize=8, wrap=True)
    present = [m for m in REACH_MEASURES if (series["measure"] == m).any()]
    handles = [Line2D([], [], linestyle="none", marker="o", color=REACH_COLOURS[m], label=m) for m in present]
    handles += [Line2D([], [], linestyle="none", marker=_BASIS_MARKER[b], color="#555555",
                       markerfacecolor="#555555", label=("counted from a status table" if b == TABLE_BASIS
                                                         else "stated in a source's words"))
                for b in (TABLE_BASIS, TEXT_BASIS) if (series["basis"] == b).any()]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig
