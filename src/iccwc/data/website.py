"""The ICCWC website's map of activities (``data/raw/iccwc-website/*.csv``) -> one row per activity.

The CITES Secretariat publishes the data behind the ICCWC website's interactive map of
activities as a CSV (``pins.csv``): one row per country and *group*, its activities in one
``description`` cell, one per line, each with a year or period in brackets, e.g.::

    title,description,url,group,icon,color,visible,media_url,longitude,latitude
    Kenya,"Operation Thunderball (2019)
    Indicator Framework (2018)",https://...,Cross-cutting activities,star,#cc1b15,True,,38.43,1.44

The file is read as published (a newer copy goes beside the old one with its provenance record;
the rebuild reads the copy with the latest ``issued`` date, see :func:`latest_file`). Rules, each
tested in ``tests/test_website_parser.py``:

* **Columns.** ``title``, ``description``, ``group``, ``longitude`` and ``latitude`` are required
  (any order); the website's display columns (url, icon, colour, visibility, media) are not used.
* **Country.** ``title`` is the country as the website writes it; it must resolve to an ISO3 code
  (pycountry, or ``data/reference/country_aliases.csv`` with a reason, e.g. the misspelt
  "Burkino Faso"). ``country`` keeps the website's spelling.
* **Group.** One of the website's three groups (:data:`iccwc.vocab.WEBSITE_GROUPS`), kept as
  ``website_group`` and mapped to the document's Part 4 ``category``.
* **Activities.** Each line of ``description`` is one activity, or several when a line holds
  several bracketed years ("Operation Thunderball (2019) Operation Thunderstorm (2018)"). The year
  is the bracket: ``(2014)``, ``(2016-2017)`` or ``(2016/2017)``; a line that ends in a bare year
  ("Operation Thunderstorm 2018", "Operation Cobra - 2013") has that year; a line with no year has
  none (``year_start``/``year_end`` empty, never guessed). A bracket with digits that is not such a
  year or period, a year before ICCWC (:data:`iccwc.vocab.FIRST_ACTIVITY_YEAR`) or in the future,
  or a period that ends before it starts, is an error. An empty description is an error.
* **Type.** ``activity_type`` follows from the activity's text by the first matching rule of
  :data:`iccwc.vocab.ACTIVITY_TYPE_RULES` ("other" when none matches). A text that names both of
  ICCWC's tools (:data:`iccwc.vocab.ONE_ACTIVITY_PER_TOOL`: "Toolkit and Indicator Framework
  implementation (2019)") is two activities, one typed *Toolkit* and one *Indicator Framework*, both
  with the website's words, years and line (:func:`activity_types`); ``source`` says which part.
* **Status.** The website gives none: ``status`` is empty (not "completed").
* **Coordinates.** ``latitude``/``longitude`` are the website's marker. They must be numbers inside
  the country's box: the bounds of its Natural Earth polygon (``data/raw/natural-earth``) widened by
  :data:`BOX_MARGIN` degrees; a country too small for a 1:110m polygon (Singapore, Monaco...) must
  lie within :data:`CAPITAL_MARGIN` degrees of its capital (GeoNames).
* **Duplicates.** The same activity (country, text and years, ignoring case and spacing) listed
  twice is counted once: the first row keeps it, ``duplicates`` counts the copies left out, and
  the rebuild prints where they were.
* **Lines.** ``source_line`` is the file line (header = line 1) the activity's text is on.

Every problem is collected with its file, line, column, what was expected and what was found;
:func:`read_website` raises one :class:`~iccwc.errors.DataError` listing them all.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from iccwc.data import gazetteer, geo
from iccwc.data.countries import UnknownCountry, resolve
from iccwc.data.inputs import WEBSITE_FOLDER
from iccwc.data.provenance import check as check_provenance
from iccwc.data.textio import read_text
from iccwc.errors import DataError, ProblemList
from iccwc.vocab import ACTIVITY_TYPE_RULES, ACTIVITY_TYPES, FIRST_ACTIVITY_YEAR, ONE_ACTIVITY_PER_TOOL, WEBSITE_GROUPS

#: The folder under data/raw that holds the website's files.
FOLDER = WEBSITE_FOLDER
#: Columns the parser needs; the website's others (url, icon, color, visible, media_url) are ignored.
REQUIRED = ["title", "description", "group", "longitude", "latitude"]
#: Degrees added around a country's polygon bounds when its coordinates are checked.
BOX_MARGIN = 1.0
#: Degrees around the capital for countries without a 1:110m polygon (small island states spread wide:
#: the website puts Seychelles at 52.2 E, 3.3 degrees from Victoria).
CAPITAL_MARGIN = 5.0

_YEAR_IN_BRACKETS = re.compile(r"\(([^()]*\d[^()]*)\)")
_YEAR = re.compile(r"\s*(\d{4})\s*(?:[-/\u2013]\s*(\d{4}))?\s*")
_BARE_YEAR_AT_END = re.compile(r"^(.*?)[\s\-\u2013(]+(\d{4})\s*\)?\s*$")
_TRIM = " \t-\u2013\u2014:;,+"
_RULES = [(t, re.compile(p, re.IGNORECASE)) for t, p in ACTIVITY_TYPE_RULES]


def activity_type(text: str) -> str:
    """The type of an activity from its text: the first rule of ACTIVITY_TYPE_RULES that matches.

    >>> activity_type("Operation Thunderball"), activity_type("WIST deployment"), activity_type("Lunch")
    ('enforcement operation', 'WIST', 'other')
    """
    for name, rx in _RULES:
        if rx.search(text.strip()):
            return name
    return "other"


def activity_types(text: str) -> list[str]:
    """The activities' types a text stands for: one per tool of ONE_ACTIVITY_PER_TOOL it names when it
    names two or more (each is a thing done), else the one type of :func:`activity_type`.

    >>> activity_types("Toolkit and Indicator Framework implementation"), activity_types("WIST deployment")
    (['Toolkit', 'Indicator Framework'], ['WIST'])
    """
    rules = dict(_RULES)
    tools = [t for t in ONE_ACTIVITY_PER_TOOL if rules[t].search(text.strip())]
    if len(tools) > 1:
        return sorted(tools, key=ACTIVITY_TYPES.index)
    return [activity_type(text)]


@dataclass(frozen=True)
class Piece:
    """One activity read from a description line: its text and years (None when the line gives none),
    or ``error`` (the bracket that is not a year) when the year cannot be read."""
    text: str
    year_start: int | None = None
    year_end: int | None = None
    written: str | None = None       # the year as written, for messages
    error: str | None = None


def _years(written: str, this_year: int) -> tuple[int | None, int | None, str | None]:
    m = _YEAR.fullmatch(written)
    if not m:
        return None, None, "not a year"
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else start
    if not FIRST_ACTIVITY_YEAR <= start <= this_year or not FIRST_ACTIVITY_YEAR <= end <= this_year or end < start:
        return None, None, "out of range"
    return start, end, None


def split_line(line: str, this_year: int | None = None) -> list[Piece]:
    """The activities on one description line, each with its years.

    >>> [(p.text, p.year_start, p.year_end) for p in split_line("Operation Cobra (2013) WIST (2014/2015)")]
    [('Operation Cobra', 2013, 2013), ('WIST', 2014, 2015)]
    >>> [(p.text, p.year_start) for p in split_line("Operation Thunderstorm 2018")]
    [('Operation Thunderstorm', 2018)]
    """
    this_year = this_year or _dt.date.today().year
    pieces, pos = [], 0
    for m in _YEAR_IN_BRACKETS.finditer(line):
        text = line[pos:m.start()].strip(_TRIM)
        start, end, err = _years(m.group(1), this_year)
        pieces.append(Piece(text, start, end, m.group(0), m.group(0) if err else None))
        pos = m.end()
    tail = line[pos:].strip(_TRIM)
    if tail:
        m = _BARE_YEAR_AT_END.match(tail)
        if m and m.group(1).strip(_TRIM):
            start, end, err = _years(m.group(2), this_year)
            pieces.append(Piece(m.group(1).strip(_TRIM), start, end, m.group(2), m.group(2) if err else None))
        else:
            pieces.append(Piece(tail))
    return pieces


# ------------------------------------------------------------------ where the files are

def folder(layout: dict[str, Path]) -> Path:
    return layout["raw"] / FOLDER


def files(layout: dict[str, Path]) -> list[Path]:
    """The website's CSV files in the data root's raw folder, by name."""
    f = folder(layout)
    return sorted(f.glob("*.csv")) if f.exists() else []


def latest_file(paths: list[Path]) -> Path | None:
    """The copy to read: the latest ``issued`` in its provenance record (then the last by name).

    Older copies stay beside it as received; reading them too would count every activity twice.
    Raises DataError when a record is missing or incomplete.
    """
    if not paths:
        return None
    problems, issued = [], {}
    for p in paths:
        try:
            issued[p] = check_provenance(p).issued
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems, "The ICCWC website files cannot be used")
    return max(paths, key=lambda p: (issued[p], p.name))


# ------------------------------------------------------------------ coordinates

@lru_cache(maxsize=4)
def _boxes(topojson: str) -> dict[str, list[list[float]]]:
    world = geo.topojson_to_geojson(json.loads(Path(topojson).read_text(encoding="utf-8")))
    return {f["id"]: geo.bounds({"features": [f]}) for f in world["features"]}


def country_box(iso3: str, topojson: Path) -> list[list[float]] | None:
    """[[south, west], [north, east]] a marker of ``iso3`` must lie in (margins included), or None."""
    box = _boxes(str(topojson)).get(iso3)
    if box is not None:
        (s, w), (n, e) = box
        return [[s - BOX_MARGIN, w - BOX_MARGIN], [n + BOX_MARGIN, e + BOX_MARGIN]]
    cap = gazetteer.capital(iso3)
    if cap is None:
        return None
    lat, lon = cap
    return [[lat - CAPITAL_MARGIN, lon - CAPITAL_MARGIN], [lat + CAPITAL_MARGIN, lon + CAPITAL_MARGIN]]


def in_box(lat: float, lon: float, box) -> bool:
    (s, w), (n, e) = box
    return s <= lat <= n and any(w <= x <= e for x in (lon, lon + 360, lon - 360))


def _number(text: str, lo: float, hi: float) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if lo <= x <= hi and x == x else None


# ------------------------------------------------------------------ the reader

COLUMNS = ["country", "iso3", "region", "document_region", "category", "website_group", "activity_type",
           "description", "year_start", "year_end", "latitude", "longitude", "source_file", "source_line",
           "duplicates", "source"]


def _key(iso3: str, text: str, start, end, kind: str = "") -> tuple:
    return iso3, " ".join(text.split()).casefold(), start, end, kind


def read_website(path: str | Path, topojson: Path, this_year: int | None = None,
                 notes: list[str] | None = None) -> pd.DataFrame:
    """One row per activity of a website file (columns :data:`COLUMNS`); raise DataError listing every
    problem. ``notes``: a list the duplicates found are appended to (as sentences)."""
    path = Path(path)
    this_year = this_year or _dt.date.today().year
    problems = ProblemList(path)
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))   # keeps the line breaks inside quoted cells
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.add(1, ", ".join(missing), f"the columns {', '.join(REQUIRED)} (in any order; others are "
                     "ignored)", f"columns {', '.join(header) or 'none'}")
        problems.raise_if_any("The ICCWC website file cannot be used")
    col = {c: header.index(c) for c in REQUIRED}
    rows, first = [], {}
    dup_lines: dict[tuple, list[int]] = {}
    line_end = 1
    for cells in reader:
        start_line, line_end = line_end + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.add(start_line, None, f"{len(header)} comma-separated cells (a cell with commas or line "
                         "breaks needs double quotes)", f"{len(cells)} cells")
            continue
        get = {c: cells[i] for c, i in col.items()}
        title, group = " ".join(get["title"].split()), " ".join(get["group"].split())
        country = None
        try:
            country = resolve(title)
        except UnknownCountry:
            problems.add(start_line, "title", "a country name pycountry knows (or one listed, with a reason, in "
                         "data/reference/country_aliases.csv)", title)
        category = {k.casefold(): v for k, v in WEBSITE_GROUPS.items()}.get(group.casefold())
        if category is None:
            problems.add(start_line, "group", "one of: " + "; ".join(WEBSITE_GROUPS), group)
        lat = _number(get["latitude"].strip(), -90, 90)
        lon = _number(get["longitude"].strip(), -180, 180)
        for name, value, x, rng in (("latitude", get["latitude"], lat, "-90 to 90"),
                                    ("longitude", get["longitude"], lon, "-180 to 180")):
            if x is None:
                problems.add(start_line, name, f"a number of decimal degrees, {rng}", value.strip())
        if country is not None and lat is not None and lon is not None:
            box = country_box(country.iso3, topojson)
            if box is not None and not in_box(lat, lon, box):
                (s, w), (n, e) = box
                problems.add(start_line, "latitude, longitude",
                             f"a point in {title} ({country.iso3}): latitude {s:.1f} to {n:.1f}, longitude "
                             f"{w:.1f} to {e:.1f} (its Natural Earth bounds and {BOX_MARGIN:g} degree around)",
                             f"{lat:g}, {lon:g}")
        # The description's first line is on the record's first line plus the line breaks before it.
        before = sum(cells[i].count("\n") for i in range(col["description"]))
        desc_lines = get["description"].split("\n")
        if not "".join(desc_lines).strip():
            problems.add(start_line, "description", "one activity per line, each with its year in brackets",
                         "an empty description")
            continue
        for k, raw_line in enumerate(desc_lines):
            line_no = start_line + before + k
            for n_on_line, piece in enumerate(split_line(raw_line.strip(), this_year), 1):
                if piece.error:
                    problems.add(line_no, "description",
                                 f"a year YYYY or period YYYY-YYYY (or YYYY/YYYY) from {FIRST_ACTIVITY_YEAR} to "
                                 f"{this_year}, start before end, in brackets after the activity",
                                 f"{piece.text} {piece.error}".strip())
                    continue
                if not piece.text:
                    problems.add(line_no, "description", "the activity's name before its year",
                                 f"only {piece.written}")
                    continue
                if country is None or category is None:
                    continue
                kinds = activity_types(piece.text)
                for kind in kinds:
                    key = _key(country.iso3, piece.text, piece.year_start, piece.year_end, kind)
                    if key in first:
                        rows[first[key]]["duplicates"] += 1
                        dup_lines.setdefault(key, [rows[first[key]]["source_line"]]).append(line_no)
                        continue
                    first[key] = len(rows)
                    rows.append({
                        "country": title, "iso3": country.iso3, "region": country.region,
                        "document_region": country.document_region, "category": category, "website_group": group,
                        "activity_type": kind, "description": piece.text,
                        "year_start": piece.year_start, "year_end": piece.year_end,
                        "latitude": lat, "longitude": lon, "source_file": path.name, "source_line": line_no,
                        "duplicates": 0,
                        "source": f"{path.name}, line {line_no}"
                                  + (f" (activity {n_on_line} on the line)" if n_on_line > 1 else "")
                                  + (f" (its {kind} part: the line names {' and '.join(kinds)})"
                                     if len(kinds) > 1 else ""),
                    })
    problems.raise_if_any(f"{path.name}: the ICCWC website's activities cannot be used")
    if notes is not None:
        for key, lines in dup_lines.items():
            r = rows[first[key]]
            notes.append(f"{path.name}: {r['country']}, {r['description']!r} "
                         f"({_period(r['year_start'], r['year_end']) or 'no year'}) is listed "
                         f"{len(lines)} times (lines {', '.join(map(str, lines))}): counted once")
    return pd.DataFrame(rows, columns=COLUMNS)


def _period(start, end) -> str:
    if start is None or pd.isna(start):
        return ""
    return f"{int(start)}" if end is None or pd.isna(end) or int(end) == int(start) else f"{int(start)}-{int(end)}"
