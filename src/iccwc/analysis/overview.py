"""The overview: headline numbers across the three questions and the sources behind the data.

The examples assume ``import iccwc`` and use the committed data; they show structure and
invariants, not counts.
"""
from __future__ import annotations

import json

import pandas as pd

from iccwc import paths
from iccwc.data.load import load_iccwc_documents, load_partner_presence, load_recognitions, load_toolkit
from iccwc.analysis.toolkit_uptake import toolkit_summary


def headline(data_dir=None, status_date="latest") -> dict:
    """The headline numbers across the three questions, for one Toolkit status date.

    Returns a dict: status_date (ISO text), toolkit_requests, toolkit_complete,
    toolkit_under_way, toolkit_steps_unknown (listed with no steps: neither complete nor under way),
    recognitions, first_recognition and last_recognition ("YYYY-MM"),
    partners (how many partners the partner figures cover), partner_networks (partner and network
    pairs), partner_figures (rows of the series), iccwc_documents.

    >>> h = headline()
    >>> h["toolkit_requests"] == h["toolkit_complete"] + h["toolkit_under_way"] + h["toolkit_steps_unknown"]
    True
    >>> h["status_date"] == iccwc.data_status()["toolkit_status_dates"][-1]
    True
    """
    tk = toolkit_summary(load_toolkit(data_dir, status_date=status_date))
    rec = load_recognitions(data_dir)
    pp = load_partner_presence(data_dir)
    return {
        "status_date": tk["status_date"],
        "toolkit_requests": tk["requests"],
        "toolkit_complete": tk["complete"],
        "toolkit_under_way": tk["under_way"],
        "toolkit_steps_unknown": tk.get("steps_unknown", 0),
        "recognitions": len(rec),
        "first_recognition": rec["date"].min(),
        "last_recognition": rec["date"].max(),
        "partners": int(pp["partner"].nunique()),
        "partner_networks": len(latest_partner_figures(pp)),
        "partner_figures": len(pp),
        "iccwc_documents": len(load_iccwc_documents(data_dir)),
    }


def sources_table(data_dir=None) -> pd.DataFrame:
    """The raw sources behind data/processed, from datapackage.json (title, issuer, issued, sha256).

    Returns a DataFrame with columns title, issuer, issued, path, sha256; one row per source.

    >>> st = sources_table()
    >>> list(st.columns), len(st) == len(iccwc.data_status()["sources"])
    (['title', 'issuer', 'issued', 'path', 'sha256'], True)
    """
    pkg = json.loads((paths.layout(data_dir)["processed"] / "datapackage.json").read_text(encoding="utf-8"))
    df = pd.DataFrame(pkg["sources"])
    return df[["title", "issuer", "issued", "path", "sha256"]]


#: The Toolkit status date of the CITES SC66 information document (its Part 3 table).
SC66_STATUS_DATE = "2015-11-09"

#: What the SC66 document itself states, transcribed from its text (Part 3: "At the time of writing
#: 17 requests ... completed in 6 countries and is at different stages of implementation in 11
#: countries"; Part 2: its list of examples of recognition, July 2011 to July 2015; Part 1: the
#: networks of the 5 partners). Keys are those of :func:`headline`.
SC66_CLAIMS = {"toolkit_requests": 17, "toolkit_complete": 6, "toolkit_under_way": 11, "recognitions": 17,
               "first_recognition": "2011-07", "last_recognition": "2015-07", "partners": 5}


def has_sc66_snapshot(data_dir=None) -> bool:
    """Whether the data hold the Toolkit snapshot of the SC66 document (as of 9 November 2015).

    Returns a bool.

    >>> has_sc66_snapshot() == (SC66_STATUS_DATE in iccwc.data_status()["toolkit_status_dates"])
    True
    """
    dates = pd.to_datetime(load_toolkit(data_dir)["status_date"]).dt.date.astype(str)
    return SC66_STATUS_DATE in set(dates)


def sc66_check(data_dir=None) -> pd.DataFrame | None:
    """The SC66 document's own numbers beside what the data say as of its status date.

    The Toolkit numbers are those of its status date; the recognitions and partners are the rows the
    data take from the SC66 document itself (later ones, from other sources, are not its claims).

    Returns None when the data do not hold the SC66 snapshot; else a DataFrame with one row per
    entry of :data:`SC66_CLAIMS`: claim, document (what the document says), data (what the data
    say), agree (bool).

    >>> c = sc66_check()
    >>> c is None or (list(c.columns) == ["claim", "document", "data", "agree"] and len(c) == len(SC66_CLAIMS))
    True
    """
    if not has_sc66_snapshot(data_dir):
        return None
    h = headline(data_dir, status_date=SC66_STATUS_DATE)
    pp = load_partner_presence(data_dir)
    h["partners"] = int(pp.loc[from_sc66_rows(pp), "partner"].nunique())     # Part 1's partners, not later figures
    rec = load_recognitions(data_dir)
    rec = rec[from_sc66_rows(rec)]                                           # Part 2's list, not later instruments
    h.update(recognitions=len(rec), first_recognition=rec["date"].min() if len(rec) else None,
             last_recognition=rec["date"].max() if len(rec) else None)
    return pd.DataFrame([{"claim": k, "document": v, "data": h[k], "agree": v == h[k]}
                         for k, v in SC66_CLAIMS.items()])

#: The file name of the SC66 document in ``data/raw/documents`` (the curated datasets name it as their source).
SC66_DOCUMENT = "cites-sc66-iccwc-information-2016-01.txt"


def from_sc66(df: pd.DataFrame) -> bool:
    """Whether every row of a curated dataset (with a ``source`` column) comes from the SC66 document.

    Returns a bool (False for no rows).

    >>> from_sc66(iccwc.load_recognitions()) == all(iccwc.load_recognitions()["source"].str.startswith(SC66_DOCUMENT))
    True
    """
    return bool(len(df)) and bool(from_sc66_rows(df).all())


def from_sc66_rows(df: pd.DataFrame) -> pd.Series:
    """Per row of a curated dataset (with a ``source`` column): whether it comes from the SC66 document.

    >>> bool(from_sc66_rows(iccwc.load_partner_presence()).any())
    True
    """
    return df["source"].astype(str).str.startswith(SC66_DOCUMENT + ",")


# --------------------------------------------------------------------------- partner figures, a series

def as_of_label(as_of: str) -> str:
    """``"2016-01"`` -> ``"January 2016"``; ``"2017-06-26"`` -> ``"26 June 2017"``.

    >>> as_of_label("2016-01"), as_of_label("2017-06-26")
    ('January 2016', '26 June 2017')
    """
    t = pd.Timestamp(as_of if len(as_of) == 10 else f"{as_of}-01")
    return t.strftime("%B %Y") if len(as_of) == 7 else f"{t.day} {t.strftime('%B %Y')}"


def partner_series(pp: pd.DataFrame) -> pd.DataFrame:
    """Every partner figure, as a series: ordered by partner, network and date.

    ``pp``: :func:`iccwc.load_partner_presence`. Returns a DataFrame with columns partner, network,
    as_of (as entered), date (Timestamp: its first day), when (text: "January 2016", "26 June 2017"),
    count, qualifier ('' when exact), unit, label (the number as printed: "150+ (more than 150)",
    "180 members"), lower_bound (bool), source, latest (bool: the network's latest figure).

    >>> s = partner_series(iccwc.load_partner_presence())
    >>> int(s["latest"].sum()) == len(s.groupby(["partner", "network"]))
    True
    """
    from iccwc.analysis.coverage import partner_label
    df = pp.copy()
    df["qualifier"] = df["qualifier"].astype("string").fillna("").astype(str)
    df["as_of"] = df["as_of"].astype(str)
    df["date"] = pd.to_datetime([a if len(a) == 10 else f"{a}-01" for a in df["as_of"]])
    df["when"] = [as_of_label(a) for a in df["as_of"]]
    df["label"] = [partner_label(r) for _, r in df.iterrows()]
    df["lower_bound"] = df["qualifier"] != ""
    df = df.sort_values(["partner", "network", "date", "as_of"], kind="stable").reset_index(drop=True)
    df["latest"] = ~df.duplicated(["partner", "network"], keep="last")
    return df[["partner", "network", "as_of", "date", "when", "count", "qualifier", "unit", "label",
               "lower_bound", "source", "latest"]]


def latest_partner_figures(pp: pd.DataFrame) -> pd.DataFrame:
    """The latest figure of each partner's network, with its date and source; one row per partner and network.

    Returns the columns of :func:`partner_series` (without ``latest``) plus figures (how many figures
    the series holds for that network) and first_count, first_when (its earliest figure).

    >>> t = latest_partner_figures(iccwc.load_partner_presence())
    >>> bool(t.duplicated(["partner", "network"]).any())
    False
    """
    s = partner_series(pp)
    groups = s.groupby(["partner", "network"], sort=False)
    first = groups.first()
    out = s[s["latest"]].drop(columns="latest").reset_index(drop=True)
    keys = list(zip(out["partner"], out["network"]))
    out["figures"] = [int(groups.size()[k]) for k in keys]
    out["first_count"] = [int(first.loc[k, "count"]) for k in keys]
    out["first_when"] = [first.loc[k, "when"] for k in keys]
    return out
