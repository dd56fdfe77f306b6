"""The map kit every map is built with: an offline world, one way to frame data, one legend.

* The world: :func:`get_world` gives the country polygons, loaded once and cached by
  :func:`iccwc.data.geo.world`. Every map function takes an already-loaded ``world`` (default: the
  project's); only the top-level calls (``stage_map``, ``places_map``, ``coverage_map`` and the
  explorers) also take ``data_dir``, to read another data folder's polygons.
* The base: :func:`new_map` starts with no tile layer (tiles need the network; :func:`add_tiles`
  adds OpenStreetMap for readers who are online) and a grey world beneath, which orients the
  reader offline.
* Framing: :func:`view_for` computes the (centre, zoom) that shows given bounds, in Python (Web
  Mercator), unlike ``ipyleaflet.Map.fit_bounds``, which waits for a browser to report the view, so
  it works in tests, in nbval runs and in exported HTML; :func:`fit_bounds` applies it with
  :func:`set_view`, which jumps to a view (no 250 ms pan animation in a live page);
  :func:`countries_bounds` frames countries (their polygons, or their capitals when too small for one).
* Legends: :func:`legend_rows` (a colour swatch and a label per entry, escaped), :func:`legend_box`
  (the common box), :func:`legend_control` (a compact ``WidgetControl``, smaller than ipyleaflet's
  ``LegendControl``) and :func:`legend_of` (read a map's legend back, for tests).
"""
from __future__ import annotations

import html
import math
import re

import ipyleaflet
import ipywidgets

from iccwc.data import gazetteer, geo
from iccwc.views.charts import base as charts

LAND = "#e8e8e8"
BORDER = "#9e9e9e"
SEA = "#f4f8fb"


def get_world(world: dict | None = None, data_dir=None) -> dict:
    """``world`` if given, else the (cached) country polygons of ``data_dir`` (default: the project's)."""
    return world if world is not None else geo.world(data_dir)


def shapes(data: dict, style: dict | None = None, style_of=None, **kwargs) -> ipyleaflet.GeoJSON:
    """An ``ipyleaflet.GeoJSON`` layer of ``data`` (a FeatureCollection) whose features carry their style
    (``properties.style``: ``style``, then what ``style_of(feature)`` returns), as ipyleaflet's own
    ``style`` and ``style_callback`` would write it. Written here, once, on shallow copies of the
    features: given either, ipyleaflet deep-copies the whole data to write it and sends the page the data
    twice (the grey world: 200 KB twice, in every notebook with a map)."""
    features = []
    for f in data["features"]:
        look = {**(f.get("properties") or {}).get("style", {}), **(style or {}), **(style_of(f) if style_of else {})}
        features.append({**f, "properties": {**(f.get("properties") or {}), "style": look}})
    return ipyleaflet.GeoJSON(data={**data, "features": features}, **kwargs)


#: One grey-world layer per polygon set, shared by every map that shows it: a page with two maps
#: saves the polygons (about 210 KB) once in its widget state, not once per map. Keyed by the
#: polygons' id; the entry keeps them alive, so the id cannot be reused by another dict.
_WORLD_LAYERS: dict[tuple[int, tuple], tuple[dict, ipyleaflet.GeoJSON]] = {}


def world_layer(world: dict | None = None, exclude=()) -> ipyleaflet.GeoJSON:
    """Grey countries, not interactive, for orientation (one shared layer per polygon set: the layer is
    never changed after it is made, so maps can share it)."""
    data = get_world(world)
    key = (id(data), tuple(sorted(exclude)))
    hit = _WORLD_LAYERS.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    shown = data
    if exclude:
        shown = {**data, "features": [f for f in data["features"] if f["id"] not in set(exclude)]}
    layer = shapes(shown, {"color": BORDER, "weight": 0.5, "fillColor": LAND, "fillOpacity": 1.0},
                   name="Countries (Natural Earth 1:110m)", hover_style={}, base=False)
    _WORLD_LAYERS[key] = (data, layer)
    return layer


#: Where a map can be seen, for a reader of a saved notebook that shows none (see :class:`Map`).
WHERE_SHOWN = ("The map shows when the notebook runs (JupyterLab: make lab; the app: make app) and in the "
               "shared pages (reports/).")


class Map(ipyleaflet.Map):
    """ipyleaflet's Map, displayed with a readable form beside the widget view.

    A saved notebook holds no widget state, so where the widget cannot be drawn (the notebook opened in
    JupyterLab before it runs, or on a code host) the reader saw ``Map(center=[11.4, -3.9],
    controls=(WidgetControl(...``. The display also carries ``text/plain`` and ``text/html``: the map's
    title, its attribution line (the polygons' source, the data files, their date) and where the map can
    be seen (:data:`WHERE_SHOWN`). JupyterLab and Voila draw the widget view when the kernel holds its
    model; the shared page drops the ``text/html`` beside a widget view
    (:func:`iccwc.site.reader.prepare`)."""

    def static_text(self) -> str:
        """The map in words: its title, its attribution line and :data:`WHERE_SHOWN` (plain text)."""
        credit = html.unescape(re.sub(r"<[^>]+>", "", attribution_of(self)))
        return f"Map: {title_of(self) or 'Map'}" + (f" ({credit})" if credit else "") + f". {WHERE_SHOWN}"

    def static_html(self) -> str:
        """:meth:`static_text` as HTML (escaped): the title in bold, the attribution line small."""
        credit = html.unescape(re.sub(r"<[^>]+>", "", attribution_of(self)))
        return (f"<div class='iccwc-map-static'><p><b>Map: {charts.escape(title_of(self) or 'Map')}</b><br>"
                + (f"<small>{charts.escape(credit)}</small><br>" if credit else "")
                + f"<i>{charts.escape(WHERE_SHOWN)}</i></p></div>")

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:                  # (None: a closed widget)
            data["text/plain"], data["text/html"] = self.static_text(), self.static_html()
        return data


def new_map(center=(10, 20), zoom=2, world: dict | None = None, height="480px", background=True,
            **kwargs) -> Map:
    """A map (:class:`Map`) with no tile layer and, unless ``background`` is False, the grey ``world`` beneath."""
    m = Map(layers=[], center=center, zoom=zoom, min_zoom=1, max_zoom=8,
                       scroll_wheel_zoom=True, world_copy_jump=False, **kwargs)
    m.layout.height = height
    m.layout.width = "100%"
    m.style = ipyleaflet.MapStyle(cursor="grab")
    if background:
        m.add(world_layer(world))
    return m


#: Credit for the country polygons every map draws (data/raw/natural-earth, public domain).
NATURAL_EARTH = "Countries: Natural Earth 1:110m (public domain)"


#: The files named in source columns (one definition, in the charts' base).
source_files = charts.source_files


def attribute(m: ipyleaflet.Map, sources: list[str], when: str | None = None, title: str | None = None) -> str:
    """Write the map's attribution line (bottom right): the country polygons, the files the shown data
    come from, ``when`` they hold (e.g. "as of 9 November 2015"), then the map library; and, given a
    ``title``, the map's own title (top right, see :func:`set_title`). Returns the attribution text
    (escaped in the page)."""
    parts = [NATURAL_EARTH]
    if sources:
        parts.append("Data: " + ", ".join(sources))
    if when:
        parts.append(when)
    text = " · ".join(parts) + " · ipyleaflet"
    control = getattr(m, "attribution_control_instance", None)
    if control is not None:
        control.prefix = charts.escape(text)
    if title:
        set_title(m, title)
    return text


TITLE_CLASS = "iccwc-map-title"


def set_title(m: ipyleaflet.Map, text: str) -> ipyleaflet.WidgetControl:
    """The map's title (escaped), in a box at the top right above the other controls there, so a map
    shared or screenshotted on its own still says what it shows and as of when. Setting it again
    replaces the text."""
    body = (f"<div class='{TITLE_CLASS}' style='background:rgba(255,255,255,0.92);padding:3px 8px;"
            f"border-radius:4px;font-weight:bold;font-size:12px;line-height:1.3;color:#222;max-width:240px;"
            f"white-space:normal'>{charts.escape(text)}</div>")
    for c in m.controls:
        if isinstance(c, ipyleaflet.WidgetControl) and TITLE_CLASS in getattr(c.widget, "value", ""):
            c.widget.value = body
            return c
    control = ipyleaflet.WidgetControl(widget=ipywidgets.HTML(body), position="topright")
    # Leaflet stacks a top corner's controls in the order they are added: the title goes first.
    m.controls = (control, *m.controls)
    return control


def title_of(m: ipyleaflet.Map) -> str:
    """The title text of a map (unescaped; empty when it has none)."""
    for c in m.controls:
        value = getattr(getattr(c, "widget", None), "value", "")
        if isinstance(c, ipyleaflet.WidgetControl) and TITLE_CLASS in value:
            return html.unescape(re.sub(r"<[^>]+>", "", value))
    return ""


def attribution_of(m: ipyleaflet.Map) -> str:
    """The attribution line of a map (as escaped HTML)."""
    control = getattr(m, "attribution_control_instance", None)
    return "" if control is None else control.prefix


def add_tiles(m: ipyleaflet.Map) -> ipyleaflet.TileLayer:
    """Optional OpenStreetMap tiles under everything (only useful online)."""
    tiles = ipyleaflet.basemap_to_tiles(ipyleaflet.basemaps.OpenStreetMap.Mapnik)
    tiles.base = True
    m.layers = (tiles, *m.layers)
    return tiles


def layer_group(m: ipyleaflet.Map, name: str) -> ipyleaflet.LayerGroup:
    """The LayerGroup called ``name`` on ``m``."""
    return next(layer for layer in m.layers if isinstance(layer, ipyleaflet.LayerGroup) and layer.name == name)


def _merc(lat: float) -> float:
    """Web Mercator y of a latitude, in radians (clamped to the map's +/-85 degrees)."""
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates at ``zoom`` (256-pixel tiles), as Leaflet places them."""
    scale = 256 * 2 ** zoom
    return (lon + 180) / 360 * scale, (0.5 - _merc(lat) / (2 * math.pi)) * scale


def view_for(bounds, size=(620, 480), max_zoom=6, padding=0.02) -> tuple[tuple[float, float], int]:
    """(centre, zoom) showing ``bounds`` in a map of ``size`` pixels (Web Mercator, whole zoom levels).

    Computed in Python, unlike ``ipyleaflet.Map.fit_bounds``, which needs a browser to answer, so
    that unit tests and exported HTML see the same view.
    """
    (s, w), (n, e) = bounds
    dx = max((e - w) / 360.0, 1e-6) * (1 + 2 * padding)
    dy = max((_merc(n) - _merc(s)) / (2 * math.pi), 1e-6) * (1 + 2 * padding)
    zoom = math.floor(min(math.log2(size[0] / 256 / dx), math.log2(size[1] / 256 / dy)))
    zoom = int(max(1, min(max_zoom, zoom)))
    mid = (_merc(n) + _merc(s)) / 2
    centre = (round(math.degrees(math.atan(math.sinh(mid))), 4), round((w + e) / 2, 4))
    return centre, zoom


def fit_bounds(m: ipyleaflet.Map, bounds, size=(620, 480), max_zoom=6) -> None:
    """Centre and zoom ``m`` on ``bounds`` (see :func:`view_for`), with :func:`set_view`."""
    centre, zoom = view_for(bounds, size, max_zoom)
    set_view(m, centre, zoom, size)


#: What :func:`set_view` adds to an unchanged zoom for one message, so that Leaflet jumps.
NUDGE = 1e-6


def set_view(m: ipyleaflet.Map, centre, zoom: float, size=None) -> None:
    """Show ``centre`` at ``zoom`` on ``m`` at once, and record the pixel ``size`` the view was computed
    for (None: the view is not a fit; the record is removed).

    In a live page, ipyleaflet moves the map with Leaflet's ``panTo`` when only the centre changes (an
    animation of 250 ms, during which the reader waits for a filter's result), and jumps to the view,
    without animation, when the zoom changes. So when the zoom stays, the centre goes in one message
    with the zoom plus :data:`NUDGE`, which Leaflet rounds to its whole levels (the reader sees the same
    zoom), and the exact zoom follows in a second message, so that the map's state (saved pages,
    tests) holds it exactly.
    """
    centre = [float(centre[0]), float(centre[1])]
    moved = centre != [float(c) for c in m.center]
    with m.hold_sync():
        m.center = centre
        m.zoom = zoom + NUDGE if moved and zoom == m.zoom else zoom
    m.zoom = zoom
    # The size the view was computed for, for the shared pages: where the map is narrower (a phone),
    # their script zooms out (by a fraction of a level) until this same area fits (the site template's page.js).
    classes = [c for c in m._dom_classes if c.startswith(VIEW_CLASS)]
    wanted = [] if size is None else [f"{VIEW_CLASS}{int(size[0])}x{int(size[1])}"]
    if classes != wanted:
        for cls in classes:
            m.remove_class(cls)
        for cls in wanted:
            m.add_class(cls)


#: Prefix of the class that records the size a map's view was fitted for (see :func:`fit_bounds`).
VIEW_CLASS = "iccwc-view-"


def country_point(iso3: str, world: dict | None = None) -> tuple[float, float]:
    """Where a country's marker goes: inside its polygon, else at its capital (too small for a polygon)."""
    by_id = {f["id"]: f for f in get_world(world)["features"]}
    if iso3 in by_id:
        return geo.interior_point(by_id[iso3])
    if (point := gazetteer.capital(iso3)) is not None:
        return point
    raise KeyError(f"no polygon nor capital for {iso3}")


def countries_bounds(iso3s, world: dict | None = None) -> list[list[float]]:
    """[[south, west], [north, east]] around countries: their polygons, or the capital of a country with
    none (the narrower way round the globe, :func:`iccwc.data.geo.points_bounds`)."""
    world = get_world(world)
    codes = list(dict.fromkeys(str(c) for c in iso3s))
    have = geo.world_ids(world)
    points = geo.feature_points(geo.country_features([c for c in codes if c in have], world))
    points += [country_point(c, world) for c in codes if c not in have]
    return geo.points_bounds(points)


# --------------------------------------------------------------------------- legends

LEGEND_CLASS = "iccwc-legend"


def legend_rows(entries, size: str = "12px", round_: bool = False, inline: bool = False) -> str:
    """One swatch and label per ``(colour, label)`` entry (labels escaped); a line each, or in a row
    (``inline``)."""
    if inline:
        return "".join(f"<span style='white-space:nowrap;margin-right:6px'>{charts.swatch(c, size, round_)}"
                       f"{charts.escape(label)}</span> " for c, label in entries)
    return "".join(f"<div style='white-space:nowrap'>{charts.swatch(c, size, round_)}{charts.escape(label)}</div>"
                   for c, label in entries)


def legend_box(body: str, title: str | None = None, font_size: int = 11, max_width: str | None = None) -> str:
    """The legend's box around ``body`` (HTML), with an optional bold ``title`` (escaped)."""
    width = f"max-width:{max_width};" if max_width else ""
    head = f"<b>{charts.escape(title)}</b>" if title else ""
    return (f"<div class='{LEGEND_CLASS}' style='background:rgba(255,255,255,0.92);padding:4px 8px;"
            f"border-radius:4px;font-family:Arial,sans-serif;font-size:{font_size}px;line-height:1.5;"
            f"color:#222;{width}'>{head}{body}</div>")


def legend_control(html: str, position: str = "bottomleft") -> ipyleaflet.WidgetControl:
    """A legend (HTML from :func:`legend_box`) as a map control."""
    return ipyleaflet.WidgetControl(widget=ipywidgets.HTML(html), position=position)


def legend_of(m: ipyleaflet.Map) -> str:
    """The legend HTML of a map built with :func:`legend_control`."""
    return next(c.widget.value for c in m.controls
                if isinstance(c, ipyleaflet.WidgetControl) and LEGEND_CLASS in getattr(c.widget, "value", ""))
