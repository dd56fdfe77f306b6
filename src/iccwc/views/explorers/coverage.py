"""The regional coverage explorer: a region selector, the map, and the region's summary and chart.

:func:`coverage_explorer` returns a :class:`CoverageExplorer` (the one explorer shape of
:mod:`iccwc.views.explorers.base`): ``controls["region"]`` selects a document region (None: all);
:meth:`~CoverageExplorer.update` frames the map on its countries
(:func:`iccwc.views.maps.coverage.focus`) and fills ``summary`` and ``chart`` beside it.
"""
from __future__ import annotations

import ipywidgets as W
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views.charts import coverage as cc
from iccwc.views.explorers.base import Explorer
from iccwc.views.maps import base as basemap
from iccwc.views.maps import coverage as cm
from iccwc.analysis.coverage import ALL, region_summary


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


class CoverageExplorer(Explorer):
    """``controls["region"]``; views: ``map``, ``summary`` (the region's numbers and activities, escaped),
    ``chart`` (activities by category for the region)."""

    def __init__(self, activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None = None,
                 world: dict | None = None):
        regions = cm.regions_in(activities, toolkit)
        if region is not None and region not in regions:
            raise ValueError(f"region {region!r} is not in the data; the data have: {', '.join(regions)}")
        self.activities, self.toolkit, self.world = activities, toolkit, basemap.get_world(world)
        self.map = cm.coverage_map(activities, toolkit, self.world)
        self.map.layout.width = "100%"
        dropdown = W.Dropdown(options=[(ALL, None)] + [(r, r) for r in regions], value=region,
                              description="Region")
        self.controls = {"region": dropdown}
        self.controls_box = W.HBox([dropdown])
        self.summary = W.HTML(layout=W.Layout(width="100%"))
        self.chart = W.HTML(layout=W.Layout(width="100%"))
        side = W.VBox([self.summary, self.chart], layout=W.Layout(width="38%", padding="0 0 0 10px"))
        body = W.HBox([W.Box([self.map], layout=W.Layout(width="62%")), side], layout=W.Layout(width="100%"))
        self.widget = W.VBox([self.controls_box, body])
        self.update()
        self._link()

    def update(self, *_) -> None:
        r = self.controls["region"].value
        cm.focus(self.map, self.activities, r, self.toolkit, self.world)
        self.summary.value = summary_html(self.activities, self.toolkit, r)
        charts.widget(cc.activities_chart(self.activities, r), into=self.chart)


def coverage_explorer(activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None = None,
                      data_dir=None, world: dict | None = None) -> CoverageExplorer:
    """Build the explorer; ``region`` (a document region, or None for all) is selected first.
    ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached)."""
    return CoverageExplorer(activities, toolkit, region, basemap.get_world(world, data_dir))
