from __future__ import annotations

import iccwc
from iccwc.views.charts import base as charts
from iccwc.analysis import overview
from iccwc.views.charts import overview as overview_charts
from iccwc.views import tables


def test_headline_matches_the_document():
    h = overview.headline(status_date="2015-11-09")
    assert (h["toolkit_requests"], h["toolkit_complete"], h["toolkit_under_way"]) == (17, 6, 11)
    assert (h["first_recognition"], h["last_recognition"], h["partners"], h["iccwc_documents"]) == (
        "2011-07", "2015-07", 5, 6)
    text = overview.headline_markdown(h)
    assert "**17** countries" in text and "**6** had completed" in text and "**11**" in text


def test_at_a_glance_labels_and_integer_ticks():
    fig = overview_charts.at_a_glance(iccwc.load_toolkit(), iccwc.load_recognitions(), iccwc.load_partner_presence())
    labels = charts.svg_texts(charts.svg(fig))
    for want in ["Toolkit requests by stage (17)", "Recognitions per year (17)", "more than 150 countries",
                 "over 100 countries", "181 countries", "180 members", "2012"]:
        assert want in labels
    ticks = [t for t in labels if t.replace(".", "").isdigit()]
    assert all("." not in t for t in ticks), ticks


def test_sources_view_escapes_titles(data_copy):
    import json
    pkg_path = data_copy / "processed" / "datapackage.json"
    pkg = json.loads(pkg_path.read_text())
    pkg["sources"][0]["title"] = "<img src=x onerror=alert(1)>"
    pkg_path.write_text(json.dumps(pkg))
    html = tables.sources_view(data_copy).to_html()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
