"""The regional coverage map: one switchable layer per document region.

Each layer (an ``ipyleaflet.LayerGroup`` named after the region, listed in
the map's ``LayersControl``) holds the region's countries that have a Toolkit
request or an activity in the data: the country's polygon (filled by Toolkit
stage where it requested the Toolkit, else by the region's colour) and a circle
marker whose popup lists its activities. Built on :func:`iccwc.views.maps.base.new_map`,
so the map reads offline without tiles. Every text from data is escaped.

:func:`fit_bounds` sets a map's centre and zoom to show given bounds. It is
computed in Python (Web Mercator), unlike ``ipyleaflet.Map.fit_bounds``, which
waits for a browser to report the view: so it works in tests, in strict nbval
runs and in exported HTML.
"""
from __future__ import annotations

import ipyleaflet
import ipywidgets as W
import pandas as pd

from iccwc.views.maps import base as basemap
from iccwc.views.charts import base as charts
from iccwc.data import gazetteer
from iccwc.data import geo
from iccwc.vocab import ACTIVITY_CATEGORIES as CATEGORIES, DOCUMENT_REGIONS, STAGES

#: Pixel size the zoom is computed for (the map's usual size beside its summary).
VIEW_SIZE = (620, 480)
MAX_ZOOM = 6


def regions_in(activities: pd.DataFrame, toolkit: pd.DataFrame | None = None) -> list[str]:
    """Document regions present in the data, in the document's order (Oceania last if present)."""
    have = set(activities["document_region"].astype(str))
    if toolkit is not None:
        have |= set(toolkit["document_region"].astype(str))
    return [r for r in DOCUMENT_REGIONS + sorted(have - set(DOCUMENT_REGIONS)) if r in have]


def country_point(iso3: str, data_dir=None) -> tuple[float, float]:
    """Where a country's marker goes: inside its polygon, else at its capital."""
    by_id = {f["id"]: f for f in geo.world(data_dir)["features"]}
    if iso3 in by_id:
        return geo.interior_point(by_id[iso3])
    if (point := gazetteer.capital(iso3)) is not None:
        return point
    raise KeyError(f"no polygon nor capital for {iso3}")


def region_countries(activities: pd.DataFrame, region: str, toolkit: pd.DataFrame | None = None) -> list[str]:
    """ISO3 codes of the region's countries with an activity or a Toolkit request, sorted."""
    codes = set(activities.loc[activities["document_region"].astype(str) == region, "iso3"].astype(str))
    if toolkit is not None:
        codes |= set(toolkit.loc[toolkit["document_region"].astype(str) == region, "iso3"].astype(str))
    return sorted(codes)


def region_bounds(activities: pd.DataFrame, region: str | None, toolkit: pd.DataFrame | None = None,
                  data_dir=None) -> list[list[float]]:
    """[[south, west], [north, east]] around a region's countries (all regions when None)."""
    regions = regions_in(activities, toolkit) if region is None else [region]
    codes = sorted({c for r in regions for c in region_countries(activities, r, toolkit)})
    if not codes:
        raise ValueError(f"no country in region {region!r}")
    world_ids = {f["id"] for f in geo.world(data_dir)["features"]}
    points = geo.feature_points(geo.country_features([c for c in codes if c in world_ids], data_dir))
    points += [country_point(c, data_dir) for c in codes if c not in world_ids]
    return geo.points_bounds(points)


def view_for(bounds, size=VIEW_SIZE, max_zoom=MAX_ZOOM, padding=0.02) -> tuple[tuple[float, float], int]:
    """(centre, zoom) for ``bounds`` at this map's usual size (:func:`iccwc.views.maps.base.view_for`)."""
    return basemap.view_for(bounds, size, max_zoom, padding)


def fit_bounds(m: ipyleaflet.Map, bounds, size=VIEW_SIZE) -> None:
    """Centre and zoom ``m`` on ``bounds`` (:func:`iccwc.views.maps.base.fit_bounds`)."""
    basemap.fit_bounds(m, bounds, size, MAX_ZOOM)


def popup_html(country: str, rows: pd.DataFrame, stage: str | None) -> str:
    """A country's popup: name, Toolkit stage, activities by category (all escaped)."""
    e = charts.escape
    parts = [f"<b>{e(country)}</b>"]
    if stage:
        parts.append(f"Toolkit: {e(stage)}")
    for cat in CATEGORIES:
        sub = rows[rows["category"].astype(str) == cat]
        if sub.empty:
            continue
        items = "".join(
            f"<li>{e(r.activity_type)}{'*' if str(r.status) != 'completed' else ''}: {e(r.description)}"
            f"{(' (' + e(r.period) + ')') if isinstance(r.period, str) and r.period else ''}</li>"
            for r in sub.itertuples(index=False))
        parts.append(f"<i>{e(cat)}</i><ul style='margin:0;padding-left:1.2em'>{items}</ul>")
    parts.append("<small>*: ongoing or planned</small>")
    return "<br>".join(parts)


def region_layer(activities: pd.DataFrame, region: str, toolkit: pd.DataFrame | None = None,
                 data_dir=None) -> ipyleaflet.LayerGroup:
    """The region's countries (polygons) and markers (popups listing activities), as one layer."""
    colour = charts.REGION_COLOURS.get(region, charts.NEUTRAL)
    codes = region_countries(activities, region, toolkit)
    stage_of = {} if toolkit is None else dict(zip(toolkit["iso3"].astype(str), toolkit["stage"].astype(str)))
    names = {}
    if toolkit is not None:
        names.update(zip(toolkit["iso3"].astype(str), toolkit["country"].astype(str)))
    names.update(zip(activities["iso3"].astype(str), activities["country"].astype(str)))
    world_ids = {f["id"] for f in geo.world(data_dir)["features"]}
    poly = [c for c in codes if c in world_ids]
    props = {c: {"country": names[c], "stage": stage_of.get(c, ""),
                 "fill": charts.STAGE_COLOURS.get(stage_of.get(c, ""), colour)} for c in poly}
    layers = []
    if poly:
        layers.append(ipyleaflet.GeoJSON(
            data=geo.country_features(poly, data_dir, properties=props), name=f"{region}: countries",
            style={"color": colour, "weight": 1.5, "fillOpacity": 0.8},
            style_callback=lambda f: {"fillColor": f["properties"]["fill"]},
            hover_style={"weight": 3}))
    for c in codes:
        rows = activities[activities["iso3"].astype(str) == c]
        lat, lon = country_point(c, data_dir)
        marker = ipyleaflet.CircleMarker(
            location=(lat, lon), radius=min(5 + 2 * len(rows), 16), color="#333333", weight=1,
            fill_color=colour, fill_opacity=0.9, name=names[c])
        marker.popup = W.HTML(popup_html(names[c], rows, stage_of.get(c)))
        layers.append(marker)
    return ipyleaflet.LayerGroup(layers=layers, name=region)


def legend_html(regions: list[str]) -> str:
    """A compact legend: shape colours (Toolkit stage) and marker colours (region)."""
    def sw(colour, round_=False):
        return (f"<span style='display:inline-block;width:10px;height:10px;background:{colour};"
                f"border:1px solid #555;margin:0 3px 0 6px;{'border-radius:50%;' if round_ else ''}'></span>")
    stages = "".join(sw(charts.STAGE_COLOURS[s]) + charts.escape(s) for s in STAGES)
    marks = "".join(sw(charts.REGION_COLOURS.get(r, charts.NEUTRAL), True) + charts.escape(r) for r in regions)
    return ("<div style='background:white;padding:3px 6px;font-size:10px;line-height:14px;max-width:330px'>"
            f"<b>Shape: Toolkit stage</b><br>{stages}<br><b>Circle: activities (click)</b>; shape in the "
            f"region's colour if no Toolkit request<br>{marks}</div>")


def coverage_map(activities: pd.DataFrame, toolkit: pd.DataFrame | None = None, data_dir=None,
                 height: str = "480px") -> ipyleaflet.Map:
    """The map: grey world, one layer per region (switchable in a LayersControl), a legend."""
    m = basemap.new_map(center=(10, 20), zoom=2, data_dir=data_dir, height=height)
    regions = regions_in(activities, toolkit)
    for r in regions:
        m.add(region_layer(activities, r, toolkit, data_dir))
    m.add(ipyleaflet.LayersControl(position="topright", collapsed=False))
    m.add(ipyleaflet.WidgetControl(widget=W.HTML(legend_html(regions)), position="bottomleft"))
    fit_bounds(m, region_bounds(activities, None, toolkit, data_dir))
    return m


def region_layer_names(m: ipyleaflet.Map) -> list[str]:
    """Names of the map's region layers (what the LayersControl lists besides the grey world)."""
    return [layer.name for layer in m.layers if type(layer) is ipyleaflet.LayerGroup]
