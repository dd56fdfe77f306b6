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


def partner_table(presence: pd.DataFrame) -> pd.DataFrame:
    """One row per partner with the label as printed and whether the number is a lower bound.

    Returns a DataFrame with columns partner, network, count, qualifier, unit, label (text,
    :func:`partner_label`), lower_bound (bool: a qualifier such as "more than"), source.

    >>> t = partner_table(iccwc.load_partner_presence())
    >>> list(t.columns), bool((t["lower_bound"] == t["label"].str.contains("+", regex=False)).all())
    (['partner', 'network', 'count', 'qualifier', 'unit', 'label', 'lower_bound', 'source'], True)
    """
    df = presence.copy()
    df["label"] = [partner_label(r) for _, r in df.iterrows()]
    df["lower_bound"] = df["qualifier"].notna() & (df["qualifier"].astype("string").fillna("") != "")
    return df[["partner", "network", "count", "qualifier", "unit", "label", "lower_bound", "source"]]


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
    """Activities per region, activity type (Toolkit/WEN/WIST/other) and status.

    Returns a tidy DataFrame with columns ``by`` (ordered categorical of the regions),
    activity_type, status, activities (count); only combinations that occur.

    >>> act = iccwc.load_activities()
    >>> t = activities_by_type(act)
    >>> list(t.columns), int(t["activities"].sum()) == len(act)
    (['document_region', 'activity_type', 'status', 'activities'], True)
    """
    order = [r for r in REGION_ORDER[by] if r in set(activities[by].astype(str))]
    t = (activities.assign(**{by: activities[by].astype(str)})
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
