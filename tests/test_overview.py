from __future__ import annotations

import iccwc
from iccwc.views.charts import base as charts
from iccwc.analysis import overview
from iccwc.views.charts import overview as overview_charts
from iccwc.views import tables


def test_headline_matches_the_document():
    h = overview.headline(status_date="2015-11-09")
    assert (h["toolkit_requests"], h["toolkit_complete"], h["toolkit_under_way"]) == (17, 6, 11)
    rec = iccwc.load_recognitions()
    assert (h["first_recognition"], h["last_recognition"]) == (rec["date"].min(), rec["date"].max())
    assert (h["partners"], h["iccwc_documents"]) == (5, 6)
    # the document's own claims are checked against the rows taken from it (later rows are not its claims)
    check = overview.sc66_check().set_index("claim")
    assert check["agree"].all() and check.loc["last_recognition", "data"] == "2015-07", check
    assert check.loc["partners", "data"] == 5 and check.loc["recognitions", "data"] == 17
    from iccwc.views.story import overview_headline
    text = overview_headline(status_date="2015-11-09")
    assert "**17** countries" in text and "**6** had completed" in text and "**11** were under way" in text
    assert "not known" not in text


def test_headline_of_a_status_list_says_the_steps_are_not_known(data_status_list):
    """A FICTIONAL status list (countries and a Toolkit year, no steps) is the latest snapshot: the headline
    counts its requests and says progress is unknown, never '0 had completed'."""
    from iccwc.views.story import overview_headline
    data = data_status_list      # conftest.py: a copy of data/ with tests/fixtures/status-files' list, rebuilt
    h = overview.headline(data)
    assert (h["toolkit_requests"], h["toolkit_steps_unknown"], h["toolkit_complete"]) == (4, 4, 0)
    text = overview_headline(data)
    assert text.startswith("As of 31 March 2017") and "**4** countries had asked" in text
    assert "is not known" in text and "had completed all 8 steps and" not in text

    # the 01 summary says the same: no "none had completed", no funnel of zeros
    from iccwc.data.load import load_toolkit
    from iccwc.views.story import toolkit_summary_md
    md = toolkit_summary_md(load_toolkit(data), load_toolkit(data, status_date="latest"))
    assert "how many had completed the 8 steps is not known" in md and "The funnel is not known" in md
    assert "none had completed" not in md and "0 requests" not in md


def test_at_a_glance_labels_and_integer_ticks():
    fig = overview_charts.at_a_glance(iccwc.load_toolkit(), iccwc.load_recognitions(), iccwc.load_partner_presence())
    labels = charts.svg_texts(charts.svg(fig))
    for want in ["Toolkit requests by stage (17)", "2012", "Partners' networks (latest figure)"]:
        assert want in labels
    # each network's latest figure, as printed, with its date (the series: tests/test_partner_series.py)
    from iccwc.analysis.overview import latest_partner_figures
    for r in latest_partner_figures(iccwc.load_partner_presence()).itertuples(index=False):
        figure = f"{r.qualifier} {r.count}" if r.qualifier else str(r.count)
        assert f"{figure} {r.unit} ({r.as_of[:7]})" in labels and f"{r.partner}: {r.network}" in labels
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


def test_progress_to_a_status_list_says_its_steps_are_not_known(data_status_list):
    from iccwc.data.load import load_toolkit
    from iccwc.views.story import toolkit_progress
    text = toolkit_progress(load_toolkit(data_status_list))   # conftest.py: the list of 2017 beside SC66, rebuilt
    assert "gives no steps for **4** of its **4** countries, so they are counted in neither" in text
    assert "went back" not in text
