"""The coverage explorer's redraws: a selection shown before comes back as it was drawn."""
from __future__ import annotations

import ipyleaflet
import pytest

import iccwc
from iccwc.views.explorers import coverage as ce
from iccwc.views.maps import base as basemap
from iccwc.views.maps import coverage as cm


@pytest.fixture(scope="module")
def data():
    return iccwc.load_activities(), iccwc.load_toolkit(status_date="latest")


def _markers(m) -> dict[str, list]:
    return {layer.name: list(layer.layers) for layer in m.layers if type(layer) is ipyleaflet.LayerGroup}


def test_going_back_to_a_selection_shows_it_as_drawn_with_no_new_widget(data):
    from ipywidgets.widgets.widget import _instances
    act, tk = data
    ex = ce.coverage_explorer(act, tk)

    def shown(e):
        return {"summary": e.summary.value, "chart": e.chart.value, "view": (tuple(e.map.center), e.map.zoom),
                "circles": cm.countries_shown(e.map),
                "attribution": basemap.attribution_of(e.map)}
    everything, layers = shown(ex), _markers(ex.map)
    ex.controls["activity_type"].value = "WIST"
    wist, wist_layers = shown(ex), _markers(ex.map)
    assert wist["circles"] != everything["circles"]
    ex.controls["region"].value = "Asia"
    ex.controls["region"].value = ce.NO_FILTER
    made = len(_instances)
    ex.controls["activity_type"].value = ce.NO_FILTER          # back to the map coverage_map drew
    assert shown(ex) == everything and _markers(ex.map) == layers and len(_instances) == made
    ex.controls["activity_type"].value = "WIST"
    assert shown(ex) == wist and _markers(ex.map) == wist_layers and len(_instances) == made
    fresh = ce.coverage_explorer(act, tk)
    fresh.controls["activity_type"].value = "WIST"
    assert shown(fresh) == wist


# why slow: every type and every first year, each drawing the chart anew (24 charts, about 5 s); make
# test-fast runs the same test on three of each (the first two and the last), make test on all of them.
@pytest.mark.parametrize("every", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["three", "every"])
def test_filters_restyle_the_map_in_place_with_no_new_widget(data, every):
    """After the map's first drawing, selections never shown before (each type, each first year) make
    no widget: each region's circles are redrawn in place (their layer's data), and the Toolkit
    shapes stay; every circle and popup is what a fresh explorer draws for the selection."""
    from ipywidgets.widgets.widget import _instances
    act, tk = data
    ex = ce.coverage_explorer(act, tk)
    def some(values):                 # every value, or the first two and the last
        values = list(values)
        return values if every else [*values[:2], values[-1]]

    def drawn(e):
        return {"circles": cm.countries_shown(e.map),
                "shapes": {r: [(x.name, str(x.data["features"][0]["id"])) for x in layers
                               if not isinstance(x, cm.CountryPoints)] for r, layers in _markers(e.map).items()}}
    made = len(_instances)
    lo, hi = ex.controls["years"].value
    seen = []
    for kind in some([v for _, v in ex.controls["activity_type"].options]):
        ex.controls["activity_type"].value = kind
        seen.append(drawn(ex))
    ex.controls["activity_type"].value = ce.NO_FILTER
    for first in some(range(lo + 1, hi + 1)):
        ex.controls["years"].value = (first, hi)
    years = drawn(ex)
    assert len(_instances) == made                        # 10 types and the years: not one new widget
    assert len({str(s) for s in seen}) == len(seen)       # each type drew something else
    fresh = ce.coverage_explorer(act, tk)
    fresh.controls["years"].value = (hi, hi)
    assert drawn(fresh) == years
    fresh.controls["years"].value = (lo, hi)
    fresh.controls["activity_type"].value = "WIST"
    ex.controls["years"].value = (lo, hi)
    ex.controls["activity_type"].value = "WIST"
    assert drawn(fresh) == drawn(ex)


def test_building_an_explorer_freezes_what_is_alive_so_collections_stay_short(data):
    """The objects alive when an explorer is built (libraries, data, the explorer's widgets) leave the
    garbage collector's walks (gc.freeze): a full collection then walks only what came later."""
    import gc
    act, tk = data
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    ex = ce.coverage_explorer(act, tk)
    frozen = gc.get_freeze_count()
    assert frozen > 50_000 and len(gc.get_objects()) < frozen / 10
    assert not any(o is ex.map for o in gc.get_objects())           # the map is frozen: no walk visits it


def test_explorers_share_drawings_only_with_the_same_data_and_world(data):
    """The drawings a coverage explorer shares with others (Explorer.kept) are keyed by its activities,
    its Toolkit rows and its world (a region's map view is drawn from the world's shapes)."""
    from iccwc.views.maps import base as mb
    act, tk = data
    world = mb.get_world(None)
    fewer = {**world, "features": [f for f in world["features"] if f["id"] != "KEN"]}
    one = ce.coverage_explorer(act, tk)
    assert ce.coverage_explorer(act, tk).data_key() == one.data_key()
    assert ce.coverage_explorer(act, tk, world=fewer).data_key() != one.data_key()
    assert ce.coverage_explorer(act.iloc[:-1], tk).data_key() != one.data_key()
