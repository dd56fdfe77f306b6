"""The in-page interactive charts (issue 16): with every network request blocked, each chart is drawn by the
page's own Vega, each control changes what the chart shows and the change matches the data, hovering a mark
shows its numbers, and with scripts off the chart's picture stays.

The expected counts come from the analysis functions the notebooks use (``select``, ``filter_recognitions``,
``filter_activities``), never from the page. Screenshots: tests/artifacts/vega-*.png.
"""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

import iccwc
from iccwc.analysis.coverage import filter_activities
from iccwc.analysis.recognition import filter_recognitions
from iccwc.analysis.toolkit_uptake import select

from browserkit import block_network, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def figures_in(path) -> int:
    """How many interactive charts a page file holds (its HTML writer may reorder attributes)."""
    return len(re.findall(r'<figure\b[^>]*\bclass="iccwc-vega"', path.read_text(encoding="utf-8")))


def open_page(page, path, width=1280):
    """Open a page and draw every interactive chart on it: a chart in a figure's other tab (a figure shows
    one of its views at a time) is drawn when a reader opens that tab, so each such tab is opened, and
    stays open (no figure holds two interactive charts)."""
    page.set_viewport_size({"width": width, "height": 900})
    aborted = block_network(page)
    page.goto(path.as_uri())
    n = figures_in(path)
    page.wait_for_load_state("load")
    tabs = page.evaluate("""() => [...document.querySelectorAll('.iccwc-panel')]
        .filter(p => p.querySelector('figure.iccwc-vega') && p.hidden)
        .map(p => '#' + p.closest('.iccwc-figure').id + ' .iccwc-tabs button[data-view="' + p.dataset.view + '"]')""")
    for tab in tabs:
        page.locator(tab).click()
    page.wait_for_function(f"() => document.querySelectorAll('figure.iccwc-vega-drawn').length === {n}",
                           timeout=30_000)
    return aborted, n


def chart_texts(figure) -> list[str]:
    return figure.locator(".iccwc-vega-live svg text").all_text_contents()


def count_line(figure, what: str) -> tuple[int, int]:
    """The chart's "N of M <what>" line, as numbers."""
    for t in chart_texts(figure):
        m = re.fullmatch(rf"(\d+) of (\d+) {what}", t.strip())
        if m:
            return int(m.group(1)), int(m.group(2))
    raise AssertionError(f"no 'N of M {what}' line in {chart_texts(figure)}")


def choose(page, figure, label: str, value) -> None:
    """Set the chart's control named ``label`` (a select or a range slider) as a reader would."""
    bind = figure.locator(".vega-bind", has_text=label).first
    if bind.locator("select").count():
        bind.locator("select").select_option(str(value))
    else:
        bind.locator("input[type=range]").evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value))
    page.wait_for_timeout(400)


@pytest.mark.parametrize("width", (390, 900, 1280))
def test_every_interactive_chart_is_drawn_offline_with_its_controls(rendered, page, width):
    for name in ("01-toolkit-uptake", "02-recognition-over-time", "03-regional-coverage"):
        aborted, n = open_page(page, rendered / f"{name}.html", width)
        assert n >= 1, f"{name} has no interactive chart"
        assert aborted == [] and page.console_errors == [], (aborted, page.console_errors)
        assert page.locator("figure.iccwc-vega .iccwc-vega-static").count() == 0     # the picture gave way
        assert page.locator("figure.iccwc-vega .iccwc-vega-live svg").count() == n
        box = page.locator("figure.iccwc-vega").first.bounding_box()
        assert box["width"] <= width, f"{name}: a chart is wider than the window at {width} px"
        # and each drawing fits its box at 1:1 (not shrunk by the browser, nor running off the page)
        fits = page.eval_on_selector_all("figure.iccwc-vega .iccwc-vega-live", """els => els.map(
            e => [parseFloat(e.querySelector('svg').getAttribute('width')), e.clientWidth])""")
        assert all(w <= box_w + 1 for w, box_w in fits), f"{name} at {width} px: drawing vs box widths {fits}"
        screenshot(page, f"vega-{name}-{width}")


def test_toolkit_chart_follows_region_stage_and_step(rendered, page):
    shown = iccwc.load_toolkit(status_date="latest")
    open_page(page, rendered / "01-toolkit-uptake.html")
    fig = page.locator("figure.iccwc-vega").first
    assert count_line(fig, "requesting countries") == (len(shown), len(shown))
    region = shown["document_region"].astype(str).value_counts().index[-1]      # the smallest grouping
    choose(page, fig, "Region", region)
    want = select(shown, document_region=region)
    assert count_line(fig, "requesting countries") == (len(want), len(shown))
    names = set(chart_texts(fig))
    assert set(want["country"]) <= names and not (set(shown["country"]) - set(want["country"])) & names
    choose(page, fig, "Region", "All")
    choose(page, fig, "least step", 8)
    assert count_line(fig, "requesting countries") == (len(select(shown, min_step=8)), len(shown))
    screenshot(page, "vega-01-filtered")


def test_recognition_chart_follows_category_and_years(rendered, page):
    rec = iccwc.load_recognitions()
    open_page(page, rendered / "02-recognition-over-time.html")
    fig = page.locator("figure.iccwc-vega").first
    assert count_line(fig, "instruments") == (len(rec), len(rec))
    category = str(rec["category"].value_counts().index[-1])
    choose(page, fig, "Category", category)
    assert count_line(fig, "instruments") == (len(filter_recognitions(rec, categories=category)), len(rec))
    choose(page, fig, "Category", "All")
    year = int(rec["year"].max()) - 1
    choose(page, fig, "Year from", year)
    assert count_line(fig, "instruments") == (len(filter_recognitions(rec, years=(year, None))), len(rec))


def test_coverage_chart_follows_group_and_years(rendered, page):
    act = iccwc.load_activities()
    open_page(page, rendered / "03-regional-coverage.html")
    fig = page.locator("figure.iccwc-vega").first
    assert count_line(fig, "activities") == (len(act), len(act))
    region = "Asia"
    choose(page, fig, "Region", region)
    assert count_line(fig, "activities") == (len(filter_activities(act, region=region)), len(act))
    choose(page, fig, "Region", "All")
    last = int(act["year_start"].max())
    choose(page, fig, "Year from", last - 1)
    want = filter_activities(act, years=(last - 1, int(act["year_end"].max())))
    assert count_line(fig, "activities") == (len(want), len(act))


def test_hovering_a_bar_shows_its_numbers(rendered, page):
    shown = iccwc.load_toolkit(status_date="latest")
    open_page(page, rendered / "01-toolkit-uptake.html")
    fig = page.locator("figure.iccwc-vega").first
    row = shown.sort_values("last_step").iloc[-1]
    bars = fig.locator(".iccwc-vega-live g.mark-rect path")
    assert bars.count() >= len(shown)
    for i in range(bars.count()):
        bars.nth(i).hover()
        title = fig.locator(".iccwc-vega-live").first.get_attribute("title") or ""   # Vega's tooltip
        if str(row["country"]) in title:
            assert str(int(row["last_step"])) in title and str(row["stage"]) in title
            return
    raise AssertionError(f"no bar's tooltip names {row['country']}")


def test_without_scripts_each_chart_shows_its_picture(rendered, page, tmp_path):
    name = "02-recognition-over-time"
    alone = tmp_path / f"{name}.html"
    shutil.copy(rendered / f"{name}.html", alone)          # sent alone: no _static/, so no Vega
    block_network(page)
    page.goto(alone.as_uri())
    page.wait_for_timeout(1500)
    pictures = page.locator("figure.iccwc-vega .iccwc-vega-static svg")
    assert pictures.count() == figures_in(alone) >= 1
    label = page.locator("figure.iccwc-vega .iccwc-vega-static").first.get_attribute("aria-label")
    assert label and "instruments" in label.lower()
    screenshot(page, f"vega-{name}-no-scripts")


def maps_drawn(page) -> None:
    """Wait for the page's maps: their layers controls and their shapes."""
    page.wait_for_function("() => document.querySelectorAll('.leaflet-control-layers-overlays label').length > 0"
                           " && document.querySelectorAll('.leaflet-overlay-pane path').length > 50", timeout=30_000)
    page.wait_for_timeout(500)


def overlay_state(page) -> list[list]:
    """[layer name, ticked] of every map's layers control on the page, in order."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
        .map(l => [l.textContent.trim(), l.querySelector('input').checked])""")


def map_fills(page) -> set[str]:
    """The fill colours of the shapes and circles the maps draw (the grey world's included)."""
    return set(page.evaluate("""() => Array.from(document.querySelectorAll('.leaflet-overlay-pane path'))
        .map(p => (p.getAttribute('fill') || '').toLowerCase())"""))


def test_the_stage_map_follows_the_charts_stage_control(rendered, page):
    from iccwc.views.charts.base import STAGE_FILLS
    from iccwc.vocab import STAGE_LEGEND
    shown = iccwc.load_toolkit(status_date="latest")
    open_page(page, rendered / "01-toolkit-uptake.html")
    maps_drawn(page)
    stages = shown["stage"].astype(str).value_counts()
    stage = str(stages.index[0])                               # the stage most countries are at
    others = {STAGE_FILLS[s].lower() for s in stages.index if s != stage}
    assert others and others <= map_fills(page)                # every stage is drawn before the choice
    fig = page.locator("figure.iccwc-vega[data-iccwc-map-layers]").first
    choose(page, fig, "Stage", stage)
    state = overlay_state(page)
    stage_rows = [(n, on) for n, on in state if n in STAGE_LEGEND.values()]
    assert stage_rows and all(on == (n == STAGE_LEGEND[stage]) for n, on in stage_rows), state
    fills = map_fills(page)
    assert STAGE_FILLS[stage].lower() in fills and not (others & fills), fills
    assert count_line(fig, "requesting countries") == (int(stages[stage]), len(shown))   # chart and map agree
    screenshot(page, "vega-01-map-follows-stage")
    choose(page, fig, "Stage", "All")
    assert all(on for n, on in overlay_state(page) if n in STAGE_LEGEND.values())
    assert others <= map_fills(page)


def test_the_coverage_map_follows_the_charts_region_control(rendered, page):
    from iccwc.views.charts.base import REGION_COLOURS
    act = iccwc.load_activities()
    open_page(page, rendered / "03-regional-coverage.html")
    maps_drawn(page)
    regions = sorted(set(act["document_region"].astype(str)))
    region = "Asia"
    fig = page.locator("figure.iccwc-vega[data-iccwc-map-layers]").first
    choose(page, fig, "Region", region)
    state = dict(overlay_state(page))
    assert state[region] is True and not any(state[r] for r in regions if r != region), state
    fills = map_fills(page)
    assert REGION_COLOURS[region].lower() in fills
    assert not {REGION_COLOURS[r].lower() for r in regions if r != region} & fills
    assert count_line(fig, "activities") == (len(filter_activities(act, region=region)), len(act))


def test_hovering_a_map_feature_shows_what_it_is(rendered, page):
    from iccwc.vocab import STAGE_LEGEND
    shown = iccwc.load_toolkit(status_date="latest")
    open_page(page, rendered / "01-toolkit-uptake.html")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-container path').length > 50")
    expected = {str(r.country): STAGE_LEGEND[str(r.stage)] for r in shown.itertuples()}
    from iccwc.views.charts.base import STAGE_FILLS
    fills = {v.lower() for v in STAGE_FILLS.values()}
    paths = page.locator(".leaflet-container").first.locator("path.leaflet-interactive")
    seen = {}
    for i in range(paths.count()):
        p = paths.nth(i)
        if (p.get_attribute("fill") or "").lower() not in fills:
            continue                                           # the grey world
        p.scroll_into_view_if_needed()
        box = p.bounding_box()
        if not box or box["width"] < 4:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)
        tips = page.locator(".leaflet-tooltip").all_inner_texts()
        if tips:
            seen[tips[-1].splitlines()[0]] = tips[-1]
        if len(seen) >= 3:
            break
    assert len(seen) >= 3, seen
    for country, text in seen.items():
        assert country in expected and expected[country] in text, (country, text)


def _expected_counts():
    """For each page: (the count line's noun, its total, {control label: function(value) -> rows shown})."""
    tk = iccwc.load_toolkit(status_date="latest")
    rec = iccwc.load_recognitions()
    act = iccwc.load_activities()
    lo, hi = int(act["year_start"].min()), int(max(act["year_end"].max(), act["year_start"].max()))
    rlo, rhi = int(rec["year"].min()), int(rec["year"].max())
    return {
        "01-toolkit-uptake": ("requesting countries", len(tk), {
            "Region": lambda v: len(select(tk, document_region=v)),
            "Stage": lambda v: int((tk["stage"].astype(str) == v).sum()),
            "least step": lambda v: len(select(tk, min_step=int(v)))}),
        "02-recognition-over-time": ("instruments", len(rec), {
            "Category": lambda v: len(filter_recognitions(rec, categories=v)),
            "Kind": lambda v: int((rec["instrument_type"].astype(str) == v).sum()),
            "Year from": lambda v: len(filter_recognitions(rec, years=(int(v), rhi))),
            "Year to": lambda v: len(filter_recognitions(rec, years=(rlo, int(v))))}),
        "03-regional-coverage": ("activities", len(act), {
            "Region": lambda v: len(filter_activities(act, region=v)),
            "Activity group": lambda v: len(filter_activities(act, category=v)),
            "Activity type": lambda v: len(filter_activities(act, activity_type=v)),
            "Year from": lambda v: len(filter_activities(act, years=(int(v), hi))),
            "Year to": lambda v: len(filter_activities(act, years=(lo, int(v))))}),
    }


@pytest.mark.parametrize("name", ("01-toolkit-uptake", "02-recognition-over-time", "03-regional-coverage"))
def test_every_value_of_every_control_gives_the_count_the_data_give(rendered, page, name):
    what, total, controls = _expected_counts()[name]
    open_page(page, rendered / f"{name}.html")
    fig = page.locator("figure.iccwc-vega").first
    labels = [t.strip() for t in fig.locator(".vega-bind-name").all_inner_texts()]
    assert len(labels) == len(controls), labels                   # every control of the chart is covered
    for label, expected in controls.items():
        bind = fig.locator(".vega-bind", has_text=label).first
        if bind.locator("select").count():
            values = [v for v in bind.locator("option").all_inner_texts() if v != "All"]
            reset = "All"
        else:
            slider = bind.locator("input[type=range]")
            lo, hi = int(slider.get_attribute("min")), int(slider.get_attribute("max"))
            values = [str(v) for v in range(lo, hi + 1)]
            reset = slider.input_value()
        assert values, f"{name}: the {label} control has no values"
        changed = False
        for value in values:
            choose(page, fig, label, value)
            shown = count_line(fig, what)
            assert shown == (expected(value), total), f"{name}: {label} = {value}: page {shown}, data {expected(value)}"
            changed |= shown[0] != total
        assert changed, f"{name}: no value of {label} changes the chart"
        choose(page, fig, label, reset)
        assert count_line(fig, what) == (total, total)


def hover_titles(fig, selector: str) -> list[str]:
    """The tooltip (Vega's default: the container's title) of each mark matching ``selector``."""
    marks, out = fig.locator(selector), []
    for i in range(marks.count()):
        marks.nth(i).hover()
        out.append(fig.locator(".iccwc-vega-live").first.get_attribute("title") or "")
    return out


def test_tooltips_of_the_coverage_and_recognition_charts_give_the_datas_numbers(rendered, page):
    act = iccwc.load_activities()
    open_page(page, rendered / "03-regional-coverage.html")
    fig = page.locator("figure.iccwc-vega").first
    titles = hover_titles(fig, ".iccwc-vega-live g.mark-rect path")
    for region, rows in act.groupby(act["document_region"].astype(str)):
        want = f"region: {region}\ncountries: {rows['iso3'].nunique()}\nactivities: {len(rows)}"
        assert want in titles, (want, [t for t in titles if region in t])
    dated = act[act["year_start"].notna()]
    for (year, region), rows in dated.groupby([dated["year_start"].astype(int), dated["document_region"].astype(str)]):
        assert any(f"year: {year}" in t and f"region: {region}" in t and f"activities (this region): {len(rows)}" in t
                   for t in titles), (year, region, len(rows))
    rec = iccwc.load_recognitions()
    open_page(page, rendered / "02-recognition-over-time.html")
    fig = page.locator("figure.iccwc-vega").first
    titles = hover_titles(fig, ".iccwc-vega-live g.mark-rect path")      # one bar per instrument
    by_name = {dict(line.split(": ", 1) for line in t.splitlines())["instrument"]: t for t in titles}
    assert sorted(by_name) == sorted(rec["instrument"].astype(str)), sorted(by_name)
    for r in rec.itertuples():
        tip = dict(line.split(": ", 1) for line in by_name[str(r.instrument)].splitlines())
        assert tip["category"] == str(r.category) and tip["kind"] == str(r.instrument_type), tip
        assert tip["date"].endswith(str(r.year)) and tip["mentions the Toolkit"] == (
            "unknown" if pd.isna(r.mentions_toolkit) else "yes" if r.mentions_toolkit else "no")


def test_the_reach_charts_time_control_shows_the_counts_up_to_a_date(rendered, page):
    from iccwc.analysis.toolkit_uptake import reach_series
    from iccwc.data.load import load_toolkit_reach
    series = reach_series(load_toolkit_reach(), iccwc.load_toolkit())
    open_page(page, rendered / "01-toolkit-uptake.html")
    fig = page.locator("figure.iccwc-vega", has=page.locator("select[name='reach_upto']"))
    options = fig.locator("select[name='reach_upto'] option").all_inner_texts()
    whens = sorted(series["when"].unique())
    assert len(options) == len(whens)
    def labels_drawn():
        return sorted(t for t in fig.locator(".iccwc-vega-live g.mark-text.role-mark text").all_text_contents())
    assert labels_drawn() == sorted(series["label"].astype(str))
    for option, when in zip(options, whens):
        choose(page, fig, "Counts up to", option)
        want = series[series["when"] <= when]
        assert labels_drawn() == sorted(want["label"].astype(str)), (option, labels_drawn())
    measure = str(series["measure"].astype(str).iloc[-1])
    choose(page, fig, "Measure", measure)
    assert labels_drawn() == sorted(series.loc[series["measure"].astype(str) == measure, "label"].astype(str))
