"""reports/ as a policy reader gets it (issue 15): a self-contained site, opened from disk with every
network request blocked, at phone (390 px), narrow (900 px) and desktop (1280 px) widths.

Each page draws its maps (leaflet containers with country paths) and charts, logs no console error,
shows no code; every link resolves to a file; each download link names a file that exists, and a
table's CSV holds the rows the page shows; no text is cut off and none is under 10 px (outside the
charts' own SVG text); pages stay under 1 MB and _static/ under 5 MB. With the scripts gone, each
widget view shows its one-line note instead of blank space. Screenshots: tests/artifacts/site-*.png.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest

from iccwc.site import static_assets
from iccwc.commands.pipeline import find_notebooks
from iccwc.data.csvio import unneutralise

from browserkit import REVEAL, block_network, open_tabs_with, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOKS = [p.stem for p in find_notebooks()]
PAGES = NOTEBOOKS + ["index"]
WIDTHS = (390, 900, 1280)
DRAWN = """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
                 .every(s => s.parentElement.querySelector('.lm-Widget'))"""

# Text that sticks out of a box that does not scroll, or out of the window (outside a scrolling box);
# text under 10 px. The charts' SVG text scales with the chart and is left out, and so are the maps'
# labels (a map is a window on the world: labels pan in and out of it).
CUT_OR_SMALL = """() => {
  const out = [], vw = document.documentElement.clientWidth;
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('svg') || e.closest('.leaflet-pane') || !e.offsetParent) continue;   // map labels pan
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = e.getBoundingClientRect();
    if (!r.width) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < 10) out.push(`${size}px: ${e.textContent.trim().slice(0, 50)}`);
    let scrolls = false, cut = false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (['auto', 'scroll'].includes(cs.overflowX)) { scrolls = true; break; }
      if (cs.overflowX === 'hidden' || cs.overflowX === 'clip') {
        const ar = a.getBoundingClientRect();
        cut = r.right > ar.right + 2 || r.left < ar.left - 2;
        if (cut) break;
      }
    }
    if (cut || (!scrolls && r.right > vw + 2)) out.push(`cut: ${e.tagName} ${e.textContent.trim().slice(0, 50)}`);
  }
  return out;
}"""


def _numbers(row: list[str]) -> list:
    """A row with each number as a float: a CSV holds 23.7104 where the page's table prints 23.71040."""
    def one(c):
        try:
            return float(c)
        except ValueError:
            return c
    return [one(c) for c in row]


def open_offline(page, path: Path, width: int = 1280):
    page.set_viewport_size({"width": width, "height": 900})
    aborted = block_network(page)
    page.goto(path.as_uri())
    if "widget-view+json" in path.read_text(encoding="utf-8"):
        page.wait_for_function(DRAWN, timeout=30_000)
    if page.locator(".leaflet-container").count():
        page.wait_for_function("() => document.querySelectorAll('.leaflet-container path').length > 50",
                               timeout=30_000)
    page.wait_for_timeout(300)
    return aborted


def test_budget(rendered):
    for name in PAGES:
        size = (rendered / f"{name}.html").stat().st_size
        assert size < 1024 * 1024, f"{name}.html is {size / 1024:.0f} KB"
    assert static_assets.missing(rendered) == []
    # 4.7 MB: the widget manager 2.8 (without its ipywidgets 7 modules), jupyter-leaflet 1.3, vega 0.5
    # (the in-page charts), require.js 0.1
    assert static_assets.static_bytes(rendered) < 5_000_000


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_offline_draws_maps_and_charts_shows_no_code_and_cuts_nothing(rendered, page, name, width):
    html = (rendered / f"{name}.html").read_text(encoding="utf-8")
    aborted = open_offline(page, rendered / f"{name}.html", width)
    shot = screenshot(page, f"site-{name}-{width}")
    assert aborted == [], f"requests outside the folder: {aborted}"
    assert page.console_errors == [], page.console_errors
    maps = html.count('"_model_name":"LeafletMapModel"')
    assert page.locator(".leaflet-container").count() == maps
    for i in range(maps):
        assert page.locator(".leaflet-container").nth(i).locator("path").count() > 50
    open_tabs_with(page, "figure.iccwc-vega")                    # an in-page chart is drawn when its tab opens
    n_vega = len(re.findall(r'<figure\b[^>]*\bclass="iccwc-vega"', html))
    page.wait_for_function(f"() => document.querySelectorAll('figure.iccwc-vega-drawn').length === {n_vega}",
                           timeout=30_000)
    assert (page.locator("svg[role=img]").count() + page.locator("figure.iccwc-vega-drawn").count()
            == html.count('data-png='))                                          # one per chart, each drawn
    assert page.locator(".jp-InputArea-editor, .jp-CodeCell .jp-InputArea, .highlight").count() == 0
    text = page.inner_text("body")
    for marker in ("NBVAL", "assert ", "import iccwc", "iccwc-notebooks   0.1", "No description has been provided"):
        assert marker not in text, f"{name}: {marker!r} shown to readers"
    assert page.locator(".iccwc-fallback:visible").count() == 0, "a widget view was not drawn"
    if name != "index":
        assert "How this was made" in text
        fonts = page.evaluate("""() => [...new Set([...document.querySelectorAll(
            'p, li, td, .widget-html-content, .widget-label, .leaflet-container, select')]
            .map(e => getComputedStyle(e).fontFamily.split(',')[0].trim()))]""")
        assert fonts == ["system-ui"], fonts
    assert page.evaluate(CUT_OR_SMALL) == [], shot


@pytest.mark.parametrize("name", PAGES)
def test_every_link_resolves_and_pages_link_to_each_other(rendered, page, name):
    open_offline(page, rendered / f"{name}.html")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    local = [h for h in hrefs if not h.startswith(("#", "http://", "https://", "mailto:"))]
    assert not [h for h in hrefs if ".ipynb" in h], "a link to a notebook file, not its page"
    for h in local:
        target = rendered / urllib.parse.unquote(h.split("#")[0])
        assert target.is_file(), f"{name}: {h} does not exist"
    if name != "index":
        i = NOTEBOOKS.index(name)
        nav = page.eval_on_selector_all("nav.iccwc-nav.top a", "els => els.map(e => e.getAttribute('href'))")
        want = ([f"{NOTEBOOKS[i - 1]}.html"] if i else []) + ["index.html"] + (
            [f"{NOTEBOOKS[i + 1]}.html"] if i < len(NOTEBOOKS) - 1 else [])
        assert nav == want
    else:
        assert page.eval_on_selector_all("ol li > a", "els => els.map(e => e.getAttribute('href'))") == [
            f"{n}.html" for n in NOTEBOOKS]
        assert page.locator("text=Dates of the data").count() == len(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_downloads_exist_and_csv_rows_match_the_table(rendered, page, name):
    open_offline(page, rendered / f"{name}.html")
    links = page.locator("a.iccwc-download[download]")
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        assert (rendered / href).is_file(), href
        assert href.startswith(f"{name}.") and ".as-of-" in href
        if href.endswith(".csv") and links.nth(i).evaluate(
                "a => !!a.closest('.jp-OutputArea-output').querySelector('figure.iccwc-vega')"):
            # an interactive chart's rows: the CSV holds the data the page's chart is drawn from (its largest
            # list of rows; a map's shapes may be inline as JSON text, parsed by Vega)
            data = links.nth(i).evaluate("""a => {
                const f = a.closest('.jp-OutputArea-output').querySelector('figure.iccwc-vega');
                const s = JSON.parse(f.querySelector('script[type="application/vnd.iccwc.vega+json"]').textContent);
                const vals = s.data.filter(d => Array.isArray(d.values)).map(d => d.values).sort((x, y) => y.length - x.length)[0];
                return {n: vals.length, keys: [...new Set(vals.flatMap(v => Object.keys(v)))]};
            }""")
            rows = list(csv.reader(io.StringIO((rendered / href).read_text(encoding="utf-8"))))
            assert rows[0] == data["keys"] and len(rows) - 1 == data["n"], href
            assert f"CSV ({data['n']} rows)" == links.nth(i).inner_text()
            continue
        if href.endswith(".csv"):
            links.nth(i).evaluate(REVEAL)                             # the table's tab, as a reader opens it
            shown = links.nth(i).evaluate("""a => {
                const out = a.closest('.jp-OutputArea-output');
                const t = out.querySelector('table');
                return [...t.querySelectorAll('tr')].filter(tr => tr.closest('table') === t)
                   .map(tr => [...tr.children].map(c => c.innerText.replace(/\\s+/g, ' ').trim()));
            }""")
            rows = list(csv.reader(io.StringIO((rendered / href).read_text(encoding="utf-8"))))
            csv_rows = [[unneutralise(c) for c in r] for r in rows]
            shown = [r for r in shown if r]
            if len(shown) > 1 and shown[1][0] and not any(shown[1][1:]) and len(shown[1]) == len(shown[0]):
                # pandas heads a named index on a row of its own: the CSV has one header row, the name first
                shown = [[shown[1][0]] + shown[0][1:]] + shown[2:]
            assert [_numbers(r) for r in csv_rows] == [_numbers(r) for r in shown], href   # numbers as numbers
            for row in rows:
                assert not any(c.startswith(("=", "+", "-", "@")) for c in row), row


def test_png_download_is_made_in_the_page(rendered, page):
    name = next((n for n in NOTEBOOKS if "iccwc-png" in (rendered / f"{n}.html").read_text(encoding="utf-8")), None)
    if name is None:
        pytest.skip("no chart on any page")
    open_offline(page, rendered / f"{name}.html")
    link = page.locator("a.iccwc-png").first
    link.scroll_into_view_if_needed()
    with page.expect_download() as dl:
        link.click()
    got = dl.value
    assert got.suggested_filename == link.get_attribute("data-png")
    assert Path(got.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_scripts_each_widget_view_says_why_it_is_empty(rendered, page, tmp_path):
    """The folder without _static/ (a page sent alone): no blank space, a note per widget view."""
    name = next((n for n in NOTEBOOKS if "widget-view+json" in (rendered / f"{n}.html").read_text(encoding="utf-8")),
                None)
    if name is None:
        pytest.skip("no widget view on any page")
    alone = tmp_path / f"{name}.html"
    shutil.copy(rendered / f"{name}.html", alone)
    block_network(page)
    page.goto(alone.as_uri())
    page.wait_for_timeout(1500)
    views = alone.read_text(encoding="utf-8").count('type="application/vnd.jupyter.widget-view+json">')
    notes = page.locator(".iccwc-fallback:visible")
    assert notes.count() == views
    assert "needs JavaScript" in notes.first.inner_text()
    screenshot(page, f"site-{name}-no-scripts")


DATA_MARKS = """(colours) => [...document.querySelectorAll('.leaflet-container')].map(map => {
  const box = map.getBoundingClientRect(), out = [];
  for (const p of map.querySelectorAll('.leaflet-overlay-pane path')) {
    if (!colours.includes((p.getAttribute('fill') || '').toLowerCase())) continue;
    const r = p.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < box.left || x > box.right || y < box.top || y > box.bottom) out.push(`${Math.round(x)},${Math.round(y)}`);
  }
  const title = map.querySelector('.iccwc-map-title'), legend = map.querySelector('.iccwc-legend'),
        credit = map.querySelector('.leaflet-control-attribution');
  const overlap = (a, b) => { if (!a || !b) return false; const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom; };
  return {outside: out, title: title ? title.textContent : '', legendUnderCredit: overlap(legend, credit)};
})"""


@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("name", ["01-toolkit-uptake", "03-regional-coverage"])
def test_maps_have_a_title_open_on_all_their_countries_and_keep_the_legend_clear(rendered, page, name, width):
    """Each map says what it shows and as of when, opens with every marked country in view (at 390 px the
    page's script zooms out by a fraction of a level), and its legend is not covered by the credit line."""
    from iccwc.views.charts import base as charts
    open_offline(page, rendered / f"{name}.html", width)
    page.wait_for_timeout(500)
    colours = [c.lower() for c in (*charts.STAGE_COLOURS.values(), *charts.REGION_COLOURS.values())]
    maps = page.evaluate(DATA_MARKS, colours)
    screenshot(page, f"site-maps-{name}-{width}")
    assert maps, name
    for i, m in enumerate(maps):
        assert m["title"], f"map {i} of {name} has no title"
        assert m["outside"] == [], f"map {i} of {name} at {width} px opens with marks outside the view: {m['outside']}"
        assert not m["legendUnderCredit"], f"map {i} of {name}: the credit line covers the legend"


# Issue 16, item 1: a shared page shows no control that does nothing. An explorer's controls call Python
# (hidden there; a note says what they are set to and where they work); what works without Python stays:
# the maps' zoom buttons and layers controls, and the in-page charts' own filters (Vega-Lite bindings in
# figure.iccwc-vega, drawn by the page's script).
VISIBLE_CONTROLS = """() => [...document.querySelectorAll(
    'select, input, button, textarea, [role=slider], [role=button], [role=checkbox], .widget-slider, '
    + '.widget-checkbox, .widget-dropdown, .widget-button, .widget-text, .widget-toggle-buttons')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => !e.closest('.leaflet-control-layers, .leaflet-control-zoom, figure.iccwc-vega, .iccwc-tabs'))
  .map(e => e.outerHTML.slice(0, 100))"""


@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_explorer_control_shows_in_a_shared_page_and_the_note_says_where_they_work(rendered, page, name, width):
    html = (rendered / f"{name}.html").read_text(encoding="utf-8")
    aborted = open_offline(page, rendered / f"{name}.html", width)
    assert aborted == []
    assert page.evaluate(VISIBLE_CONTROLS) == [], f"{name} at {width} px shows controls that need Python"
    explorers = html.count('"_dom_classes":["iccwc-static-only"]')
    notes = page.locator(".iccwc-explorer-note:visible")
    assert notes.count() == explorers
    assert page.locator(".iccwc-kernel-only").count() >= explorers        # drawn, then hidden (not missing)
    # no widget asks the reader to use a hidden control (the 01 country panel before a choice)
    assert page.locator(".widget-html-content:visible", has_text="Choose a country in the list").count() == 0
    if explorers:
        assert page.locator(".iccwc-kernel-only select").count() > 0
        shot = screenshot(page, f"site-note-{name}-{width}")
        for i in range(explorers):
            text = notes.nth(i).inner_text()
            assert "Shown here:" in text and "make lab" in text and "make app" in text, text
            box = notes.nth(i).bounding_box()
            assert box and box["height"] < 200 and box["x"] + box["width"] <= width + 1, shot


MAP_SIGNATURE = """(i) => {
  const m = document.querySelectorAll('.leaflet-container')[i];
  return [m.querySelectorAll('.leaflet-overlay-pane path').length, m.querySelectorAll('.leaflet-marker-icon').length,
          m.querySelector('.leaflet-map-pane').style.transform,
          [...m.querySelectorAll('.leaflet-overlay-pane path')].map(p => p.getAttribute('d')).join('').length].join('|');
}"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_control_left_in_a_shared_page_changes_the_map(rendered, page, name):
    """Each layers checkbox hides its layer and brings it back; each zoom button moves the view."""
    open_offline(page, rendered / f"{name}.html", 1280)
    maps = page.locator(".leaflet-container")
    used = 0
    for i in range(maps.count()):
        m = maps.nth(i)
        m.scroll_into_view_if_needed()
        control = m.locator(".leaflet-control-layers")
        boxes = control.locator("input")
        for k in range(boxes.count()):
            control.hover()
            box = boxes.nth(k)
            before = page.evaluate(MAP_SIGNATURE, i)
            box.click()
            page.wait_for_timeout(200)
            after = page.evaluate(MAP_SIGNATURE, i)
            assert after != before, f"{name}: map {i}, layer {k} ({control.locator('label').nth(k).inner_text()}) changes nothing"
            control.hover()
            box.click()
            page.wait_for_timeout(200)
            assert page.evaluate(MAP_SIGNATURE, i) == before
            used += 1
        for which in (".leaflet-control-zoom-in", ".leaflet-control-zoom-out"):
            button = m.locator(which)
            if not button.count() or "leaflet-disabled" in (button.get_attribute("class") or ""):
                continue
            before = page.evaluate(MAP_SIGNATURE, i)
            button.click()
            page.wait_for_timeout(600)
            assert page.evaluate(MAP_SIGNATURE, i) != before, f"{name}: map {i} {which} changes nothing"
            used += 1
    assert used or not maps.count()
    assert page.console_errors == [], page.console_errors


CHART_SIGNATURE = """(f) => { const s = document.querySelectorAll('figure.iccwc-vega')[f].querySelector('.iccwc-vega-live svg');
  if (!s) return ''; const t = s.innerHTML; let h = 0;
  for (let i = 0; i < t.length; i++) h = (h * 31 + t.charCodeAt(i)) | 0; return t.length + ':' + h; }"""


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_in_page_chart_control_changes_its_chart(rendered, page, name):
    """The in-page charts' filters need no kernel: each list and slider redraws its chart."""
    open_offline(page, rendered / f"{name}.html", 1280)
    figures = page.locator("figure.iccwc-vega")
    for f in range(figures.count()):
        fig = figures.nth(f)
        fig.evaluate(REVEAL)                                      # its figure's tab, as a reader opens it
        fig.scroll_into_view_if_needed()
        page.wait_for_function(f"() => ({CHART_SIGNATURE})({f}) !== ''", timeout=30_000)
        for kind in ("select", "input[type=range]", "input[type=checkbox]", "input[type=radio]"):
            controls = fig.locator(f".vega-bindings {kind}")
            for k in range(controls.count()):
                c = controls.nth(k)
                before = page.evaluate(CHART_SIGNATURE, f)
                if kind == "select":
                    old = c.input_value()
                    values = [o.get_attribute("value") for o in c.locator("option").all()]
                    c.select_option(next(v for v in reversed(values) if v != old))   # another value than now
                    restore = lambda c=c, old=old: c.select_option(old)     # noqa: E731
                elif kind == "input[type=range]":
                    old = c.input_value()
                    lo, hi = c.get_attribute("min"), c.get_attribute("max")
                    far = lo if old == hi else hi
                    c.fill(far)
                    restore = lambda c=c, old=old: c.fill(old)     # noqa: E731
                else:
                    c.click()
                    restore = c.click
                page.wait_for_timeout(300)
                assert page.evaluate(CHART_SIGNATURE, f) != before, f"{name}: chart {f}, {kind} {k} changes nothing"
                restore()               # (vega may redraw marks in another order: no byte-equality check)
                page.wait_for_timeout(300)
    assert page.console_errors == [], page.console_errors
