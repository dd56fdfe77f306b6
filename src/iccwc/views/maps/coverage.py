"""The regional coverage map: one switchable layer per document region.

Each layer (an ``ipyleaflet.LayerGroup`` named after the region, listed in
the map's ``LayersControl``) holds the region's countries that have a Toolkit
request or an activity in the data: the country's polygon (filled by Toolkit
stage where it requested the Toolkit, else by the region's colour) and a circle
marker whose popup lists its activities. Built with the map kit of
:mod:`iccwc.views.maps.base` (offline world, legend), so the map reads offline without tiles.
Every text from data is escaped.

:func:`focus` frames a region's countries (:func:`region_bounds`) with the kit's one Web Mercator
fit (:func:`iccwc.views.maps.base.fit_bounds`) at this map's :data:`VIEW_SIZE`. The polygons come
from an already-loaded ``world`` (default: the project's, cached); :func:`coverage_map` also takes
``data_dir``.
"""
from __future__ import annotations

import ipyleaflet
import ipywidgets as W
import pandas as pd

from iccwc.views.maps import base as basemap
from iccwc.views.charts import base as charts
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


def region_countries(activities: pd.DataFrame, region: str, toolkit: pd.DataFrame | None = None) -> list[str]:
    """ISO3 codes of the region's countries with an activity or a Toolkit request, sorted."""
    codes = set(activities.loc[activities["document_region"].astype(str) == region, "iso3"].astype(str))
    if toolkit is not None:
        codes |= set(toolkit.loc[toolkit["document_region"].astype(str) == region, "iso3"].astype(str))
    return sorted(codes)


def region_bounds(activities: pd.DataFrame, region: str | None, toolkit: pd.DataFrame | None = None,
                  world: dict | None = None) -> list[list[float]]:
    """[[south, west], [north, east]] around a region's countries (all regions when None)."""
    regions = regions_in(activities, toolkit) if region is None else [region]
    codes = sorted({c for r in regions for c in region_countries(activities, r, toolkit)})
    if not codes:
        raise ValueError(f"no country in region {region!r}")
    return basemap.countries_bounds(codes, world)


def focus(m: ipyleaflet.Map, activities: pd.DataFrame, region: str | None, toolkit: pd.DataFrame | None = None,
          world: dict | None = None) -> None:
    """Frame a region's countries on ``m`` (all regions when None)."""
    basemap.fit_bounds(m, region_bounds(activities, region, toolkit, world), VIEW_SIZE, MAX_ZOOM)


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
                 world: dict | None = None) -> ipyleaflet.LayerGroup:
    """The region's countries (polygons) and markers (popups listing activities), as one layer."""
    colour = charts.REGION_COLOURS.get(region, charts.NEUTRAL)
    codes = region_countries(activities, region, toolkit)
    stage_of = {} if toolkit is None else dict(zip(toolkit["iso3"].astype(str), toolkit["stage"].astype(str)))
    names = {}
    if toolkit is not None:
        names.update(zip(toolkit["iso3"].astype(str), toolkit["country"].astype(str)))
    names.update(zip(activities["iso3"].astype(str), activities["country"].astype(str)))
    world = basemap.get_world(world)
    have = geo.world_ids(world)
    poly = [c for c in codes if c in have]
    props = {c: {"country": names[c], "stage": stage_of.get(c, ""),
                 "fill": charts.STAGE_COLOURS.get(stage_of.get(c, ""), colour)} for c in poly}
    layers = []
    if poly:
        layers.append(ipyleaflet.GeoJSON(
            data=geo.country_features(poly, world, properties=props), name=f"{region}: countries",
            style={"color": colour, "weight": 1.5, "fillOpacity": 0.8},
            style_callback=lambda f: {"fillColor": f["properties"]["fill"]},
            hover_style={"weight": 3}))
    for c in codes:
        rows = activities[activities["iso3"].astype(str) == c]
        lat, lon = basemap.country_point(c, world)
        marker = ipyleaflet.CircleMarker(
            location=(lat, lon), radius=min(5 + 2 * len(rows), 16), color="#333333", weight=1,
            fill_color=colour, fill_opacity=0.9, name=names[c])
        marker.popup = W.HTML(popup_html(names[c], rows, stage_of.get(c)))
        layers.append(marker)
    return ipyleaflet.LayerGroup(layers=layers, name=region)


def legend_html(regions: list[str]) -> str:
    """A compact legend: shape colours (Toolkit stage) and marker colours (region)."""
    stages = basemap.legend_rows([(charts.STAGE_COLOURS[s], s) for s in STAGES], size="10px", inline=True)
    marks = basemap.legend_rows([(charts.REGION_COLOURS.get(r, charts.NEUTRAL), r) for r in regions],
                                size="10px", round_=True, inline=True)
    return basemap.legend_box(
        f"<b>Shape: Toolkit stage</b><br>{stages}<br><b>Circle: activities (click)</b>; shape in the "
        f"region's colour if no Toolkit request<br>{marks}", font_size=10, max_width="330px")


def coverage_map(activities: pd.DataFrame, toolkit: pd.DataFrame | None = None, world: dict | None = None,
                 height: str = "480px", data_dir=None) -> ipyleaflet.Map:
    """The map: grey world, one layer per region (switchable in a LayersControl), a legend, framing
    every region. ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached)."""
    world = basemap.get_world(world, data_dir)
    m = basemap.new_map(center=(10, 20), zoom=2, world=world, height=height)
    regions = regions_in(activities, toolkit)
    for r in regions:
        m.add(region_layer(activities, r, toolkit, world))
    m.add(ipyleaflet.LayersControl(position="topright", collapsed=False))
    m.add(basemap.legend_control(legend_html(regions)))
    focus(m, activities, None, toolkit, world)
    return m


def region_layer_names(m: ipyleaflet.Map) -> list[str]:
    """Names of the map's region layers (what the LayersControl lists besides the grey world)."""
    return [layer.name for layer in m.layers if type(layer) is ipyleaflet.LayerGroup]
