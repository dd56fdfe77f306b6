"""Executed notebook -> HTML (iccwc.site.render): which widget state goes into the page, and how."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

import nbformat

from iccwc.site import render

STATE_BLOCK = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">\s*(.*?)\s*</script>', re.S)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def model(name, **state):
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
            "state": {"_model_name": name, **state}}


def widget_state():
    return {"version_major": 2, "version_minor": 0, "state": {
        "shown": model("HTMLModel", value="</script><script>alert('x')</script> a/b", layout="IPY_MODEL_layout"),
        "layout": model("LayoutModel", width="100%"),
        "never-shown": model("HTMLModel", value="built by a checking cell"),
    }}


def notebook(with_state_in_metadata: bool):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("w")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": "HTML(...)", render.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "shown"}})]
    nb.cells = [nbformat.v4.new_markdown_cell("# A title\n\nSome text.", id="md"), cell]
    cell.id = "code"
    if with_state_in_metadata:
        nb.metadata["widgets"] = {render.WIDGET_STATE: widget_state()}
    return nb


def page_state(page: str) -> dict:
    (block,) = STATE_BLOCK.findall(page)
    return json.loads(block.replace("\\/", "/"))


def test_only_displayed_widgets_and_what_they_reference_reach_the_page():
    nb = notebook(True)
    page = render.notebook_html(nb, "t")
    assert set(page_state(page)["state"]) == {"shown", "layout"}
    assert page.count('<script type="application/vnd.jupyter.widget-view+json">') == 1
    # the notebook itself is not changed
    assert set(nb.metadata["widgets"][render.WIDGET_STATE]["state"]) == {"shown", "layout", "never-shown"}


def test_state_is_escaped_in_its_script_block_and_round_trips():
    page = render.notebook_html(notebook(True), "t")
    (block,) = STATE_BLOCK.findall(page)
    assert "</script><script>" not in block and "<\\/script>" in block
    assert page_state(page)["state"]["shown"]["state"]["value"] == "</script><script>alert('x')</script> a/b"


def test_state_passed_apart_gives_the_same_page_as_state_in_the_metadata():
    from_metadata = render.notebook_html(notebook(True), "t")
    apart = render.notebook_html(notebook(False), "t", widget_state=widget_state())
    assert UUID.sub("U", apart) == UUID.sub("U", from_metadata)


def test_without_state_widget_views_fall_back_to_text():
    page = render.notebook_html(notebook(False), "t")
    assert not STATE_BLOCK.findall(page) and '<script type="application/vnd.jupyter.widget-view+json">' not in page
    assert "HTML(...)" in page


def test_collect_widget_state_matches_nbclients_format():
    client = SimpleNamespace(
        widget_state={"a": {"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls",
                            "_model_module_version": "2.0.0", "value": 3},
                      "half-open": {"value": 1}},                 # no _model_name yet: left out, as nbclient does
        widget_buffers={"a": {("x",): {"data": "AAE=", "encoding": "base64", "path": ["x"]}}})
    got = render.collect_widget_state(client)
    assert got["version_major"] == 2 and set(got["state"]) == {"a"}
    a = got["state"]["a"]
    assert (a["model_name"], a["model_module"], a["model_module_version"]) == (
        "IntSliderModel", "@jupyter-widgets/controls", "2.0.0")
    assert a["state"]["value"] == 3 and a["buffers"] == [{"data": "AAE=", "encoding": "base64", "path": ["x"]}]
    assert render.collect_widget_state(SimpleNamespace(widget_state={}, widget_buffers={})) is None


# --------------------------------------------------------------------------- the index page


def md_notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(s) for s in sources]
    return nb


def test_summary_is_the_what_this_answers_paragraph_without_its_label():
    nb = md_notebook("# Title\n\n**Data used.** Not this.", "Intro text.\n\n**What this answers.** Which [countries](x.md) "
                     "asked, and `how` far.\n\n**Data used.** Not this either.")
    assert render.notebook_summary(nb) == "Which countries asked, and how far."
    assert render.notebook_summary(md_notebook("# T\n\nFirst prose paragraph.")) == "First prose paragraph."


def test_summary_of_each_committed_notebook_is_whole_and_static():
    from iccwc import paths
    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        text = render.notebook_summary(nb)
        answers = next(c.source for c in nb.cells if c.cell_type == "markdown" and "**What this answers.**" in c.source)
        assert text and not text.startswith("What this answers"), path.name
        assert text.split()[0] in answers and not re.search(r"\d+ s\b", text), path.name
        assert not text.endswith("…"), f"{path.name}: the summary is cut: {text}"


def test_long_summaries_are_cut_between_words_never_inside_brackets():
    words = "alpha beta (gamma delta epsilon) zeta eta theta iota kappa lambda mu"
    for limit in range(8, len(words)):
        cut = render.shorten(words, limit)
        assert len(cut) <= limit + 1 and cut.endswith("…")
        body = cut[:-1]
        assert words.startswith(body) and (len(body) == len(words) or words[len(body)] == " "), (limit, cut)
        assert body.count("(") == body.count(")"), (limit, cut)
    assert render.shorten("First sentence here. Second one goes on and on.", 30) == "First sentence here."
    assert render.shorten("A list; of clauses; that goes on and on", 25) == "A list; of clauses…"


def test_index_shows_no_timings_and_escapes():
    entries = [render.Entry("01.html", "01.ipynb", "Toolkit <uptake>", "Which countries & how far.", 12.34)]
    page = render.index_html(entries, generated="2026-01-01", status={"toolkit_status_dates": ["2015-11-09"]},
                             parameters={})
    assert "12.3" not in page and "executed in" not in page
    assert "Toolkit &lt;uptake&gt;" in page and "Which countries &amp; how far." in page


def test_country_names_link_to_the_profiles_page_by_every_name_the_data_give():
    import pandas as pd
    from iccwc import paths
    links = render.profile_links(None, [("00-overview", "o"), ("04-country-profiles", "p")])
    assert links["href"] == "04-country-profiles.html"
    for f in ("toolkit_status.csv", "activities.csv"):
        df = pd.read_csv(paths.PROCESSED / f)
        assert all(links["countries"][n] == c for n, c in zip(df["country"], df["iso3"]))
    assert render.profile_links(None, [("00-overview", "o")]) is None           # no profiles page: no links
