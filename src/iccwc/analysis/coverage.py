"""Question 3, regional coverage: partners' networks, Toolkit uptake and activities by region.

Everything here returns plain values or DataFrames; charts, maps and the explorer
that show them are in :mod:`iccwc.views`.

>>> import iccwc
>>> by_region = toolkit_by_region(iccwc.load_toolkit(status_date="latest"))
>>> int(by_region["requests"].drop("Total").sum()) == len(iccwc.load_toolkit(status_date="latest"))
True

The functions' examples assume ``import iccwc`` and use the committed data; they show
structure and invariants, not counts. Functions given the Toolkit need one status date
(``load_toolkit(status_date="latest")``).
"""
from __future__ import annotations

import pandas as pd

from iccwc.analysis.toolkit_uptake import stage_by_region, toolkit_summary
from iccwc.vocab import (ACTIVITY_CATEGORIES as CATEGORIES, CONTINENTS, DOCUMENT_REGIONS, STAGES)

#: Region columns and their order.
REGION_ORDER = {"region": CONTINENTS, "document_region": DOCUMENT_REGIONS + ["Oceania"]}
REGION_TITLES = {"region": "continent", "document_region": "document region"}
#: The value shown for "no region filter".
ALL = "All regions"


def partner_label(row) -> str:
    """The number as printed: '181', '150+ (more than 150)', '100+ (over 100)', '180 members'.

    ``row``: a row of :func:`iccwc.load_partner_presence` (count, qualifier, unit). Returns text.

    >>> partner_label({"count": 150, "qualifier": "more than", "unit": "countries"})
    '150+ (more than 150)'
    >>> pp = iccwc.load_partner_presence()
    >>> all(partner_label(r).startswith(str(r["count"])) for _, r in pp.iterrows())
    True
    """
    n = int(row["count"])
    qualifier = row.get("qualifier")
    qualifier = None if qualifier is None or pd.isna(qualifier) or not str(qualifier) else str(qualifier)
    text = f"{n}+ ({qualifier} {n})" if qualifier else f"{n}"
    if str(row["unit"]) != "countries":
        text += f" {row['unit']}"
    return text


def partner_table(presence: pd.DataFrame, latest: bool = True) -> pd.DataFrame:
    """One row per partner network (its latest figure, unless ``latest`` is False: every row), with the
    label as printed, whether the number is a lower bound, and the date it holds.

    Returns a DataFrame with columns partner, network, count, qualifier, unit, label (text,
    :func:`partner_label`), lower_bound (bool: a qualifier such as "more than"), as_of (as entered),
    source. Rows in order of partner, then network.

    >>> t = partner_table(iccwc.load_partner_presence())
    >>> list(t.columns), bool((t["lower_bound"] == t["label"].str.contains("+", regex=False)).all())
    (['partner', 'network', 'count', 'qualifier', 'unit', 'label', 'lower_bound', 'as_of', 'source'], True)
    >>> bool(t.duplicated(["partner", "network"]).any())
    False
    """
    from iccwc.analysis.overview import partner_series       # (overview uses partner_label from here)
    s = partner_series(presence)
    if latest:
        s = s[s["latest"]]
    return s[["partner", "network", "count", "qualifier", "unit", "label", "lower_bound", "as_of",
              "source"]].reset_index(drop=True)


def toolkit_by_region(toolkit: pd.DataFrame, by: str = "document_region") -> pd.DataFrame:
    """Requests, each stage, completions and those in progress, per region (one status date).

    Returns a DataFrame of int: index named ``by`` (regions with a request, then 'Total'),
    columns requests, the STAGES, 'not yet complete'.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> t = toolkit_by_region(tk)
    >>> t.index[-1], int(t.loc["Total", "requests"]) == len(tk)
    ('Total', True)
    >>> list(t.columns) == ["requests", *STAGES, "not yet complete"]
    True
    """
    counts = stage_by_region(toolkit, by)          # the same crosstab as notebook 01's (refuses several dates)
    out = pd.DataFrame({"requests": counts["total"]})
    for s in STAGES:
        out[s] = counts[s]
    out["not yet complete"] = out["requests"] - out["complete"]
    out.index.name = by
    out.loc["Total"] = out.sum()
    return out.astype(int)


def activities_by_region(activities: pd.DataFrame, by: str = "document_region") -> pd.DataFrame:
    """Activities per region (rows) and category (columns), with totals.

    Returns a DataFrame of int: index named ``by`` (regions of :data:`REGION_ORDER` that have an
    activity, then 'Total'), columns the activity CATEGORIES then 'all activities'.

    >>> act = iccwc.load_activities()
    >>> t = activities_by_region(act)
    >>> t.index[-1], list(t.columns) == [*CATEGORIES, "all activities"]
    ('Total', True)
    >>> int(t.loc["Total", "all activities"]) == len(act)
    True
    """
    order = [r for r in REGION_ORDER[by] if r in set(activities[by].astype(str))]
    t = (pd.crosstab(activities[by].astype(str), activities["category"].astype(str))
         .reindex(index=order, columns=CATEGORIES, fill_value=0))
    t["all activities"] = t.sum(axis=1)
    t.index.name = by
    t.loc["Total"] = t.sum()
    return t.astype(int)


def activities_by_type(activities: pd.DataFrame, by: str = "document_region") -> pd.DataFrame:
    """Activities per region, activity type and status ('not given' where the source gives none).

    Returns a tidy DataFrame with columns ``by`` (ordered categorical of the regions),
    activity_type, status, activities (count); only combinations that occur.

    >>> act = iccwc.load_activities()
    >>> t = activities_by_type(act)
    >>> list(t.columns), int(t["activities"].sum()) == len(act)
    (['document_region', 'activity_type', 'status', 'activities'], True)
    """
    order = [r for r in REGION_ORDER[by] if r in set(activities[by].astype(str))]
    status = activities["status"].astype(object).where(activities["status"].notna(), "not given")
    t = (activities.assign(**{by: activities[by].astype(str), "status": status.astype(str)})
         .groupby([by, "activity_type", "status"], observed=True).size().rename("activities").reset_index())
    t[by] = pd.Categorical(t[by], categories=order, ordered=True)
    return t.sort_values([by, "activity_type", "status"]).reset_index(drop=True)


def activities_listing(activities: pd.DataFrame) -> pd.DataFrame:
    """Every activity, in the document's region order, then category, then country; empty period as ''.

    Returns a DataFrame with columns document_region (ordered categorical), country, category,
    activity_type, status, period (text, '' when none), source.

    >>> act = iccwc.load_activities()
    >>> a = activities_listing(act)
    >>> list(a.columns)[:3], len(a) == len(act), bool(a["period"].notna().all())
    (['document_region', 'country', 'category'], True, True)
    """
    df = activities.copy()
    df["document_region"] = pd.Categorical(df["document_region"].astype(str),
                                           categories=REGION_ORDER["document_region"], ordered=True)
    df["period"] = df["period"].astype("string").fillna("")
    cols = ["document_region", "country", "category", "activity_type", "status", "period", "source"]
    return df.sort_values(["document_region", "category", "country"])[cols].reset_index(drop=True)


def region_summary(activities: pd.DataFrame, toolkit: pd.DataFrame, region: str | None) -> dict:
    """The numbers shown for a region (None: all regions).

    ``region``: one of the document's groupings (``document_region``); ``toolkit``: one status date.
    Returns a dict: region (name, or "All regions"), countries (with an activity or a Toolkit
    request), toolkit_requests, toolkit_complete, toolkit_not_complete, activities,
    by_category {category: n}, ongoing_or_planned.

    >>> act, tk = iccwc.load_activities(), iccwc.load_toolkit(status_date="latest")
    >>> s = region_summary(act, tk, None)
    >>> s["region"], s["activities"] == len(act), s["toolkit_requests"] == len(tk)
    ('All regions', True, True)
    """
    a = activities if region is None else activities[activities["document_region"].astype(str) == region]
    t = toolkit if region is None else toolkit[toolkit["document_region"].astype(str) == region]
    tk = toolkit_summary(t)
    return {
        "region": region or ALL,
        "countries": int(len(set(a["iso3"].astype(str)) | set(t["iso3"].astype(str)))),
        "toolkit_requests": tk["requests"],
        "toolkit_complete": tk["complete"],
        "toolkit_not_complete": tk["under_way"],
        "activities": int(len(a)),
        "by_category": {c: int((a["category"].astype(str) == c).sum()) for c in CATEGORIES},
        "ongoing_or_planned": int((a["status"].astype(str) == "ongoing or planned").sum()),
    }


# ---------------------------------------------------------------- activities: real coverage (ICCWC website)

#: The years the ICCWC website's map covers; activities are counted by the year they start.
YEARS = list(range(2013, 2021))
#: The Toolkit table's date in the SC66 document (for "what the website adds").
SC66_DATE = "2015-11-09"


def _order(activities: pd.DataFrame, by: str) -> list[str]:
    if by in REGION_ORDER:
        return [r for r in REGION_ORDER[by] if r in set(activities[by].astype(str))]
    col = activities[by]
    cats = list(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) else sorted(set(col.astype(str)))
    return [c for c in cats if c in set(col.astype(str))]


def reach(activities: pd.DataFrame, by: str = "document_region") -> pd.DataFrame:
    """Activities and countries reached per value of ``by`` (a region column, category or activity_type).

    Returns a DataFrame of int: index named ``by`` (values that occur, in their order, then 'Total'),
    columns activities, countries (distinct ISO3 codes; the Total counts each country once).

    >>> act = iccwc.load_activities()
    >>> t = reach(act, "activity_type")
    >>> int(t.loc["Total", "activities"]) == len(act), int(t.loc["Total", "countries"]) == act["iso3"].nunique()
    (True, True)
    """
    key = activities[by].astype(str)
    order = _order(activities, by)
    out = pd.DataFrame({"activities": key.value_counts(),
                        "countries": activities.groupby(key)["iso3"].nunique()}).reindex(order).fillna(0)
    out.index.name = by
    out.loc["Total"] = [len(activities), activities["iso3"].nunique()]
    return out.astype(int)


def years_by_region(activities: pd.DataFrame, by: str = "document_region", years=YEARS) -> pd.DataFrame:
    """Activities per first year (rows ``years``) and region (columns, then 'all regions').

    An activity counts in the year it starts (``year_start``); activities with no year are not in
    the table (:func:`coverage_story` says how many).

    >>> t = years_by_region(iccwc.load_activities())
    >>> list(t.index) == YEARS and t.columns[-1] == "all regions"
    True
    """
    dated = activities[activities["year_start"].notna()]
    t = (pd.crosstab(dated["year_start"].astype(int), dated[by].astype(str))
         .reindex(index=list(years), columns=_order(activities, by), fill_value=0))
    t.index.name, t.columns.name = "year", by
    t["all regions"] = t.sum(axis=1)
    return t.astype(int)


def support_by_country(activities: pd.DataFrame) -> pd.DataFrame:
    """Which countries have had which kinds of support: one row per country, a column per activity type.

    Returns a DataFrame indexed by country (as first written), with document_region, one int column per
    activity type that occurs (activities of that type), 'activities' (all) and 'years' ('2013-2019',
    '' when none), sorted by region then country.

    >>> t = support_by_country(iccwc.load_activities())
    >>> int(t["activities"].sum()) == len(iccwc.load_activities())
    True
    """
    df = activities.assign(_type=activities["activity_type"].astype(str))
    types = _order(activities, "activity_type")
    counts = pd.crosstab(df["iso3"].astype(str), df["_type"]).reindex(columns=types, fill_value=0)
    counts.columns.name = None
    first = df.drop_duplicates("iso3").set_index("iso3")
    ys = df.groupby(df["iso3"].astype(str)).agg(lo=("year_start", "min"), hi=("year_end", "max"))
    out = counts.copy()
    out.insert(0, "document_region", first["document_region"].astype(str).reindex(out.index))
    out["activities"] = counts.sum(axis=1)
    out["years"] = [("" if pd.isna(lo) else f"{int(lo)}" if int(lo) == int(hi) else f"{int(lo)}-{int(hi)}")
                    for lo, hi in zip(ys["lo"].reindex(out.index), ys["hi"].reindex(out.index))]
    out.index = first["country"].astype(str).reindex(out.index)
    out.index.name = "country"
    region_rank = {r: i for i, r in enumerate(REGION_ORDER["document_region"])}
    out = out.assign(_r=out["document_region"].map(region_rank)).sort_values(
        ["_r", "country"], key=lambda s: s.str.casefold() if s.dtype == object else s).drop(columns="_r")
    return out


def website_rows(activities: pd.DataFrame) -> pd.Series:
    """Which rows come from the ICCWC website's file (they carry its group).

    >>> act = iccwc.load_activities()
    >>> bool(website_rows(act).sum() <= len(act))
    True
    """
    return activities["website_group"].notna()


def website_adds(activities: pd.DataFrame, toolkit: pd.DataFrame | None) -> dict:
    """What the ICCWC website adds to the SC66 picture (``toolkit``: the SC66 table, or None when the data
    lack it).

    Returns a dict of int and lists: activities, countries (all); website_activities, website_countries;
    table_requests (Toolkit-table countries), merged (Toolkit activities in both), table_only (countries
    whose Toolkit request the website does not list), new_countries (countries the table does not have),
    new_toolkit (countries with a website Toolkit activity but no SC66 request), duplicates (copies
    counted once).

    >>> d = website_adds(iccwc.load_activities(), iccwc.load_toolkit(status_date="latest"))
    >>> d["website_activities"] + d["table_only_activities"] <= d["activities"]
    True
    """
    web = activities[website_rows(activities)]
    tk_codes = set() if toolkit is None else set(toolkit["iso3"].astype(str))
    merged = activities[website_rows(activities) & activities["toolkit_stage"].notna()]
    web_tk = set(web.loc[web["activity_type"].astype(str) == "Toolkit", "iso3"].astype(str))
    name = dict(zip(activities["iso3"].astype(str), activities["country"].astype(str)))
    table_only = activities[~website_rows(activities) & activities["toolkit_stage"].notna()]
    return {
        "activities": int(len(activities)), "countries": int(activities["iso3"].nunique()),
        "website_activities": int(len(web)), "website_countries": int(web["iso3"].nunique()),
        "table_requests": len(tk_codes), "merged": int(len(merged)),
        "table_only": sorted(table_only["country"].astype(str)),
        "table_only_activities": int(len(table_only)),
        "new_countries": int(len(set(web["iso3"].astype(str)) - tk_codes)),
        "new_toolkit": sorted(name[c] for c in web_tk - tk_codes),
        "duplicates": int(activities["duplicates"].fillna(0).sum()),
    }


def filter_activities(activities: pd.DataFrame, region: str | None = None, category: str | None = None,
                      activity_type: str | None = None, years: tuple[int, int] | None = None,
                      undated: bool = True) -> pd.DataFrame:
    """The activities of a document region, category, type and span of years (None: no filter).

    ``years`` (first, last): activities whose years overlap them; ``undated``: keep activities with no
    year (the Toolkit table gives none) when a span is set.

    >>> act = iccwc.load_activities()
    >>> len(filter_activities(act)) == len(act), len(filter_activities(act, years=(2019, 2019), undated=False)) > 0
    (True, True)
    """
    keep = pd.Series(True, index=activities.index)
    for col, value in (("document_region", region), ("category", category), ("activity_type", activity_type)):
        if value is not None:
            keep &= activities[col].astype(str) == value
    if years is not None:
        lo, hi = years
        start, end = activities["year_start"], activities["year_end"].fillna(activities["year_start"])
        overlap = (start.notna() & (start <= hi) & (end >= lo)).fillna(False).astype(bool)
        keep &= overlap | (activities["year_start"].isna() & undated)
    return activities[keep]


