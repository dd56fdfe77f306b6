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
