"""The overview: headline numbers across the three questions and the sources behind the data."""
from __future__ import annotations

import json

import pandas as pd

from iccwc import paths
from iccwc.data.load import load_iccwc_documents, load_partner_presence, load_recognitions, load_toolkit
from iccwc.analysis.toolkit_uptake import toolkit_summary


def headline(data_dir=None, status_date="latest") -> dict:
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
    """The raw sources behind data/processed, from datapackage.json (title, issuer, issued, sha256)."""
    pkg = json.loads((paths.layout(data_dir)["processed"] / "datapackage.json").read_text(encoding="utf-8"))
    df = pd.DataFrame(pkg["sources"])
    return df[["title", "issuer", "issued", "path", "sha256"]]


def headline_markdown(h: dict) -> str:
    """The headline sentence for the latest snapshot, written from the numbers (so it is always right)."""
    return (f"As of **{h['status_date']}**, **{h['toolkit_requests']}** countries had asked for the Analytic "
            f"Toolkit: **{h['toolkit_complete']}** had completed all 8 steps and **{h['toolkit_under_way']}** "
            f"were under way. The data hold **{h['recognitions']}** instruments recognising ICCWC "
            f"({h['first_recognition']} to {h['last_recognition']}), the networks of "
            f"**{h['partners']}** partners, and **{h['iccwc_documents']}** ICCWC documents and reports.")
