"""The Toolkit stage map: each requesting country filled with the colour of its stage.

Built on :func:`iccwc.views.maps.base.new_map` (no tiles; grey world beneath) and the
offline polygons of :func:`iccwc.data.geo.country_features`. Layers, from the bottom:

* the grey world (from ``new_map``);
* one LayerGroup per stage (named by ``toolkit.STAGE_LEGEND``, in stage order), holding one
  GeoJSON layer per requesting country at that stage, styled with
  ``charts.STAGE_COLOURS[stage]``, with a popup (country, last step, stage), then a
  CircleMarker inside each small country of that stage (polygon area under
  :data:`SMALL_AREA` square degrees, e.g. The Bahamas), in the same colour and with the
  same popup, so it can be seen and clicked at world zoom;
* a layers control (top right) that switches stages on and off: Leaflet does it in the
  browser, so it also works in the exported HTML, without Python;
* a legend with the document's four stages (``toolkit.STAGE_LEGEND`` labels), compact so it
  covers no requesting country at world zoom.

:func:`set_countries` replaces the countries shown (filters, another status date), with the layers
it made for a country before where it shows it again (no new widget);
:func:`map_countries` reads back which countries a map shows and their colours
(for tests and notebooks); :func:`focus` frames the countries shown (one Web Mercator fit,
:func:`iccwc.views.maps.base.fit_bounds`). The polygons come from an already-loaded ``world``
(default: the project's, cached); :func:`stage_map` also takes ``data_dir``. Every text from data is
escaped before it becomes HTML.
"""
from __future__ import annotations

import weakref
from typing import Callable

import ipyleaflet
import ipywidgets
import pandas as pd

from iccwc.views.maps import base as basemap
from iccwc.views.charts import base as charts
from iccwc.data import geo
from iccwc.vocab import STAGE_LEGEND, STAGES, STEPS_UNKNOWN
from iccwc.analysis.toolkit_uptake import date_label, one_date, step_name

#: The LayerGroup of each stage, by name (the labels of the layers control).
STAGE_GROUPS = [STAGE_LEGEND[s] for s in STAGES]
#: Every group the map holds: the four stages, then countries whose steps are unknown (a status list).
_GROUPS = dict(zip([*STAGES, STEPS_UNKNOWN], [*STAGE_GROUPS, STAGE_LEGEND[STEPS_UNKNOWN]]))
#: Countries whose polygons cover less than this many square degrees get a circle marker
#: (at 1:110m: The Bahamas 1.4, Togo 5.0, Bosnia and Herzegovina 5.7; Bangladesh 11.9).
SMALL_AREA = 8.0
MARKER_RADIUS = 7
OUTLINE = "#333333"


def style_for(stage: str) -> dict:
    """The fill of a country at ``stage``."""
    return {"color": OUTLINE, "weight": 0.8, "fillColor": charts.STAGE_FILLS[str(stage)], "fillOpacity": 0.9}


def popup_html(row) -> str:
    """Country, last step and stage (as the document's legend names it), escaped."""
    stage = str(row["stage"])
    when = pd.Timestamp(row["status_date"])
    return (f"<div class='iccwc-popup' style='font-size:12px;line-height:1.35'>"
            f"<b>{charts.escape(row['country'])}</b><br>"
            f"Last step: {charts.escape(_last_step(row['last_step']))}<br>"
            f"{charts.swatch(charts.STAGE_FILLS[stage], '0.8em')}"
            f"{charts.escape(STAGE_LEGEND[stage])}<br>"
            f"<span style='color:#666'>as of {charts.escape(date_label(when))}</span></div>")


def _last_step(last) -> str:
    return "not known (the status gives no steps)" if pd.isna(last) else step_name(int(last))


def legend_html(title: str = "Toolkit implementation stage", steps_unknown: bool = False) -> str:
    """The legend's HTML: the document's four stages in order (and, with ``steps_unknown``, the grey of
    countries listed with no steps), and what a circle means."""
    stages = [*STAGES, STEPS_UNKNOWN] if steps_unknown else list(STAGES)
    rows = basemap.legend_rows([(charts.STAGE_FILLS[s], STAGE_LEGEND[s]) for s in stages])
    circle = (f"<div style='white-space:nowrap;color:#444'>{charts.swatch('transparent', '11px', round_=True)}"
              "circle: a small country</div>")
    return basemap.legend_box(rows + circle, title)


def legend(title: str = "Toolkit implementation stage", steps_unknown: bool = False) -> ipyleaflet.WidgetControl:
    """A compact legend (ipyleaflet's LegendControl is about twice as tall and hid Peru at world zoom)."""
    return basemap.legend_control(legend_html(title, steps_unknown))



#: What each stage map keeps so that :func:`set_countries` shows a country again with the layers made
#: for it before (no new widget, nothing left behind): map -> {key: (polygon layer, circle or None)}.
#: The key is what the layers show (country, stage, popup text, click handler), so a kept layer never
#: needs restyling.
_KEPT: "weakref.WeakKeyDictionary[ipyleaflet.Map, dict]" = weakref.WeakKeyDictionary()


def country_layers(df: pd.DataFrame, world: dict | None = None,
                   on_click: Callable[[str], None] | None = None, kept: dict | None = None) -> tuple[list, list]:
    """(polygon layers, circle markers) for the rows of ``df`` (one snapshot).

    ``on_click(country_name)`` is called when a country or its marker is clicked (live kernel only).
    ``kept``: layers made before, by what they show (a map's entry of :data:`_KEPT`); those are given
    back, and the new ones are added to it.
    """
    one_date(df)
    rows = [r for _, r in df.iterrows()]
    popups = [popup_html(r) for r in rows]
    keys = [(str(r["iso3"]), str(r["country"]), str(r["stage"]), p, on_click) for r, p in zip(rows, popups)]
    kept = {} if kept is None else kept
    new = [i for i, k in enumerate(keys) if k not in kept]
    fc = geo.country_features([str(rows[i]["iso3"]) for i in new], world)
    for i, feat in zip(new, fc["features"]):
        r, name, stage = rows[i], str(rows[i]["country"]), str(rows[i]["stage"])
        feat = {**feat, "properties": {**feat["properties"], "country": name, "stage": stage,
                                       "last_step": None if pd.isna(r["last_step"]) else int(r["last_step"])}}
        layer = basemap.shapes(
            {"type": "FeatureCollection", "features": [feat]}, style_for(stage), name=name,
            hover_style={"weight": 2.5, "color": "#000000"},
            popup=ipywidgets.HTML(popups[i]), popup_max_width=260)
        marker = None
        if geo.area(feat) < SMALL_AREA:
            lat, lon = geo.interior_point(feat)
            marker = ipyleaflet.CircleMarker(
                location=(lat, lon), radius=MARKER_RADIUS, name=name, color=OUTLINE, weight=2,
                fill_color=charts.STAGE_FILLS[stage], fill_opacity=0.95,
                popup=ipywidgets.HTML(popups[i]), popup_max_width=260)
        if on_click is not None:
            layer.on_click(lambda *a, _n=name, **k: on_click(_n))
            if marker is not None:
                marker.on_click(lambda *a, _n=name, **k: on_click(_n))
        kept[keys[i]] = (layer, marker)
    polys = [kept[k][0] for k in keys]
    markers = [kept[k][1] for k in keys if kept[k][1] is not None]
    return polys, markers


group = basemap.layer_group


def polygons(m: ipyleaflet.Map) -> list[ipyleaflet.GeoJSON]:
    """The country layers of a stage map, all stages."""
    return [layer for name in _groups(m) for layer in group(m, name).layers
            if isinstance(layer, ipyleaflet.GeoJSON)]


def _groups(m: ipyleaflet.Map) -> list[str]:
    """The names of the map's country groups (the unknown-steps group only on a map that has it)."""
    have = {getattr(layer, "name", None) for layer in m.layers}
    return [name for name in _GROUPS.values() if name in have]


def markers(m: ipyleaflet.Map) -> list[ipyleaflet.CircleMarker]:
    """The small-country circles of a stage map, all stages."""
    return [layer for name in _groups(m) for layer in group(m, name).layers
            if isinstance(layer, ipyleaflet.CircleMarker)]


def set_countries(m: ipyleaflet.Map, df: pd.DataFrame, world: dict | None = None,
                  on_click: Callable[[str], None] | None = None) -> None:
    """Show exactly the countries of ``df`` on a map made by :func:`stage_map` (and say in the map's
    attribution line which document and status date they come from)."""
    kept = _KEPT.get(m)
    if kept is None:
        kept = _KEPT[m] = {}
    polys, circles = country_layers(df, world, on_click, kept)
    when = f"as of {date_label(pd.Timestamp(df['status_date'].max()))}" if len(df) else None
    basemap.attribute(m, basemap.source_files((df, "source_file")), when,
                      title="Toolkit stage of each requesting country" + (f", {when}" if when else ""))
    stage_of = {p.name: p.data["features"][0]["properties"]["stage"] for p in polys}
    if STEPS_UNKNOWN in stage_of.values() and _GROUPS[STEPS_UNKNOWN] not in _groups(m):
        m.add(ipyleaflet.LayerGroup(layers=[], name=_GROUPS[STEPS_UNKNOWN]))     # a status list's countries
    for stage, name in _GROUPS.items():
        if name not in _groups(m):
            continue
        layers = ([p for p in polys if stage_of[p.name] == stage]
                  + [c for c in circles if stage_of[c.name] == stage])
        if list(group(m, name).layers) != layers:
            group(m, name).layers = layers


def stage_map(df: pd.DataFrame, world: dict | None = None, height: str = "460px",
              on_click: Callable[[str], None] | None = None, data_dir=None) -> ipyleaflet.Map:
    """A world map of the requesting countries of one snapshot, filled by stage, with a legend.

    ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached)."""
    world = basemap.get_world(world, data_dir)
    m = basemap.new_map(center=WORLD_VIEW[0], zoom=WORLD_VIEW[1], world=world, height=height)
    for name in STAGE_GROUPS:
        m.add(ipyleaflet.LayerGroup(layers=[], name=name))
    set_countries(m, df, world, on_click)
    m.add(legend(steps_unknown=bool((df["stage"].astype(str) == STEPS_UNKNOWN).any())))
    m.add(ipyleaflet.LayersControl(position="topright", collapsed=True))
    m.add(ipyleaflet.ScaleControl(position="bottomright", imperial=False))
    focus(m, df, world)           # opens fitted to the countries shown
    return m


#: The world view (centre, zoom), and the pixel size and zoom limit the countries are framed for.
WORLD_VIEW = ((8, 20), 2)
VIEW_SIZE = (900, 440)
MAX_ZOOM = 4


def focus(m: ipyleaflet.Map, df: pd.DataFrame | None, world: dict | None = None) -> None:
    """Frame the countries of ``df`` on ``m`` (:func:`iccwc.views.maps.base.fit_bounds`), or show the
    world when ``df`` is None or empty."""
    if df is None or df.empty:
        basemap.set_view(m, WORLD_VIEW[0], WORLD_VIEW[1], VIEW_SIZE)     # the world, for a map of this size
    else:
        basemap.fit_bounds(m, basemap.countries_bounds(df["iso3"], world), VIEW_SIZE, MAX_ZOOM)


def map_countries(m: ipyleaflet.Map) -> dict[str, dict]:
    """What a stage map shows: {country: {"iso3", "stage", "fill", "marker_fill" (or None)}}."""
    out = {}
    for layer in polygons(m):
        feat = layer.data["features"][0]
        props = feat["properties"]
        out[props["country"]] = {"iso3": feat["id"], "stage": props["stage"],
                                 "fill": props["style"]["fillColor"], "marker_fill": None}
    for mk in markers(m):
        out[mk.name]["marker_fill"] = mk.fill_color
    return out
