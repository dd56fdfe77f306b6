"""The offline base of every map: a world of grey countries, no tiles needed.

Maps start with no tile layer (tiles need the network; ``add_tiles`` adds
OpenStreetMap as an optional base for readers who are online). The world
background layer gives every map its orientation offline.
"""
from __future__ import annotations

import ipyleaflet

from . import geo

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
