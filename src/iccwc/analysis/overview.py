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
    toolkit_under_way, recognitions, first_recognition and last_recognition ("YYYY-MM"),
    partners, iccwc_documents.

    >>> h = headline()
    >>> h["toolkit_requests"] == h["toolkit_complete"] + h["toolkit_under_way"]
    True
    >>> h["status_date"] == iccwc.data_status()["toolkit_status_dates"][-1]
    True
    """
    tk = toolkit_summary(load_toolkit(data_dir, status_date=status_date))
    rec = load_recognitions(data_dir)
    return {
        "status_date": tk["status_date"],
        "toolkit_requests": tk["requests"],
        "toolkit_complete": tk["complete"],
        "toolkit_under_way": tk["under_way"],
        "recognitions": len(rec),
        "first_recognition": rec["date"].min(),
        "last_recognition": rec["date"].max(),
        "partners": len(load_partner_presence(data_dir)),
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


def headline_markdown(h: dict) -> str:
    """The headline sentence for the latest snapshot, written from the numbers (so it is always right).

    ``h``: a :func:`headline` dict. Returns Markdown text.

    >>> h = headline()
    >>> text = headline_markdown(h)
    >>> text.startswith(f"As of **{h['status_date']}**, **{h['toolkit_requests']}** countries")
    True
    """
    return (f"As of **{h['status_date']}**, **{h['toolkit_requests']}** countries had asked for the Analytic "
            f"Toolkit: **{h['toolkit_complete']}** had completed all 8 steps and **{h['toolkit_under_way']}** "
            f"were under way. The data hold **{h['recognitions']}** instruments recognising ICCWC "
            f"({h['first_recognition']} to {h['last_recognition']}), the networks of "
            f"**{h['partners']}** partners, and **{h['iccwc_documents']}** ICCWC documents and reports.")


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
    return bool(len(df)) and bool(df["source"].astype(str).str.startswith(SC66_DOCUMENT + ",").all())
