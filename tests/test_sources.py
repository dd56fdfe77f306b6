"""Curated rows from any raw source (a news item addressed by its url), and a self-contained data folder.

FICTIONAL fixture: tests/fixtures/news/news.json (one made-up news item)."""
from __future__ import annotations

import csv

import pytest

from helpers import add_news_fixture
from iccwc.data import countries
from iccwc.data.curated import build_recognitions
from iccwc.data.sources import Sources, news_date, strip_html
from iccwc.errors import DataError

URL = "/eng/news/fictional_treaty_01022018"
QUOTE = ("adopted a resolution that recognizes the work of the International Consortium on Combating "
         "Wildlife Crime (ICCWC)")


def _news(raw):
    return add_news_fixture(raw, "news", "fictional-news", "2018-02")


def _csv(path, **changes):
    row = dict(id="narnia-2018", category="governing bodies of ICCWC partner organizations", heading="",
               date_as_printed="February 2018", instrument="Resolution of the Council of Narnia",
               issuing_body="Council of Narnia", issuing_body_short="Narnia", instrument_type="resolution",
               place="", mentions_toolkit="", themes="", source="iccwc-website/fictional-news.json",
               source_item=URL, quote=QUOTE)
    row.update(changes)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(row))
        w.writeheader()
        w.writerow(row)
    return path


def test_a_news_item_backs_a_row_and_dates_it(tmp_path):
    raw = tmp_path / "raw"
    _news(raw)
    df = build_recognitions(_csv(tmp_path / "r.csv"), Sources(raw))
    row = df.iloc[0]
    assert row["date"] == "2018-02" and row["quote"] == QUOTE
    assert row["source"] == f"iccwc-website/fictional-news.json, {URL} (2018-02-01)"


@pytest.mark.parametrize("changes, column", [
    ({"quote": "recognizes the Narnian Consortium"}, "quote"),
    ({"date_as_printed": "Febtember 2018"}, "date_as_printed"),
    ({"source_item": "/eng/news/no_such_item"}, "source_item"),
    ({"source": "iccwc-website/missing.json"}, "source"),
    ({"issuing_body": "Council of Archenland"}, "issuing_body"),
    ({"mentions_toolkit": "true"}, "mentions_toolkit"),
    ({"mentions_toolkit": "false"}, "mentions_toolkit"),        # a news item cannot say it does not (issue 26)
])
def test_a_row_its_source_does_not_bear_out_is_refused(tmp_path, changes, column):
    raw = tmp_path / "raw"
    _news(raw)
    with pytest.raises(DataError) as err:
        build_recognitions(_csv(tmp_path / "r.csv", **changes), Sources(raw))
    assert {(p.line, p.column) for p in err.value.problems} == {(2, column)}, str(err.value)


def test_a_news_item_without_a_provenance_record_is_refused(tmp_path):
    raw = tmp_path / "raw"
    _news(raw)
    (raw / "iccwc-website" / "fictional-news.provenance.json").unlink()
    with pytest.raises(DataError) as err:
        build_recognitions(_csv(tmp_path / "r.csv"), Sources(raw))
    assert err.value.problems[0].column == "source"


def test_news_dates_come_from_the_text_or_the_url_never_from_created():
    assert news_date({"body": "<p>Geneva, 28 November 2011 &ndash; x</p>", "created": "1378912689"}).isoformat() \
        == "2011-11-28"
    assert news_date({"body": "no date", "url": "/eng/news/pr/x_12092017"}).isoformat() == "2017-09-12"
    assert news_date({"body": "", "url": "/eng/news/pr/2011/20111128_predator.php"}).isoformat() == "2011-11-28"
    assert news_date({"body": "undated", "url": "/eng/node/1"}) is None
    assert strip_html("<p>a&nbsp;b\r\n <b>c</b></p>") == "a b c"


def test_the_country_aliases_are_the_data_folders_own(tmp_path):
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "country_aliases.csv").write_text("name,iso3,reason\nNarnia,KEN,FICTIONAL alias for a test\n",
                                             encoding="utf-8")
    with countries.use_reference(ref):
        assert countries.resolve("Narnia").iso3 == "KEN"
        with pytest.raises(countries.UnknownCountry):
            countries.resolve("Burkino Faso")         # in the repository's aliases, not in this folder's
    with pytest.raises(countries.UnknownCountry):
        countries.resolve("Narnia")
    assert countries.resolve("Burkino Faso").iso3 == "BFA"


def test_a_news_items_date_is_its_urls_when_the_url_has_one():
    from datetime import date

    from iccwc.data.sources import news_date
    body = "<p>The workshop, held 20- 22 July 2016 in Kingston (FICTIONAL text)</p>"
    assert news_date({"url": "/eng/news/sg/Workshop_210716", "body": body}) == date(2016, 7, 21)   # DDMMYY
    assert news_date({"url": "/eng/news/pr/Item_12092017", "body": body}) == date(2017, 9, 12)    # DDMMYYYY
    assert news_date({"url": "/eng/news/pr/2010/20101123_ICCWC.php", "body": body}) == date(2010, 11, 23)
    assert news_date({"url": "/eng/node/18813", "body": body}) == date(2016, 7, 22)    # no date in the url: the text's
    assert news_date({"url": "/eng/node/1", "body": "no date"}) is None


def test_html_is_read_as_printed_no_space_before_punctuation_after_a_link():
    from iccwc.data.sources import strip_html
    assert strip_html("adopted the <a href='#'>Lima Declaration</a>, which <b>recognizes</b> it.") == \
        "adopted the Lima Declaration, which recognizes it."
    assert strip_html("a<br>b &amp; c") == "a b & c"
