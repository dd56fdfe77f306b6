"""Hover tooltips on the matplotlib charts (issue 16): every data mark of every chart the notebooks draw
carries an SVG ``<title>`` saying what it shows, with numbers counted here from the same rows.

Each test renders the chart's SVG (``charts.svg``, the one way a figure becomes SVG), parses it as XML,
and compares the titled marks with counts and texts computed from the DataFrame in this file, not
with the chart code's own helpers. The charts the notebooks draw (tests/notebook_charts.py) are drawn once per
test process (:func:`drawn`: the tests only read their marks); a test that changes the data or the figure
draws its own.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import nbformat
import pandas as pd
import pytest

import notebook_charts
from iccwc.analysis.coverage import years_by_region
from iccwc.site import reader
from iccwc.views.charts import base as charts
from iccwc.views.charts import recognition as rc
from iccwc.views.charts import toolkit as tc
from iccwc.vocab import (ACTIVITY_CATEGORIES, ACTIVITY_STATUSES, ACTIVITY_TYPES, MARK_COLUMNS, STAGE_LEGEND,
                         STAGES, STEP_ORDER)

SVG = "{http://www.w3.org/2000/svg}"


# --------------------------------------------------------------------------- data and helpers

@pytest.fixture(scope="module")
def d(chart_data):
    """The committed data the charts are drawn from (tests/notebook_charts.py), shared: READ ONLY."""
    return chart_data


def titled(fig) -> list[tuple[str, str]]:
    """(id, text) of every titled mark in the figure's SVG (:func:`titled_marks`)."""
    return titled_marks(charts.svg(fig))


def titled_marks(svg: str) -> list[tuple[str, str]]:
    """(id, text) of every titled mark in an SVG made by ``charts.svg``, in document order. Checks on the way
    that the SVG is well-formed XML, that each ``<title>`` is the first child of its mark's ``<g>``, that no
    other element has one, and that the ids are unique."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if title is not None:
            assert list(g)[0] is title and g.get("class") == charts.TIP_CLASS
            out.append((g.get("id"), title.text or ""))
    assert len(list(root.iter(f"{SVG}title"))) == len(out)
    ids = [i for i, _ in out]
    assert len(set(ids)) == len(ids)
    return out


def texts(fig) -> list[str]:
    return [t for _, t in titled(fig)]


@pytest.fixture(scope="module")
def drawn(notebook_chart):
    """``drawn(name)``: the titled marks (:func:`titled_marks`) of the chart ``name`` of notebook_charts.CHARTS,
    drawn from ``d`` once per test process (conftest.py's ``notebook_chart``): a tuple, read only."""
    marks = {}

    def get(name: str) -> tuple[tuple[str, str], ...]:
        if name not in marks:
            marks[name] = tuple(titled_marks(notebook_chart(name).svg))
        return marks[name]
    return get


@pytest.fixture(scope="module")
def tips_of(drawn):
    """``tips_of(name)``: the tooltip texts of the chart ``name`` of notebook_charts.CHARTS (:func:`drawn`), in
    order."""
    return lambda name: [t for _, t in drawn(name)]


def plural(n, one, many=None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def day(when) -> str:
    t = pd.Timestamp(when)
    return f"{t.day} {t:%B %Y}"


def as_of(tk) -> str:
    (when,) = pd.to_datetime(tk["status_date"]).unique()
    return f" (as of {day(when)})"


def done(col: pd.Series) -> pd.Series:
    return col.astype("boolean").fillna(False).astype(bool)


def stage_cells(tk, by):
    """(region, stage) -> countries, for the four stages the stacked bars draw."""
    g = tk[tk["stage"].astype(str).isin(STAGES)].groupby([tk[by].astype(str), tk["stage"].astype(str)]).size()
    return {k: int(n) for k, n in g.items() if n}


def latest_networks(pp):
    """Each partner network's row with the latest date (a month-only date counts as its first day)."""
    when = pp["as_of"].map(lambda a: pd.Timestamp(a if len(a) == 10 else a + "-01"))
    return pp.assign(_when=when).sort_values("_when").groupby(["partner", "network"]).tail(1)


def printed(r) -> str:
    q = "" if pd.isna(r.qualifier) or not str(r.qualifier) else f"{r.qualifier} "
    return f"{q}{r.count} {r.unit}"


def activity_cells(act, key, groups):
    """(category, group, status or None) -> activities, for the categories, groups and statuses drawn."""
    status = act["status"].astype("string")
    out = {}
    for (cat, g, s), n in act.groupby([act["category"].astype(str), act[key].astype(str),
                                       status.fillna("<none>")]).size().items():
        if n and cat in ACTIVITY_CATEGORIES and g in groups and (s in ACTIVITY_STATUSES or s == "<none>"):
            out[(cat, g, None if s == "<none>" else s)] = int(n)
    return out


def months(rec, toolkit=False):
    """month -> (new instruments, running total, their names), for all instruments or those naming the Toolkit."""
    rows = rec[rec["mentions_toolkit"].fillna(False).astype(bool)] if toolkit else rec      # unknown: not named
    out, total = {}, 0
    for m, g in rows.sort_values(["month", "id"]).groupby("month"):
        total += len(g)
        out[m] = (len(g), total, "; ".join(g["instrument"]))
    return out


# --------------------------------------------------------------------------- every mark has a tooltip

def _doc_regions(act):
    return set(act["document_region"].astype(str))


#: chart of notebook_charts.CHARTS -> how many marks it draws, counted from the rows
MARKS = {
    # 00
    "at a glance": lambda d: (int((d["toolkit"]["stage"].astype(str).value_counts().reindex(STAGES) > 0).sum())
                              + d["recognitions"]["year"].nunique()
                              + len(d["partners"].drop_duplicates(["partner", "network"]))),
    "partner series": lambda d: len(d["partners"]),
    # 01
    "funnel": lambda d: sum(int(done(d["toolkit"][c]).any()) for c in MARK_COLUMNS),
    "stages by continent": lambda d: len(stage_cells(d["toolkit"], "region")),
    "stages by document region": lambda d: len(stage_cells(d["toolkit"], "document_region")),
    "reach over time": lambda d: len(d["reach"]) + int(d["reach"]["month_only"].sum()),
    # 02
    "recognition timeline": lambda d: len(d["recognitions"]),
    "reporting timeline": lambda d: len(d["documents"]),
    "cumulative": lambda d: len(months(d["recognitions"])) + len(months(d["recognitions"], toolkit=True)),
    "by year": lambda d: len(d["recognitions"].groupby(["year", "category"], observed=True).size()),
    "by body": lambda d: d["recognitions"]["issuing_body_short"].nunique(),
    "by type": lambda d: d["recognitions"]["instrument_type"].nunique(),
    "themes": lambda d: d["recognitions"]["themes"].dropna().str.split(";").explode().str.strip()
    .replace("", pd.NA).dropna().nunique(),
    # 03
    "partners": lambda d: (len(latest_networks(d["partners"]))      # a lower bound is a filled bar and its outline
                           + int(latest_networks(d["partners"])["qualifier"].fillna("").astype(str).ne("").sum())),
    "toolkit by document region, totals": lambda d: len(stage_cells(d["toolkit"], "document_region")),
    "toolkit by continent, totals": lambda d: len(stage_cells(d["toolkit"], "region")),
    "activities reach by region": lambda d: d["activities"]["document_region"].nunique(),
    "activities reach by type": lambda d: d["activities"]["activity_type"].nunique(),
    "activities, all regions": lambda d: len(activity_cells(d["activities"], "document_region",
                                                            _doc_regions(d["activities"]))),
    "activities, Asia (explorer)": lambda d: len(activity_cells(
        d["activities"][d["activities"]["document_region"].astype(str) == "Asia"], "activity_type", set(ACTIVITY_TYPES))),
    "activities per year": lambda d: int((years_by_region(d["activities"]).drop(columns="all regions") > 0)
                                         .to_numpy().sum()),
}


@pytest.mark.parametrize("name", notebook_charts.CHARTS)
def test_every_mark_drawn_from_the_rows_has_a_tooltip(d, tips_of, name):
    marks = MARKS[name]
    shown = tips_of(name)
    assert marks(d) > 0
    assert len(shown) == marks(d), f"{name}: {len(shown)} titled marks, {marks(d)} drawn from the data"
    assert all(t.strip() for t in shown)


# --------------------------------------------------------------------------- the texts say the rows' numbers

def test_funnel_says_how_many_countries_reached_each_step(d, tips_of):
    tk = d["toolkit"]
    shown = tips_of("funnel")
    expected = [f"{STEP_ORDER[i]}: {int(done(tk[c]).sum())} of {plural(len(tk), 'country', 'countries')} "
                f"reached it{as_of(tk)}" for i, c in enumerate(MARK_COLUMNS) if done(tk[c]).any()]
    assert [t.split("\n")[0] for t in shown] == expected


@pytest.mark.parametrize("by", ["region", "document_region"])
def test_stacked_stage_bars_say_region_stage_and_counts(d, tips_of, by):
    tk = d["toolkit"]
    totals = tk[by].astype(str).value_counts()
    expected = {f"{region}: {n} of {plural(int(totals[region]), 'country', 'countries')}, "
                f"{STAGE_LEGEND[stage]}{as_of(tk)}" for (region, stage), n in stage_cells(tk, by).items()}
    what = {"region": "continent", "document_region": "document region"}[by]
    assert set(tips_of(f"stages by {what}")) == expected  # tc.stage_by_region_figure(tk, by)
    assert set(tips_of(f"toolkit by {what}, totals")) == expected  # cc.toolkit_region_chart(tk, by)


def test_at_a_glance_says_stages_years_with_bodies_and_latest_figures(d, tips_of):
    tk, rec, pp = d["toolkit"], d["recognitions"], d["partners"]
    tips = tips_of("at a glance")  # oc.at_a_glance(tk, rec, pp)
    stages = tk["stage"].astype(str).value_counts()
    for s in STAGES:
        if stages.get(s, 0):
            assert f"{STAGE_LEGEND[s]}: {stages[s]} of {plural(len(tk), 'country', 'countries')}{as_of(tk)}" in tips
    for year, g in rec.groupby("year"):
        bodies = g["issuing_body_short"].value_counts()
        by = ", ".join(f"{k} {v}" for k, v in sorted(bodies.items(), key=lambda kv: (-kv[1], kv[0])))
        assert f"{year}: {plural(len(g), 'recognition')} ({by})" in tips
    for r in latest_networks(pp).itertuples(index=False):
        assert any(t.startswith(f"{r.partner}: {r.network}: {printed(r)}") and ", as of " in t for t in tips), r


def test_partner_series_points_say_each_figure_and_its_source(d, tips_of):
    pp = d["partners"]
    tips = tips_of("partner series")  # oc.partner_series_chart(pp)
    for r in pp.itertuples(index=False):
        assert sum(t.startswith(f"{r.partner}: {r.network}: {printed(r)}") and t.endswith(f"Source: {r.source}")
                   for t in tips) >= 1, r
    latest = latest_networks(pp)
    assert sum("; the latest figure" in t for t in tips) == len(latest)


def test_timeline_dots_say_each_instrument_its_month_and_whether_it_names_the_toolkit(d, tips_of):
    rec = d["recognitions"]
    shown = tips_of("recognition timeline")  # rc.recognition_timeline(rec)
    for r in rec.itertuples(index=False):
        (tip,) = [t for t in shown if t.startswith(f"{r.instrument}, {pd.Timestamp(r.month):%B %Y}\n{r.issuing_body}\n")]
        assert ("names the Analytic Toolkit" in tip) == (pd.notna(r.mentions_toolkit) and bool(r.mentions_toolkit))
    docs = d["documents"]
    assert sorted(tips_of("reporting timeline")) == sorted(  # rc.reporting_timeline(docs)
        f"{r.symbol}, {pd.Timestamp(r.month):%B %Y}: {r.title}\n{r.document_type}" for r in docs.itertuples(index=False))


def test_cumulative_steps_say_the_running_total_and_the_new_instruments(d, tips_of):
    rec = d["recognitions"]
    tips = tips_of("cumulative")  # rc.cumulative_chart(rec)
    for toolkit, what in [(False, ("instrument", "instruments")),
                          (True, ("instrument naming the Analytic Toolkit", "instruments naming the Analytic Toolkit"))]:
        for m, (new, total, names) in months(rec, toolkit).items():
            assert f"{m:%B %Y}: {plural(total, *what)} in all, {new} new: {names}" in tips
    assert any(t.startswith(f"{rec['month'].max():%B %Y}: {len(rec)} instruments in all") for t in tips)


def test_count_bars_of_recognitions_say_their_counts(d, tips_of):
    rec = d["recognitions"]
    shown = tips_of("by year")  # rc.by_year_chart(rec)
    per_year = rec["year"].value_counts()
    for (year, cat), n in rec.groupby(["year", rec["category"].astype(str)]).size().items():
        assert any(t.startswith(f"{year}: {n} of {plural(int(per_year[year]), 'instrument')}, {cat}: ") for t in shown)
    for chart, column in [("by body", "issuing_body_short"), ("by type", "instrument_type")]:  # rc.by_body_chart, rc.by_type_chart
        shown = tips_of(chart)
        counts = rec[column].value_counts()
        assert sorted(t.split(":")[0] for t in shown) == sorted(counts.index)
        for k, n in counts.items():
            assert any(t.startswith(f"{k}: {plural(int(n), 'instrument')}") for t in shown), k
    themes = rec["themes"].dropna().str.split(";").explode().str.strip()
    shown = tips_of("themes")  # rc.themes_chart(rec)
    for theme, n in themes[themes != ""].value_counts().items():
        assert any(t.startswith(f"{theme}: named by {plural(int(n), 'instrument')}: ") for t in shown), theme


def test_partner_bars_say_the_latest_figure_as_printed(d, tips_of):
    pp = d["partners"]
    tips = tips_of("partners")  # cc.partner_chart(pp)
    for r in latest_networks(pp).itertuples(index=False):
        hits = [t for t in tips if t.startswith(f"{r.partner}: {r.network}: {printed(r)}")
                and t.endswith(f"\nSource: {r.source}")]
        lower = not pd.isna(r.qualifier) and str(r.qualifier) != ""
        assert len(hits) == (2 if lower else 1), r
        assert all(("a lower bound" in t) == lower for t in hits)


@pytest.mark.parametrize("by", ["document_region", "activity_type"])
def test_activity_reach_bars_say_activities_and_countries(d, tips_of, by):
    act = d["activities"]
    expected = {f"{k}: {plural(len(g), 'activity', 'activities')} in {plural(g['iso3'].nunique(), 'country', 'countries')}"
                for k, g in act.groupby(act[by].astype(str))}
    what = {"document_region": "region", "activity_type": "type"}[by]
    assert set(tips_of(f"activities reach by {what}")) == expected  # cc.reach_chart(act, by)


def test_activity_segments_say_group_category_and_status(d, tips_of):
    act = d["activities"]
    tips = tips_of("activities, all regions")  # cc.activities_chart(act)
    for (cat, g, status), n in activity_cells(act, "document_region", _doc_regions(act)).items():
        total = int(((act["category"].astype(str) == cat) & (act["document_region"].astype(str) == g)).sum())
        assert f"{g}, {cat}: {n} of {plural(total, 'activity', 'activities')} {status or 'with no status given'}" in tips


def test_reach_points_say_date_measure_and_source(d, tips_of):
    s = d["reach"]
    tips = tips_of("reach over time")  # tc.reach_figure(s)
    for r in s.itertuples(index=False):
        when = day(r.when) if len(r.date) == 10 else f"{r.when:%B %Y}"
        n = sum(t.startswith(f"{when}: {r.measure} {r.label}") and t.endswith(f"Source: {r.source}") for t in tips)
        assert n >= (2 if r.month_only else 1), r


# --------------------------------------------------------------------------- escaping, ids, style, downloads

def test_text_from_data_is_escaped_and_the_svg_stays_xml(d):
    rec = d["recognitions"].copy()
    odd = 'R&D <b>"bold"</b> \'q\' \x0b]]>'
    rec["issuing_body_short"] = rec["issuing_body_short"].astype(str)
    rec.loc[rec.index[0], "issuing_body_short"] = odd
    svg = charts.svg(rc.by_body_chart(rec))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    tips = texts(rc.by_body_chart(rec))        # parses as XML
    assert any(t.startswith("R&D <b>\"bold\"</b> 'q' ]]>: 1 instrument") for t in tips)


def test_ids_are_the_same_on_every_run_and_differ_between_charts(d, drawn):
    a = charts.svg(tc.stage_by_region_figure(d["toolkit"], "region"))
    b = charts.svg(tc.stage_by_region_figure(d["toolkit"], "region"))
    assert a == b
    ids = [i for i, _ in titled(tc.stage_by_region_figure(d["toolkit"], "region"))]
    other = [i for i, _ in drawn("stages by document region")]  # tc.stage_by_region_figure(tk, "document_region")
    assert all(re.fullmatch(r"iccwc-tip-[0-9a-f]{8}-\d+", i) for i in ids + other)
    assert not set(ids) & set(other)


def test_saving_keeps_the_marks_own_gids_and_only_titled_charts_get_the_hover_style(d):
    fig = tc.reach_figure(d["reach"])
    charts.svg(fig)
    spans = [ln for ln in fig.axes[0].lines if ln.get_gid() == "month-span"]
    assert len(spans) == int(d["reach"]["month_only"].sum())
    style = re.findall(r"<style[^>]*>(.*?)</style>", charts.svg(fig), re.S)
    assert any(".iccwc-tip{cursor:help}" in s for s in style)
    # the style applies to the whole page: it names only the tooltip class
    tip_style = [s for s in style if "iccwc-tip" in s][0]
    assert all(sel.startswith(".iccwc-tip") for sel in re.findall(r"([^{}]+)\{", tip_style))
    plain = charts.figure(3, 2)
    charts.axes(plain).bar(["a"], [1])
    assert "iccwc-tip" not in charts.svg(plain)
    with pytest.raises(ValueError):
        from matplotlib.patches import Rectangle
        charts.tip(Rectangle((0, 0), 1, 1), "not on a figure")


def test_the_shared_pages_svg_download_carries_the_tooltips(d):
    fig = rc.by_year_chart(d["recognitions"])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 02 Recognition\n\n## Per year"),
                nbformat.v4.new_code_cell("charts.show(fig)")]
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"text/html": charts.html(fig),
                                                                        "text/plain": "<HTML>"})]
    page = reader.prepare(nb, "02-r", as_of="2015-11-09", source_line="s")
    (chart,) = [x for x in page.downloads if x.kind == "chart"]
    root = ET.fromstring(chart.data.decode("utf-8"))
    got = [t.text for t in root.iter(f"{SVG}title")]
    assert got == texts(fig) and got
    shown = "".join(o["data"]["text/html"] for o in page.nb.cells[1].outputs)
    assert shown.count("<title>") == len(got)
