"""Offline country polygons: every country of the data has one, and no ring crosses the map."""
from __future__ import annotations


import pytest

import iccwc
from iccwc.views.maps import base as basemap
from iccwc.data import geo
from iccwc import paths


def test_every_toolkit_country_has_a_polygon():
    tk = iccwc.load_toolkit()
    fc = geo.country_features(list(tk["iso3"]))
    assert [f["id"] for f in fc["features"]] == list(tk["iso3"])
    bahamas = geo.country_features(["BHS"])["features"][0]
    assert len(bahamas["geometry"]["coordinates"]) >= 3   # three small islands at 1:110m


def test_feature_ids_are_iso3_from_numeric():
    feats = {f["id"]: f for f in geo.world()["features"]}
    assert len(feats) == 177
    assert feats["COD"]["properties"]["name"] == "Dem. Rep. Congo"
    assert feats["COG"]["properties"]["name"] == "Congo"
    assert feats["TZA"]["properties"]["iso3"] == "TZA"


def test_no_ring_jumps_across_the_antimeridian():
    for f in geo.world()["features"]:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                for (x1, _), (x2, _) in zip(ring, ring[1:]):
                    assert abs(x2 - x1) < 180, f["id"]


def test_unknown_code_is_named():
    with pytest.raises(KeyError, match="XXX"):
        geo.country_features(["XXX"])


def test_geojson_is_rebuilt_from_raw_topojson():
    built = geo.build_geojson_bytes()
    assert built == (paths.PROCESSED / geo.GEOJSON_NAME).read_bytes()
    assert len(built) < 250_000


def test_new_map_has_no_tiles_but_a_world():
    m = basemap.new_map()
    assert not any(getattr(layer, "url", None) for layer in m.layers)
    assert len(m.layers) == 1 and len(m.layers[0].data["features"]) == 177
    basemap.add_tiles(m)
    assert m.layers[0].base and "openstreetmap" in m.layers[0].url


def test_bounds_and_centroid():
    fc = geo.country_features(["PER"])
    (s, w), (n, e) = geo.bounds(fc)
    assert -19 < s < -17 and -82 < w < -80 and -1 < n < 0.5 and -69 < e < -68
    lat, lon = geo.centroid(fc["features"][0])
    assert s < lat < n and w < lon < e


def test_the_polygons_are_an_input_of_the_rebuild_and_the_run():
    """A changed TopoJSON (or its provenance record) must make `iccwc run` rebuild: it is fingerprinted."""
    from iccwc.data.inputs import Inputs
    inputs = Inputs.find()
    files = inputs.files()
    assert inputs.topojson in files and inputs.topojson.is_file()
    assert inputs.topojson.with_name(inputs.topojson.stem + ".provenance.json") in files


def test_world_is_loaded_once_per_data_folder(data_copy, monkeypatch):
    assert geo.world() is geo.world()                                   # cached
    assert geo.world(paths.DATA) is geo.world()                         # keyed by the resolved path
    monkeypatch.chdir(paths.ROOT)
    assert geo.world("data") is geo.world()
    other = geo.world(data_copy)
    assert other is not geo.world() and other is geo.world(data_copy) and other == geo.world()


def test_maps_take_an_already_loaded_world():
    small = {"type": "FeatureCollection", "features": geo.country_features(["PER", "MEX"])["features"]}
    m = basemap.new_map(world=small)
    assert [f["id"] for f in m.layers[0].data["features"]] == ["PER", "MEX"]
    assert geo.world_ids(small) == {"PER", "MEX"}
    with pytest.raises(KeyError, match="BHS"):
        geo.country_features(["BHS"], small)
    assert basemap.country_point("BHS", small) == basemap.country_point("BHS", {"features": []})  # capital
    (s, w), (n, e) = basemap.countries_bounds(["PER"], small)
    assert -19 < s < -17 and -69 < e < -68
