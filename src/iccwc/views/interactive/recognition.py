"""Interactive charts of recognition over time: instruments by year and a timeline, linked.

DataFrames in (``iccwc.load_recognitions``), an Altair chart out; show it with
:func:`iccwc.views.interactive.base.show`.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from iccwc.analysis.recognition import toolkit_word
from iccwc.views.charts.base import CATEGORY_COLOURS, TEXT
from iccwc.views.interactive import base
from iccwc.vocab import CATEGORIES, INSTRUMENT_TYPES


def rows(rec: pd.DataFrame) -> pd.DataFrame:
    """The rows the charts carry inline: one per instrument, in date order, with columns id, instrument,
    issuing_body, date (as printed: 'July 2011'), month (ISO text, its first day), year, category,
    instrument_type, mentions_toolkit ('yes'/'no'/'unknown'), source, category_rank (the category's place, for stacking)."""
    df = rec.sort_values(["month", "id"], kind="stable")
    month = pd.to_datetime(df["month"])
    out = pd.DataFrame({
        "id": df["id"].astype(str), "instrument": df["instrument"].astype(str),
        "issuing_body": df["issuing_body"].astype(str), "date": month.dt.strftime("%B %Y"),
        "month": month.dt.strftime("%Y-%m-%d"), "year": df["year"].astype("Int64"),
        "category": df["category"].astype(str), "instrument_type": df["instrument_type"].astype(str),
        "mentions_toolkit": df["mentions_toolkit"].map(toolkit_word),
        "source": df["source"].astype(str)})
    ranks = {c: i for i, c in enumerate(base.options(out["category"], CATEGORIES))}
    out["category_rank"] = out["category"].map(ranks).astype("Int64")
    return base.records(out)


def keep_expression() -> str:
    """The Vega expression of the controls: category, kind (instrument type), year from, year to."""
    return (f"{base.is_all_or('rec_category', 'category')} && {base.is_all_or('rec_kind', 'instrument_type')}"
            " && datum.year >= rec_year_from && datum.year <= rec_year_to")


def by_year(rec: pd.DataFrame, title: str | None = None) -> alt.VConcatChart:
    """Instruments recognising ICCWC per year (bars stacked by category) above a timeline (one point per
    instrument at its month, y = category), both following the controls: category, kind, year from, year
    to; clicking a category in the legend highlights it in both. Tooltips: instrument, body, date as
    printed, category, kind, mentions Toolkit, source."""
    data_rows = rows(rec)
    years = [int(y) for y in data_rows["year"].dropna()]
    lo, hi = (min(years), max(years)) if years else (0, 0)
    n = len(data_rows)
    span = f"{lo}-{hi}" if years else "no instruments"
    title = title or f"Instruments recognising ICCWC by year, {span}"
    cats = base.options(data_rows["category"], CATEGORIES)
    category = base.select_param("rec_category", "Category ", data_rows["category"], CATEGORIES)
    kind = base.select_param("rec_kind", "Kind ", data_rows["instrument_type"], INSTRUMENT_TYPES)
    year_from = base.range_param("rec_year_from", "Year from ", lo, hi, lo)
    year_to = base.range_param("rec_year_to", "Year to ", lo, hi, hi)
    pick = alt.selection_point(name="rec_pick", fields=["category"], bind="legend")
    keep = keep_expression()
    data = alt.Data(values=data_rows.to_dict("records"))
    colour = alt.Color("category:N", title="category (the document's)", scale=alt.Scale(
        domain=cats, range=[CATEGORY_COLOURS[c] for c in cats]))
    opacity = alt.condition(pick, alt.value(1.0), alt.value(0.2))
    tooltip = [alt.Tooltip("instrument:N"), alt.Tooltip("issuing_body:N", title="issued by"),
               alt.Tooltip("date:N", title="date"), alt.Tooltip("category:N"),
               alt.Tooltip("instrument_type:N", title="kind"),
               alt.Tooltip("mentions_toolkit:N", title="mentions the Toolkit"), alt.Tooltip("source:N")]
    bars = alt.Chart(data, name="rec_years").transform_filter(keep).mark_bar(
        stroke="white", strokeWidth=0.5).encode(
        x=alt.X("year:O", title=None, scale=alt.Scale(domain=list(range(lo, hi + 1))),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count():Q", title="instruments", axis=alt.Axis(format="d", tickMinStep=1)),
        color=colour, opacity=opacity, order=alt.Order("category_rank:Q"), tooltip=tooltip,
    ).add_params(pick).properties(width="container", height=220)
    timeline = alt.Chart(data, name="rec_timeline").transform_filter(keep).mark_point(
        filled=True, size=80).encode(
        x=alt.X("month:T", title=None, scale=alt.Scale(domain=[f"{lo}-01-01", f"{hi}-12-31"]),
                axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0)),
        y=alt.Y("category:N", title=None, sort=cats, axis=alt.Axis(labelLimit=260)),
        color=colour,
        opacity=opacity, tooltip=tooltip,
    ).properties(width="container", height=alt.Step(40))
    count = alt.Chart(data, name="rec_count").transform_calculate(
        keep=f"({keep}) ? 1 : 0").transform_aggregate(shown="sum(keep)", total="count()").transform_calculate(
        text="datum.shown + ' of ' + datum.total + ' instruments'").mark_text(
        align="left", baseline="middle", fontSize=13, fontWeight="bold", color=TEXT, x=0, y=10).encode(
        text="text:N").properties(width="container", height=20)
    chart = alt.vconcat(count, bars, timeline, spacing=8).add_params(
        category, kind, year_from, year_to).properties(title=title)
    desc = f"{n} instrument{'' if n == 1 else 's'}"
    return base.finish(chart, title, desc, base.sources((rec, "source")))
