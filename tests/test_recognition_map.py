"""The places-of-adoption map: the places the sources name, nothing invented, escaped popups, offline."""
from __future__ import annotations

import ipyleaflet
import pytest

from iccwc.analysis import recognition
from iccwc.views.maps import base as basemap
from iccwc.views.maps import recognition as rm

PLACES = {"London", "Kasane", "Brazzaville", "Marrakech", "Gaborone", "Dhaka", "Arusha", "Geneva"}
XSS = "<img src=x onerror=alert(1)>"


def test_places_are_the_ones_the_document_names(rec):
    p = rm.places(recognition.sc66_list(rec))
    assert set(p["place"]) == PLACES and p["instruments"].sum() == 8
    cats = {c for cs in p["categories"] for c in cs}
    assert cats == {"global declarations and statements", "regional declarations and statements"}
    london = p.set_index("place").loc["London"]
    assert (round(london["latitude"], 1), round(london["longitude"], 1)) == (51.5, -0.1)
    assert p.set_index("place").loc["Gaborone", "country_iso2"] == "BW"


def test_later_places_are_the_ones_their_news_items_name(rec):
    later = rec[recognition.source_label(rec) == recognition.NEWS_ITEMS]
    p = rm.places(later).set_index("place")
    # CITES CoP17 "(Cop17, Johannesburg, September 2016)"; the Lima Declaration; the UNGA items name no place.
    assert set(p.index) == {"Johannesburg", "Lima"}
    assert (p.loc["Johannesburg", "country_iso2"], p.loc["Lima", "country_iso2"]) == ("ZA", "PE")
    assert set(rm.places(rec)["place"]) == PLACES | set(p.index)


def test_instruments_without_a_place_are_listed_not_placed(rec):
    none = rm.without_place(recognition.sc66_list(rec))
    assert len(none) == 9
    assert set(none["category"].astype(str)) == {"governing bodies of ICCWC partner organizations"}
    assert "unga-a-69-l80" in set(none["id"]) and none["place"].isna().all()


def test_map_is_offline_and_marks_each_place(rec):
    m = rm.places_map(rec)
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)
    assert any(isinstance(layer, ipyleaflet.GeoJSON) and len(layer.data["features"]) > 150 for layer in m.layers)
    assert set(rm.marker_names(m)) == set(rm.places(rec)["place"]) >= PLACES
    label_group = next(layer for layer in m.layers if getattr(layer, "name", "") == rm.LABEL_LAYER)
    assert len(label_group.layers) == len(rm.places(rec))
    marker = next(layer for layer in m.layers if getattr(layer, "name", "") == rm.MARKER_LAYER).layers[0]
    assert marker.popup is not None and "Marrakech" in marker.popup.value and "May 2013" in marker.popup.value


def test_update_places_replaces_markers(rec):
    m = rm.places_map(rec)
    rm.update_places(m, rec[rec["year"] == 2015])
    assert set(rm.marker_names(m)) == {"Geneva", "Kasane", "Brazzaville"}
    rm.update_places(m, rec.iloc[0:0])
    assert rm.marker_names(m) == []


def test_popups_and_labels_escape_html(rec):
    bad = rec.copy()
    i = bad.index[bad["id"] == "london-declaration"][0]
    bad.loc[i, "instrument"] = XSS
    bad.loc[i, "place"] = XSS
    html = rm.popup_html(bad, XSS)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    m = rm.places_map(bad)
    group = {layer.name: layer for layer in m.layers if isinstance(layer, ipyleaflet.LayerGroup)}
    for layer in group[rm.MARKER_LAYER].layers:
        assert "<img" not in layer.popup.value
    for layer in group[rm.LABEL_LAYER].layers:
        assert "<img" not in layer.icon.html


@pytest.mark.parametrize("zoom", [2, 3])
def test_place_labels_do_not_overlap_labels_or_dots(rec, zoom):
    p = rm.places(rec)
    lay = rm.label_layout(p, zoom)
    assert sorted(lay["place"]) == sorted(p["place"])
    boxes = list(lay.itertuples(index=False))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1), (a.place, b.place)
        for q in p.itertuples(index=False):
            if q.place != a.place:
                x, y = basemap.pixel(q.latitude, q.longitude, zoom)
                assert not (a.x0 < x < a.x1 and a.y0 < y < a.y1), (a.place, q.place)
    # At the world view Brazzaville's label would run into Arusha's dot, so it goes to the left.
    if zoom == 2:
        assert lay.set_index("place").loc["Brazzaville", "side"] == "left"


def test_legend_lists_only_categories_with_a_place(rec):
    m = rm.places_map(recognition.sc66_list(rec))
    legend = basemap.legend_of(m)
    assert "global declarations" in legend and "regional declarations" in legend
    assert "governing bodies" not in legend
