"""Partner figures as a series (issue 13, item 5): several figures per partner and network, each with
its date (``as_of``) and source; what shows them shows each network's latest figure; bad rows refused.

FICTIONAL fixture: tests/fixtures/news-partners/news.json (two made-up news items about a made-up
"Narnian Wildlife Service"). The committed data are read only to check invariants, not counts.
"""
from __future__ import annotations

import csv
import re

import pytest

import iccwc
from helpers import add_news_fixture, snapshot
from iccwc.analysis import overview
from iccwc.data.build import rebuild
from iccwc.data.curated import PRESENCE_COLUMNS, PRESENCE_OPTIONAL, build_partner_presence
from iccwc.data.sources import Sources
from iccwc.errors import DataError
from iccwc.views import story
from iccwc.views.charts import base as charts
from iccwc.views.charts import overview as overview_charts

NEWS = "iccwc-website/fictional-partner-news.json"
ITEM_2019, ITEM_2020 = "/eng/news/fictional_rangers_03032019", "/eng/news/fictional_rangers_05052020"
HEADER = PRESENCE_COLUMNS + PRESENCE_OPTIONAL


def _news(raw):
    return add_news_fixture(raw, "news-partners", "fictional-partner-news", "2020-05")


def row(**changes) -> dict:
    r = dict(partner="Narnian Wildlife Service", partner_full_name="FICTIONAL Narnian Wildlife Service",
             network="rangers", count="12", qualifier="", unit="provinces", quote="has rangers in 12 provinces",
             as_of="2019-03-03", source=NEWS, source_item=ITEM_2019)
    r.update(changes)
    return r


GOOD = [row(), row(as_of="2020-05-05", count="14", quote="now has rangers in 14 provinces", source_item=ITEM_2020),
        row(network="partner agencies", count="40", qualifier="more than", unit="agencies", as_of="2019-03",
            quote="works with more than 40 partner agencies")]


def _write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def fictional(tmp_path):
    _news(tmp_path / "raw")
    return tmp_path


def test_several_figures_per_partner_form_a_series(fictional):
    pp = build_partner_presence(_write(fictional / "p.csv", GOOD), Sources(fictional / "raw"))
    assert len(pp) == 3 and pp["as_of"].tolist() == ["2019-03", "2019-03-03", "2020-05-05"]
    assert pp.loc[pp["count"] == 14, "source"].item() == f"{NEWS}, {ITEM_2020} (2020-05-05)"
    s = overview.partner_series(pp)
    assert s.loc[s["latest"], ["network", "count"]].values.tolist() == [["partner agencies", 40], ["rangers", 14]]
    latest = overview.latest_partner_figures(pp).set_index("network")
    assert latest.loc["rangers", ["count", "as_of", "when", "figures", "first_count", "first_when"]].tolist() == [
        14, "2020-05-05", "5 May 2020", 2, 12, "3 March 2019"]
    assert latest.loc["partner agencies", "label"] == "40+ (more than 40) agencies"
    assert latest.loc["partner agencies", "lower_bound"] and not latest.loc["rangers", "lower_bound"]


BAD = [  # (changes, column): each a FICTIONAL row its source does not bear out, or a bad cell
    ({"quote": "has rangers in 12 provinces of Archenland"}, "quote"),
    ({"as_of": "2019-13"}, "as_of"),
    ({"as_of": "soon"}, "as_of"),
    ({"as_of": "2020-05"}, "as_of"),                    # not the news item's date (3 March 2019)
    ({"as_of": ""}, "as_of"),
    ({"count": "twelve"}, "count"),
    ({"count": "13"}, "count"),                         # not the number the quote prints
    ({"qualifier": "over"}, "qualifier"),               # not printed before the number
    ({"source_item": "/eng/news/no_such_item"}, "source_item"),
]


@pytest.mark.parametrize("changes, column", BAD)
def test_a_bad_partner_row_is_refused_with_its_line_and_column(fictional, changes, column):
    with pytest.raises(DataError) as err:
        build_partner_presence(_write(fictional / "p.csv", GOOD + [row(partner="FICTIONAL bad row", **changes)]),
                               Sources(fictional / "raw"))
    assert [(p.line, p.column) for p in err.value.problems] == [(5, column)], str(err.value)
    assert "p.csv" in err.value.problems[0].file


def test_the_same_partner_network_and_date_twice_is_refused(fictional):
    with pytest.raises(DataError) as err:
        build_partner_presence(_write(fictional / "p.csv", GOOD + [GOOD[1]]), Sources(fictional / "raw"))
    (p,) = err.value.problems
    assert (p.line, p.column) == (5, "partner, network, as_of") and "already on line 3" in p.expected
    assert p.found == "Narnian Wildlife Service, rangers, 2020-05-05"


def test_every_bad_row_is_listed_and_nothing_is_written(data_copy):
    _news(data_copy / "raw")
    cur = data_copy / "curated" / "partner_presence.csv"
    with cur.open(newline="", encoding="utf-8") as fh:
        kept = list(csv.DictReader(fh))
    first_bad = len(kept) + 2
    _write(cur, kept + [row(partner=f"FICTIONAL bad row {i}", **changes) for i, (changes, _) in enumerate(BAD)]
           + [dict(kept[0])])
    before = snapshot(data_copy / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=lambda msg: None)
    mine = sorted((p.line, p.column) for p in err.value.problems if p.file.endswith("partner_presence.csv"))
    assert mine == [(first_bad + i, c) for i, (_, c) in enumerate(BAD)] + [
        (first_bad + len(BAD), "partner, network, as_of")], str(err.value)
    assert snapshot(data_copy / "processed") == before


# --------------------------------------------------------------------------- what shows the figures

def test_the_committed_series_keeps_networks_apart_and_dates_every_figure():
    pp = iccwc.load_partner_presence()
    assert not pp.duplicated(["partner", "network", "as_of"]).any()
    assert pp["as_of"].str.fullmatch(r"\d{4}-\d{2}(-\d{2})?").all() and pp["source"].str.len().gt(0).all()
    latest = overview.latest_partner_figures(pp)
    s = overview.partner_series(pp)
    for r in latest.itertuples(index=False):         # the latest figure is the one with the latest date
        g = s[(s["partner"] == r.partner) & (s["network"] == r.network)]
        assert r.date == g["date"].max() and r.figures == len(g) and r.first_count == g.iloc[0]["count"]
    # Part 1 of the SC66 document gives Management Authorities, not Parties: two networks, never one.
    cites = set(pp.loc[pp["partner"] == "CITES Secretariat", "network"])
    assert "Management Authorities" in cites
    check = overview.sc66_check()
    if check is not None:                            # Part 1's 5 partners, whatever later figures add
        assert check.set_index("claim").loc["partners", ["document", "data"]].tolist() == [5, 5]


def test_headline_counts_partners_not_rows():
    h = overview.headline()
    pp = iccwc.load_partner_presence()
    assert h["partners"] == pp["partner"].nunique() and h["partner_figures"] == len(pp)
    assert h["partner_networks"] == len(pp.groupby(["partner", "network"]))


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w.]\d)", text)]


def test_partner_prose_states_only_computed_numbers():
    pp = iccwc.load_partner_presence()
    latest = overview.latest_partner_figures(pp)
    text = story.overview_partners()
    allowed = {len(pp), len(latest), pp["partner"].nunique(), *pp["count"], *latest["figures"]}
    for d in overview.partner_series(pp)["date"]:
        allowed |= {d.day, d.year}
    stray = [n for n in _numbers(text) if n not in allowed]
    assert not stray, text
    for r in latest.itertuples(index=False):
        figure = f"{r.qualifier} {r.count}" if r.qualifier else str(r.count)
        assert f"{r.network}: **{figure}** {r.unit} (as of {r.when}" in text, (r.partner, r.network, text)


def test_partner_prose_on_fictional_rows(fictional):
    pp = build_partner_presence(_write(fictional / "p.csv", GOOD), Sources(fictional / "raw"))
    text = story.overview_partners(presence=pp)
    assert text.startswith("The data hold **3** partner figures for **2** networks of **1** partner, "
                           "from March 2019 to 5 May 2020."), text
    assert text.endswith("- **Narnian Wildlife Service**: partner agencies: **more than 40** agencies (as of March "
                         "2019); rangers: **14** provinces (as of 5 May 2020; up from **12** provinces as of "
                         "3 March 2019, 2 figures in all)."), text


def test_series_chart_labels_each_point_with_its_figure_and_date(fictional):
    pp = build_partner_presence(_write(fictional / "p.csv", GOOD), Sources(fictional / "raw"))
    fig = overview_charts.partner_series_chart(pp)
    texts = charts.svg_texts(charts.svg(fig))
    # each point: its number as printed (qualifier included; the unit at the network's latest only), then its date
    for label, when in [("12", "2019-03"), ("14 provinces", "2020-05"),
                        ("40+ (more than 40) agencies", "2019-03")]:
        assert texts[texts.index(label) + 1] == when, texts
    for want in ["Narnian Wildlife Service: rangers (2)", "Narnian Wildlife Service: partner agencies (1)",
                 "Partner figures over time (3 figures, 2 networks; bold: latest)"]:
        assert want in texts, texts
    assert charts.sources_of(fig) == [NEWS]


def test_at_a_glance_shows_each_networks_latest_figure(fictional):
    pp = build_partner_presence(_write(fictional / "p.csv", GOOD), Sources(fictional / "raw"))
    fig = overview_charts.at_a_glance(iccwc.load_toolkit(), iccwc.load_recognitions(), pp)
    texts = charts.svg_texts(charts.svg(fig))
    assert "14 provinces (2020-05)" in texts and "more than 40 agencies (2019-03)" in texts
    assert not any(t.startswith("12 provinces") for t in texts)
