"""The regional coverage map: one switchable layer per document region, a sized circle per country.

Each layer (an ``ipyleaflet.LayerGroup`` named after the region, listed in the map's
``LayersControl``) holds the region's countries with an activity or a Toolkit request: for countries
with a Toolkit request, the country's polygon filled by Toolkit stage; and a circle per country
(:class:`CountryPoints`: one GeoJSON layer of points per region), its area growing with the
country's number of activities (:func:`marker_radius`), placed at the ICCWC website's coordinates
(or inside the country's polygon when the data give none), whose popup lists the country's
activities by type with their years. Built with the map kit of :mod:`iccwc.views.maps.base`
(offline world, legend), so the map reads offline without tiles. Every text from data is escaped.
:func:`countries_shown` reads back what the map shows of each country.

:func:`focus` frames the markers of a region (all regions when None: :func:`region_bounds`) with the
kit's one Web Mercator fit (:func:`iccwc.views.maps.base.fit_bounds`) at :data:`VIEW_SIZE`; framing
markers rather than polygons keeps Russia's and Fiji's spans from pushing the Americas off the view.
"""
from __future__ import annotations

import math
import weakref
from functools import lru_cache

import ipyleaflet

import ipywidgets as W
import pandas as pd

from iccwc.views.maps import base as basemap
from iccwc.views.charts import base as charts
from iccwc.data import geo
from iccwc.vocab import ACTIVITY_TYPES, DOCUMENT_REGIONS, STAGES

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


def marker_points(activities: pd.DataFrame, codes, world: dict | None = None) -> dict[str, tuple[float, float]]:
    """Where each country's marker goes: the ICCWC website's coordinates (its first row with some), else a
    point inside the country's polygon (or its capital)."""
    have = activities.dropna(subset=["latitude", "longitude"]).drop_duplicates("iso3")
    web = {str(c): (float(la), float(lo)) for c, la, lo in zip(have["iso3"], have["latitude"], have["longitude"])}
    return {c: web[c] if c in web else basemap.country_point(c, world) for c in codes}


def region_bounds(activities: pd.DataFrame, region: str | None, toolkit: pd.DataFrame | None = None,
                  world: dict | None = None) -> list[list[float]]:
    """[[south, west], [north, east]] around a region's markers (all regions when None), 3 degrees around."""
    regions = regions_in(activities, toolkit) if region is None else [region]
    codes = sorted({c for r in regions for c in region_countries(activities, r, toolkit)})
    if not codes:
        raise ValueError(f"no country in region {region!r}")
    (s, w), (n, e) = geo.points_bounds(list(marker_points(activities, codes, basemap.get_world(world)).values()))
    return [[max(s - 3, -85), w - 3], [min(n + 3, 85), e + 3]]


def region_view(activities: pd.DataFrame, region: str | None, toolkit: pd.DataFrame | None = None,
                world: dict | None = None) -> tuple[tuple[float, float], int]:
    """(centre, zoom) framing a region's markers (all regions when None) at :data:`VIEW_SIZE`."""
    return basemap.view_for(region_bounds(activities, region, toolkit, world), VIEW_SIZE, MAX_ZOOM)


def focus(m: ipyleaflet.Map, activities: pd.DataFrame, region: str | None, toolkit: pd.DataFrame | None = None,
          world: dict | None = None) -> None:
    """Frame a region's markers on ``m`` (all regions when None)."""
    basemap.set_view(m, *region_view(activities, region, toolkit, world), VIEW_SIZE)


def _years(r: dict) -> str:
    start, end = r["year_start"], r["year_end"]
    if pd.isna(start):
        return ""
    a, b = int(start), int(end) if not pd.isna(end) else int(start)
    return f" ({a})" if a == b else f" ({a}-{b})"


def popup_html(country: str, rows: pd.DataFrame, stage: str | None) -> str:
    """A country's popup: name, Toolkit stage, its activities by type with years (all escaped)."""
    e = charts.escape
    cols = ["activity_type", "description", "year_start", "year_end", "status"]
    records = [dict(zip(cols, r)) for r in zip(*(rows[c].tolist() for c in cols))]
    by_type: dict[str, list[dict]] = {}
    for r in records:
        by_type.setdefault(str(r["activity_type"]), []).append(r)
    head = [f"<b>{e(country)}</b> ({len(records)} {'activity' if len(records) == 1 else 'activities'})"]
    if stage:
        head.append(f"Toolkit stage (table): {e(stage)}")
    # The head is also the marker's hover tooltip in a shared page (the site template's page.js: .iccwc-tip).
    parts = [f"<span class='{TIP_CLASS}'>{'<br>'.join(head)}</span>"]
    for t in ACTIVITY_TYPES:
        # by first year, undated last; a stable sort keeps the source's order within a year
        sub = sorted(by_type.get(t, []), key=lambda r: (pd.isna(r["year_start"]),
                                                         0 if pd.isna(r["year_start"]) else r["year_start"]))
        if not sub:
            continue
        items = "".join(f"<li>{e(r['description'])}{e(_years(r))}"
                        f"{'*' if str(r['status']) == 'ongoing or planned' else ''}</li>" for r in sub)
        parts.append(f"<i>{e(t)}</i><ul style='margin:0;padding-left:1.2em'>{items}</ul>")
    if any(str(r["status"]) == "ongoing or planned" for r in records):
        parts.append("<small>*: ongoing or planned (Toolkit table)</small>")
    return "".join(p if p.startswith("<i>") or p.startswith("<small") else p + "<br>" for p in parts)


#: The part of a popup a shared page also shows as the hover tooltip (the rest needs a click).
TIP_CLASS = "iccwc-tip"


def polygon_tooltip(country: str, stage: str) -> str:
    """The hover text of a Toolkit country's shape (plain text; the page escapes it)."""
    return f"{country}: Toolkit stage (table): {stage}"


def marker_radius(n: int) -> int:
    """Circle radius in pixels for a country's ``n`` activities: the area grows with n (4 px for 1, 14 px
    for 12 or more)."""
    return int(round(min(4 * math.sqrt(max(n, 1)), 14)))


@lru_cache(maxsize=1)
def _popup_look() -> tuple[W.Layout, object]:
    """One layout and one style shared by every region's popup widget. Made on first use, not at
    import: a widget made at import would be announced to no notebook when a run's kernel imports this
    module ahead (iccwc.commands.kernelside), and the run empties this cache between notebooks."""
    return W.Layout(max_width=f"{POPUP_WIDTH}px"), W.HTML().style       # ipywidgets has no public HTMLStyle class


#: What every country's circle shares (a region's layer adds its colour): the look the map had when
#: each circle was an ``ipyleaflet.CircleMarker`` of its own.
POINT_STYLE = {"radius": 4, "color": "#333333", "weight": 1, "opacity": 1.0, "fill": True, "fillOpacity": 0.85}


#: A popup's largest size in pixels: a longer list scrolls inside it, so the popup stays beside its
#: circle within the map's 480 px (a taller one pushed the circle off the view).
POPUP_WIDTH, POPUP_HEIGHT = 320, 260


class CountryPoints(ipyleaflet.GeoJSON):
    """A region's countries as one layer: a circle per country (a GeoJSON point, drawn as a Leaflet
    circle marker), sized by its activities (``properties.style.radius``), its popup's HTML in
    ``properties.popup``.

    One layer, not a marker and a popup widget per country: a filter then sends the page one message
    per region (the layer's new ``data``) where it sent one or two per country (58-138 for one change,
    the cost of 03's explorer in JupyterLab), and a page saves a model per region, not two per country.

    The layer's one popup widget (:attr:`popup`, bound by Leaflet to every circle of the layer) shows
    the circle the reader points at: in a kernel (JupyterLab, the app) the layer's hover and click
    events set it from the circle's ``properties.popup``; in a shared page, with no kernel, the site's
    page.js writes the same into it before it opens."""

    def __init__(self, region: str, colour: str, **kwargs):
        layout, style = _popup_look()
        super().__init__(data=points_collection([]), name=f"{region}: countries",
                         point_style={**POINT_STYLE, "fillColor": colour}, hover_style={"weight": 3},
                         popup=W.HTML("", layout=layout, style=style), popup_max_width=POPUP_WIDTH,
                         popup_max_height=POPUP_HEIGHT, **kwargs)
        self.on_hover(self._point_at)
        self.on_click(self._point_at)

    def _point_at(self, properties=None, **_) -> None:
        """The popup of the circle the page names (by its ISO3 code, looked up in what the layer shows:
        the page's copy of the HTML is not trusted)."""
        iso3 = str((properties or {}).get("iso3"))
        html = next((f["properties"]["popup"] for f in self.data["features"] if f["id"] == iso3), None)
        if html is not None and self.popup.value != html:
            self.popup.value = html

    def show(self, features: list[dict]) -> None:
        """Show these countries (:func:`point_feature`); nothing is sent when they are what is shown."""
        data = points_collection(features)
        if data != self.data:
            self.data = data


def points_collection(features: list[dict]) -> dict:
    """A GeoJSON FeatureCollection of country points."""
    return {"type": "FeatureCollection", "features": features}


def point_feature(iso3: str, country: str, location: tuple[float, float], n: int, popup: str) -> dict:
    """A country's circle as a GeoJSON point feature (coordinates in GeoJSON's [longitude, latitude]
    order): its name, number of activities, radius (:func:`marker_radius`) and popup HTML."""
    return {"type": "Feature", "id": iso3, "geometry": {"type": "Point", "coordinates": [location[1], location[0]]},
            "properties": {"iso3": iso3, "country": country, "activities": int(n), "popup": popup,
                           "style": {"radius": marker_radius(n)}}}


class _Kept:
    """What a coverage map keeps so that :func:`show_activities` redraws it in place: each region's
    Toolkit-polygons layer and countries layer (:class:`CountryPoints`), and the popups' HTML already
    written. A filter then changes the countries layers' data: no widget is made (or left behind) after
    the first drawing, and only a region whose countries changed is sent to the page."""

    def __init__(self):
        self.polygons: dict[tuple, ipyleaflet.GeoJSON] = {}
        self.points: dict[str, CountryPoints] = {}
        self.popups: dict[tuple, str] = {}
        #: Each country's name as first drawn (from all the map's data): a filter that leaves a country
        #: no activity would otherwise name it as the Toolkit table does ("DRC", not "Democratic
        #: Republic of Congo").
        self.names: dict[str, str] = {}


#: Each coverage map's :class:`_Kept` (dropped with the map).
_KEPT: "weakref.WeakKeyDictionary[ipyleaflet.Map, _Kept]" = weakref.WeakKeyDictionary()
#: How many popups' HTML a map keeps (a popup is about 1 KB; a selection touches at most ~130).
POPUPS_KEPT = 4000


def _names(activities: pd.DataFrame, toolkit: pd.DataFrame | None) -> dict[str, str]:
    names = {}
    if toolkit is not None:
        names.update(zip(toolkit["iso3"].astype(str), toolkit["country"].astype(str)))
    names.update(zip(activities["iso3"].astype(str)[::-1], activities["country"].astype(str)[::-1]))
    return names


def region_layers(activities: pd.DataFrame, region: str, toolkit: pd.DataFrame | None = None,
                  world: dict | None = None, kept: _Kept | None = None, by_country: dict | None = None) -> list:
    """The layers of a region: its Toolkit countries (polygons by stage), then its countries' circles
    (:class:`CountryPoints`: a circle per country sized by its activities, its popup listing them).
    With ``kept`` (a map's :class:`_Kept`), the layers made before are given back, the circles redrawn
    in place, and new layers are kept. ``by_country``: the rows of ``activities`` by ISO3 code
    (computed when not given)."""
    colour = charts.REGION_COLOURS.get(region, charts.NEUTRAL)
    codes = region_countries(activities, region, toolkit)
    stage_of = {} if toolkit is None else dict(zip(toolkit["iso3"].astype(str), toolkit["stage"].astype(str)))
    names = _names(activities, toolkit)
    if kept is not None:
        kept.names = names = {**names, **kept.names}
    world = basemap.get_world(world)
    have = geo.world_ids(world)
    poly = [c for c in codes if c in have and c in stage_of]
    layers = []
    if poly:
        pkey = (region, tuple((c, names[c], stage_of[c]) for c in poly))
        layer = None if kept is None else kept.polygons.get(pkey)
        if layer is None:
            props = {c: {"country": names[c], "stage": stage_of[c], "fill": charts.STAGE_FILLS[stage_of[c]],
                         "tooltip": polygon_tooltip(names[c], stage_of[c])} for c in poly}
            layer = basemap.shapes(
                geo.country_features(poly, world, properties=props), {"color": colour, "weight": 1.5, "fillOpacity": 0.8},
                lambda f: {"fillColor": f["properties"]["fill"]}, name=f"{region}: Toolkit countries",
                hover_style={"weight": 3})
            if kept is not None:
                kept.polygons[pkey] = layer
        layers.append(layer)
    points = marker_points(activities, codes, world)
    if by_country is None:
        by_country = dict(tuple(activities.groupby(activities["iso3"].astype(str), sort=False)))
    empty = activities.iloc[0:0]
    features = []
    for c in codes:
        rows = by_country.get(c, empty)
        features.append(point_feature(c, names[c], points[c], len(rows),
                                      _popup(kept, c, names[c], rows, stage_of.get(c))))
    circles = None if kept is None else kept.points.get(region)
    if circles is None:
        circles = CountryPoints(region, colour)
        if kept is not None:
            kept.points[region] = circles
    circles.show(features)
    layers.append(circles)
    return layers


def _popup(kept: _Kept | None, iso3: str, country: str, rows: pd.DataFrame, stage: str | None) -> str:
    """:func:`popup_html`, or what it wrote before for the same rows (``kept``)."""
    if kept is None:
        return popup_html(country, rows, stage)
    key = (iso3, country, stage, tuple(rows.index))
    hit = kept.popups.get(key)
    if hit is None:
        if len(kept.popups) >= POPUPS_KEPT:
            kept.popups.clear()
        hit = kept.popups[key] = popup_html(country, rows, stage)
    return hit


def legend_html(regions: list[str]) -> str:
    """A compact legend: marker colours (region), marker size (activities), shape colours (Toolkit stage)."""
    stages = basemap.legend_rows([(charts.STAGE_COLOURS[s], s) for s in STAGES], size="10px", inline=True)
    marks = basemap.legend_rows([(charts.REGION_COLOURS.get(r, charts.NEUTRAL), r) for r in regions],
                                size="10px", round_=True, inline=True)
    return basemap.legend_box(
        f"<b>Circle: a country's activities (click)</b>, larger for more<br>{marks}<br>"
        f"<b>Shape: Toolkit stage</b> (Toolkit table)<br>{stages}", font_size=10, max_width="330px")


def coverage_map(activities: pd.DataFrame, toolkit: pd.DataFrame | None = None, world: dict | None = None,
                 height: str = "480px", data_dir=None) -> ipyleaflet.Map:
    """The map: grey world, one layer per region (switchable in a LayersControl), a legend, framing
    every region. ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached)."""
    world = basemap.get_world(world, data_dir)
    m = basemap.new_map(center=(10, 20), zoom=2, world=world, height=height)
    regions = regions_in(activities, toolkit)
    kept = _KEPT[m] = _Kept()
    by_country = dict(tuple(activities.groupby(activities["iso3"].astype(str), sort=False)))
    for r in regions:
        m.add(ipyleaflet.LayerGroup(layers=region_layers(activities, r, toolkit, world, kept, by_country), name=r))
    m.add(ipyleaflet.LayersControl(position="topright", collapsed=False))
    m.add(basemap.legend_control(legend_html(regions)))
    focus(m, activities, None, toolkit, world)
    first, last = activities["year_start"].dropna(), activities["year_end"].dropna()
    when = [] if first.empty else [f"activities {int(first.min())}-{int(max(last.max(), first.max()))}"]
    if toolkit is not None and len(toolkit):
        when.append(f"Toolkit table as of {pd.Timestamp(toolkit['status_date'].max()).date().isoformat()}")
    basemap.attribute(m, basemap.source_files((activities, "source_file"), (toolkit, "source_file")),
                      "; ".join(when) or None, title=map_title(activities, toolkit))
    return m


def map_title(activities: pd.DataFrame, toolkit: pd.DataFrame | None = None) -> str:
    """The map's title, with the years its activities span and the Toolkit table's date."""
    first, last = activities["year_start"].dropna(), activities["year_end"].dropna()
    span = "" if first.empty else f", {int(first.min())}-{int(max(last.max(), first.max()))}"
    table = ""
    if toolkit is not None and len(toolkit):
        table = f"; Toolkit stage as of {pd.Timestamp(toolkit['status_date'].max()).strftime('%-d %B %Y')}"
    return f"Where ICCWC is active: activities by region{span}{table}"


def region_layer_names(m: ipyleaflet.Map) -> list[str]:
    """Names of the map's region layers (what the LayersControl lists besides the grey world)."""
    return [layer.name for layer in m.layers if type(layer) is ipyleaflet.LayerGroup]


def show_activities(m: ipyleaflet.Map, activities: pd.DataFrame, toolkit: pd.DataFrame | None = None,
                    world: dict | None = None) -> None:
    """Redraw each region layer of ``m`` with ``activities`` (e.g. filtered by group, type or year); a
    region with none left keeps its layer, its countries layer empty, so the LayersControl does not
    change. On a map made by :func:`coverage_map`, the layers it drew are redrawn in place
    (:class:`_Kept`): a region whose circles changed is one message to the page."""
    kept = _KEPT.get(m)
    if kept is None:
        kept = _KEPT[m] = _Kept()
    by_country = dict(tuple(activities.groupby(activities["iso3"].astype(str), sort=False)))
    for layer in m.layers:
        if type(layer) is ipyleaflet.LayerGroup:
            new = region_layers(activities, layer.name, toolkit, world, kept, by_country)
            if list(layer.layers) != new:
                layer.layers = new


def countries_shown(m: ipyleaflet.Map) -> dict[str, dict]:
    """What the map shows of each country, by ISO3 code: its region (layer), name, ``location``
    (latitude, longitude), number of ``activities``, circle ``radius`` and ``popup`` HTML."""
    out = {}
    for group in m.layers:
        if type(group) is not ipyleaflet.LayerGroup:
            continue
        for layer in group.layers:
            if isinstance(layer, CountryPoints):
                for f in layer.data["features"]:
                    p, (lon, lat) = f["properties"], f["geometry"]["coordinates"]
                    out[p["iso3"]] = {"region": group.name, "country": p["country"], "location": (lat, lon),
                                      "activities": p["activities"], "radius": p["style"]["radius"],
                                      "popup": p["popup"]}
    return out
