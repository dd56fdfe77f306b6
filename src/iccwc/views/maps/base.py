"""The offline base of every map: a world of grey countries, no tiles needed.

Maps start with no tile layer (tiles need the network; ``add_tiles`` adds
OpenStreetMap as an optional base for readers who are online). The world
background layer gives every map its orientation offline.
"""
from __future__ import annotations

import math

import ipyleaflet

from iccwc.data import geo

LAND = "#e8e8e8"
BORDER = "#9e9e9e"
SEA = "#f4f8fb"


def world_layer(data_dir=None, exclude=()) -> ipyleaflet.GeoJSON:
    """Grey countries, not interactive, for orientation."""
    data = geo.world(data_dir)
    if exclude:
        data = {**data, "features": [f for f in data["features"] if f["id"] not in set(exclude)]}
    return ipyleaflet.GeoJSON(
        data=data, name="Countries (Natural Earth 1:110m)",
        style={"color": BORDER, "weight": 0.5, "fillColor": LAND, "fillOpacity": 1.0},
        hover_style={}, base=False)


def new_map(center=(10, 20), zoom=2, data_dir=None, height="480px", world=True, **kwargs) -> ipyleaflet.Map:
    """A map with no tile layer and, by default, the grey world beneath."""
    m = ipyleaflet.Map(layers=[], center=center, zoom=zoom, min_zoom=1, max_zoom=8,
                       scroll_wheel_zoom=True, world_copy_jump=False, **kwargs)
    m.layout.height = height
    m.layout.width = "100%"
    m.style = ipyleaflet.MapStyle(cursor="grab")
    if world:
        m.add(world_layer(data_dir))
    return m


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
    """Centre and zoom ``m`` on ``bounds`` (see :func:`view_for`)."""
    centre, zoom = view_for(bounds, size, max_zoom)
    m.center = centre
    m.zoom = zoom
