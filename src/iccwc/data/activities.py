"""ICCWC activities by country: the dataset ``data/processed/activities.csv``.

Part 4 of the SC66 document shows ICCWC activities on three regional maps
(Americas; Africa & Europe; Asia), each in three categories -- *analysis of
national responses*, *capacity building and law enforcement support* and
*cross-cutting activities* -- with markers for the Toolkit, WEN (wildlife
enforcement network) and WIST (wildlife incident support team) and an
asterisk for ongoing or planned activities. The maps were images: their text
holds only the legends. So the dataset holds what the text does support, and
what users add:

1. **From the Toolkit table (Part 3).** Each request for the Wildlife and
   Forest Crime Analytic Toolkit is an *analysis of national responses*
   activity of type ``Toolkit`` in that country, from the latest status date
   of each country. ``status`` is ``completed`` when the Toolkit stage is
   ``complete`` and ``ongoing or planned`` otherwise; ``period`` is empty (the
   table gives no dates per country and none is invented); ``source`` names the
   table line.
2. **User files** ``data/raw/activities/*.csv``, each with a provenance record
   beside it (``X.provenance.json``, see :mod:`iccwc.data.provenance`), with the
   columns :data:`USER_COLUMNS`. ``iso3``, ``region`` and ``document_region``
   are derived from ``country``; ``source`` becomes "<file>, row <n>: <the
   source given>". Every bad cell is reported with its file, row, column and
   what was expected; nothing is written when anything is wrong.

The dataset's columns are defined with the others in :data:`iccwc.data.schemas.ACTIVITIES`;
:func:`build_activities` is called by :func:`iccwc.data.build.build_all`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from iccwc.data.countries import UnknownCountry, resolve
from iccwc.data.curated import read_csv_rows
from iccwc.errors import DataError, Problem
from iccwc.data.provenance import check as check_provenance
from iccwc.data.inputs import Inputs
from iccwc.data.schemas import ACTIVITIES
from iccwc.vocab import (ACTIVITY_CATEGORIES as CATEGORIES, ACTIVITY_STATUSES as STATUSES, ACTIVITY_TYPES,
    PERIOD_PATTERN, STEP_COLUMNS, STEP_LABELS)
from iccwc.data.csvio import with_dtypes

# The dataset and its categories are defined with the other datasets (schemas), re-exported here.
#: Columns of a user file in data/raw/activities/ (the derived ones are added by the rebuild).
USER_COLUMNS = ["country", "category", "activity_type", "period", "status", "description", "source"]

_TOOLKIT_NAME = "Wildlife and Forest Crime Analytic Toolkit"


def toolkit_activities(toolkit: pd.DataFrame) -> pd.DataFrame:
    """One activity per Toolkit request, from each country's latest status date."""
    if toolkit.empty:
        return pd.DataFrame(columns=ACTIVITIES.columns)
    tk = toolkit.copy()
    tk["status_date"] = pd.to_datetime(tk["status_date"])
    latest = (tk.sort_values(["iso3", "status_date"]).groupby("iso3", sort=False).tail(1)
              .sort_values("country", key=lambda s: s.str.casefold()))
    rows = []
    for r in latest.itertuples(index=False):
        step = int(r.last_step)
        step_text = (f"step {step} of 8, {STEP_LABELS[STEP_COLUMNS[step - 1]].split(': ', 1)[1].lower()}"
                     if step >= 1 else "no step done")
        rows.append({
            "country": r.country, "iso3": r.iso3, "region": r.region, "document_region": r.document_region,
            "category": CATEGORIES[0], "activity_type": "Toolkit", "period": None,
            "status": "completed" if str(r.stage) == "complete" else "ongoing or planned",
            "description": f"{_TOOLKIT_NAME}: {r.stage} ({step_text})",
            "source": f"{r.source_file}, line {int(r.source_line)} "
                      f"{_FROM_TABLE}{pd.Timestamp(r.status_date).date().isoformat()})",
        })
    return pd.DataFrame(rows, columns=ACTIVITIES.columns)


_FROM_TABLE = "(Toolkit table as of "


def from_toolkit_table(activities: pd.DataFrame, status_date: str | None = None) -> pd.Series:
    """Which rows were derived from the Toolkit table (of ``status_date``, if given), not added by users."""
    mark = _FROM_TABLE + (f"{pd.Timestamp(status_date).date().isoformat()})" if status_date else "")
    return activities["source"].astype(str).str.contains(mark, regex=False)


def activities_as_of(activities: pd.DataFrame, toolkit: pd.DataFrame) -> pd.DataFrame:
    """The activities with their Toolkit-table rows taken from ``toolkit`` (e.g. an earlier status date).

    The dataset derives its Toolkit rows from each country's latest status date; a notebook run for
    another date swaps them for that date's. Rows users added are kept as they are.
    """
    kept = activities[~from_toolkit_table(activities)]
    out = pd.concat([toolkit_activities(toolkit).astype(object), kept.astype(object)], ignore_index=True)
    return with_dtypes(out, ACTIVITIES)


def read_user_file(path: str | Path) -> pd.DataFrame:
    """Validate one user file of activities; raise DataError listing every problem."""
    path = Path(path)
    try:
        check_provenance(path)
    except DataError as exc:
        problems = exc.problems
    else:
        problems = []
    rows, plist = read_csv_rows(path, USER_COLUMNS)
    out = []
    for r in rows:
        line = r["_line"]
        try:
            c = resolve(r["country"])
        except UnknownCountry:
            plist.add(line, "country", "a country name pycountry knows (or one listed in "
                                       "data/reference/country_aliases.csv)", r["country"])
            c = None
        for col, allowed in (("category", CATEGORIES), ("activity_type", ACTIVITY_TYPES), ("status", STATUSES)):
            if r[col] not in allowed:
                plist.add(line, col, "one of: " + "; ".join(allowed), r[col])
        if r["period"] and not re.match(PERIOD_PATTERN, r["period"]):
            plist.add(line, "period", "a year YYYY or a period YYYY-YYYY, or empty", r["period"])
        for col in ("description", "source"):
            if not r[col]:
                plist.add(line, col, "text (the column is required)", "")
        if c is None:
            continue
        out.append({
            "country": r["country"], "iso3": c.iso3, "region": c.region, "document_region": c.document_region,
            "category": r["category"], "activity_type": r["activity_type"], "period": r["period"] or None,
            "status": r["status"], "description": r["description"],
            "source": f"{path.name}, row {line}: {r['source']}",
        })
    problems += plist.items
    if problems:
        raise DataError(problems, f"{path.name}: activities that cannot be used")
    return pd.DataFrame(out, columns=ACTIVITIES.columns)


def user_files(inputs: Inputs) -> list[Path]:
    folder = inputs.layout["raw_activities"]
    return sorted(folder.glob("*.csv")) if folder.exists() else []


def build_activities(inputs: Inputs, built: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The activities dataset: Toolkit requests, then every user file (sorted by name)."""
    frames = [toolkit_activities(built["toolkit_status"])]
    problems: list[Problem] = []
    for path in user_files(inputs):
        try:
            frames.append(read_user_file(path))
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems, "The activities files cannot be used")
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ACTIVITIES.columns)

