"""Interactive charts of Toolkit uptake: the snapshot explorer and the Toolkit's reach over time.

DataFrames in (``iccwc.load_toolkit``, :func:`iccwc.analysis.toolkit_uptake.reach_series`), an Altair
chart out; show it with :func:`iccwc.views.interactive.base.show`.
"""
from __future__ import annotations

import json

import altair as alt
import pandas as pd

from iccwc.analysis.coverage import REGION_ORDER
from iccwc.analysis.toolkit_uptake import TABLE_BASIS, TEXT_BASIS, date_label, one_date
from iccwc.views.charts.base import STAGE_FILLS, TEXT
from iccwc.views.charts.toolkit import REACH_COLOURS
from iccwc.views.interactive import base
from iccwc.vocab import REACH_MEASURES, STAGE_LEGEND, TOOLKIT_STAGES

#: The last step a country can reach (step 8: presentation of the report).
MAX_STEP = 8


def explorer_rows(toolkit: pd.DataFrame) -> pd.DataFrame:
    """The rows the explorer carries inline: one per requesting country of one snapshot, with columns
    country, region (continent), document_region, stage, last_step (empty when the source gives no steps),
    status_date (text, '9 November 2015'), source ('file, line N')."""
    df = toolkit.sort_values(["last_step", "country"], ascending=[False, True], na_position="last", kind="stable")
    line = df["source_line"].astype("Int64").astype(str).where(df["source_line"].notna(), "")
    src = df["source_file"].astype(str) + line.map(lambda s: f", line {s}" if s else "")
    out = pd.DataFrame({
        "country": df["country"].astype(str), "region": df["region"].astype(str),
        "document_region": df["document_region"].astype(str), "stage": df["stage"].astype(str),
        "last_step": df["last_step"], "status_date": [date_label(d) for d in df["status_date"]],
        "source": src})
    return base.records(out)


def explorer_filter() -> str:
    """The Vega expression of the explorer's controls (region, stage, minimum step): a country whose
    steps are unknown counts as having reached step 1 (its request) and no further."""
    return (f"{base.is_all_or('tk_region', 'document_region')} && {base.is_all_or('tk_stage', 'stage')}"
            " && (isValid(datum.last_step) ? datum.last_step >= tk_min_step : tk_min_step <= 1)")


def explorer(toolkit: pd.DataFrame, title: str | None = None) -> alt.VConcatChart:
    """One bar per requesting country of one snapshot (``load_toolkit(status_date=...)``): length = its last
    step (0-8), colour = its stage; controls: document region, stage, minimum step; a line above the bars
    says "N of M requesting countries" as the controls filter; tooltips name country, stage, last step,
    region, status date and source."""
    if toolkit["status_date"].nunique() > 1:
        raise ValueError("toolkit explorer: one snapshot at a time (load_toolkit(status_date='latest'))")
    rows = explorer_rows(toolkit)
    when = one_date(toolkit)
    title = title or "Toolkit requests: how far each country has come" + (
        f" (as of {date_label(when)})" if when is not None else "")
    region = base.select_param("tk_region", "Region (the document's grouping) ", rows["document_region"],
                               REGION_ORDER["document_region"])
    stage = base.select_param("tk_stage", "Stage ", rows["stage"], TOOLKIT_STAGES)
    min_step = base.range_param("tk_min_step", "Reached at least step ", 1, MAX_STEP, 1)
    keep = explorer_filter()
    stages = base.options(rows["stage"], TOOLKIT_STAGES)
    data = alt.Data(values=rows.to_dict("records"))

    count = alt.Chart(data, name="tk_count").transform_calculate(
        keep=f"({keep}) ? 1 : 0").transform_aggregate(
        shown="sum(keep)", total="count()").transform_calculate(
        text="datum.shown + ' of ' + datum.total + ' requesting countries'").mark_text(
        align="left", baseline="middle", fontSize=13, fontWeight="bold", color=TEXT, x=0, y=10).encode(
        text="text:N").properties(width="container", height=20)

    tooltip = [alt.Tooltip("country:N", title="country"), alt.Tooltip("stage:N", title="stage"),
               alt.Tooltip("last_step:Q", title="last step", format="d"),
               alt.Tooltip("document_region:N", title="region (document)"),
               alt.Tooltip("region:N", title="continent"), alt.Tooltip("status_date:N", title="status date"),
               alt.Tooltip("source:N", title="source")]
    y = alt.Y("country:N", sort=rows["country"].tolist(), title=None)
    bars = alt.Chart(data).transform_filter(keep).transform_filter("isValid(datum.last_step)").mark_bar(
        stroke="#555555", strokeWidth=0.4).encode(
        x=alt.X("last_step:Q", title="last step reached", scale=alt.Scale(domain=[0, MAX_STEP]),
                axis=alt.Axis(values=list(range(MAX_STEP + 1)), format="d")),
        y=y, color=alt.Color("stage:N", title="stage", scale=alt.Scale(
            domain=stages, range=[STAGE_FILLS[s] for s in stages])),
        tooltip=tooltip)
    unknown = alt.Chart(data).transform_filter(keep).transform_filter("!isValid(datum.last_step)").mark_text(
        align="left", dx=3, fontSize=base.MIN_TEXT, color=TEXT).encode(
        x=alt.datum(0), y=y, text=alt.value("steps unknown"), tooltip=tooltip)
    chart = alt.vconcat(count, alt.layer(bars, unknown, name="tk_bars").properties(
        width="container", height=alt.Step(18)), spacing=6).add_params(region, stage, min_step).properties(
        title=title)
    n = len(rows)
    desc = f"{n} requesting countr{'y' if n == 1 else 'ies'}, by last step and stage; filter by region, stage and step"
    return base.finish(chart, title, desc, base.sources((toolkit, "source_file")),
                       base.map_link("tk_stage", "Stage", {s: STAGE_LEGEND[s] for s in stages}))


def reach_rows(series: pd.DataFrame) -> pd.DataFrame:
    """The rows the reach chart carries inline: :func:`reach_series` with ``when`` as ISO text (a month-only
    date at its month's first day, the ``date`` column keeps the source's precision)."""
    cols = ["date", "when", "month_only", "measure", "value", "qualifier", "label", "basis", "quote", "source"]
    out = series[cols].copy()
    out["measure"] = out["measure"].astype(str)
    out["value_text"] = [lab if not q else f"{lab} ({q})" for lab, q in zip(series["label"], series["qualifier"])]
    out["as_of"] = [pd.Timestamp(w).strftime("%B %Y") if m else date_label(pd.Timestamp(w))
                    for w, m in zip(series["when"], series["month_only"])]
    return base.records(out)


def reach_filter(order: list[str]) -> str:
    """The Vega expression of the reach chart's controls: the counts up to the chosen date (``order``: the
    dates as shown, in time order) of the chosen measure."""
    return (f"indexof({json.dumps(order)}, datum.as_of) <= indexof({json.dumps(order)}, reach_upto)"
            f" && {base.is_all_or('reach_measure', 'measure')}")


def reach(series: pd.DataFrame, title: str | None = None) -> alt.LayerChart:
    """The Toolkit's reach over time (``reach_series(load_toolkit_reach(), load_toolkit())``): a point per
    count, coloured by measure, labelled as the source gives it ("~20", "19*"); squares are a status
    table's counts, circles a source's words; x from January 2015 to the last observation (fixed, so the
    time control shows time passing); controls: "Counts up to" a date (the dates of the counts, in order;
    opens on the last) and the measure; tooltips give the date as the source gives it, measure, value with
    qualifier, source and quote."""
    rows = reach_rows(series)
    title = title or "Toolkit reach over time: status tables and the sources' own words"
    measures = base.options(rows["measure"], REACH_MEASURES) if len(rows) else []
    last = pd.Timestamp(series["when"].max()) if len(series) else pd.Timestamp("2016-01-01")
    end = (last + pd.offsets.MonthBegin(1)).strftime("%Y-%m-%d")
    data = alt.Data(values=rows.to_dict("records"))
    x = alt.X("when:T", title=None, scale=alt.Scale(domain=["2015-01-01", end]),
              axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount="month" if last.year < 2017 else "year"))
    top = int(series["value"].max()) if len(series) else 1
    yv = alt.Y("value:Q", title="countries (or requests)", axis=alt.Axis(format="d", tickMinStep=1),
               scale=alt.Scale(domain=[0, int(top * 1.2) + 1]))
    colour = alt.Color("measure:N", title="measure", scale=alt.Scale(
        domain=measures, range=[REACH_COLOURS[m] for m in measures]))
    tooltip = [alt.Tooltip("date:N", title="date (as the source gives it)"), alt.Tooltip("measure:N"),
               alt.Tooltip("value_text:N", title="value"), alt.Tooltip("basis:N", title="counted from"),
               alt.Tooltip("source:N"), alt.Tooltip("quote:N")]
    order = list(dict.fromkeys(rows.sort_values("when", kind="stable")["as_of"])) if len(rows) else [base.ALL]
    upto = alt.param(name="reach_upto", value=order[-1], bind=alt.binding_select(options=order, name="Counts up to "))
    measure = base.select_param("reach_measure", "Measure ", rows["measure"], REACH_MEASURES)
    keep = reach_filter(order)
    points = alt.Chart(data).transform_filter(keep).mark_point(filled=True, size=70, opacity=1).encode(
        x=x, y=yv, color=colour, tooltip=tooltip,
        shape=alt.Shape("basis:N", title="counted from",
                        scale=alt.Scale(domain=[TABLE_BASIS, TEXT_BASIS], range=["square", "circle"])))
    # A status table's count and the same measure in a source's words often fall a few weeks apart
    # (17 requests in the table of 9 November 2015, "17" in the document's text): their labels go on the
    # outer sides, the table's on the left of its square and the words' on the right of their circle,
    # so they do not run into each other on a narrow chart (a phone).
    def labels(basis: str, align: str, dx: int):
        return alt.Chart(data).transform_filter(keep).transform_filter(
            f"datum.basis === {json.dumps(basis)}").mark_text(
            align=align, dx=dx, dy=-8, fontSize=base.MIN_TEXT, color=TEXT).encode(
            x=x, y=yv, text="label:N", tooltip=tooltip)
    chart = alt.layer(points, labels(TABLE_BASIS, "right", -5), labels(TEXT_BASIS, "left", 5)).add_params(
        upto, measure).properties(
        width="container", height=300, title=title)
    desc = (f"{len(rows)} counts, {series['date'].iloc[0]} to {series['date'].iloc[-1]}" if len(rows)
            else "no count in the data")
    return base.finish(chart, title, desc, base.sources((series, "source")))
