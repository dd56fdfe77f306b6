"""Country polygons that ship with the project, for maps that work offline.

Source: Natural Earth 1:110m (public domain) as TopoJSON in the npm package
``world-atlas`` 2.0.2, kept as received in ``data/raw/natural-earth/``.
:func:`topojson_to_geojson` converts it (delta-decoded arcs, quantisation
transform, rings stitched, rings crossing the antimeridian unwrapped so no line
crosses the map); the rebuild writes ``data/processed/countries-110m.geojson``
with ISO 3166 alpha-3 codes (pycountry, from the numeric ids) as feature ids.
Nothing is downloaded at run time.

:func:`world` loads the polygons once per data folder (cached by the file's resolved path, size
and modification time), so maps and explorers share one copy; functions that need polygons take
an already-loaded ``world`` (default: the project's own). Callers must not change it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry

from iccwc import paths
from iccwc.data.inputs import TOPOJSON_FILE

RAW_TOPOJSON = paths.layout()["raw_natural_earth"] / TOPOJSON_FILE
GEOJSON_NAME = "countries-110m.geojson"
PRECISION = 2          # decimal degrees: about 1 km, finer than the 1:110m source


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(indexes: list[int], arcs) -> list[list[float]]:
    pts: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc if not pts else arc[1:])
    # Unwrap longitudes so a ring that crosses the antimeridian continues past +/-180
    # instead of drawing a line across the whole map.
    out, shift, prev = [], 0.0, None
    for lon, lat in pts:
        if prev is not None and abs(lon + shift - prev) > 180:
            shift += 360 if prev > lon + shift else -360
        lon2 = lon + shift
        out.append([round(lon2, PRECISION), round(lat, PRECISION)])
        prev = lon2
    return out


def _iso3(numeric_id: str | None) -> str | None:
    if not numeric_id:
        return None
    rec = pycountry.countries.get(numeric=str(numeric_id).zfill(3))
    return rec.alpha_3 if rec else None


def topojson_to_geojson(topo: dict, object_name: str = "countries") -> dict:
    """Convert a world-atlas TopoJSON object to a GeoJSON FeatureCollection keyed by ISO3."""
    arcs = _decode_arcs(topo)
    features = []
    for geom in topo["objects"][object_name]["geometries"]:
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        coords = [[_ring(r, arcs) for r in poly] for poly in polys]
        iso3 = _iso3(geom.get("id"))
        name = geom.get("properties", {}).get("name", "")
        features.append({
            "type": "Feature",
            "id": iso3 or f"NE-{name}",
            "properties": {"iso3": iso3 or "", "name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": coords},
        })
    features.sort(key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": features}


def build_geojson_bytes(raw: Path = RAW_TOPOJSON) -> bytes:
    """The processed GeoJSON of the raw TopoJSON file ``raw`` (converted once per content and process)."""
    return _geojson_bytes(Path(raw).read_bytes())


@lru_cache(maxsize=2)
def _geojson_bytes(topojson: bytes) -> bytes:
    topo = json.loads(topojson.decode("utf-8"))
    return (json.dumps(topojson_to_geojson(topo), separators=(",", ":")) + "\n").encode("utf-8")


@lru_cache(maxsize=8)
def _load(path: Path, size: int, mtime_ns: int) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def world(data_dir=None) -> dict:
    """Every country polygon (GeoJSON FeatureCollection, feature id = ISO3) of ``data_dir``
    (default: the project's data), read once and cached. Shared: do not modify it."""
    path = (paths.layout(data_dir)["processed"] / GEOJSON_NAME).resolve()
    st = path.stat()
    return _load(path, st.st_size, st.st_mtime_ns)


_world = world   # for functions whose ``world`` parameter hides it


def world_ids(world: dict | None = None) -> set[str]:
    """The ISO3 codes that have a polygon in ``world`` (an already loaded :func:`world`; default: the
    project's polygons)."""
    return {f["id"] for f in (_world() if world is None else world)["features"]}


def country_features(iso3s, world: dict | None = None, properties: dict | None = None) -> dict:
    """A FeatureCollection of the given countries, in the given order, from ``world`` (an already
    loaded :func:`world`; default: the project's polygons).

    ``properties`` maps ISO3 -> extra properties to set on each feature. Raises
    KeyError naming any code with no polygon.
    """
    by_id = {f["id"]: f for f in (_world() if world is None else world)["features"]}
    missing = [c for c in iso3s if c not in by_id]
    if missing:
        raise KeyError(f"no 1:110m polygon for {missing}")
    feats = []
    for c in iso3s:
        f = by_id[c]
        feats.append({**f, "properties": {**f["properties"], **((properties or {}).get(c, {}))}})
    return {"type": "FeatureCollection", "features": feats}


def ring_area(ring) -> float:
    """Area of a ring of [lon, lat] points in square degrees (a size measure, not km²)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def area(feature: dict) -> float:
    """Area of a feature's outer rings in square degrees."""
    return sum(ring_area(poly[0]) for poly in feature["geometry"]["coordinates"])


def largest_ring(feature: dict) -> list:
    """The outer ring of a feature's largest polygon (the mainland)."""
    return max(feature["geometry"]["coordinates"], key=lambda poly: ring_area(poly[0]))[0]


def centroid(feature: dict) -> tuple[float, float]:
    """(lat, lon) of the bounding-box centre of a feature's largest polygon.

    Not always inside the country (Vietnam, Chile): use :func:`interior_point` for a marker.
    """
    ring = largest_ring(feature)
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


def inside(lat: float, lon: float, ring) -> bool:
    """Even-odd rule: is (lat, lon) inside the ring of [lon, lat] points?"""
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def interior_point(feature: dict) -> tuple[float, float]:
    """(lat, lon) inside a country's largest polygon, for a marker: the :func:`centroid` when it
    falls inside, else the middle of the widest stretch of land along a latitude (Vietnam, Chile)."""
    lat, lon = centroid(feature)
    ring = largest_ring(feature)
    if inside(lat, lon, ring):
        return lat, lon
    lats = sorted(p[1] for p in ring)
    for frac in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        y = lats[0] + (lats[-1] - lats[0]) * frac
        xs = sorted(x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]) if (y1 > y) != (y2 > y))
        spans = [(b - a, (a + b) / 2) for a, b in zip(xs[::2], xs[1::2])]
        if spans:
            return y, max(spans)[1]
    return lat, lon


def points_bounds(points: list[tuple[float, float]]) -> list[list[float]]:
    """[[south, west], [north, east]] around (lat, lon) points, the narrower way round the globe.

    Points on both sides of the antimeridian (Fiji, Russia) are framed across it when that is
    narrower, with the eastern edge given past 180.
    """
    if not points:
        raise ValueError("no points to frame")
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    shifted = [x + 360 if x < 0 else x for x in lons]
    if min(lons) < 0 < max(lons) and max(shifted) - min(shifted) < max(lons) - min(lons) - 1:
        lons = shifted
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def feature_points(features: dict) -> list[tuple[float, float]]:
    """(lat, lon) of every outer-ring vertex of a FeatureCollection."""
    return [(y, x) for f in features["features"] for poly in f["geometry"]["coordinates"] for x, y in poly[0]]


def bounds(features: dict) -> list[list[float]]:
    """[[south, west], [north, east]] of a FeatureCollection (see :func:`points_bounds`)."""
    return points_bounds(feature_points(features))
