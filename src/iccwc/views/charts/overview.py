"""Notebook 00's chart at a glance: Toolkit stages, recognitions per year, partners' networks.

Takes DataFrames and returns a Figure, like every chart (:mod:`iccwc.views.charts.base`).
"""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from iccwc.views.charts import base as charts
from iccwc.vocab import STAGES


@charts.styled
def at_a_glance(tk: pd.DataFrame, rec: pd.DataFrame, pp: pd.DataFrame) -> Figure:
    """Three small charts side by side: Toolkit stages (``tk``: one status date, ``load_toolkit()``),
    recognitions per year (``rec``: ``load_recognitions()``), partners' reach (``pp``:
    ``load_partner_presence()``)."""
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
    return fig
