"""Charts of Toolkit uptake: the step funnel and stages by region.

Every chart takes DataFrames and returns a matplotlib Figure (the contract of
:mod:`iccwc.views.charts.base`; show it with ``charts.show(fig)``, or ``charts.widget(fig)`` in an
explorer). Counts use integer ticks.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from iccwc.views.charts import base as charts
from iccwc.vocab import STAGE_LEGEND, STAGES
from iccwc.analysis.toolkit_uptake import date_label, funnel_counts, one_date, stage_by_region

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
    ax.barh(y, counts["countries"], color=colours, edgecolor="#555555", linewidth=0.4, height=0.7)
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
    """Stacked horizontal bars: countries at each stage, per continent or document grouping.

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
    for s in STAGES:
        vals = table[s].tolist()
        ax.barh(y, vals, left=left, color=charts.STAGE_COLOURS[s], edgecolor="white", linewidth=0.8,
                height=0.65, label=STAGE_LEGEND[s])
        for yy, l0, v in zip(y, left, vals):
            if v:
                ax.text(l0 + v / 2, yy, str(v), ha="center", va="center", fontsize=8.5,
                        color=charts.text_colour(charts.STAGE_COLOURS[s]))
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
