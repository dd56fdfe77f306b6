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
from iccwc.data.countries import resolve


def _layer(m, name):
    return next(layer for layer in m.layers if type(layer) is ipyleaflet.LayerGroup and layer.name == name)


def _markers(m, region):
    """The circles of a region's layer, by country name: what the map shows of each (cm.countries_shown)."""
    return {c["country"]: c for c in cm.countries_shown(m).values() if c["region"] == region}


@pytest.fixture(scope="module")
def data():
    return iccwc.load_activities(), iccwc.load_toolkit(status_date="latest")


def _codes(names):
    return {resolve(n).iso3 for n in names}


def test_one_switchable_layer_per_region_with_every_country(data):
    act, tk = data
    m = cm.coverage_map(act, tk)
    assert cm.region_layer_names(m) == ["Americas", "Africa & Europe", "Asia", "Oceania"]
    assert any(isinstance(c, ipyleaflet.LayersControl) for c in m.controls)
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)   # readable offline
    for region, countries in HAND_COUNT.items():
        layer = _layer(m, region)
        in_region = set(act.loc[act["document_region"] == region, "iso3"])
        assert _codes(_markers(m, region)) == in_region >= _codes(countries)     # a circle per country
        polys = layer.layers[0]                                                   # shapes: Toolkit requests
        assert isinstance(polys, ipyleaflet.GeoJSON) and isinstance(layer.layers[-1], cm.CountryPoints)
        assert _codes(f["properties"]["country"] for f in polys.data["features"]) == _codes(countries)
    n = act.groupby("iso3").size()
    kenya = _markers(m, "Africa & Europe")["Kenya"]
    assert kenya["radius"] == cm.marker_radius(int(n["KEN"])) > cm.marker_radius(1)   # larger for more
    assert kenya["activities"] == n["KEN"] and f"<b>Kenya</b> ({n['KEN']} activities)" in kenya["popup"]


def test_polygons_coloured_by_stage_and_popups_escaped(data):
    act, tk = data
    layer = _layer(cm.coverage_map(act, tk), "Asia")
    polys = layer.layers[0]
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
    assert ex.controls["region"].value == ce.NO_FILTER and ex.controls["region"].label == "All regions" and "All regions" in ex.summary.value
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
    assert "<b>11</b> Toolkit requests in the table" in seen["Africa & Europe"][1]
    assert "<b>2</b> complete." in seen["Africa & Europe"][1] and "<b>3</b> complete." in seen["Asia"][1]
    asia = act[act["document_region"] == "Asia"]
    assert f"<b>{len(asia)}</b> activities shown in <b>{asia['iso3'].nunique()}</b> countries" in seen["Asia"][1]
    ex.controls["region"].value = ce.NO_FILTER
    assert (tuple(ex.map.center), ex.map.zoom) == world


def test_explorer_starts_on_a_region_and_refuses_unknown_ones(data):
    act, tk = data
    ex = ce.coverage_explorer(act, tk, region="Asia")
    assert ex.controls["region"].value == "Asia" and ex.map.zoom >= 2 and ">Asia</h4>" in ex.summary.value
    assert ex.widget.children[0] is ex.controls_box
    assert list(ex.controls) == ["region", "category", "activity_type", "years"]
    with pytest.raises(ValueError, match="not in the data"):
        ce.coverage_explorer(act, tk, region="Antarctica")


@pytest.mark.slow   # why: rebuilds a copy of the data, then builds the explorer (an integration test); make test runs it, make test-fast does not
def test_added_activities_reach_the_map_and_explorer(data_copy):
    add_fixture(data_copy)
    rebuild(data_copy, log=lambda *_: None)
    act, tk = iccwc.load_activities(data_copy), iccwc.load_toolkit(data_copy, status_date="latest")
    ex = ce.coverage_explorer(act, tk, data_dir=data_copy)
    assert cm.region_layer_names(ex.map) == ["Americas", "Africa & Europe", "Asia", "Oceania"]
    assert "Brazil" in _markers(ex.map, "Americas")
    assert "Thailand" in _markers(ex.map, "Asia")
    fiji = _markers(ex.map, "Oceania")["Fiji"]["popup"]
    assert "<i>other</i>" in fiji and "(2015)" in fiji
    kenya = _markers(ex.map, "Africa & Europe")["Kenya"]["popup"]
    assert "Toolkit stage (table): planning phase" in kenya and "&lt;img src=x onerror=alert(1)&gt;" in kenya
    assert "<img" not in kenya and "Operation Thunderball (2019)" in kenya
    ex.controls["region"].value = "Oceania"
    assert "Fiji" in ex.summary.value and ex.map.center[1] > 130      # Australia, New Zealand, Fiji
    ex.controls["region"].value = "Asia"
    asia = act[act["document_region"] == "Asia"]
    assert f"<b>{len(asia)}</b> activities shown in <b>{asia['iso3'].nunique()}</b> countries" in ex.summary.value
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
    assert "Singapore" in _markers(cm.coverage_map(both, tk), "Asia")
    (s, w), (n, e) = cm.region_bounds(both, "Asia", tk)
    assert s <= 1.29 <= n


def test_region_views(data):
    act, tk = data
    views = {r: basemap.view_for(cm.region_bounds(act, r, tk), cm.VIEW_SIZE, cm.MAX_ZOOM)
             for r in ["Americas", "Africa & Europe", "Asia"]}
    assert all(z >= 2 for _, z in views.values())
    assert -180 < views["Americas"][0][1] < -30        # no antimeridian shift for the Americas


def _visible(m, size=cm.VIEW_SIZE):
    """Whether (lat, lon) shows in a map of ``size`` pixels at m's centre and zoom (Web Mercator)."""
    cx, cy = basemap.pixel(m.center[0], m.center[1], int(m.zoom))
    def inside(lat, lon):
        x, y = basemap.pixel(lat, lon, int(m.zoom))
        return abs(x - cx) <= size[0] / 2 and abs(y - cy) <= size[1] / 2
    return inside


def test_the_opening_view_shows_every_marker_americas_included(data):
    act, tk = data
    m = cm.coverage_map(act, tk)
    inside = _visible(m)
    markers = list(cm.countries_shown(m).values())
    assert len(markers) == act["iso3"].nunique()
    assert all(inside(*mk["location"]) for mk in markers)
    assert any(mk["location"][1] < -100 for mk in markers)             # Canada, the United States


def test_markers_at_the_website_coordinates_and_filters_redraw_them(data):
    act, tk = data
    ex = ce.coverage_explorer(act, tk)
    row = act[(act["iso3"] == "KEN") & act["latitude"].notna()].iloc[0]
    kenya = _markers(ex.map, "Africa & Europe")["Kenya"]
    assert tuple(kenya["location"]) == (row["latitude"], row["longitude"])
    ex.controls["activity_type"].value = "WIST"
    shown = {n for r in cm.region_layer_names(ex.map) for n in _markers(ex.map, r)}
    wist = act[act["activity_type"] == "WIST"]
    # The Toolkit countries keep their marker (their request is in the table); the others need a WIST.
    assert _codes(shown) == set(wist["iso3"]) | set(tk["iso3"])
    assert f"<b>{len(wist)}</b> activities shown" in ex.summary.value
    ex.controls["activity_type"].value = ce.NO_FILTER
    ex.controls["years"].value = (2013, 2013)
    y13 = act[(act["year_start"] <= 2013) | act["year_start"].isna()]
    assert f"<b>{len(y13)}</b> activities shown" in ex.summary.value
    assert cm.region_layer_names(ex.map) == ["Americas", "Africa & Europe", "Asia", "Oceania"]


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
        # every list opens in a valid state: an option is selected, so its label shows (a None value shows blank)
        for name, control in ex.controls.items():
            if hasattr(control, "options") and not hasattr(control, "rows"):
                assert control.index is not None and control.label, (type(ex).__name__, name)


def test_a_circle_s_popup_shows_its_country_on_hover_or_click(data):
    """Each region's circles are one layer with one popup widget: pointing at a circle (the layer's
    hover or click event, as the page sends it to the kernel) puts that country's list in it."""
    act, tk = data
    m = cm.coverage_map(act, tk)
    layer = _layer(m, "Asia").layers[-1]
    feature = next(f for f in layer.data["features"] if f["id"] == "VNM")
    lon, lat = feature["geometry"]["coordinates"]                  # GeoJSON order: longitude first
    assert 8 < lat < 24 and 102 < lon < 110
    for event in ("mouseover", "click"):
        layer.popup.value = ""
        layer._handle_mouse_events(None, {"event": event, "properties": feature["properties"]}, [])
        assert layer.popup.value == feature["properties"]["popup"] == _markers(m, "Asia")["Vietnam"]["popup"]
        assert layer.popup.value.startswith("<span class='iccwc-tip'><b>Vietnam</b>")
    layer._handle_mouse_events(None, {"event": "mouseover", "properties": {"iso3": "XXX"}}, [])
    assert "Vietnam" in layer.popup.value                           # not one of its circles: left as it was


def test_a_filter_changes_one_thing_per_region(data):
    """A filter that changes many countries' circles changes one trait per region on the page (its
    circles layer's data), not one or two per country."""
    from ipywidgets.widgets.widget import _instances
    act, tk = data
    ex = ce.coverage_explorer(act, tk)
    changed = []
    for w in list(_instances.values()):
        w.observe(lambda c: changed.append((c["owner"], c["name"])), names=list(w.keys))
    lo, hi = ex.controls["years"].value
    before = cm.countries_shown(ex.map)
    changed.clear()
    ex.controls["years"].value = (hi, hi)
    after = cm.countries_shown(ex.map)
    on_map = [(w, n) for w, n in changed if isinstance(w, cm.CountryPoints)]
    assert sum(c not in after or after[c]["radius"] != b["radius"] for c, b in before.items()) > 100
    assert len(on_map) == len({w for w, _ in on_map}) <= len(cm.region_layer_names(ex.map))
    assert {n for _, n in on_map} == {"data"}
    assert not any(type(w) in (ipyleaflet.LayerGroup, ipyleaflet.CircleMarker, ipyleaflet.Map) for w, _ in changed)
