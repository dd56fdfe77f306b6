"""Linked recognition widgets: the pure filter, and controls that change chart, table and map together."""
from __future__ import annotations

import re

import pytest

from iccwc.views.charts import recognition as rc
from iccwc.views.maps import recognition as rm
from iccwc.analysis import recognition
from iccwc.analysis.recognition import filter_recognitions
from iccwc.views.explorers.recognition import (recognition_explorer, table_frame,
    table_html)

GOV = "governing bodies of ICCWC partner organizations"
GLOBAL = "global declarations and statements"
REGIONAL = "regional declarations and statements"


def _rows(html: str) -> int:
    return len(re.findall(r"<tr>", html.split("<tbody>", 1)[1])) if "<tbody>" in html else 0


@pytest.fixture(scope="module")
def sc66(rec):
    """The SC66 document's list (17 examples, 2011-2015): the hand counts below are from it."""
    return recognition.sc66_list(rec)


def test_filter_by_years_categories_and_toolkit(sc66):
    rec = sc66
    assert len(filter_recognitions(rec)) == 17
    assert len(filter_recognitions(rec, (2014, 2014))) == 6
    assert len(filter_recognitions(rec, (2013, None))) == 16
    assert len(filter_recognitions(rec, (None, 2013))) == 7
    assert len(filter_recognitions(rec, (2012, 2012))) == 0
    assert set(filter_recognitions(rec, categories=[GLOBAL])["id"]) == {
        "london-declaration", "kasane-statement", "brazzaville-declaration"}
    assert len(filter_recognitions(rec, categories=GOV)) == 9
    assert len(filter_recognitions(rec, categories="all")) == 17
    assert len(filter_recognitions(rec, categories=[GLOBAL, REGIONAL])) == 8
    tk = filter_recognitions(rec, toolkit_only=True)
    assert len(tk) == 6 and tk["mentions_toolkit"].all()
    both = filter_recognitions(rec, (2014, 2015), [REGIONAL], True)
    assert list(both["id"]) == ["dhaka-recommendations"]
    with pytest.raises(ValueError, match="unknown categories"):
        filter_recognitions(rec, categories=["global"])


def test_filter_is_pure(rec):
    before = rec.copy()
    filter_recognitions(rec, (2014, 2014), [GOV], True)
    assert rec.equals(before)


def test_filter_spans_the_later_instruments(rec, sc66):
    later = filter_recognitions(rec, (2016, None))
    assert len(later) == len(rec) - len(sc66) and (later["year"] >= 2016).all()
    assert set(later["id"]).isdisjoint(sc66["id"])


def test_table_shows_body_date_source_and_no_place(rec):
    t = table_frame(rec)
    assert list(t.columns[:3]) == ["date", "instrument", "issuing body"]
    unga = t[t["instrument"] == "Resolution A/69/L80"].iloc[0]
    assert unga["place"] == rm.NO_PLACE and unga["issuing body"] == "UN General Assembly"
    assert unga["date"] == "2015-07" and unga["source"].startswith("the SC66 list: cites-sc66")
    assert unga["source"].endswith("line 146")
    news = t[t["source"].str.startswith(recognition.NEWS_ITEMS)]
    assert len(news) == len(rec) - len(recognition.sc66_list(rec))
    assert news["source"].str.contains(r"news\.json, /eng/.* \(\d{4}-\d{2}-\d{2}\)$").all()
    assert _rows(table_html(rec)) == len(rec)


def test_year_slider_spans_the_data(rec):
    ex = recognition_explorer(rec)
    years = ex.controls["years"]
    assert (years.min, years.max) == (2011, int(rec["year"].max())) and years.max >= 2019
    assert years.value == (years.min, years.max)
    ex.controls["years"].value = (2016, years.max)
    assert set(ex.selection["id"]) == set(rec.loc[rec["year"] >= 2016, "id"])
    assert ex.summary.value.startswith(f"<p>{len(ex.selection)} of {len(rec)} instruments shown")


def test_year_range_control_changes_map_table_and_chart(rec):
    ex = recognition_explorer(rec)
    placed = set(rec.dropna(subset=["place_latitude"])["place"])
    assert set(rm.marker_names(ex.map)) == placed >= {"London", "Kasane", "Brazzaville", "Marrakech", "Gaborone",
                                                      "Dhaka", "Arusha", "Geneva"}
    assert _rows(ex.table.value) == len(rec) and len(rc.svg_labels(ex.chart.value)) == len(rec)
    ex.controls["years"].value = (2015, 2015)
    assert set(rm.marker_names(ex.map)) == {"Geneva", "Kasane", "Brazzaville"}
    assert _rows(ex.table.value) == 4
    assert set(rc.svg_labels(ex.chart.value)) == {"geneva-statement", "kasane-statement",
                                                  "brazzaville-declaration", "unga-a-69-l80"}
    assert ex.summary.value.startswith(f"<p>4 of {len(rec)} instruments shown")
    ex.controls["years"].value = (2012, 2012)
    assert rm.marker_names(ex.map) == [] and "No instrument matches" in ex.table.value


def test_category_and_toolkit_controls(sc66):
    ex = recognition_explorer(sc66)
    ex.controls["category"].value = GOV
    assert rm.marker_names(ex.map) == [] and _rows(ex.table.value) == 9
    assert ex.table.value.count(rm.NO_PLACE) == 9
    ex.controls["category"].value = "all"
    ex.controls["toolkit_only"].value = True
    assert set(rm.marker_names(ex.map)) == {"London", "Dhaka", "Brazzaville"}
    assert _rows(ex.table.value) == 6


def test_initial_values_follow_parameters(sc66):
    ex = recognition_explorer(sc66, years=(2014, None), category=REGIONAL)
    assert ex.controls["years"].value == (2014, 2015) and ex.controls["category"].value == REGIONAL
    assert set(ex.selection["id"]) == {"dhaka-recommendations", "arusha-declaration", "geneva-statement"}
    assert ex.widget.children[0] is ex.controls_box and ex.map in ex.widget.children
    assert set(ex.controls) == {"years", "category", "toolkit_only"}


def test_table_and_summary_escape_html(rec):
    bad = rec.copy()
    bad.loc[bad.index[0], "instrument"] = "<img src=x onerror=alert(1)>"
    bad.loc[bad.index[0], "issuing_body"] = "<script>alert(2)</script>"
    ex = recognition_explorer(bad)
    assert "<img" not in ex.table.value and "&lt;img src=x onerror=alert(1)&gt;" in ex.table.value
    assert "<script>" not in ex.table.value
    assert "<img" not in ex.chart.value


def test_going_back_to_a_selection_shows_it_as_drawn_with_no_new_widget(rec):
    """A selection shown before comes back from the explorer's drawings (the same markers and labels,
    the same timeline SVG), and shows what a fresh explorer shows."""
    from ipywidgets.widgets.widget import _instances
    from iccwc.views.maps import base as basemap

    def shown(e):
        return {"summary": e.summary.value, "chart": e.chart.value, "table": e.table.value,
                "markers": rm.marker_names(e.map),
                "labels": [m.name for m in basemap.layer_group(e.map, rm.LABEL_LAYER).layers]}
    ex = recognition_explorer(rec)
    ex.controls["years"].value = (2015, 2015)
    y2015, markers = shown(ex), basemap.layer_group(ex.map, rm.MARKER_LAYER).layers
    ex.controls["category"].value = GOV
    ex.controls["category"].value = "all"
    made = len(_instances)
    assert shown(ex) == y2015 and len(_instances) == made
    assert basemap.layer_group(ex.map, rm.MARKER_LAYER).layers == markers        # the same marker widgets
    ex.controls["years"].value = (2011, 2019)
    fresh = recognition_explorer(rec)
    fresh.controls["years"].value = (2015, 2015)
    assert shown(fresh) == y2015
