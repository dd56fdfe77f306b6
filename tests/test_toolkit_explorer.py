"""The linked Toolkit explorer: a control change updates map, funnel and table together.

The two-date case uses the FICTIONAL fixture in tests/fixtures/snapshot-2016 (see
test_toolkit_snapshots.py), rebuilt into a temporary data folder, never into data/raw.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

import iccwc
from iccwc.views.charts import base as charts
from iccwc.views.explorers import toolkit as te
from iccwc.views.maps import toolkit as tm
from iccwc.views.charts.base import svg_texts


def table_countries(ex) -> list[str]:
    return re.findall(r'<tr data-country="([^"]*)"', ex.table.value)


@pytest.fixture(scope="module")
def ex():
    return te.toolkit_explorer(iccwc.load_toolkit())


@pytest.fixture(scope="module")
def two_dates(data_2016):
    return data_2016


def test_initial_state_shows_all_17(ex):
    assert len(tm.map_countries(ex.map)) == 17 and len(table_countries(ex)) == 17
    assert "17 of 17" in ex.status.value
    texts = svg_texts(ex.funnel.value)
    assert {"17", "16", "13", "10", "8", "6", "5"} <= set(texts)
    assert "Choose a country" in ex.detail.value


def test_one_snapshot_hides_the_date_selector(ex):
    c = ex.controls
    assert c["status_date"].layout.display == "none"
    shown = [w for row in ex.controls_box.children for w in row.children]
    assert c["status_date"] not in shown and c["continent"] in shown and c["country"] in shown


def test_region_asia_updates_map_table_funnel_and_countries(ex):
    ex.controls["continent"].value = "Asia"
    try:
        assert sorted(tm.map_countries(ex.map)) == ["Bangladesh", "Nepal", "Vietnam"]
        assert table_countries(ex) == ["Bangladesh", "Nepal", "Vietnam"]
        assert [v for _, v in ex.controls["country"].options][1:] == ["Bangladesh", "Nepal", "Vietnam"]
        texts = svg_texts(ex.funnel.value)
        assert "3 shown" in " ".join(texts) and "2" in texts        # 3 reached step 8, 2 the action plan
        assert "3 of 17" in ex.status.value
        lat, lon = ex.map.center                                     # the map frames Asia
        assert ex.map.zoom in (3, 4) and 10 < lat < 30 and 85 < lon < 110   # Web Mercator fit (basemap.view_for)
    finally:
        ex.controls["continent"].value = te.ALL
    assert len(tm.map_countries(ex.map)) == 17
    assert (tuple(ex.map.center), ex.map.zoom) == tm.WORLD_VIEW


def test_stage_and_min_step_filters(ex):
    c = ex.controls
    c["stage"].value = "in process"
    assert sorted(tm.map_countries(ex.map)) == ["Congo", "Mexico"]
    assert {v["fill"] for v in tm.map_countries(ex.map).values()} == {charts.STAGE_COLOURS["in process"]}
    c["stage"].value = te.ALL
    c["min_step"].value = 4
    assert len(table_countries(ex)) == 10
    c["document_region"].value = "Americas"
    assert table_countries(ex) == ["Mexico", "Peru"]
    c["min_step"].value = 1
    c["document_region"].value = te.ALL
    assert len(table_countries(ex)) == 17


def test_choosing_a_country_shows_its_progress(ex):
    ex.controls["country"].value = "Congo"
    assert "<b>Toolkit implementation in process</b>" in ex.detail.value
    assert re.search(r'data-country="Congo"[^>]*style="outline', ex.table.value)
    # a click on Mexico on the map chooses Mexico
    mexico = next(p for p in tm.polygons(ex.map) if p.name == "Mexico")
    mexico._handle_mouse_events(None, {"event": "click", "feature": {}}, None)
    assert ex.controls["country"].value == "Mexico" and ">Mexico</div>" in ex.detail.value
    # a filter that hides the chosen country clears the choice
    ex.controls["continent"].value = "Asia"
    assert ex.controls["country"].value == te.ALL and "Choose a country" in ex.detail.value
    ex.controls["continent"].value = te.ALL


def test_region_parameter():
    doc = te.toolkit_explorer(iccwc.load_toolkit(), region="Africa & Europe")
    assert doc.controls["document_region"].value == "Africa & Europe" and doc.controls["continent"].value == te.ALL
    assert len(table_countries(doc)) == 11
    with pytest.raises(ValueError, match="unknown region"):
        te.toolkit_explorer(iccwc.load_toolkit(), region="Atlantis")


def test_status_date_selector_switches_snapshots(two_dates):
    tk = iccwc.load_toolkit(two_dates)
    ex2 = te.toolkit_explorer(tk, status_date="latest", data_dir=two_dates)
    c = ex2.controls
    assert [v for _, v in c["status_date"].options] == ["2015-11-09", "2016-06-01"]
    assert c["status_date"].value == "2016-06-01" and c["status_date"].layout.display != "none"
    assert c["status_date"] in ex2.controls_box.children[0].children
    later = tm.map_countries(ex2.map)
    assert len(later) == 19 and "Uganda" in later and "Viet Nam" in later      # fictional fixture rows
    assert later["Congo"]["fill"] == charts.STAGE_COLOURS["complete"]
    c["continent"].value = "Africa"
    n_africa_later = len(table_countries(ex2))
    c["status_date"].value = "2015-11-09"
    earlier = tm.map_countries(ex2.map)
    assert len(earlier) == 10 and "Uganda" not in earlier                          # filter kept
    assert earlier["Congo"]["fill"] == charts.STAGE_COLOURS["in process"]
    assert n_africa_later == 12 and len(table_countries(ex2)) == 10
    assert "as of 9 November 2015" in ex2.table.value
    assert "9 November 2015" in " ".join(svg_texts(ex2.funnel.value))
    first = te.toolkit_explorer(tk, status_date="2015-11-09", data_dir=two_dates)
    assert len(tm.map_countries(first.map)) == 17


def test_snapshot_report_with_two_snapshots(two_dates):
    from iccwc.analysis.toolkit_uptake import snapshot_report
    r = snapshot_report(iccwc.load_toolkit(two_dates))
    assert r.changes is not None and len(r.dates) == 2
    assert r.text.startswith("Between 9 November 2015 and 1 June 2016: ")
    assert "2 new requests, 1 completed, 4 advanced, 12 unchanged" in r.text          # Uganda and Zambia, in the fictional fixture
    assert set(r.changes.loc[r.changes["change"] == "new request", "country"]) == {"Uganda", "Zambia"}
    assert isinstance(r.dates[0], pd.Timestamp)


def test_going_back_to_a_selection_shows_it_as_drawn_with_no_new_widget(ex):
    """A selection shown before comes back from the explorer's drawings (the same map layers, the same
    chart SVG): nothing is drawn or made again, and it shows what a fresh explorer shows."""
    from ipywidgets.widgets.widget import _instances
    from iccwc.views.maps import base as basemap

    def shown(e):
        return {"status": e.status.value, "funnel": e.funnel.value, "regions": e.regions.value,
                "table": e.table.value, "detail": e.detail.value, "map": tm.map_countries(e.map),
                "title": basemap.title_of(e.map), "attribution": basemap.attribution_of(e.map),
                "view": (tuple(e.map.center), e.map.zoom)}
    c = ex.controls
    try:
        c["continent"].value = "Asia"
        asia, layers = shown(ex), tm.polygons(ex.map)
        c["continent"].value = "Africa"
        assert sorted(tm.map_countries(ex.map)) != sorted(asia["map"])
        made = len(_instances)
        c["continent"].value = "Asia"
        assert shown(ex) == asia and len(_instances) == made
        assert all(a is b for a, b in zip(tm.polygons(ex.map), layers)) and len(tm.polygons(ex.map)) == len(layers)
        fresh = te.toolkit_explorer(iccwc.load_toolkit())
        fresh.controls["continent"].value = "Asia"
        assert shown(fresh) == asia
    finally:
        c["continent"].value = te.ALL
    assert len(tm.map_countries(ex.map)) == 17 and "17 of 17" in ex.status.value


# why slow: every continent with every step (48 selections, each drawing two charts, about 4 s); make
# test-fast runs the same test on the three continents and three steps it compares with a fresh explorer.
@pytest.mark.parametrize("every", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["nine", "every"])
def test_the_map_makes_its_country_layers_once_and_shows_them_again_for_any_selection(every):
    """The map's layers are made once per country (with the explorer's click handler): the explorer's
    first drawing leaves no layer behind, and selections never shown before (each continent, each step
    reached) make no new widget; what they show is what a fresh explorer shows."""
    import ipyleaflet
    from ipywidgets.widgets.widget import _instances

    def layers():
        return {k for k, w in _instances.items() if isinstance(w, (ipyleaflet.GeoJSON, ipyleaflet.CircleMarker))}
    tk = iccwc.load_toolkit()
    before = layers()
    ex = te.toolkit_explorer(tk)
    made = layers() - before
    assert len(tm.polygons(ex.map)) == 17
    assert made == {w.model_id for w in tm.polygons(ex.map) + tm.markers(ex.map)} | (made & {
        w.model_id for w in ex.map.layers})                               # no layer left behind
    shown = {}
    compared = [("Asia", 1), ("Africa", 5), (te.ALL, 8)]
    for continent in [v for _, v in ex.controls["continent"].options if every or v in dict(compared)]:
        for step in (range(1, 9) if every else sorted({s for _, s in compared})):
            ex.controls["min_step"].value = step
            ex.controls["continent"].value = continent
            shown[continent, step] = (tm.map_countries(ex.map), ex.status.value)
    ex.controls["continent"].value, ex.controls["min_step"].value = te.ALL, 1
    assert layers() - before == made                                  # 48 selections (or 9), no new layer
    assert len(set(map(str, shown.values()))) > len(shown) // 5
    for continent, step in compared:
        fresh = te.toolkit_explorer(tk, region=continent or None)
        fresh.controls["min_step"].value = step
        assert shown[continent, step] == (tm.map_countries(fresh.map), fresh.status.value)
