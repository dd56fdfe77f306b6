"""ICCWC activities by country: the dataset ``data/processed/activities.csv``, one row per activity.

Part 4 of the SC66 document shows ICCWC activities on three regional maps (Americas; Africa &
Europe; Asia), each in three categories -- *analysis of national responses*, *capacity building and
law enforcement support* and *cross-cutting activities*. The maps were images: their text holds
only the legends. The dataset is built from three sources, in this order:

1. **The ICCWC website's map of activities** (``data/raw/iccwc-website/*.csv``, read by
   :mod:`iccwc.data.website`): about 350 activities in 130 countries, 2013-2020, each with its
   years, the website's group (mapped to the document's category) and marker. No status: empty.
2. **The Toolkit table (Part 3).** Each request for the Wildlife and Forest Crime Analytic Toolkit
   is an activity of type ``Toolkit`` in that country, from the latest status date of each
   country, with its ``toolkit_stage``; ``status`` is ``completed`` when the stage is ``complete``
   and ``ongoing or planned`` otherwise; no year (the table gives none). **When the website also
   lists a Toolkit implementation for the country, the two are one activity** (:func:`merge_toolkit`):
   the website's row, with the table's stage and status and both sources.
3. **User files** ``data/raw/activities/*.csv``, each with a provenance record beside it
   (``X.provenance.json``, see :mod:`iccwc.data.provenance`), with the columns :data:`USER_COLUMNS`.
   ``iso3``, ``region`` and ``document_region`` are derived from ``country``; ``source`` becomes
   "<file>, row <n>: <the source given>".

Every bad cell is reported with its file, line, column and what was expected; nothing is written
when anything is wrong. The dataset's columns are defined with the others in
:data:`iccwc.data.schemas.ACTIVITIES`; :func:`build_activities` is called by
:func:`iccwc.data.build.build_all`, and prints what it merged and the duplicates it counted once.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from iccwc.data.countries import UnknownCountry, resolve
from iccwc.data.curated import read_csv_rows
from iccwc.errors import DataError
from iccwc.data.provenance import check as check_provenance
from iccwc.data import website
from iccwc.data.inputs import Inputs
from iccwc.data.schemas import ACTIVITIES
from iccwc.vocab import (ACTIVITY_CATEGORIES as CATEGORIES, ACTIVITY_STATUSES as STATUSES, ACTIVITY_TYPES,
    PERIOD_PATTERN, STEP_COLUMNS, STEP_LABELS)
from iccwc.data.csvio import to_csv_text, typed

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
        known = not pd.isna(r.last_step)          # a status list gives no steps: stage "listed, steps unknown"
        step = int(r.last_step) if known else None
        step_text = ("steps unknown" if not known else
                     f"step {step} of 8, {STEP_LABELS[STEP_COLUMNS[step - 1]].split(': ', 1)[1].lower()}"
                     if step >= 1 else "no step done")
        rows.append({
            "country": r.country, "iso3": r.iso3, "region": r.region, "document_region": r.document_region,
            "category": CATEGORIES[0], "activity_type": "Toolkit", "period": None,
            "status": None if not known else "completed" if str(r.stage) == "complete" else "ongoing or planned",
            "toolkit_stage": str(r.stage),
            "description": f"{_TOOLKIT_NAME}: {r.stage} ({step_text})",
            "source_file": r.source_file, "source_line": int(r.source_line), "duplicates": 0,
            "source": f"{r.source_file}, line {int(r.source_line)} "
                      f"{_FROM_TABLE}{pd.Timestamp(r.status_date).date().isoformat()})",
        })
    return pd.DataFrame(rows, columns=ACTIVITIES.columns)


_FROM_TABLE = "(Toolkit table as of "


def from_toolkit_table(activities: pd.DataFrame, status_date: str | None = None) -> pd.Series:
    """Which rows were derived from the Toolkit table (of ``status_date``, if given), not added by users."""
    mark = _FROM_TABLE + (f"{pd.Timestamp(status_date).date().isoformat()})" if status_date else "")
    return activities["source"].astype(str).str.contains(mark, regex=False)


def merge_toolkit(others: pd.DataFrame, table: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """``others`` (website and user rows) with the Toolkit-table rows ``table`` merged in.

    A country's Toolkit request in the table and a Toolkit activity of the same country from the ICCWC
    website (the first one, by line) are one activity: the website's row keeps its text, years, group and
    marker and takes the table's ``toolkit_stage`` and ``status``; ``source`` names both. Table rows with
    no website counterpart are added as they are. ``notes`` gets one sentence saying how many were merged.
    """
    others = others.copy()
    is_tk = others["website_group"].notna() & (others["activity_type"].astype(str) == "Toolkit")
    first_tk = others[is_tk].sort_values("source_line").drop_duplicates("iso3")
    where = dict(zip(first_tk["iso3"].astype(str), first_tk.index))
    extra, merged = [], []
    for _, r in table.iterrows():
        i = where.get(str(r["iso3"]))
        if i is None:
            extra.append(r)
            continue
        others.loc[i, "toolkit_stage"] = r["toolkit_stage"]
        others.loc[i, "status"] = r["status"]
        others.loc[i, "source"] = f"{others.loc[i, 'source']}; {r['source']}"
        merged.append(str(r["country"]))
    if notes is not None and merged:
        notes.append(f"{len(merged)} Toolkit implementations are both in the Toolkit table and on the ICCWC "
                     f"website: one activity each, with both sources ({', '.join(merged)})")
    frames = [f for f in (others.astype(object), pd.DataFrame(extra, columns=ACTIVITIES.columns).astype(object))
              if not f.empty]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ACTIVITIES.columns)
    return out[ACTIVITIES.columns]


def _without_toolkit_table(activities: pd.DataFrame) -> pd.DataFrame:
    """``activities`` without what the Toolkit table gave: its own rows dropped, merged rows un-merged."""
    marked = from_toolkit_table(activities)
    only_table = marked & activities["website_group"].isna() & activities["source"].astype(str).str.count("; ").eq(0)
    out = activities[~only_table].copy().astype(object)
    for i in out.index[marked[~only_table]]:
        out.loc[i, "source"] = "; ".join(p for p in str(out.loc[i, "source"]).split("; ") if _FROM_TABLE not in p)
        out.loc[i, "toolkit_stage"] = None
        out.loc[i, "status"] = None
    return out


def activities_as_of(activities: pd.DataFrame, toolkit: pd.DataFrame) -> pd.DataFrame:
    """The activities with their Toolkit-table part taken from ``toolkit`` (e.g. an earlier status date).

    The dataset derives its Toolkit rows and stages from each country's latest status date; a notebook
    run for another date swaps them for that date's (merged with the website's Toolkit activities as in
    :func:`merge_toolkit`). Other rows are kept as they are. The rows come back in the dataset's order
    (website, then user files, then Toolkit requests the website does not list).
    """
    out = merge_toolkit(_without_toolkit_table(activities), toolkit_activities(toolkit).astype(object))
    # Through the CSV text and the loaders' typed reader: the same dtypes as load_activities gives.
    text = to_csv_text(out, ACTIVITIES)
    return typed(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), ACTIVITIES,
                 "(activities as of a status date)")


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
        years = [int(y) for y in r["period"].split("-")] if re.match(PERIOD_PATTERN, r["period"] or "-") else []
        out.append({
            "country": r["country"], "iso3": c.iso3, "region": c.region, "document_region": c.document_region,
            "category": r["category"], "activity_type": r["activity_type"], "period": r["period"] or None,
            "year_start": years[0] if years else None, "year_end": years[-1] if years else None,
            "status": r["status"], "description": r["description"],
            "source_file": path.name, "source_line": line, "duplicates": 0,
            "source": f"{path.name}, row {line}: {r['source']}",
        })
    problems += plist.items
    if problems:
        raise DataError(problems, f"{path.name}: activities that cannot be used")
    return pd.DataFrame(out, columns=ACTIVITIES.columns)


def user_files(inputs: Inputs) -> list[Path]:
    folder = inputs.layout["raw_activities"]
    return sorted(folder.glob("*.csv")) if folder.exists() else []


def website_activities(inputs: Inputs, notes: list[str] | None = None) -> pd.DataFrame:
    """The activities of the ICCWC website's file (the latest copy in data/raw/iccwc-website), or none."""
    path = website.latest_file(website.files(inputs.layout))
    if path is None:
        return pd.DataFrame(columns=ACTIVITIES.columns)
    older = [p.name for p in website.files(inputs.layout) if p != path]
    if notes is not None and older:
        notes.append(f"ICCWC website: read {path.name} (latest provenance date); older copies kept, not read: "
                     f"{', '.join(older)}")
    df = website.read_website(path, inputs.topojson, notes=notes)
    df["period"] = [website._period(a, b) or None for a, b in zip(df["year_start"], df["year_end"])]
    df["status"] = None
    df["toolkit_stage"] = None
    return df.reindex(columns=ACTIVITIES.columns)


def build_activities(inputs: Inputs, built: dict[str, pd.DataFrame], log=print) -> pd.DataFrame:
    """The activities dataset: the website's, every user file's (sorted by name), the Toolkit requests
    merged in (:func:`merge_toolkit`). ``log`` gets the notes (duplicates counted once, merges)."""
    notes: list[str] = []
    frames, problems = [], []
    try:
        frames.append(website_activities(inputs, notes))
    except DataError as exc:
        problems += exc.problems
    for path in user_files(inputs):
        try:
            frames.append(read_user_file(path))
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems, "The activities files cannot be used")
    frames = [f.astype(object) for f in frames if not f.empty]
    others = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ACTIVITIES.columns)
    out = merge_toolkit(others, toolkit_activities(built["toolkit_status"]).astype(object), notes)
    for note in notes:
        log(f"  note: {note}")
    return out
