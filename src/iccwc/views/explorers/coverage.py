"""The regional coverage explorer: filters, the map, and the selection's summary and chart.

:func:`coverage_explorer` returns a :class:`CoverageExplorer` (the one explorer shape of
:mod:`iccwc.views.explorers.base`). ``controls``: ``region`` (a document region, None: all) frames
the map on its countries (:func:`iccwc.views.maps.coverage.focus`); ``category`` (the website's group,
as the document's category), ``activity_type`` and ``years`` (first and last year; activities without
a year stay in) filter the activities the map, the summary and the chart show
(:func:`iccwc.analysis.coverage.filter_activities`). :meth:`~CoverageExplorer.update` applies them.
"""
from __future__ import annotations

import ipywidgets as W
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views.charts import coverage as cc
from iccwc.views.explorers.base import Drawn, Explorer, chart_value, rows_key
from iccwc.views.maps import base as basemap
from iccwc.views.maps import coverage as cm
from iccwc.analysis.coverage import ALL, YEARS, filter_activities, region_summary, support_by_country
from iccwc.vocab import ACTIVITY_CATEGORIES as CATEGORIES, ACTIVITY_TYPES

#: A dropdown's value for "no filter" (ipywidgets shows a None value as a blank list).
NO_FILTER = ""

ANY = "any"


def summary_html(activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None) -> str:
    """The selection's numbers and, per country, its activities by type (escaped)."""
    s = region_summary(activities, toolkit, region)
    e = charts.escape
    date = pd.Timestamp(toolkit["status_date"].max()).date().isoformat() if len(toolkit) else "n/a"
    cats = "".join(f"<li>{e(c)}: {n}</li>" for c, n in s["by_category"].items())
    a = activities if region is None else activities[activities["document_region"].astype(str) == region]
    countries = a["iso3"].nunique()
    table = pd.DataFrame()
    if len(a):
        sup = support_by_country(a)
        types = [c for c in sup.columns if c not in ("document_region", "activities", "years")]
        table = pd.DataFrame({
            "country": sup.index, "activities": sup["activities"].to_numpy(), "years": sup["years"].to_numpy(),
            "kinds": [", ".join(f"{t} {int(row[t])}" for t in types if row[t]) for _, row in sup.iterrows()]})
    return (f"<h4 style='margin:0 0 4px'>{e(s['region'])}</h4>"
            f"<p style='margin:0'><b>{s['activities']}</b> activities shown in <b>{countries}</b> countries; "
            f"<b>{s['toolkit_requests']}</b> Toolkit requests in the table (as of {e(date)}), "
            f"<b>{s['toolkit_complete']}</b> complete.</p><ul style='margin:0'>{cats}</ul>"
            # width:0 + min-width:100%: the table scrolls inside the panel instead of widening it
            f"<div style='width:0;min-width:100%;max-height:220px;overflow:auto;font-size:11px'>"
            f"{cc.table_html(table, index=False) if len(table) else ''}</div>")


class CoverageExplorer(Explorer):
    """``controls``: region, category, activity_type, years; views: ``map``, ``summary`` (the
    selection's numbers and countries, escaped), ``chart`` (activities by category)."""

    DATA = ("activities", "toolkit", "world")     # the world: the map's view of a region is drawn from it

    def __init__(self, activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None = None,
                 world: dict | None = None):
        regions = cm.regions_in(activities, toolkit)
        if region is not None and region not in regions:
            raise ValueError(f"region {region!r} is not in the data; the data have: {', '.join(regions)}")
        self.activities, self.toolkit, self.world = activities, toolkit, basemap.get_world(world)
        self.map = cm.coverage_map(activities, toolkit, self.world)
        self.map.layout.width = "100%"
        have_years = activities["year_start"].dropna().astype(int)
        lo = min([*YEARS, *have_years]) if len(have_years) else YEARS[0]
        hi = max([*YEARS, *activities["year_end"].dropna().astype(int)]) if len(have_years) else YEARS[-1]
        types = [t for t in ACTIVITY_TYPES if t in set(activities["activity_type"].astype(str))]
        self.controls = {
            # "" is "no filter": a Dropdown whose value is None shows nothing selected (a blank list)
            "region": W.Dropdown(options=[(ALL, NO_FILTER)] + [(r, r) for r in regions], value=region or NO_FILTER,
                                 description="Region"),
            "category": W.Dropdown(options=[(ANY, NO_FILTER)] + [(c, c) for c in CATEGORIES], value=NO_FILTER,
                                   description="Group"),
            "activity_type": W.Dropdown(options=[(ANY, NO_FILTER)] + [(t, t) for t in types], value=NO_FILTER,
                                        description="Type"),
            "years": W.IntRangeSlider(value=(lo, hi), min=lo, max=hi, description="Years",
                                      continuous_update=False),
        }
        self._span = (lo, hi)
        wrap = W.Layout(display="flex", flex_flow="row wrap", width="100%")
        self.controls_box = W.Box(list(self.controls.values()), layout=wrap)
        self.summary = W.HTML(layout=W.Layout(width="100%"))
        self.chart = W.HTML(layout=W.Layout(width="100%"))
        # Side by side when the page is wide; the summary goes below the map on a phone.
        side = W.VBox([self.summary, self.chart], layout=W.Layout(flex="1 1 300px", padding="0 0 0 10px"))
        body = W.Box([W.Box([self.map], layout=W.Layout(flex="2 1 360px")), side], layout=wrap)
        self.widget = self.view([self.controls_box, body])
        self._shown = activities          # what coverage_map drew
        self._drawn_summary, self._drawn_chart = Drawn(), Drawn()
        self._drawn_view = Drawn()        # region -> (centre, zoom) framing it
        self.update()
        self._link()

    def selected(self, values: dict | None = None) -> pd.DataFrame:
        """The activities the filters (group, type, years: of the controls, or of ``values``:
        :meth:`values`) leave, in every region."""
        v = self.values() if values is None else values
        years = None if tuple(v["years"]) == self._span else tuple(v["years"])
        return filter_activities(self.activities, None, v["category"] or None, v["activity_type"] or None, years)

    def drawings(self, values: dict, shown: pd.DataFrame | None = None) -> list[tuple[str, object, object]]:
        """For the selection ``values`` (``shown``: its activities, when known): the summary and the chart,
        keyed by the region and the activities shown, and the map's view of the region (its centre and
        zoom, :func:`iccwc.views.maps.coverage.region_view`), keyed by the region."""
        r = values["region"] or None
        if shown is None:
            shown = self.selected(values)
        key = rows_key(shown)
        return [("_drawn_summary", (r, key), lambda: summary_html(shown, self.toolkit, r)),
                ("_drawn_view", r, lambda: cm.region_view(self.activities, r, self.toolkit, self.world)),
                ("_drawn_chart", (r, key), lambda: chart_value(cc.activities_chart(shown, r)))]

    def update(self, *_) -> None:
        """Redraw summary, map and chart from the controls: the chart (matplotlib) last. The map's
        markers are restyled in place (:func:`iccwc.views.maps.coverage.show_activities`: no new
        widget); a selection shown before, or drawn ahead, gets its summary and chart as they were
        drawn (:class:`~iccwc.views.explorers.base.Drawn`, :meth:`drawings`), and a region its view
        (:func:`iccwc.views.maps.coverage.region_view`: centre, zoom) as computed the first time,
        shown at once (:func:`iccwc.views.maps.base.set_view`)."""
        shown = self.selected()
        (summary, s_key, s_make), (view, v_key, v_make), (chart, c_key, c_make) = self.drawings(self.values(), shown)
        self.summary.value = self.kept(summary, s_key, s_make)
        if self._shown is None or not shown.index.equals(self._shown.index):
            cm.show_activities(self.map, shown, self.toolkit, self.world)
            self._shown = shown
        basemap.set_view(self.map, *self.kept(view, v_key, v_make), cm.VIEW_SIZE)
        self.chart.value = self.kept(chart, c_key, c_make)


def coverage_explorer(activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None = None,
                      data_dir=None, world: dict | None = None) -> CoverageExplorer:
    """Build the explorer; ``region`` (a document region, or None for all) is selected first.
    ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached)."""
    return CoverageExplorer(activities, toolkit, region, basemap.get_world(world, data_dir))
