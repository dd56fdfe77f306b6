"""Toolkit uptake numbers (headline, funnel, stall points, stage by region) and the shared filter."""
from __future__ import annotations

import pandas as pd
import pytest

import iccwc
from iccwc.views.charts import base as charts
from iccwc.views.charts import toolkit as toolkit_charts
from iccwc.analysis import toolkit_uptake as u
from iccwc.views.charts.base import svg_texts
from iccwc.vocab import STAGES


def test_headline_matches_the_document(sc66):
    # "17 requests ... completed in 6 countries and ... at different stages of implementation in 11"
    s = u.toolkit_summary(sc66)
    assert (s["status_date"], s["requests"], s["complete"], s["under_way"]) == ("2015-11-09", 17, 6, 11)
    assert s["action_plan"] == 5
    assert sum(s["by_stage"].values()) == 17 and list(s["by_stage"]) == STAGES


def test_summary_follows_the_rows(sc66):
    asia = u.select(sc66, region="Asia")
    assert u.toolkit_summary(asia)["requests"] == 3 and u.toolkit_summary(asia)["complete"] == 3
    assert u.toolkit_summary(sc66.iloc[:0])["requests"] == 0


def test_counting_several_dates_is_refused(sc66):
    later = sc66.assign(status_date=pd.Timestamp("2016-06-01"))
    with pytest.raises(ValueError, match="several Toolkit status dates"):
        u.toolkit_summary(pd.concat([sc66, later]))


def test_funnel_counts_on_sc66(sc66):
    f = u.funnel_counts(sc66)
    assert f["countries"].tolist() == [17, 16, 13, 10, 8, 8, 6, 6, 5]
    assert f["step"].iloc[0] == "Step 1: Request" and f["step"].iloc[-1].startswith("Implementation of action plan")
    assert (f["countries"].diff().dropna() <= 0).all()   # a funnel never widens


def test_stall_counts(sc66):
    st = u.stall_counts(sc66).set_index("last_step")
    assert st["countries"].tolist() == [1, 3, 3, 2, 0, 2, 0, 6]
    assert st.loc[1, "names"] == "Bahamas"
    assert st.loc[6, "names"] == "Congo, Mexico"
    assert st["countries"].sum() == 17


def test_stage_by_region(sc66):
    cont = u.stage_by_region(sc66)
    assert cont.loc["Asia"].tolist() == [0, 0, 0, 3, 3]
    assert cont.loc["Africa", "total"] == 10 and cont["total"].sum() == 17
    doc = u.stage_by_region(sc66, "document_region")
    assert doc.index.tolist() == ["Americas", "Africa & Europe", "Asia"]
    assert doc.loc["Americas"].tolist() == [1, 0, 1, 1, 3]
    with pytest.raises(ValueError):
        u.stage_by_region(sc66, "country")


def test_select(sc66):
    assert u.select(sc66, region="Asia")["country"].tolist() == ["Bangladesh", "Nepal", "Vietnam"]
    assert u.select(sc66, region="Americas")["country"].tolist() == ["Bahamas", "Mexico", "Peru"]
    assert u.select(sc66, document_region="Africa & Europe").shape[0] == 11
    assert u.select(sc66, stage="in process")["country"].tolist() == ["Congo", "Mexico"]
    assert u.select(sc66, min_step=5).shape[0] == 8
    assert u.select(sc66, region="Africa", stage="complete")["country"].tolist() == ["Botswana", "Gabon"]
    for bad in ({"region": "Atlantis"}, {"stage": "done"}, {"min_step": 9}, {"document_region": "Europe"}):
        with pytest.raises(ValueError):
            u.select(sc66, **bad)


def test_country_progress(sc66):
    p = u.country_progress(sc66, "Vietnam")
    assert p["done"].tolist() == [True] * 8 + [False]
    assert u.country_progress(sc66, "COG")["done"].sum() == 6
    with pytest.raises(KeyError):
        u.country_progress(sc66, "France")


def test_snapshot_report_with_one_snapshot():
    r = u.snapshot_report(iccwc.load_toolkit())
    assert r.changes is None and len(r.dates) == 1
    assert "one Toolkit snapshot only (as of 9 November 2015)" in r.text


def test_funnel_chart_reads_the_counts(sc66):
    texts = svg_texts(charts.svg(toolkit_charts.funnel_figure(sc66)))
    for label in ["Step 1: Request", "Step 8: Presentation", "17", "16", "13", "10", "5"]:
        assert label in texts, label
    assert "as of 9 November 2015" in " ".join(texts)
    ticks = [t for t in texts if t.replace(".", "").isdigit()]
    assert all("." not in t for t in ticks)         # integer ticks only
    empty = svg_texts(charts.svg(toolkit_charts.funnel_figure(u.select(sc66, region="Oceania"))))
    assert "No country matches the filters" in empty


def test_stage_by_region_chart(sc66):
    texts = svg_texts(charts.svg(toolkit_charts.stage_by_region_figure(sc66, "document_region")))
    assert {"Americas", "Africa & Europe", "Asia", "Toolkit implementation complete"} <= set(texts)
    assert "8" in texts      # 8 countries of Africa & Europe in planning phase
