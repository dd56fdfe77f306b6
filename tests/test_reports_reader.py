"""The shared pages (issue 15): the reader's view, downloads, navigation, the self-contained scripts.

Fast: no kernel, no browser (tests/browser/test_reports_site.py opens the real site in Chromium).
"""
from __future__ import annotations

import csv
import io
import re

import nbformat
import pytest

from iccwc.site import reader, render, static_assets
from iccwc.data.csvio import unneutralise


def out(kind, **kw):
    return nbformat.v4.new_output(kind, **kw)


def code(src, *outputs, tags=()):
    c = nbformat.v4.new_code_cell(src, metadata={"tags": list(tags)} if tags else {})
    c.outputs = list(outputs)
    return c


TABLE = ("<table id='T_x'><thead><tr><th>country</th><th>note</th></tr></thead><tbody>"
         "<tr><td>Kenya</td><td>=HYPERLINK(\"http://x\")</td></tr><tr><td>Togo &amp; co</td><td>-3</td></tr>"
         "<tr><td>Peru</td><td>@sum<br>two</td></tr></tbody></table>")
SVG = "<div class='iccwc-chart'><svg viewBox='0 0 10 10' xmlns='http://www.w3.org/2000/svg'><rect/></svg></div>"


def table_output():
    """The output a cell displaying ``charts.table_view`` of a FICTIONAL table saves (its rows in metadata)."""
    import pandas as pd

    from iccwc.views.charts import base as charts
    df = pd.DataFrame({"country": ["Kenya", "Togo & co", "Peru"], "note": ['=HYPERLINK("http://x")', "-3", "@sum two"]})
    data, meta = charts.table_view(df, index=False)._repr_html_()
    return out("display_data", data={"text/html": data, "text/plain": "<HTML>"}, metadata={"text/html": meta})


def sample():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 01 A title\n\nSee [the overview](00-overview.ipynb#top)."),
        code("data_dir = None", tags=["parameters"]),
        code("import iccwc\nstatus = iccwc.data_status()\nprint(iccwc.sources_text(status))",
             out("stream", name="stdout", text="raw/documents/x.txt sha256 ...")),
        nbformat.v4.new_markdown_cell("## 2. The funnel"),
        code("assert s == 17\ns", out("execute_result", data={"text/plain": "{'requests': 17}"}, execution_count=1)),
        code("# NBVAL_IGNORE_OUTPUT\nprint(x.to_string())", out("stream", name="stdout", text="a  b\n1  2\n"),
             out("stream", name="stderr", text="DeprecationWarning: ...")),
        code("display(charts.table_view(t))", table_output()),
        code("charts.show(fig)", out("display_data", data={"text/html": SVG, "text/plain": "<HTML>"})),
        code("# What the explorer opens on (its callbacks are tested in tests/test_x.py)\nprint(1)",
             out("stream", name="stdout", text="Explorer shows: 17\n")),
        code("print(t.to_string())\ndisplay(Markdown('**12** of them'))",
             out("stream", name="stdout", text="TEXT TWIN\n"),
             out("display_data", data={"text/markdown": "**12** of them", "text/plain": "<Markdown>"}),
             tags=[reader.TEXT_COPY]),
        code("from iccwc.commands.versions import versions_text\nprint(versions_text())",
             out("stream", name="stdout", text="python 3.11\n")),
        code("m", out("execute_result", execution_count=2, data={
            "text/plain": "Map(center=[8, 20])", reader.WIDGET_VIEW: {"version_major": 2, "version_minor": 0,
                                                                       "model_id": "m1"}})),
    ]
    return nb


def test_reader_view_keeps_what_is_meant_for_readers_only():
    page = reader.prepare(sample(), "01-a", as_of="2015-11-09", source_line="CITES Secretariat, 2016-01")
    texts = [o.get("text", "") for c in page.nb.cells if c.cell_type == "code" for o in c.outputs]
    datas = [o.get("data", {}) for c in page.nb.cells if c.cell_type == "code" for o in c.outputs]
    assert texts == [""] * len(texts)                                  # no printed text at all
    assert not any(o.get("output_type") == "stream" for c in page.nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "TEXT TWIN\n" not in texts and any(d.get("text/markdown") == "**12** of them" for d in datas)
    assert not any(d.get("text/plain") for d in datas)              # no raw reprs, no repr beside rich output
    assert any(reader.WIDGET_VIEW in d for d in datas)
    assert not any("parameters" in c.get("metadata", {}).get("tags", []) for c in page.nb.cells)
    # the notebook itself is not changed
    assert sample().cells[4].outputs[0]["data"]["text/plain"] == "{'requests': 17}"


def test_author_view_keeps_every_cell_and_output():
    nb = sample()
    page = reader.prepare(nb, "01-a", as_of="2015-11-09", source_line="s", with_code=True)
    assert len(page.nb.cells) == len(nb.cells)
    assert sum(len(c.outputs) for c in page.nb.cells if c.cell_type == "code") == sum(
        len(c.outputs) for c in nb.cells if c.cell_type == "code")


def test_table_download_has_the_rows_neutralised_and_a_name_that_says_what_and_when():
    page = reader.prepare(sample(), "01-a", as_of="2015-11-09", source_line="s")
    (table,) = [d for d in page.downloads if d.kind == "table"]
    assert table.name == "01-a.table-1-2-the-funnel.as-of-2015-11-09.csv"
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8"))))
    assert rows[0] == ["country", "note"]
    assert rows[1] == ["Kenya", "'=HYPERLINK(\"http://x\")"]
    assert rows[2] == ["Togo & co", "'-3"] and rows[3] == ["Peru", "'@sum two"]
    assert [unneutralise(c) for c in rows[1]] == ["Kenya", "=HYPERLINK(\"http://x\")"]
    html = "".join(o["data"].get("text/html", "") for c in page.nb.cells if c.cell_type == "code" for o in c.outputs
                   if "data" in o)
    assert f'href="{table.name}" download' in html and "CSV (3 rows)" in html


def test_chart_gets_svg_and_png_downloads_a_source_line_and_a_label():
    page = reader.prepare(sample(), "01-a", as_of="2015-11-09", source_line="CITES Secretariat, 2016-01")
    (chart,) = [d for d in page.downloads if d.kind == "chart"]
    assert chart.name == "01-a.chart-1-2-the-funnel.as-of-2015-11-09.svg"
    assert chart.data.decode().startswith("<svg")
    html = "".join(o["data"].get("text/html", "") for c in page.nb.cells if c.cell_type == "code" for o in c.outputs
                   if "data" in o)
    assert "Source: CITES Secretariat, 2016-01." in html
    assert f'href="{chart.name}" download' in html and 'data-png="01-a.chart-1-2-the-funnel.as-of-2015-11-09.png"' in html
    assert 'role="img" aria-label="Chart: 2. The funnel"' in html


def test_page_has_navigation_rewritten_links_fallbacks_and_one_font():
    state = {"version_major": 2, "version_minor": 0, "state": {"m1": {
        "model_name": "LeafletMapModel", "model_module": "jupyter-leaflet", "model_module_version": "^0.20",
        "state": {"_model_name": "LeafletMapModel"}}}}
    page = reader.prepare(sample(), "01-a", as_of="2015-11-09", source_line="s", pages={"00-overview", "01-a"},
                          view_kinds=reader.view_kinds(state, {"m1"}))
    body = render.notebook_html(page.nb, "01 A title", state, with_code=False, assets=static_assets.Assets(True),
                                page={"nav": render.nav(render.Link("00-overview.html", "Overview <b>"), None)})
    assert 'href="00-overview.html#top"' in body and ".ipynb" not in body
    assert len(re.findall(r'<nav [^>]*class="iccwc-nav', body)) == 2 and 'href="index.html"' in body
    assert "Overview &lt;b&gt;" in body
    assert body.count("This map needs JavaScript") == 1
    assert "system-ui" in body and "!important" in body
    page_body = body.split("</head>", 1)[1]
    assert 'class="jp-InputArea-editor' not in page_body and "NBVAL" not in page_body
    assert "assert s" not in page_body and "highlight" not in page_body
    # Scripts from _static/ only, by relative links; jupyter-leaflet mapped to its local copy.
    srcs = re.findall(r'src="([^"]+)"', body) + re.findall(r"widgetRendererSrc = '([^']+)'", body)
    assert srcs and all(s.startswith("_static/") for s in srcs), srcs
    assert '"jupyter-leaflet": "_static/jupyter-leaflet/index"' in body and '"vega": "_static/vega/vega.min"' in body
    assert "cdn.jsdelivr" not in body and "https://" not in re.sub(r'xmlns[^ ]*"[^"]*"', "", body.split("</head>")[0])


def test_cdn_pages_still_name_the_pinned_cdn_urls():
    body = render.notebook_html(sample(), "t")
    assert render.REQUIRE_JS_URL in body


def test_made_section_names_sources_data_dates_and_software_escaped():
    made = reader.made([{"title": "SC66 <doc>", "issuer": "CITES", "issued": "2016-01", "path": "raw/a.txt",
                         "sha256": "ab" * 32}], "Toolkit status dates 2015-11-09", {"python": "3.11.2", "pandas": "2.2"},
                       "2026-01-01 00:00 UTC", {"region": "Asia", "data_dir": "/x"})
    body = render.notebook_html(sample(), "t", page={"made": made})
    section = body[body.index('class="iccwc-made"'):]
    assert "How this was made" in section and "SC66 &lt;doc&gt;" in section and "2015-11-09" in section
    assert "pandas 2.2" in section and "region: Asia" in section and "abababababab" in section
    assert "/x" not in section and "raw/a.txt" not in section and "python -m" not in section


def test_a_notebook_with_its_own_how_this_was_made_heading_gets_no_second_one():
    nb = sample()
    nb.cells.append(nbformat.v4.new_markdown_cell("## How this was made\n\nMethod."))
    assert reader.made([], "", {}, "now", nb=nb)["heading"] is False
    assert reader.made([], "", {}, "now", nb=sample())["heading"] is True


def test_cells_for_authors_and_kernel_only_are_not_in_the_page():
    nb = sample()
    nb.cells += [nbformat.v4.new_markdown_cell("The cell below checks it.", metadata={"tags": ["for-authors"]}),
                 code("explorer.widget", out("display_data", data={"text/html": "<p>EXPLORER</p>"}), tags=["kernel-only"]),
                 code("check()", out("display_data", data={"text/html": "<p>CHECK</p>"}), tags=["for-authors"])]
    page = reader.prepare(nb, "01-a", as_of="", source_line="s")
    text = str(page.nb.cells)
    assert "The cell below" not in text and "EXPLORER" not in text and "CHECK" not in text
    assert len(reader.prepare(nb, "01-a", as_of="", source_line="s", with_code=True).nb.cells) == len(nb.cells)


def test_cells_of_one_figure_become_one_component_with_tabs():
    nb = nbformat.v4.new_notebook()
    fig = lambda view: {"iccwc": {"figure": "stage-map", "view": view}}  # noqa: E731
    a = code("m", out("display_data", data={"text/html": "<p>MAP</p>"}))
    a.metadata.update(fig("Map"))
    a.metadata["iccwc"]["title"] = "Where countries stand"
    b = code("t", out("stream", name="stdout", text="TEXT COPY"), out("display_data", data={"text/html": TABLE}),
             out("display_data", data={"text/markdown": "note"}))
    b.metadata.update(fig("Table"))
    c = code("other", out("display_data", data={"text/html": "<p>OTHER</p>"}))
    nb.cells = [nbformat.v4.new_markdown_cell("## 1. Map"), a, b, c]
    page = reader.prepare(nb, "01-a", as_of="", source_line="s")
    assert len(page.nb.cells) == 3                       # heading, the figure, the other output
    merged = page.nb.cells[1]
    assert merged.metadata["iccwc"]["figure"] == {"id": "stage-map", "title": "Where countries stand", "views": [
        {"key": "map", "label": "Map"}, {"key": "table", "label": "Table"}]}
    panels = [o["metadata"]["iccwc"]["panel"] for o in merged.outputs]
    assert [(p["view"], p["open"], p["close"]) for p in panels] == [
        ("map", True, True), ("table", True, False), ("table", False, True)]
    body = render.notebook_html(page.nb, "t", with_code=False)
    assert len(re.findall(r'<figure [^>]*class="iccwc-figure" [^>]*id="stage-map"', body)) == 1
    assert body.count('role="tabpanel"') == 2 and re.search(r'<button [^>]*data-view="table"[^>]*role="tab"', body)
    assert "TEXT COPY" not in body and "Where countries stand" in body


def test_markdown_links_are_made_for_the_site():
    assert reader.site_links("[a](01-a.ipynb), [b](../docs/x.md), [c](#top), ![i](x.png)", {"01-a"}) == (
        "[a](01-a.html), b, [c](#top), ![i](x.png)")


def test_slug_and_rows():
    assert reader.slug("4. Uptake by region (Africa & Europe)") == "4-uptake-by-region-africa-europe"
    assert reader.slug("") == "untitled"


FAKE_EMBED = "\n".join([
    "/*! For license information please see base.js.LICENSE.txt */",
    'define("@jupyter-widgets/base",["module"],(e=>1));', "//# sourceMappingURL=base.js.map;", "",
    "/*! For license information please see base7.js.LICENSE.txt */",
    'define("@jupyter-widgets/base7",["module"],(e=>7));', "//# sourceMappingURL=base7.js.map;", "",
    "/*! For license information please see controls7.js.LICENSE.txt */",
    'define("@jupyter-widgets/controls7",["module"],(e=>7));', "//# sourceMappingURL=controls7.js.map;", "",
    'define("@jupyter-widgets/html-manager",["module","@jupyter-widgets/base"],(e=>8));', ""])


def test_the_ipywidgets_7_modules_are_cut_from_the_widget_manager_and_a_new_layout_is_refused():
    cut = static_assets.drop_amd_modules(FAKE_EMBED, static_assets.DROP_AMD["embed-amd.js"], "embed-amd.js")
    assert "base7" not in cut and "controls7" not in cut
    assert cut.split("\n") == FAKE_EMBED.split("\n")[:4] + FAKE_EMBED.split("\n")[12:]
    with pytest.raises(static_assets.VendorError, match="expected one 'define\\(\"@jupyter-widgets/base7\",' line"):
        static_assets.drop_amd_modules("define(1);", ["@jupyter-widgets/base7"], "embed-amd.js")
    needs = FAKE_EMBED.replace('["module","@jupyter-widgets/base"]', '["module","@jupyter-widgets/base7"]')
    with pytest.raises(static_assets.VendorError, match="still named"):
        static_assets.drop_amd_modules(needs, ["@jupyter-widgets/base7"], "embed-amd.js")


def test_a_page_with_ipywidgets_7_models_is_refused_when_the_local_manager_lacks_them():
    state = {"state": {"m1": {"model_module": "@jupyter-widgets/controls", "model_module_version": "1.5.0"}}}
    with pytest.raises(ValueError, match="m1 is a @jupyter-widgets/controls 1.5.0 model"):
        render.check_widget_versions(state, "01-x")
    render.check_widget_versions({"state": {"m2": {"model_module": "@jupyter-widgets/base",
                                                   "model_module_version": "2.0.0"}}}, "01-x")


def test_static_assets_install_copies_only_whats_needed_and_removes_old_files(tmp_path):
    pkgs = {}
    for (name, inner), rel in static_assets.FILES.items():
        f = tmp_path / "pkgs" / name / inner
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(FAKE_EMBED if rel in static_assets.DROP_AMD else f"// {name} {inner}")
        pkgs[name] = tmp_path / "pkgs" / name
    out = tmp_path / "reports"
    (out / "_static").mkdir(parents=True)
    (out / "_static" / "old-version.js").write_text("x")
    written = static_assets.install(out, pkgs)
    assert sorted(written) == sorted(f"_static/{r}" for r in static_assets.FILES.values())
    assert static_assets.missing(out) == [] and not (out / "_static" / "old-version.js").exists()
    assert static_assets.install(out, pkgs) == []                 # nothing to do the second time


def test_without_npm_and_no_cache_the_pages_fall_back_to_the_cdn_and_say_why(tmp_path, monkeypatch):
    monkeypatch.setattr(static_assets.shutil, "which", lambda _: None)
    assets, pkgs = static_assets.prepare(vendor=tmp_path / "empty-vendor")
    assert not assets.local and pkgs == {} and "npm is not installed" in assets.reason
    assert assets.require_js_url.startswith("https://cdn.jsdelivr.net/npm/requirejs@")


def test_a_version_without_a_recorded_checksum_is_refused(tmp_path):
    with pytest.raises(static_assets.VendorError, match="no sha256 recorded"):
        static_assets.fetch("requirejs", "0.0.1", vendor=tmp_path)


def test_every_pinned_package_has_a_checksum():
    for name, ver in static_assets.PACKAGES.items():
        assert len(static_assets.CHECKSUMS.get(f"{name}@{ver}", "")) == 64, f"{name}@{ver}"


def test_an_image_output_gets_alt_text_a_source_and_a_download():
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## 3. A map"),
                code("fig", out("display_data", data={"image/png": png, "text/plain": "<Figure>"}))]
    page = reader.prepare(nb, "02-b", as_of="2015-11-09", source_line="CITES")
    (d,) = page.downloads
    assert d.name == "02-b.chart-1-3-a-map.as-of-2015-11-09.png" and d.data[:4] == b"\x89PNG"
    body = render.notebook_html(page.nb, "t", with_code=False)
    assert 'alt="Chart: 3. A map"' in body and "No description" not in body and f'href="{d.name}"' in body


def test_the_run_warns_loudly_when_it_must_fall_back_to_the_cdn(tmp_path, monkeypatch, capsys):
    from iccwc.commands import pipeline
    monkeypatch.setattr(static_assets, "VENDOR", tmp_path / "no-cache")
    monkeypatch.setattr(static_assets.shutil, "which", lambda _: None)
    lines = []
    assets = pipeline._static_assets(tmp_path / "reports", lines.append)
    assert not assets.local and assets.widget_renderer_url.startswith("https://cdn.jsdelivr.net/")
    assert lines and lines[0].startswith("WARNING") and "npm is not installed" in lines[0] and "internet" in lines[0]
    assert "WARNING" in capsys.readouterr().err
    assert pipeline.RenderOptions(False, assets).record() == {"with_code": False, "scripts": "cdn"}


def test_a_chart_that_cites_its_files_gets_a_source_line_naming_those_sources_only():
    import pandas as pd

    from iccwc.views.charts import base as charts
    fig = charts.figure(3, 2)
    charts.axes(fig).bar(["a"], [1])
    charts.cite(fig, (pd.DataFrame({"source": ["documents/sc66.txt", "documents/sc66.txt"]}), "source"),
                files=["places: GeoNames"])
    uncited = charts.figure(3, 2)
    charts.axes(uncited).bar(["b"], [2])
    nb = sample()
    def shown(f):                             # the output a cell displaying charts.show(f) saves
        data, meta = charts.show(f)._repr_html_()
        return out("display_data", data={"text/html": data}, metadata={"text/html": meta})
    nb.cells += [code("charts.show(fig)", shown(fig)), code("charts.show(g)", shown(uncited))]
    sources = [{"path": "raw/documents/sc66.txt", "title": "SC66 document", "issuer": "CITES", "issued": "2016-01"},
               {"path": "raw/iccwc-website/pins.csv", "title": "Map data", "issuer": "ICCWC", "issued": "2022-08"}]
    page = reader.prepare(nb, "01-a", as_of="2015-11-09", source_line="EVERY SOURCE", sources=sources)
    lines = [re.search(r'class="iccwc-source">Source: (.*?)\. Download', o["data"]["text/html"]).group(1)
             for c in page.nb.cells if c.cell_type == "code" for o in c.outputs
             if "iccwc-source" in o.get("data", {}).get("text/html", "")]
    # the sample's own chart (no citation), the cited chart, the uncited one
    assert lines == ["EVERY SOURCE", "SC66 document (CITES, 2016-01); places: GeoNames", "EVERY SOURCE"]
    assert "Map data" not in lines[1]


def test_tables_label_each_cell_with_its_column_so_they_reflow_when_narrow():
    import pandas as pd

    from iccwc.views.charts import base as charts
    out_html = charts.table_html(pd.DataFrame({"country": ["Kenya"], "note <b>": ["x"]}), index=False)
    assert '<td data-label="country">Kenya</td>' in out_html
    assert '<td data-label="note &lt;b&gt;">x</td>' in out_html
    assert "@container (max-width: 560px)" in out_html and "container-type:inline-size" in out_html
    indexed = charts.table_html(pd.DataFrame({"n": [3]}, index=pd.Index(["Asia"], name="region")))
    assert '<th>Asia</th>' in indexed and '<td data-label="n">3</td>' in indexed
