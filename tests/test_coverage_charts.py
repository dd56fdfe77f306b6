"""Regional coverage tables and charts: partners' networks, Toolkit by region, activities."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import iccwc
from iccwc.views.charts import base as charts
from iccwc.views.charts import coverage as cc
from iccwc.data.build import rebuild
from iccwc.analysis import coverage
from iccwc.views.story import coverage_story, coverage_summary
from iccwc.vocab import ACTIVITY_CATEGORIES as CATEGORIES
from test_activities import add_fixture


def test_partner_labels_keep_lower_bounds_apart():
    from iccwc.analysis.overview import from_sc66_rows
    pp = iccwc.load_partner_presence()
    t = coverage.partner_table(pp[from_sc66_rows(pp)]).set_index("partner")
    assert t.loc["UNODC", "label"] == "150+ (more than 150)"
    assert t.loc["World Bank", "label"] == "100+ (over 100)"
    assert t.loc["CITES Secretariat", "label"] == "181" and t.loc["INTERPOL", "label"] == "190"
    assert t.loc["WCO", "label"] == "180 members"
    assert t["lower_bound"].to_dict() == {"CITES Secretariat": False, "INTERPOL": False, "UNODC": True,
                                          "WCO": False, "World Bank": True}


def test_partner_table_keeps_each_networks_latest_figure():
    pp = iccwc.load_partner_presence()
    t = coverage.partner_table(pp)
    assert not t.duplicated(["partner", "network"]).any()
    assert len(t) == len(pp.drop_duplicates(["partner", "network"]))
    when = pd.to_datetime(pp["as_of"].astype(str), format="mixed")
    for r in t.itertuples(index=False):
        rows = pp[(pp["partner"] == r.partner) & (pp["network"] == r.network)]
        assert pd.Timestamp(pd.to_datetime(str(r.as_of), format="mixed")) == when[rows.index].max()
    assert len(coverage.partner_table(pp, latest=False)) == len(pp)


def test_partner_chart_labels_hatch_and_wco_note(notebook_chart):
    svg = notebook_chart("partners").svg          # charts.svg(cc.partner_chart(iccwc.load_partner_presence()))
    texts = charts.svg_texts(svg)
    for label in ["181", "190", "150+ (more than 150)", "100+ (over 100)", "180 members",
                  "WCO counts members, not countries"]:
        assert label in texts
    assert not any("more than" in t or "over" in t for t in texts if t in {"181", "190", "180 members"})
    assert svg.count('id="h') >= 1            # a hatch pattern marks the lower bounds
    tick_labels = [t for t in texts if re.fullmatch(r"[\d.]+", t) and t not in {"181", "190"}]
    assert tick_labels and all(re.fullmatch(r"\d+", t) for t in tick_labels)   # integer ticks only


def test_toolkit_by_region_matches_the_table():
    tk = iccwc.load_toolkit(status_date="latest")
    doc = coverage.toolkit_by_region(tk, "document_region")
    assert doc["requests"].to_dict() == {"Americas": 3, "Africa & Europe": 11, "Asia": 3, "Total": 17}
    assert doc["complete"].to_dict() == {"Americas": 1, "Africa & Europe": 2, "Asia": 3, "Total": 6}
    assert doc.loc["Total", "not yet complete"] == 11
    cont = coverage.toolkit_by_region(tk, "region")
    assert cont["requests"].to_dict() == {"Africa": 10, "Asia": 3, "Europe": 1, "North America": 2,
                                          "South America": 1, "Total": 17}
    assert (cont.drop(columns=["requests", "not yet complete"]).sum(axis=1) == cont["requests"]).all()


def test_toolkit_by_region_refuses_mixed_dates():
    tk = iccwc.load_toolkit(status_date="latest")
    two = pd.concat([tk, tk.assign(status_date=tk["status_date"] + pd.Timedelta(days=1))])
    with pytest.raises(ValueError, match="several Toolkit status dates"):
        coverage.toolkit_by_region(two)
    with pytest.raises(ValueError, match="several Toolkit status dates"):
        cc.toolkit_region_chart(two)


def test_toolkit_region_chart_texts(notebook_chart):
    # charts.svg(cc.toolkit_region_chart(iccwc.load_toolkit(status_date="latest"), "document_region")), "region"
    texts = charts.svg_texts(notebook_chart("toolkit by document region, totals").svg)
    assert "11 requests, 2 complete" in texts and "3 requests, 3 complete" in texts
    assert "Toolkit requests by document region, as of 2015-11-09" in texts
    texts = charts.svg_texts(notebook_chart("toolkit by continent, totals").svg)
    assert "1 request, 0 complete" in texts          # Europe: Bosnia and Herzegovina


def test_activities_tables_and_chart_show_added_activities(data_copy, notebook_chart):
    base = iccwc.load_activities()
    t = coverage.activities_by_region(base)
    assert t.loc["Total", "all activities"] == len(base)
    assert t.loc["Total", list(CATEGORIES)].sum() == len(base)
    svg = notebook_chart("activities, all regions").svg          # charts.svg(cc.activities_chart(base))
    assert f"ICCWC activities in the data, by category: all regions ({len(base)})" in charts.svg_texts(svg)
    assert "status not given" in charts.svg_texts(svg)

    add_fixture(data_copy)
    rebuild(data_copy, log=lambda *_: None)
    act = iccwc.load_activities(data_copy)
    t = coverage.activities_by_region(act)
    t0 = coverage.activities_by_region(base)
    assert list(t.index) == ["Americas", "Africa & Europe", "Asia", "Oceania", "Total"]
    assert t.loc["Total", "all activities"] == len(base) + 4
    assert t.loc["Asia", "cross-cutting activities"] == t0.loc["Asia", "cross-cutting activities"] + 1
    assert t.loc["Oceania", "cross-cutting activities"] == t0.loc["Oceania", "cross-cutting activities"] + 1
    texts = charts.svg_texts(charts.svg(cc.activities_chart(act)))
    assert f"ICCWC activities in the data, by category: all regions ({len(base) + 4})" in texts
    texts = charts.svg_texts(charts.svg(cc.activities_chart(act, "Asia")))
    assert {"Toolkit", "WIST", "enforcement operation"} <= set(texts)
    by_type = coverage.activities_by_type(act)
    assert by_type["activities"].sum() == len(act)
    assert set(by_type["status"]) == {"completed", "ongoing or planned", "not given"}


def test_reach_years_and_support_tables():
    act = iccwc.load_activities()
    for by in ("document_region", "region", "category", "activity_type"):
        t = coverage.reach(act, by)
        assert t.loc["Total", "activities"] == len(act) == t.drop("Total")["activities"].sum()
        assert t.loc["Total", "countries"] == act["iso3"].nunique()
    y = coverage.years_by_region(act)
    assert list(y.index) == list(range(2013, 2021))
    assert y["all regions"].sum() == act["year_start"].between(2013, 2020).sum()
    assert (y.drop(columns="all regions").sum(axis=1) == y["all regions"]).all()
    s = coverage.support_by_country(act)
    assert len(s) == act["iso3"].nunique() and s["activities"].sum() == len(act)
    assert s.loc["Kenya", "Toolkit"] == 1 and s.loc["Kenya", "Indicator Framework"] == 1


def test_story_numbers_come_from_the_rows():
    act, tk = iccwc.load_activities(), iccwc.load_toolkit(status_date="latest")
    story = coverage_story(act, tk)
    assert f"**{len(act)}** ICCWC activities in **{act['iso3'].nunique()}** countries" in story
    web = act[act["website_group"].notna()]
    assert f"lists **{len(web)}** activities" in story
    merged = (act["website_group"].notna() & act["toolkit_stage"].notna()).sum()
    assert f"**{merged}** Toolkit implementations are in both" in story
    # Without the SC66 table the story still reads, without the comparison.
    assert "Toolkit table has" not in coverage_story(act, None)
    summary = coverage_summary(act)
    assert summary.startswith("- **Activities, 2013-2020.**") and f" {len(act)} in " in summary


def test_filters():
    act = iccwc.load_activities()
    only = coverage.filter_activities(act, region="Asia", activity_type="WIST")
    assert set(only["document_region"]) == {"Asia"} and set(only["activity_type"].astype(str)) == {"WIST"}
    y19 = coverage.filter_activities(act, years=(2019, 2019), undated=False)
    assert ((y19["year_start"] <= 2019) & (y19["year_end"] >= 2019)).all()
    assert len(coverage.filter_activities(act, years=(2019, 2019))) == len(y19) + act["year_start"].isna().sum()
    cat = coverage.filter_activities(act, category=CATEGORIES[1])
    assert len(cat) == (act["category"] == CATEGORIES[1]).sum()


def test_table_html_escapes():
    df = pd.DataFrame({"country": ["<img src=x onerror=alert(1)>"]})
    out = cc.table_html(df)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out


def test_activities_listing_order():
    act = iccwc.load_activities()
    out = coverage.activities_listing(act)
    assert list(out["document_region"].astype(str).unique()) == ["Americas", "Africa & Europe", "Asia", "Oceania"]
    assert len(out) == len(act) and out["period"].notna().all()


def test_every_grey_bar_says_what_it_counts(notebook_chart):
    """A later figure that counts Parties (or members) is grey like the WCO's, and the legend says so."""
    pp = iccwc.load_partner_presence()
    texts = charts.svg_texts(notebook_chart("partners").svg)          # charts.svg(cc.partner_chart(pp))
    latest = coverage.partner_table(pp)
    for r in latest[latest["unit"] != "countries"].itertuples(index=False):
        assert f"{r.partner} counts {r.unit}, not countries" in texts
