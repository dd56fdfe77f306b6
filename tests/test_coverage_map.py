"""The regional coverage map and explorer: layers per region, markers, zoom and summary per region."""
from __future__ import annotations

import ipyleaflet
import pytest

import iccwc
from iccwc.views.explorers import coverage as ce
from iccwc.views.maps import base as basemap
from iccwc.views.maps import coverage as cm
from iccwc.data import geo
from iccwc.data.build import rebuild
from test_activities import HAND_COUNT, add_fixture


def _layer(m, name):
    return next(layer for layer in m.layers if type(layer) is ipyleaflet.LayerGroup and layer.name == name)


def _markers(layer):
    return {mk.name: mk for mk in layer.layers if isinstance(mk, ipyleaflet.CircleMarker)}


@pytest.fixture(scope="module")
def data():
    return iccwc.load_activities(), iccwc.load_toolkit(status_date="latest")


def test_one_switchable_layer_per_region_with_every_requesting_country(data):
    act, tk = data
    m = cm.coverage_map(act, tk)
    assert cm.region_layer_names(m) == ["Americas", "Africa & Europe", "Asia"]
    assert any(isinstance(c, ipyleaflet.LayersControl) for c in m.controls)
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)   # readable offline
    for region, countries in HAND_COUNT.items():
        layer = _layer(m, region)
        assert set(_markers(layer)) == countries
        polys = [g for g in layer.layers if isinstance(g, ipyleaflet.GeoJSON)][0]
        assert {f["properties"]["country"] for f in polys.data["features"]} == countries


def test_polygons_coloured_by_stage_and_popups_escaped(data):
    act, tk = data
    layer = _layer(cm.coverage_map(act, tk), "Asia")
    polys = [g for g in layer.layers if isinstance(g, ipyleaflet.GeoJSON)][0]
    fills = {f["properties"]["country"]: f["properties"]["style"]["fillColor"] for f in polys.data["features"]}
    assert fills == {"Bangladesh": "#0c2c84", "Nepal": "#0c2c84", "Vietnam": "#0c2c84"}   # complete
    html = cm.popup_html("<b>x</b>", act.head(1).assign(description="<img src=x onerror=alert(1)>"), "complete")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;b&gt;x" in html


def test_view_for_contains_the_bounds():
    centre, zoom = basemap.view_for([[8.6, 80.09], [30.42, 109.33]], cm.VIEW_SIZE, cm.MAX_ZOOM)
    assert 8.6 < centre[0] < 30.42 and 80.09 < centre[1] < 109.33
    assert zoom == 4
    assert basemap.view_for([[-60, -170], [80, 170]], cm.VIEW_SIZE, cm.MAX_ZOOM)[1] == 1


def test_selecting_a_region_changes_bounds_and_summary(data):
    act, tk = data
    ex = ce.coverage_explorer(act, tk)
    assert ex.controls["region"].value is None and "All regions" in ex.summary.value
    world = (tuple(ex.map.center), ex.map.zoom)
    seen = {}
    for region in ["Americas", "Africa & Europe", "Asia"]:
        ex.controls["region"].value = region
        (s, w), (n, e) = cm.region_bounds(act, region, tk)
        assert s <= ex.map.center[0] <= n and w <= ex.map.center[1] <= e
        assert ex.map.zoom > world[1]
        assert f">{region}</h4>" in ex.summary.value.replace("&amp;", "&")
        seen[region] = (tuple(ex.map.center), ex.summary.value, ex.chart.value)
    assert len({v[0] for v in seen.values()}) == 3 and len({v[1] for v in seen.values()}) == 3
    assert "<b>11</b> Toolkit requests" in seen["Africa & Europe"][1]
    assert "<b>2</b> complete, 9 not yet complete" in seen["Africa & Europe"][1]
    assert "<b>3</b> complete, 0 not yet complete" in seen["Asia"][1]
    ex.controls["region"].value = None
    assert (tuple(ex.map.center), ex.map.zoom) == world


def test_explorer_starts_on_a_region_and_refuses_unknown_ones(data):
    act, tk = data
    ex = ce.coverage_explorer(act, tk, region="Asia")
    assert ex.controls["region"].value == "Asia" and ex.map.zoom == 4 and ">Asia</h4>" in ex.summary.value
    assert ex.widget.children[0] is ex.controls_box and list(ex.controls) == ["region"]
    with pytest.raises(ValueError, match="not in the data"):
        ce.coverage_explorer(act, tk, region="Antarctica")


def test_added_activities_reach_the_map_and_explorer(data_copy):
    add_fixture(data_copy)
    rebuild(data_copy, log=lambda *_: None)
    act, tk = iccwc.load_activities(data_copy), iccwc.load_toolkit(data_copy, status_date="latest")
    ex = ce.coverage_explorer(act, tk, data_dir=data_copy)
    assert cm.region_layer_names(ex.map) == ["Americas", "Africa & Europe", "Asia", "Oceania"]
    assert "Brazil" in _markers(_layer(ex.map, "Americas"))
    assert "Thailand" in _markers(_layer(ex.map, "Asia"))
    fiji = _markers(_layer(ex.map, "Oceania"))["Fiji"]
    assert "cross-cutting activities" in fiji.popup.value
    kenya = _markers(_layer(ex.map, "Africa & Europe"))["Kenya"].popup.value
    assert "Toolkit: planning phase" in kenya and "&lt;img src=x onerror=alert(1)&gt;" in kenya
    assert "<img" not in kenya
    ex.controls["region"].value = "Oceania"
    assert "Fiji" in ex.summary.value and ex.map.center[1] > 170
    ex.controls["region"].value = "Asia"
    assert "<b>4</b> activities in the data in 4 countries (1 ongoing or planned)" in ex.summary.value
    assert "WIST" in ex.chart.value


def test_markers_sit_inside_their_country():
    by_id = {f["id"]: f for f in geo.world()["features"]}
    for iso3 in ["VNM", "CHL", "NOR", "BHS", "NPL", "MEX"]:
        lat, lon = basemap.country_point(iso3)
        assert any(geo.inside(lat, lon, poly[0]) for poly in by_id[iso3]["geometry"]["coordinates"]), iso3
    lat, lon = geo.centroid(by_id["VNM"])
    assert not any(geo.inside(lat, lon, poly[0]) for poly in by_id["VNM"]["geometry"]["coordinates"])


def test_country_too_small_for_a_polygon_gets_a_marker_at_its_capital(data):
    act, tk = data
    lat, lon = basemap.country_point("SGP")            # Singapore: no 1:110m polygon
    assert abs(lat - 1.29) < 0.1 and abs(lon - 103.85) < 0.1
    extra = act.head(1).assign(country="Singapore", iso3="SGP", region="Asia", document_region="Asia",
                               source="test")
    both = cm.pd.concat([act, extra], ignore_index=True)
    layer = _layer(cm.coverage_map(both, tk), "Asia")
    assert "Singapore" in _markers(layer)
    (s, w), (n, e) = cm.region_bounds(both, "Asia", tk)
    assert s <= 1.29 <= n


def test_region_views(data):
    act, tk = data
    views = {r: basemap.view_for(cm.region_bounds(act, r, tk), cm.VIEW_SIZE, cm.MAX_ZOOM) for r in ["Americas", "Africa & Europe", "Asia"]}
    assert {r: z for r, (_, z) in views.items()} == {"Americas": 3, "Africa & Europe": 3, "Asia": 4}
    assert -180 < views["Americas"][0][1] < -30        # no antimeridian shift for the Americas


def test_legend_comes_from_the_map_kit_and_escapes(data):
    act, tk = data
    html = basemap.legend_of(cm.coverage_map(act, tk))
    assert "Shape: Toolkit stage" in html and "planning phase" in html and "Africa &amp; Europe" in html
    assert "<img" not in cm.legend_html(["<img src=x onerror=alert(1)>"])


def _descendants(widget) -> list:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += _descendants(child)
    return out


def test_every_explorer_has_the_same_shape(data, rec):
    from iccwc.views.explorers.base import Explorer
    from iccwc.views.explorers.recognition import recognition_explorer
    from iccwc.views.explorers.toolkit import toolkit_explorer
    act, tk = data
    world = geo.world()
    for ex in (ce.coverage_explorer(act, tk, world=world), recognition_explorer(rec, world=world),
               toolkit_explorer(iccwc.load_toolkit(), world=world)):
        assert isinstance(ex, Explorer) and isinstance(ex.controls, dict) and ex.controls
        shown = _descendants(ex.widget)
        assert ex.controls_box in ex.widget.children and ex.map in shown
        assert all(c in shown or c.layout.display == "none" for c in ex.controls.values())
        before = ex.map.layers
        ex.update()                                   # re-renders from the current values
        assert len(ex.map.layers) == len(before)
