"""The stage map: one layer per requesting country in its stage colour, circles for small
countries, the document's legend, escaped popups, no tiles."""
from __future__ import annotations

import re

import ipyleaflet
import pandas as pd
import pytest

import iccwc
from iccwc.views.charts import base as charts
from iccwc.views.maps import base as basemap
from iccwc.views.maps import toolkit as tm
from iccwc.analysis import toolkit_uptake as u
from iccwc.vocab import STAGE_LEGEND, STAGES


@pytest.fixture(scope="module")
def stage_map(sc66):
    return tm.stage_map(sc66)


def test_every_country_is_filled_with_its_stage_colour(sc66, stage_map):
    shown = tm.map_countries(stage_map)
    assert sorted(shown) == sorted(sc66["country"])
    for _, row in sc66.iterrows():
        got = shown[row["country"]]
        assert got["iso3"] == row["iso3"]
        assert got["fill"] == charts.STAGE_COLOURS[str(row["stage"])], row["country"]
    # the stage is not a constant: all four colours are used on SC66
    assert {v["fill"] for v in shown.values()} == set(charts.STAGE_COLOURS.values())


def test_layers_and_no_tiles(stage_map):
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in stage_map.layers)
    names = [layer.name for layer in stage_map.layers]
    assert names[1:] == [STAGE_LEGEND[s] for s in STAGES]            # one group per stage, above the grey world
    polys = tm.polygons(stage_map)
    assert all(len(p.data["features"]) == 1 for p in polys)
    for s in STAGES:                                                   # each group holds its stage only
        stages = {p.data["features"][0]["properties"]["stage"] for p in tm.group(stage_map, STAGE_LEGEND[s]).layers
                  if isinstance(p, ipyleaflet.GeoJSON)}
        assert stages == {s}
    # the stages switch on and off in the browser (exported HTML too): a layers control
    assert any(isinstance(c, ipyleaflet.LayersControl) for c in stage_map.controls)


def test_legend_has_the_documents_four_stages(stage_map):
    html = basemap.legend_of(stage_map)
    found = re.findall(r"background:(#[0-9a-f]{6})'></span>([^<]+)</div>", html)
    assert found == [(charts.STAGE_COLOURS[s], STAGE_LEGEND[s]) for s in STAGES]
    assert "circle: a small country" in html
    assert not any(isinstance(c, ipyleaflet.LegendControl) for c in stage_map.controls)


def test_small_countries_get_a_clickable_circle(stage_map):
    markers = {mk.name: mk for mk in tm.markers(stage_map)}
    assert "Bahamas" in markers
    assert set(markers) == {"Bahamas", "Togo", "Bosnia and Herzegovina"}
    bhs = markers["Bahamas"]
    assert bhs.fill_color == charts.STAGE_COLOURS["request received"]
    lat, lon = bhs.location
    assert 20 < lat < 27.5 and -80 < lon < -72                       # in the Bahamas
    assert bhs.popup is not None and "Bahamas" in bhs.popup.value
    assert bhs.radius >= 5


def test_popups_name_country_last_step_and_stage(stage_map):
    by_name = {p.name: p for p in tm.polygons(stage_map)}
    html = by_name["Congo"].popup.value
    assert "<b>Congo</b>" in html and "Step 6: Report (draft)" in html
    assert "Toolkit implementation in process" in html and "9 November 2015" in html


def test_popups_escape_names(sc66):
    evil = sc66.copy()
    evil["country"] = evil["country"].astype(object)
    evil.loc[1, "country"] = "<img src=x onerror=alert(1)>"
    m = tm.stage_map(evil)
    for layer in tm.polygons(m) + tm.markers(m):
        assert "<img" not in layer.popup.value
    assert any("&lt;img src=x onerror=alert(1)&gt;" in p.popup.value
               for p in tm.markers(m))


def test_region_asia_leaves_three_countries(sc66, stage_map):
    m = tm.stage_map(sc66)
    tm.set_countries(m, u.select(sc66, region="Asia"))
    assert sorted(tm.map_countries(m)) == ["Bangladesh", "Nepal", "Vietnam"]
    assert tm.markers(m) == []


def test_click_calls_back_with_the_country(sc66):
    got = []
    polys, markers = tm.country_layers(u.select(sc66, region="North America"), on_click=got.append)
    polys[1]._handle_mouse_events(None, {"event": "click", "feature": {}}, None)    # Mexico's polygon
    markers[0]._handle_mouse_events(None, {"type": "click"}, None)                    # Bahamas' circle
    assert got == ["Mexico", "Bahamas"]


def test_focus_frames_the_countries(sc66):
    m = tm.stage_map(sc66)
    tm.focus(m, u.select(sc66, region="South America"))
    (lat, lon), zoom = m.center, m.zoom
    assert -18 < lat < 0 and -82 < lon < -68 and zoom in (3, 4)      # Peru (Web Mercator fit)
    tm.focus(m, sc66.iloc[:0])
    assert (tuple(m.center), m.zoom) == tm.WORLD_VIEW
    tm.focus(m, sc66)
    assert m.zoom <= 2                                                # all 17: the world
    # the one fit of the map kit, at this map's size
    assert basemap.view_for(basemap.countries_bounds(sc66["iso3"]), tm.VIEW_SIZE, tm.MAX_ZOOM)[1] <= 2


def test_maps_credit_natural_earth_and_name_their_sources_and_date():
    """Every map's attribution line names the polygons' source, the files its data come from and their
    date (it said only 'ipyleaflet'); a status-date change updates it; text from the data is escaped."""
    from iccwc.views.maps import base as basemap
    from iccwc.views.maps import coverage as cm
    from iccwc.views.maps import recognition as rm
    tk = iccwc.load_toolkit(status_date="latest")
    m = tm.stage_map(tk)
    line = basemap.attribution_of(m)
    assert basemap.NATURAL_EARTH in line
    for f in set(tk["source_file"].astype(str)):
        assert f in line
    assert f"as of {u.date_label(tk['status_date'].max())}" in line
    shifted = tk.assign(status_date=tk["status_date"] + pd.Timedelta(days=31), source_file="<b>later.txt</b>")
    tm.set_countries(m, shifted)
    line = basemap.attribution_of(m)
    assert "&lt;b&gt;later.txt&lt;/b&gt;" in line and u.date_label(shifted["status_date"].max()) in line
    act = iccwc.load_activities()
    cov = basemap.attribution_of(cm.coverage_map(act, tk))
    assert all(f in cov for f in set(act["source_file"].astype(str)))
    assert f"activities {int(act['year_start'].min())}-" in cov
    rec = basemap.attribution_of(rm.places_map(iccwc.load_recognitions()))
    assert basemap.NATURAL_EARTH in rec and "GeoNames" in rec


def test_maps_share_one_grey_world_layer_so_a_page_saves_the_polygons_once():
    from iccwc.views.maps import base as basemap
    a, b = basemap.new_map(), basemap.new_map()
    assert a.layers[0] is b.layers[0]                      # one widget model: its polygons once in the page
    assert len(a.layers[0].data["features"]) == len(basemap.get_world()["features"])
    fewer = basemap.world_layer(exclude=("USA",))
    assert fewer is not a.layers[0] and len(fewer.data["features"]) == len(a.layers[0].data["features"]) - 1
    assert basemap.world_layer(exclude=("USA",)) is fewer


def test_set_view_jumps_when_only_the_centre_moves():
    """ipyleaflet animates a change of centre alone (Leaflet's panTo, 250 ms) and jumps when the zoom
    changes: a new centre at the same zoom is sent with the zoom nudged, then the exact zoom; the map's
    state ends exact, and the view's size class is recorded (or removed for a view that is not a fit)."""
    m = basemap.new_map(center=(10, 20), zoom=3)
    sent = []
    m.observe(lambda ch: sent.append(ch["new"]), names="zoom")
    basemap.set_view(m, (30, 90), 3, (620, 480))
    assert sent == [3 + basemap.NUDGE, 3] and m.zoom == 3 and list(m.center) == [30, 90]
    assert [c for c in m._dom_classes if c.startswith(basemap.VIEW_CLASS)] == [f"{basemap.VIEW_CLASS}620x480"]
    sent.clear()
    basemap.set_view(m, (30, 90), 3, (620, 480))          # the same view: nothing is sent
    assert sent == []
    basemap.set_view(m, (0, 0), 2)                        # a new zoom: no nudge
    assert sent == [2] and m.zoom == 2
    assert not [c for c in m._dom_classes if c.startswith(basemap.VIEW_CLASS)]


def test_a_saved_map_reads_as_its_title_and_sources_where_no_widget_can_be_drawn(sc66):
    """A saved notebook has no widget state: before it runs, or on a code host, a map output showed
    ``Map(center=[...], controls=(...``. Displayed, a map also carries its title, attribution line and
    where it can be seen, as text and as HTML (escaped); the widget view stays first."""
    evil = sc66.assign(source_file="<b>x</b>.txt")
    m = tm.stage_map(evil)
    data = m._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == m.model_id
    plain, rich = data["text/plain"], data["text/html"]
    assert plain.startswith(f"Map: {basemap.title_of(m)} (Countries: Natural Earth") and "Map(center" not in plain
    assert "<b>x</b>.txt" in plain and basemap.WHERE_SHOWN in plain
    assert "&lt;b&gt;x&lt;/b&gt;.txt" in rich and "<b>x</b>" not in rich
    assert f"Map: {basemap.title_of(m)}" in rich and "reports/" in rich
