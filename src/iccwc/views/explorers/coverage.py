"""The regional coverage explorer: a region selector, the map, and the region's summary and chart.

Choosing a region zooms the map to its countries (:func:`iccwc.views.maps.coverage.fit_bounds`
around :func:`iccwc.views.maps.coverage.region_bounds`) and fills the summary and the
activities chart beside it. Charts are SVG in ``ipywidgets.HTML`` values, so
the explorer also shows in exported HTML (without the Python callbacks).
"""
from __future__ import annotations

from dataclasses import dataclass

import ipyleaflet
import ipywidgets as W
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views.charts import coverage as cc
from iccwc.views.maps import coverage as cm
from iccwc.analysis.coverage import ALL, region_summary



@dataclass
class CoverageExplorer:
    controls: W.Dropdown          # the region selector
    map: ipyleaflet.Map
    summary: W.HTML               # the selected region's numbers and its activities (escaped)
    charts: dict[str, W.HTML]     # "activities": activities by category for the selected region
    widget: W.Box                 # everything, laid out


def summary_html(activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None) -> str:
    s = region_summary(activities, toolkit, region)
    e = charts.escape
    date = pd.Timestamp(toolkit["status_date"].max()).date().isoformat() if len(toolkit) else "n/a"
    cats = "".join(f"<li>{e(c)}: {n}</li>" for c, n in s["by_category"].items())
    a = activities if region is None else activities[activities["document_region"].astype(str) == region]
    table = (a[["country", "category", "activity_type", "status", "period"]].sort_values(["country", "category"])
             .assign(period=lambda d: d["period"].astype("string").fillna("")))
    return (f"<h4 style='margin:0 0 4px'>{e(s['region'])}</h4>"
            f"<p style='margin:0'><b>{s['toolkit_requests']}</b> Toolkit requests (as of {e(date)}): "
            f"<b>{s['toolkit_complete']}</b> complete, {s['toolkit_not_complete']} not yet complete.<br>"
            f"<b>{s['activities']}</b> activities in the data in {s['countries']} countries "
            f"({s['ongoing_or_planned']} ongoing or planned):</p><ul style='margin:0'>{cats}</ul>"
            # width:0 + min-width:100%: the table scrolls inside the panel instead of widening it
            f"<div style='width:0;min-width:100%;max-height:220px;overflow:auto;font-size:11px'>"
            f"{cc.table_html(table, index=False)}</div>")


def explore(activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None = None,
            data_dir=None) -> CoverageExplorer:
    """Build the explorer; ``region`` (a document region, or None for all) is selected first."""
    regions = cm.regions_in(activities, toolkit)
    if region is not None and region not in regions:
        raise ValueError(f"region {region!r} is not in the data; the data have: {', '.join(regions)}")
    m = cm.coverage_map(activities, toolkit, data_dir)
    m.layout.width = "100%"
    dropdown = W.Dropdown(options=[(ALL, None)] + [(r, r) for r in regions], value=region, description="Region")
    summary = W.HTML(layout=W.Layout(width="100%"))
    chart = W.HTML(layout=W.Layout(width="100%"))

    def show(change=None):
        r = dropdown.value
        cm.fit_bounds(m, cm.region_bounds(activities, r, toolkit, data_dir))
        summary.value = summary_html(activities, toolkit, r)
        chart.value = charts.svg(cc.activities_chart(activities, r))

    show()
    dropdown.observe(show, names="value")
    side = W.VBox([summary, chart], layout=W.Layout(width="38%", padding="0 0 0 10px"))
    body = W.HBox([W.Box([m], layout=W.Layout(width="62%")), side], layout=W.Layout(width="100%"))
    widget = W.VBox([dropdown, body])
    return CoverageExplorer(controls=dropdown, map=m, summary=summary, charts={"activities": chart},
                            widget=widget)
