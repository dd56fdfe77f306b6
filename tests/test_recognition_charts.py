"""Recognition over time: counts, cumulative series, themes and the timelines' label layout.

Hand counts from the SC66 document are checked on its list (``sc66``: the rows whose source is the
document); the whole data (the list and the later instruments from news items) on what it must satisfy."""
from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

import iccwc
from iccwc.views.charts import base as charts
from iccwc.views.charts import recognition as rc
from iccwc.analysis import recognition
from iccwc.vocab import CATEGORIES
from helpers import SC66

MONTHS = "January|February|March|April|May|June|July|August|September|Sept|October|November|December"


@pytest.fixture(scope="module")
def docs():
    return iccwc.load_iccwc_documents()


@pytest.fixture(scope="module")
def sc66(rec):
    """The SC66 document's own list: the rows whose source is the document (17 examples, 2011-2015)."""
    return recognition.sc66_list(rec)


@pytest.fixture(scope="module")
def later(rec):
    """The instruments after the SC66 list, from the ICCWC website's news items."""
    return rec[recognition.source_label(rec) == recognition.NEWS_ITEMS]


@pytest.fixture(scope="module")
def timeline_svg(rec) -> str:
    """The SVG of the timeline of every instrument, drawn once for the tests that read it."""
    return charts.svg(rc.recognition_timeline(rec))


def _printed_years() -> dict[int, int]:
    """Years of the instruments as printed in Part 2 of the raw document (", <Month> <Year>" at a line end),
    counted without the curated data."""
    text = SC66.read_text(encoding="utf-8")
    part2 = text[text.index("Part 2. Role and recognition of ICCWC\n\n\n"):text.index("An overview of all ICCWC")]
    years = [int(y) for _, y in re.findall(rf",\s*({MONTHS}) (\d{{4}})\s*\n", part2)]
    return {y: years.count(y) for y in sorted(set(years))}


def test_counts_by_year_match_the_printed_dates(sc66):
    # Hand count from the document: 2011: ECOSOC 2011/36; 2013: three CoP16 resolutions, Marrakech,
    # ECOSOC 2013/40, Gaborone; 2014: London, CCPCJ, WCO Council, UNEA, Dhaka, Arusha;
    # 2015: Geneva, Kasane, Brazzaville, UNGA.
    expected = {2011: 1, 2013: 6, 2014: 6, 2015: 4}
    assert recognition.counts_by_year(sc66) == expected
    assert _printed_years() == expected


def test_the_data_are_the_sc66_list_and_the_later_instruments(rec, sc66, later):
    assert len(sc66) == 17 and len(sc66) + len(later) == len(rec)
    assert sc66["date"].max() == "2015-07" and (later["date"] > "2015-07").all()
    assert recognition.counts_by_source(rec) == {recognition.SC66_LIST: len(sc66), recognition.NEWS_ITEMS: len(later)}
    by_year = recognition.counts_by_year(rec)
    for y, n in recognition.counts_by_year(later).items():
        assert by_year[y] == recognition.counts_by_year(sc66).get(y, 0) + n
    # Every later row is checked against its news item on rebuild; here: it names one, and no symbol is invented.
    assert later["source"].str.startswith("iccwc-website/news.json, /eng/").all()
    assert later["symbol"].isna().all() and (later["category_basis"] != "heading").all()
    assert (sc66["category_basis"] == "heading").all()


def test_cumulative_reaches_17_in_july_2015_on_the_sc66_list(sc66):
    c = recognition.monthly_cumulative(sc66)
    assert c["cumulative"].is_monotonic_increasing and c["month"].is_monotonic_increasing
    last = c.iloc[-1]
    assert (last["month"], last["cumulative"]) == (pd.Timestamp("2015-07-01"), 17)
    assert c.loc[c["month"] == pd.Timestamp("2013-03-01"), "cumulative"].item() == 4
    assert int(last["toolkit_cumulative"]) == int(sc66["mentions_toolkit"].sum()) == 6


def test_cumulative_reaches_every_instrument_at_the_latest_month(rec):
    c = recognition.monthly_cumulative(rec)
    last = c.iloc[-1]
    assert last["month"].strftime("%Y-%m") == rec["date"].max() and int(last["cumulative"]) == len(rec)
    assert int(last["toolkit_cumulative"]) == int(rec["mentions_toolkit"].sum())


def test_toolkit_first_named_march_2013(rec):
    rec = recognition.sc66_list(rec)
    assert recognition.first_toolkit_month(rec) == pd.Timestamp("2013-03-01")
    assert recognition.first_toolkit_month(rec[rec["year"] != 2013]) == pd.Timestamp("2014-02-01")
    assert recognition.first_toolkit_month(rec[~rec["mentions_toolkit"]]) is None


def test_counts_by_body_and_type(sc66):
    rec = sc66
    body = recognition.counts_by(rec, "issuing_body_short")
    assert body.sum() == 17 and body.index[0] == "CITES CoP" and body.iloc[0] == 3
    assert body["ECOSOC"] == 2
    kinds = recognition.counts_by(rec, "instrument_type")
    assert kinds.to_dict() == {k: int((rec["instrument_type"] == k).sum()) for k in kinds.index}
    # By hand from Part 2: 8 resolutions (ECOSOC x2, CoP16 x3, CCPCJ, UNEA, UNGA); 5 declarations (Marrakech,
    # London, WCO Council, Arusha, Brazzaville); 2 statements (Geneva, Kasane); Dhaka; Gaborone.
    assert kinds.to_dict() == {"resolution": 8, "declaration": 5, "statement": 2, "recommendations": 1,
                               "urgent measures": 1}


def test_year_category_counts_keep_empty_years(rec, sc66):
    t = recognition.year_category_counts(sc66)
    assert list(t.index) == [2011, 2012, 2013, 2014, 2015]
    assert t.loc[2012].sum() == 0 and t.values.sum() == 17
    assert list(t.columns) == CATEGORIES
    t = recognition.year_category_counts(rec)
    assert list(t.index) == list(range(int(rec["year"].min()), int(rec["year"].max()) + 1))
    assert t.values.sum() == len(rec) and t.loc[2012].sum() == 0


def test_themes(rec):
    rec = recognition.sc66_list(rec)
    long = recognition.themes_long(rec)
    assert long["id"].nunique() == 6
    t = recognition.theme_counts(rec).set_index("theme")
    assert t.loc["tigers", "instruments"] == 2
    assert "Dhaka Recommendations" in t.loc["tigers", "named_in"]
    assert set(t.index) >= {"ivory", "elephants", "rhinoceros horn", "timber", "great apes"}
    assert recognition.theme_counts(rec.iloc[0:0]).empty


def test_timeline_layout_rows_do_not_overlap(rec):
    lay = rc.timeline_layout(rc.recognition_items(rec))
    assert len(lay) == len(rec) and lay["month"].is_monotonic_increasing
    assert (lay["top"].iloc[1:].values > lay["bottom"].iloc[:-1].values).all()
    line = rc.LABEL_FONT * rc.LINE_HEIGHT
    assert ((lay["bottom"] - lay["top"]) - lay["lines"] * line).abs().max() < 1e-9
    assert (lay["text"].str.split("\n").map(lambda ls: max(len(x) for x in ls)) <= rc.WRAP).all()


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_timeline_svg_labels_every_instrument_and_boxes_do_not_overlap(rec, timeline_svg):
    labels = rc.svg_labels(timeline_svg)
    assert set(labels) == set(rec["id"])
    for r in rec.itertuples():
        assert r.instrument in labels[r.id]
    fig = rc.recognition_timeline(rec)
    boxes = rc.label_boxes(fig)                # lays the figure out as a draw does
    assert len(boxes) == 2 * len(rec)          # a label and a month text per instrument
    for a, b in itertools.combinations(boxes.itertuples(), 2):
        assert not _overlap(a, b), (a.text, b.text)
    w, h = fig.bbox.width, fig.bbox.height
    assert (boxes["x0"] >= 0).all() and (boxes["x1"] <= w).all()
    assert (boxes["y0"] >= 0).all() and (boxes["y1"] <= h).all()
    # Labels sit left of the plotting area, so no label is drawn over a dot.
    ax_left = fig.axes[0].get_window_extent().x0
    assert (boxes.loc[boxes["kind"] == "label", "x1"] <= ax_left).all()


def test_timeline_spans_2011_to_the_latest_instrument_and_marks_the_source(rec, later, timeline_svg):
    texts = charts.svg_texts(timeline_svg)
    last_year = int(rec["year"].max())
    assert last_year >= 2019 and {str(y) for y in range(2011, last_year + 1)} <= set(texts)
    assert rc.SOURCE_MARKERS[recognition.SC66_LIST][1] in texts and rc.SOURCE_MARKERS[recognition.NEWS_ITEMS][1] in texts
    markers = {it.key: it.marker for it in rc.recognition_items(rec)}
    assert {markers[k] for k in later["id"]} == {rc.SOURCE_MARKERS[recognition.NEWS_ITEMS][0]}
    assert {m for k, m in markers.items() if k not in set(later["id"])} == {rc.SOURCE_MARKERS[recognition.SC66_LIST][0]}
    # The SC66 list alone: its own span and one kind of dot.
    only = charts.svg_texts(charts.svg(rc.recognition_timeline(recognition.sc66_list(rec))))
    assert "2015" in only and "2017" not in only and rc.SOURCE_MARKERS[recognition.NEWS_ITEMS][1] not in only


def test_timeline_of_nothing_says_so(rec):
    texts = charts.svg_texts(charts.svg(rc.recognition_timeline(rec.iloc[0:0])))
    assert "No item matches the selection" in texts


def test_reporting_timeline(docs):
    fig = rc.reporting_timeline(docs)
    svg = charts.svg(fig)
    labels = rc.svg_labels(svg)
    assert sorted(labels.values()) == sorted(docs["symbol"])
    dates = rc.svg_labels(svg, kind="date")
    assert dates["doc6"] == "Aug 2011" and dates["doc1"] == "Jan 2016"
    boxes = rc.label_boxes(fig)
    for a, b in itertools.combinations(boxes.itertuples(), 2):
        assert not _overlap(a, b), (a.text, b.text)


def test_count_charts_have_integer_ticks_and_totals(rec):
    cum = charts.svg_texts(charts.svg(rc.cumulative_chart(rec)))
    assert str(len(rec)) in cum and str(int(rec["mentions_toolkit"].sum())) in cum
    year = charts.svg_texts(charts.svg(rc.by_year_chart(rec)))
    assert {str(y) for y in range(2011, int(rec["year"].max()) + 1)} <= set(year)
    for svg_text in (cum, year, charts.svg_texts(charts.svg(rc.by_body_chart(rec))),
                     charts.svg_texts(charts.svg(rc.themes_chart(rec)))):
        assert not any(re.fullmatch(r"-?\d+\.\d+", t) for t in svg_text), svg_text


def test_chart_text_from_data_is_escaped(rec):
    bad = rec.copy()
    bad.loc[0, "instrument"] = "<img src=x onerror=alert(1)>"
    s = charts.svg(rc.recognition_timeline(bad))
    assert "<img" not in s and "&lt;img src=x" in s


def test_summary_numbers(rec):
    s = recognition.summary(recognition.sc66_list(rec))
    assert (s["instruments"], s["first"], s["last"]) == (17, "2011-07", "2015-07")
    assert s["by_category"] == {"governing bodies of ICCWC partner organizations": 9,
                                "global declarations and statements": 3,
                                "regional declarations and statements": 5}
    assert (s["toolkit"], s["toolkit_first_month"]) == (6, "2013-03")
    assert s["toolkit_first"] == ["Resolution Conf. 11.3 (Rev. CoP16)"]
    assert (s["with_theme"], s["with_place"], s["without_place"]) == (6, 8, 9)
    assert list(recognition.toolkit_instruments(recognition.sc66_list(rec))["date"]) == ["2013-03", "2013-07", "2014-02", "2014-05", "2014-09",
                                                         "2015-04"]
    empty = recognition.summary(rec.iloc[0:0])
    assert empty["instruments"] == 0 and empty["toolkit_first_month"] is None and empty["by_source"] == {}
    whole = recognition.summary(rec)
    assert whole["instruments"] == len(rec) == sum(whole["by_source"].values())
    assert whole["by_type"].get("decision") == int((rec["instrument_type"] == "decision").sum())


def test_one_way_to_show_a_chart_caps_width_at_natural_size(rec):
    fig = rc.by_year_chart(rec)
    out = charts.html(fig)
    cited = "|".join(charts.sources_of(fig))           # the files the chart's rows come from (charts.cite)
    assert cited and all(name in cited for name in charts.source_files((rec, "source")))
    assert out.startswith(f"<div class='iccwc-chart' data-iccwc-sources='{charts.escape(cited)}' "
                          f"style='max-width:{int(round(fig.get_figwidth() * 96))}px;"
                          f"--iccwc-w:{int(round(fig.get_figwidth() * 96))}px'><svg")
    def same(a, b):      # clip-path ids, and the last digit of a coordinate, can differ between two renders
        def norm(t):
            return re.sub(r"(\d+\.\d{4})\d+", r"\1", re.sub(r'(id="|url\(#)[^")]+', "", t))
        return norm(a) == norm(b)
    assert same(charts.show(fig).data, out)                              # for a notebook cell
    assert same(charts.widget(fig).value, out)                           # for an explorer
    w = charts.widget(fig)
    assert charts.widget(None, into=w) is w and w.value == ""


def test_text_table_is_left_aligned():
    t = rc.text_table(pd.DataFrame({"a": ["x", "longer"], "b": ["1", None]}))
    assert t.splitlines() == ["a       b", "x       1", "longer"]
