"""The HTML `python -m iccwc run` writes, opened in headless Chromium with no kernel and no internet.

The real notebooks go through the whole pipeline once (a copy of data/, reports in tmp); each
page must draw every map's countries (leaflet SVG paths) and every widget from its saved state,
with its scripts from reports/_static/ and every other request blocked. Screenshots:
tests/artifacts/html-*.png.
"""
from __future__ import annotations

import json
import re

import pytest

from iccwc.commands.pipeline import find_notebooks

from browserkit import block_network, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOKS = [p.stem for p in find_notebooks()]
MAX_BYTES = 1024 * 1024
# Every saved widget view has been replaced by a rendered (lumino) widget.
RENDERED = """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
                 .every(s => s.parentElement.querySelector('.lm-Widget'))"""
BENIGN = re.compile(r"allowUnionTypes")


def widget_state(page_html: str) -> dict:
    m = re.search(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', page_html, re.S)
    return json.loads(m.group(1))["state"] if m else {}


def expected(state: dict) -> dict:
    """What the page should draw, from the saved state: maps, polygons, controls."""
    names = [m["model_name"] for m in state.values()]
    polygons = 0
    for m in state.values():
        if m["model_name"] in ("LeafletGeoJSONModel", "LeafletChoroplethModel"):
            feats = m["state"].get("data", {}).get("features", [])
            polygons += sum(1 for f in feats if (f.get("geometry") or {}).get("type") in ("Polygon", "MultiPolygon"))
    return {"maps": names.count("LeafletMapModel"), "polygons": polygons,
            "dropdowns": names.count("DropdownModel"), "html": names.count("HTMLModel")}


def test_sizes_and_index(rendered):
    files = sorted(p.name for p in rendered.glob("*.html"))
    assert files == sorted([f"{n}.html" for n in NOTEBOOKS] + ["index.html"])
    for name in files:
        size = (rendered / name).stat().st_size
        assert size < MAX_BYTES, f"{name} is {size / 1024:.0f} KB (target: under 1 MB)"
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert [f"{n}.html" for n in NOTEBOOKS] == re.findall(r'<li><a href="([^"]+)"', index)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_page_draws_maps_and_widgets_offline(rendered, page, name):
    html_path = rendered / f"{name}.html"
    page_html = html_path.read_text(encoding="utf-8")
    state = widget_state(page_html)
    want = expected(state)
    views = re.findall(r'<script type="application/vnd\.jupyter\.widget-view\+json">', page_html)
    refused = block_network(page)
    page.goto(html_path.as_uri())
    if views:
        # Every saved widget view is replaced by the rendered widget.
        page.wait_for_function(RENDERED, timeout=30_000)
    if want["maps"]:
        page.wait_for_selector(".leaflet-container", timeout=30_000)
        page.wait_for_function(f"() => document.querySelectorAll('.leaflet-container path').length >= {want['polygons']}",
                               timeout=30_000)
    page.wait_for_timeout(500)
    shot = screenshot(page, f"html-{name}")
    assert shot.stat().st_size > 10_000
    assert page.locator(".leaflet-container").count() == want["maps"]
    assert page.locator(".leaflet-container path").count() >= want["polygons"]
    assert page.locator(".widget-dropdown select").count() == want["dropdowns"]
    assert page.locator(".widget-html").count() >= min(1, want["html"])
    text = page.inner_text("body")
    assert "Error displaying widget" not in text and "Error rendering" not in text
    assert refused == [], f"fetched from outside: {refused}"
    errors = [e for e in page.console_errors if not BENIGN.search(e)]
    assert errors == [], errors


def test_index_page_links(rendered, page):
    refused = block_network(page)
    page.goto((rendered / "index.html").as_uri())
    links = page.locator("ol li a")
    assert links.count() == len(NOTEBOOKS)
    screenshot(page, "html-index")
    links.first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{NOTEBOOKS[0]}.html")
    assert refused == []


def test_stage_layers_switch_off_in_the_exported_page(rendered, page):
    """Client-side control, no Python: unticking a stage in the stage map's layers control hides
    that stage's countries (6 complete on SC66) in the exported HTML."""
    name = "01-toolkit-uptake"
    if name not in NOTEBOOKS:
        pytest.skip(f"{name} is not in notebooks/")
    refused = block_network(page)
    page.goto((rendered / f"{name}.html").as_uri())
    first = page.locator(".leaflet-container").first
    first.wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('.leaflet-container').querySelectorAll('path').length > 150",
                           timeout=30_000)
    before = first.locator("path").count()
    control = first.locator(".leaflet-control-layers")
    control.hover()
    box = control.locator("label", has_text="Toolkit implementation complete").locator("input")
    assert box.is_checked()
    box.uncheck()
    page.wait_for_timeout(300)
    screenshot(page, "html-01-stage-toggle")
    assert first.locator("path").count() == before - 6
    control.hover()          # the layers control folds up when the pointer leaves it (e.g. for the screenshot)
    box.check()
    page.wait_for_timeout(300)
    assert first.locator("path").count() == before
    assert refused == []


CLIPPED = """() => [...document.querySelectorAll('.widget-html')].flatMap(w => {
    const c = w.querySelector('.widget-html-content');
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(w).overflowX);
    return c && !scrolls && c.getBoundingClientRect().width > w.clientWidth + 2
        ? [c.innerText.slice(0, 60)] : [];
})"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_widget_text_is_cut_off_in_a_narrow_window(rendered, page, name):
    """At 900 px (JupyterLab with its file browser open leaves about that), every HTML widget's
    content fits its box or scrolls in it: the coverage explorer's side panel once grew to its
    table's width and cut its sentences off at the notebook's edge."""
    page.set_viewport_size({"width": 900, "height": 900})
    refused = block_network(page)
    page.goto((rendered / f"{name}.html").as_uri())
    page.wait_for_function(RENDERED, timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate(CLIPPED) == []
    assert refused == []
