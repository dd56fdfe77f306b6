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
from test_activities import add_fixture


def test_partner_labels_keep_lower_bounds_apart():
    t = coverage.partner_table(iccwc.load_partner_presence()).set_index("partner")
    assert t.loc["UNODC", "label"] == "150+ (more than 150)"
    assert t.loc["World Bank", "label"] == "100+ (over 100)"
    assert t.loc["CITES Secretariat", "label"] == "181" and t.loc["INTERPOL", "label"] == "190"
    assert t.loc["WCO", "label"] == "180 members"
    assert t["lower_bound"].to_dict() == {"CITES Secretariat": False, "INTERPOL": False, "UNODC": True,
                                          "World Bank": True, "WCO": False}


def test_partner_chart_labels_hatch_and_wco_note():
    svg = charts.svg(cc.partner_chart(iccwc.load_partner_presence()))
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


def test_toolkit_region_chart_texts():
    tk = iccwc.load_toolkit(status_date="latest")
    texts = charts.svg_texts(charts.svg(cc.toolkit_region_chart(tk, "document_region")))
    assert "11 requests, 2 complete" in texts and "3 requests, 3 complete" in texts
    assert "Toolkit requests by document region, as of 2015-11-09" in texts
    texts = charts.svg_texts(charts.svg(cc.toolkit_region_chart(tk, "region")))
    assert "1 request, 0 complete" in texts          # Europe: Bosnia and Herzegovina


def test_activities_tables_and_chart_show_added_activities(data_copy):
    act = iccwc.load_activities()
    t = coverage.activities_by_region(act)
    assert t.loc["Total", "all activities"] == 17 and t.loc["Total", "cross-cutting activities"] == 0
    svg = charts.svg(cc.activities_chart(act))
    assert "cross-cutting activities (0): none in the data" in charts.svg_texts(svg)

    add_fixture(data_copy)
    rebuild(data_copy, log=lambda *_: None)
    act = iccwc.load_activities(data_copy)
    t = coverage.activities_by_region(act)
    assert list(t.index) == ["Americas", "Africa & Europe", "Asia", "Oceania", "Total"]
    assert t.loc["Total", "all activities"] == 21
    assert t.loc["Asia", "cross-cutting activities"] == 1 and t.loc["Oceania", "cross-cutting activities"] == 1
    texts = charts.svg_texts(charts.svg(cc.activities_chart(act)))
    assert "ICCWC activities in the data, by category: all regions (21)" in texts
    assert "cross-cutting activities (2)" in texts and "Oceania" in texts
    texts = charts.svg_texts(charts.svg(cc.activities_chart(act, "Asia")))
    assert {"Toolkit", "WIST"} <= set(texts) and "WEN" not in texts
    by_type = coverage.activities_by_type(act)
    assert by_type["activities"].sum() == 21


def test_table_html_escapes():
    df = pd.DataFrame({"country": ["<img src=x onerror=alert(1)>"]})
    out = cc.table_html(df)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out


def test_activities_listing_order():
    out = coverage.activities_listing(iccwc.load_activities())
    assert list(out["document_region"].astype(str).unique()) == ["Americas", "Africa & Europe", "Asia"]
    assert out["country"].iloc[0] == "Bahamas" and (out["period"] == "").all()

