"""The country profiles' shared page (issue 24, items 3 and 5): the rows a page carries for every country
(iccwc.analysis.profiles.page_rows) and the one Vega-Lite chart with a country picker
(iccwc.views.interactive.profiles), on the FICTIONAL folder tests/fixtures/profiles (every row made up)."""
from __future__ import annotations

import json

import pytest

import iccwc
from iccwc.analysis import profiles
from iccwc.views.interactive import base
from iccwc.views.interactive import profiles as views
from helpers import FIXTURES

D = FIXTURES / "profiles"

#: A FICTIONAL world: a square Kenya and a square Chile (Gabon, Türkiye, DRC have no polygon here).
WORLD = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "KEN", "properties": {"iso3": "KEN", "name": "Kenya"},
     "geometry": {"type": "MultiPolygon", "coordinates": [[[[34.04, -4.0], [41.96, -4.0], [41.96, 4.0], [34.04, 4.0],
                                                             [34.04, -4.0]]]]}},
    {"type": "Feature", "id": "CHL", "properties": {"iso3": "CHL", "name": "Chile"},
     "geometry": {"type": "MultiPolygon", "coordinates": [
         [[[-75.0, -50.0], [-68.0, -50.0], [-68.0, -20.0], [-75.0, -20.0], [-75.0, -50.0]]],
         [[[-80.0, -34.0], [-79.9, -34.0], [-79.9, -33.9], [-80.0, -34.0]]]]}},   # a tiny island
]}


@pytest.fixture(scope="module")
def rows():
    return profiles.page_rows(D, WORLD)


@pytest.fixture(scope="module")
def spec(rows):
    return base.spec(views.profile_chart(rows, WORLD, "KEN"))


def test_page_rows_are_each_countrys_profile_rows(rows):
    table = iccwc.profile_countries(D)
    assert [r["iso3"] for r in rows] == table["iso3"].tolist()
    for r in rows:
        want = iccwc.country_profile(r["iso3"], D).rows()
        assert {k: r[k] for k in want} == want
        assert r["name"] == want["country"]["name"] and set(r) == set(want) | {"iso3", "name", "lat", "lon"}
    assert json.loads(json.dumps(rows)) == rows


def test_locator_points_inside_the_polygon_else_at_the_activities_markers(rows):
    at = {r["iso3"]: (r["lat"], r["lon"]) for r in rows}
    assert at["KEN"] == (0.0, 38.0)                         # inside the square
    assert at["TUR"] == (39.0, 35.0)                        # no polygon: its activity's marker
    assert at["GAB"] == (None, None)                        # only in a status list: nothing to place it by


def test_the_picker_offers_every_country_by_its_display_name(spec):
    codes, labels = views.options(spec)
    table = iccwc.profile_countries(D)
    assert codes == table["iso3"].tolist() and labels == table["name"].tolist()
    assert "Türkiye" in labels and "Turkey" not in labels
    pick = next(p for p in spec["params"] if p["name"] == views.PARAM)
    assert pick["value"] == "KEN" and pick["bind"]["input"] == "select"


def test_the_specs_rows_are_the_profiles_rows(spec):
    inline = {r["iso3"]: r for r in views.profile_data(spec)}
    for iso3 in views.options(spec)[0]:
        want = iccwc.country_profile(iso3, D).rows()
        assert {k: inline[iso3][k] for k in want} == want
    # inline once: one named dataset of the countries' rows, the world inline in the map
    assert list(spec["datasets"]) == [views.ROWS]


def test_every_part_of_the_profile_follows_the_picker(spec):
    parts = spec["vconcat"]
    assert len(parts) == 7          # name, map, sentences, timeline, three lists
    for part in parts:
        assert f"== {views.PARAM}" in json.dumps(part), part.get("name")
    names = {p.get("name") for p in parts}
    assert {"prof_title", "prof_map", "prof_sentences", "prof_timeline", *views.LISTS} <= names


def test_opening_country_default_and_unknown(rows):
    first = base.spec(views.profile_chart(rows, None))
    assert next(p for p in first["params"] if p["name"] == "country")["value"] == rows[0]["iso3"]
    assert "prof_map" not in {p.get("name") for p in first["vconcat"]}          # no world: no map
    assert profiles.most_active(D) == "KEN"                                     # 3 activities
    with pytest.raises(ValueError, match="not one of the countries"):
        views.profile_chart(rows, None, "FRA")


def test_the_spec_is_deterministic_and_draws_the_chosen_country(rows, spec):
    assert base.spec(views.profile_chart(rows, WORLD, "KEN")) == spec
    svg = base.svg_of_spec(spec)
    assert "FICTIONAL Operation Testbird" in svg and "Kenya" in svg
    assert "None adopted at a place in this country" not in svg             # Kenya has its Nairobi declaration
    gabon = base.svg_of_spec(base.spec(views.profile_chart(rows, WORLD, "GAB")))
    assert "None in the data" in gabon and "FICTIONAL Operation Testbird" not in gabon   # a list says it is empty
    assert "31 Mar 2017: listed, steps unknown" in gabon


def test_light_world_rounds_and_drops_small_islands():
    light = views.light_world(WORLD)
    assert [f["id"] for f in light["features"]] == ["KEN", "CHL"]
    chile = light["features"][1]["geometry"]["coordinates"]
    assert len(chile) == 1 and all(float(x).is_integer() for ring in chile[0] for pt in ring for x in pt)
    assert light["features"][0]["geometry"]["coordinates"][0][0][:2] == [[34, -4], [42, -4]]


def test_headline_numbers_come_from_the_data():
    numbers = views.headline(iccwc.profile_countries(D))
    assert numbers == {"countries with a profile": 5, "with a Toolkit status": 4, "with ICCWC activities": 4,
                       "where a recognising instrument was adopted": 1}
    html = views.headline_html({"<b>": 1})
    assert html == '<dl class="iccwc-headline"><div><dt>&lt;b&gt;</dt><dd>1</dd></div></dl>'


def test_the_page_compiles_it_to_vega():
    from iccwc.site import vega
    d = base.spec(views.profile_chart(profiles.page_rows(D, WORLD), WORLD, "CHL"))
    compiled = vega.compile_spec(d)
    sig = next(s for s in compiled["signals"] if s["name"] == "country")
    assert sig["value"] == "CHL" and sig["bind"]["labels"][:2] == ["Chile", "Democratic Republic of the Congo"]
    assert [len(r) for r in vega.rows(d)][:1] and vega.rows(d)[0][:4] == ["iso3", "name", "lat", "lon"]
