"""Issue 16, items 1 and 2 (in part): an explorer's controls need Python, so a shared page hides them and
says so; a displayed explorer also carries a static form (text/html) for code hosts, and the shared
page keeps one copy of each figure.

Fast: no kernel, no browser (tests/browser/test_reports_site.py checks the real pages in Chromium).
"""
from __future__ import annotations

import base64
import html
import re

import ipywidgets as w
import nbformat
import pytest

import iccwc
from iccwc.site import reader, render
from iccwc.data import geo
from iccwc.views.explorers import base
from iccwc.views.explorers.coverage import coverage_explorer
from iccwc.views.explorers.recognition import recognition_explorer
from iccwc.views.explorers.toolkit import toolkit_explorer

#: Widgets that call Python when a reader uses them.
CONTROL_TYPES = (w.Dropdown, w.Select, w.SelectMultiple, w.IntRangeSlider, w.IntSlider, w.FloatSlider,
                 w.SelectionSlider, w.Checkbox, w.Button, w.Text, w.Textarea, w.ToggleButtons, w.RadioButtons)


def _descendants(widget, skip=None) -> list:
    if widget is skip:
        return []
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += _descendants(child, skip)
    return out


@pytest.fixture(scope="module")
def explorers(rec):
    world = geo.world()
    return {"toolkit": toolkit_explorer(iccwc.load_toolkit(status_date=None), world=world),
            "recognition": recognition_explorer(rec, world=world),
            "coverage": coverage_explorer(iccwc.load_activities(), iccwc.load_toolkit(status_date="latest"),
                                          world=world)}


@pytest.mark.parametrize("name", ["toolkit", "recognition", "coverage"])
def test_every_control_is_in_the_box_the_shared_page_hides_and_the_note_follows_it(explorers, name):
    ex = explorers[name]
    outside = [type(c).__name__ for c in _descendants(ex.widget, skip=ex.controls_box) if isinstance(c, CONTROL_TYPES)]
    assert outside == [], f"{name}: controls outside the controls box would show (and do nothing) in a shared page"
    assert base.KERNEL_ONLY in ex.controls_box._dom_classes
    kids = list(ex.widget.children)
    assert kids[kids.index(ex.controls_box) + 1] is ex.note                    # the note takes the controls' place
    assert base.STATIC_ONLY in ex.note._dom_classes and ex.note.layout.display == "none"   # hidden in Lab / Voila
    assert base.KERNEL_ONLY not in ex.note._dom_classes and base.STATIC_ONLY not in ex.controls_box._dom_classes
    note = ex.note_text()
    for control in ex.controls.values():
        if control.layout.display != "none":
            assert f"{control.description}: " in note, (name, control.description)
    assert "make lab" in note and "make app" in note


def test_the_note_says_what_the_controls_are_set_to(explorers):
    ex = explorers["toolkit"]
    cont = ex.controls["continent"]
    other = next(v for label, v in cont.options if v)
    label = next(lab for lab, v in cont.options if v == other)
    before = ex.note.value
    assert "Continent: All continents" in before
    cont.value = other
    try:
        assert f"Continent: {label}" in ex.note.value and ex.note.value != before
        assert f"Continent: {label}" in html.unescape(ex.widget._repr_mimebundle_()["text/html"])
    finally:
        cont.value = ""
    assert ex.note.value == before


@pytest.mark.parametrize("name", ["toolkit", "recognition", "coverage"])
def test_displayed_explorer_carries_the_widget_view_and_a_static_form(explorers, name):
    ex = explorers[name]
    bundle = ex.widget._repr_mimebundle_()
    assert bundle[reader.WIDGET_VIEW]["model_id"] == ex.widget.model_id           # JupyterLab's live view
    static = bundle["text/html"]
    assert not bundle["text/plain"].startswith("VBox(")                        # no repr of widgets
    shown = [x for x in _descendants(ex.widget, skip=ex.controls_box)
             if isinstance(x, w.HTML) and x.value and x is not ex.note and x.layout.display != "none"
             and base.KERNEL_ONLY not in x._dom_classes]
    assert shown
    charts = [m.group(0) for x in shown for m in re.finditer(r"<svg\b.*?</svg>", x.value, re.S)]
    for part in shown:                                                          # every text and table
        if "<svg" not in part.value:
            assert part.value in static, part.value[:80]
    # every chart, as an image of the same SVG (an untrusted notebook strips inline <svg>, keeps <img>)
    images = re.findall(r'<img class="iccwc-chart-img" alt="Chart: [^"]+"[^>]* src="data:image/svg\+xml;base64,([^"]+)"',
                        static)
    assert charts and [base64.b64decode(i).decode("utf-8") for i in images] == charts
    assert "<svg" not in static
    assert "<table" in static
    assert "<select" not in static and "<input" not in static
    assert "The map shows when the notebook runs" in static
    for control in ex.controls.values():                                        # what the controls were set to
        if control.layout.display != "none":
            assert base.control_text(control) in html.unescape(static)
    assert "Run the notebook" in static and "make lab" in static


def _explorer_notebook(bundle: dict):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 09 FICTIONAL\n\n## The explorer"), nbformat.v4.new_code_cell(
        "explorer.widget")]
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", data=bundle, execution_count=1)]
    return nb


@pytest.mark.parametrize("with_code", [False, True])
def test_shared_page_keeps_one_copy_the_widget_view(explorers, with_code):
    ex = explorers["recognition"]
    nb = _explorer_notebook(ex.widget._repr_mimebundle_())
    page = reader.prepare(nb, "09-fictional", as_of="2015-11-09", source_line="s", with_code=with_code)
    data = page.nb.cells[-1].outputs[0]["data"]
    assert reader.WIDGET_VIEW in data and "text/html" not in data
    assert page.downloads == []              # the static form's charts and table are not offered twice
    assert "text/html" in nb.cells[1].outputs[0]["data"]                       # the notebook is not changed


def test_a_plain_html_output_is_still_kept():
    nb = _explorer_notebook({"text/html": "<p>FICTIONAL table</p>", "text/plain": "<HTML>"})
    page = reader.prepare(nb, "09-fictional", as_of="", source_line="s")
    assert page.nb.cells[-1].outputs[0]["data"] == {"text/html": "<p>FICTIONAL table</p>"}


def test_page_css_hides_kernel_only_and_shows_the_note():
    css = (render.TEMPLATES / render.TEMPLATE / "static" / "page.css").read_text()
    assert re.search(r"\.%s\s*\{\s*display:\s*none\s*!important" % base.KERNEL_ONLY, css)
    assert re.search(r"\.%s\s*\{\s*display:\s*block\s*!important" % base.STATIC_ONLY, css)


def test_a_panel_that_only_asks_for_a_choice_is_kernel_only(explorers):
    ex = explorers["toolkit"]
    assert ex.controls["country"].value == ""
    assert base.KERNEL_ONLY in ex.detail._dom_classes and "Choose a country" in ex.detail.value
    assert "Choose a country" not in ex.widget._repr_mimebundle_()["text/html"]
    country = ex.controls["country"].options[1][1]
    ex.controls["country"].value = country
    try:
        assert base.KERNEL_ONLY not in ex.detail._dom_classes
        assert ex.detail.value in ex.widget._repr_mimebundle_()["text/html"]
    finally:
        ex.controls["country"].value = ""
    assert base.KERNEL_ONLY in ex.detail._dom_classes
