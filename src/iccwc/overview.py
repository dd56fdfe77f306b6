"""The overview notebook's pieces: headline numbers, the sources table, a chart at a glance."""
from __future__ import annotations

import json

import pandas as pd

from . import charts, paths
from .load import load_iccwc_documents, load_partner_presence, load_recognitions, load_toolkit
from .toolkit import STAGES
from .toolkit_uptake import toolkit_summary



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


def sources_view(data_dir=None):
    """The sources table for display: full titles, short checksums, no index (escaped HTML)."""
    df = sources_table(data_dir).assign(sha256=lambda d: d["sha256"].str[:12] + "…")
    return (df.style.format(escape="html").hide(axis="index").set_uuid("sources")
            .set_properties(**{"text-align": "left", "white-space": "normal"}))


@charts.styled
def at_a_glance(data_dir=None, status_date="latest") -> str:
    """Three small charts side by side, as SVG: Toolkit stages, recognitions per year, partners' reach."""
    tk = load_toolkit(data_dir, status_date=status_date)
    rec = load_recognitions(data_dir)
    pp = load_partner_presence(data_dir)
    fig = charts.figure(11, 3.2)
    a, b, c = fig.subplots(1, 3)

    counts = tk["stage"].value_counts().reindex(STAGES, fill_value=0)
    a.barh(counts.index.astype(str), counts.values, color=[charts.STAGE_COLOURS[s] for s in STAGES])
    a.invert_yaxis()
    charts.integer_axis(a.xaxis)
    a.set_title(f"Toolkit requests by stage ({len(tk)})")
    for y, v in enumerate(counts.values):
        a.text(v + 0.15, y, str(v), va="center")
    a.set_xlim(0, counts.max() * 1.2 + 0.5)

    years = range(int(rec["year"].min()), int(rec["year"].max()) + 1)
    per_year = rec["year"].value_counts().reindex(years, fill_value=0)
    b.bar([str(y) for y in years], per_year.values, color=charts.CATEGORY_COLOURS[
        "governing bodies of ICCWC partner organizations"])
    charts.integer_axis(b.yaxis)
    b.set_title(f"Recognitions per year ({len(rec)})")

    labels = [f"{q.strip()} {n}".strip() if isinstance(q, str) else str(n)
              for q, n in zip(pp["qualifier"].fillna(""), pp["count"])]
    lower_bound = pp["qualifier"].notna()
    c.barh(pp["partner"].astype(str), pp["count"], color=charts.NEUTRAL,
           hatch=["//" if q else "" for q in lower_bound], edgecolor="white")
    c.invert_yaxis()
    c.set_title("Partners' national networks")
    for y, (v, lab, unit) in enumerate(zip(pp["count"], labels, pp["unit"])):
        c.text(v + 3, y, f"{lab} {unit}", va="center")
    c.set_xlim(0, pp["count"].max() * 1.6)
    c.set_xlabel("countries (WCO: members); hatched = at least")
    return charts.svg(fig)


def headline_markdown(h: dict) -> str:
    """The headline sentence for the latest snapshot, written from the numbers (so it is always right)."""
    return (f"As of **{h['status_date']}**, **{h['toolkit_requests']}** countries had asked for the Analytic "
            f"Toolkit: **{h['toolkit_complete']}** had completed all 8 steps and **{h['toolkit_under_way']}** "
            f"were under way. The data hold **{h['recognitions']}** instruments recognising ICCWC "
            f"({h['first_recognition']} to {h['last_recognition']}), the networks of "
            f"**{h['partners']}** partners, and **{h['iccwc_documents']}** ICCWC documents and reports.")
