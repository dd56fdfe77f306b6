"""Interactive charts of regional coverage: activities by year and countries reached per region, linked.

DataFrames in (``iccwc.load_activities``), an Altair chart out; show it with
:func:`iccwc.views.interactive.base.show`.
"""
from __future__ import annotations

import json

import altair as alt
import pandas as pd

from iccwc.analysis.coverage import REGION_ORDER
from iccwc.views.charts.base import NEUTRAL, REGION_COLOURS, TEXT
from iccwc.views.interactive import base
from iccwc.vocab import ACTIVITY_CATEGORIES, ACTIVITY_TYPES


def rows(activities: pd.DataFrame) -> pd.DataFrame:
    """The rows the charts carry inline: one per activity, with columns country, iso3, document_region,
    category (the document's Part 4 group), activity_type, year_start, year_end (empty when the source
    gives no year). The charts show counts; the files the rows come from are in the spec's usermeta."""
    cols = ["country", "iso3", "document_region", "category", "activity_type", "year_start", "year_end"]
    return base.records(activities[cols])


def keep_expression() -> str:
    """The Vega expression of the controls, as :func:`iccwc.analysis.coverage.filter_activities` with
    ``undated=True``: region, group, type, and years that overlap year from..year to (an activity with no
    year stays in: it cannot be placed in time)."""
    return (f"{base.is_all_or('cov_region', 'document_region')} && {base.is_all_or('cov_group', 'category')}"
            f" && {base.is_all_or('cov_type', 'activity_type')}"
            " && (isValid(datum.year_start) ? (datum.year_start <= cov_year_to"
            " && (isValid(datum.year_end) ? datum.year_end : datum.year_start) >= cov_year_from) : true)")


def by_year(activities: pd.DataFrame, title: str | None = None) -> alt.VConcatChart:
    """Activities per year they start, stacked by the document's region, above a bar per region of the
    countries reached; both follow the controls: region, activity group (the document's Part 4 category),
    activity type, year from, year to. Tooltips give the counts (activities that year in that region and
    in all regions; countries and activities per region)."""
    data_rows = rows(activities)
    years = [int(y) for y in data_rows["year_start"].dropna()] + [int(y) for y in data_rows["year_end"].dropna()]
    lo, hi = (min(years), max(years)) if years else (0, 0)
    span = f"{lo}-{hi}" if years else "no years"
    title = title or f"ICCWC activities by the year they start, {span}, and countries reached per region"
    regions = base.options(data_rows["document_region"], REGION_ORDER["document_region"])
    region = base.select_param("cov_region", "Region (the document's grouping) ", data_rows["document_region"],
                               REGION_ORDER["document_region"])
    group = base.select_param("cov_group", "Activity group ", data_rows["category"], ACTIVITY_CATEGORIES)
    kind = base.select_param("cov_type", "Activity type ", data_rows["activity_type"], ACTIVITY_TYPES)
    year_from = base.range_param("cov_year_from", "Year from ", lo, hi, lo)
    year_to = base.range_param("cov_year_to", "Year to ", lo, hi, hi)
    keep = keep_expression()
    data = alt.Data(values=data_rows.to_dict("records"))
    colour = alt.Color("document_region:N", title="region (the document's grouping)", scale=alt.Scale(
        domain=regions, range=[REGION_COLOURS.get(r, NEUTRAL) for r in regions]))

    count = alt.Chart(data, name="cov_count").transform_calculate(
        keep=f"({keep}) ? 1 : 0").transform_aggregate(shown="sum(keep)", total="count()").transform_calculate(
        text="datum.shown + ' of ' + datum.total + ' activities'").mark_text(
        align="left", baseline="middle", fontSize=13, fontWeight="bold", color=TEXT, x=0, y=10).encode(
        text="text:N").properties(width="container", height=20)
    yearly = alt.Chart(data, name="cov_years").transform_filter(keep).transform_filter(
        "isValid(datum.year_start) && datum.year_start >= cov_year_from && datum.year_start <= cov_year_to"
    ).transform_aggregate(activities="count()", groupby=["year_start", "document_region"]).transform_joinaggregate(
        year_total="sum(activities)", groupby=["year_start"]).transform_calculate(
        region_rank=f"indexof({json.dumps(regions)}, datum.document_region)").mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("year_start:O", title="year the activity starts", scale=alt.Scale(domain=list(range(lo, hi + 1))),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("activities:Q", title="activities", axis=alt.Axis(format="d", tickMinStep=1)),
        color=colour, order=alt.Order("region_rank:Q"),
        tooltip=[alt.Tooltip("year_start:O", title="year"), alt.Tooltip("document_region:N", title="region"),
                 alt.Tooltip("activities:Q", title="activities (this region)"),
                 alt.Tooltip("year_total:Q", title="activities (all regions shown)")],
    ).properties(width="container", height=220)
    reached = alt.Chart(data, name="cov_reach").transform_filter(keep).transform_aggregate(
        countries="distinct(iso3)", activities="count()", groupby=["document_region"]).mark_bar().encode(
        x=alt.X("countries:Q", title="countries reached", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("document_region:N", title=None, sort=regions, scale=alt.Scale(domain=regions)),
        color=colour,
        tooltip=[alt.Tooltip("document_region:N", title="region"), alt.Tooltip("countries:Q", title="countries"),
                 alt.Tooltip("activities:Q", title="activities")],
    ).properties(width="container", height=alt.Step(26))
    chart = alt.vconcat(count, yearly, reached, spacing=10).add_params(
        region, group, kind, year_from, year_to).properties(title=title)
    n = len(data_rows)
    desc = f"{n} activit{'y' if n == 1 else 'ies'} in {data_rows['iso3'].nunique()} countries, {span}"
    return base.finish(chart, title, desc, base.sources((activities, "source")),
                       base.map_link("cov_region", "Region", {r: r for r in regions}))
