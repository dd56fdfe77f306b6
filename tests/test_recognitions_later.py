"""Recognitions after the SC66 list: rows from news items beside the SC66 document's, and bad rows refused.

FICTIONAL fixture: tests/fixtures/news-recognitions/news.json (two made-up news items: a resolution of
"the United Nations General Assembly" of Narnia, A/72/L.99, and the Beruna Declaration). They go into a
copy of data/ with their provenance record, and FICTIONAL rows are added to a copy of the real
recognitions.csv, so the real SC66 rows (with headings) are read beside them.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import iccwc
from iccwc import paths
from helpers import add_news_fixture, problems_of, quiet, run_cli, snapshot
from iccwc.data.build import rebuild
from iccwc.data.curated import build_recognitions
from iccwc.data.sources import Sources
from iccwc.errors import DataError
from iccwc.vocab import CATEGORIES, CATEGORY_BASES, INSTRUMENT_TYPES

NEWS = "iccwc-website/fictional-recognitions.json"
ASSEMBLY = "/eng/news/pr/FICTIONAL_Narnian_assembly_resolution_14032018"
BERUNA = "/eng/news/pr/FICTIONAL_Beruna_declaration_02052018"
GOV, GLOBAL, REGIONAL = CATEGORIES


def _row(**changes) -> dict:
    row = dict(id="fictional-assembly-2018", category=GOV, heading="", date_as_printed="March 2018",
               instrument="Resolution A/72/L.99 (FICTIONAL)", symbol="A/72/L.99",
               issuing_body="United Nations General Assembly", issuing_body_short="UN General Assembly",
               instrument_type="resolution", place="", mentions_toolkit="true", themes="", source=NEWS,
               source_item=ASSEMBLY,
               quote="which recognizes the work of the International Consortium on Combating Wildlife Crime (ICCWC), "
                     "including its Wildlife and Forest Crime Analytic Toolkit")
    row.update(changes)
    return row


def _beruna(**changes) -> dict:
    return _row(**{**dict(id="fictional-beruna-2018", category=REGIONAL, date_as_printed="May 2018",
                          instrument="Beruna Declaration (FICTIONAL)", symbol="",
                          issuing_body="first Conference of the Western Wild",
                          issuing_body_short="Western Wild conference", instrument_type="declaration", place="Geneva",
                          mentions_toolkit="", themes="unicorns", source_item=BERUNA,
                          quote="participating countries adopted the Beruna Declaration, which calls on the "
                                "International Consortium on Combating Wildlife Crime (ICCWC) to support them in "
                                "their fight against the trafficking of unicorns"), **changes})


def _add_news(data_dir: Path) -> Path:
    """The FICTIONAL news file (and its provenance record) put in data_dir/raw/iccwc-website."""
    add_news_fixture(data_dir / "raw", "news-recognitions", "fictional-recognitions", "2018-05")
    return data_dir


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """A copy of data/raw and data/curated (read only by the tests) with the FICTIONAL news file."""
    root = tmp_path_factory.mktemp("data")
    for sub in ("raw", "curated"):
        shutil.copytree(paths.DATA / sub, root / sub)
    return _add_news(root)


def _add_rows(data_dir: Path, *rows: dict, into: Path | None = None) -> tuple[Path, int]:
    """``data_dir``'s curated recognitions.csv with ``rows`` appended, written to ``into`` (default: over it);
    returns the file and the first new row's line."""
    path = data_dir / "curated" / "recognitions.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, old = list(reader.fieldnames), list(reader)
    path = into or path
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(old)
        w.writerows(rows)
    return path, len(old) + 2


def _build(data_dir: Path, path: Path):
    return build_recognitions(path, Sources(data_dir / "raw"))


def test_later_rows_from_news_items_sit_beside_the_sc66_list(data, tmp_path):
    path, _ = _add_rows(data, _row(), _beruna(), into=tmp_path / "recognitions.csv")
    df = _build(data, path).set_index("id")
    real = iccwc.load_recognitions()
    assert len(df) == len(real) + 2                       # the real rows are all still there
    a, b = df.loc["fictional-assembly-2018"], df.loc["fictional-beruna-2018"]
    assert (a["date"], a["year"], a["symbol"], a["instrument_type"]) == ("2018-03", 2018, "A/72/L.99", "resolution")
    # The same issuing body as the SC66 list's A/69/L80 (under its first heading): the same category, by body.
    assert (a["category"], a["category_basis"]) == (GOV, "issuing body")
    assert bool(a["mentions_toolkit"]) is True
    assert a["source"] == f"{NEWS}, {ASSEMBLY} (2018-03-14)"
    # A body the list does not have: the curator's category, said so.
    assert (b["category"], b["category_basis"], b["symbol"]) == (REGIONAL, "curated", "")
    assert (b["place"], b["place_country_iso2"], b["themes"]) == ("Geneva", "CH", "unicorns")
    assert set(df["category_basis"]) <= set(CATEGORY_BASES) and set(df["instrument_type"]) <= set(INSTRUMENT_TYPES)
    assert (df.loc[real["id"], "category_basis"] == "heading").sum() == (real["category_basis"] == "heading").sum()


@pytest.mark.parametrize("row, column, expected", [
    # a quote its news item does not hold (the item says "recognizes", not "applauds")
    (_row(quote="which applauds the work of the International Consortium on Combating Wildlife Crime (ICCWC)"),
     "quote", "a quote that occurs in its source"),
    # a url that is not one of the news file's items
    (_row(source_item="/eng/news/pr/FICTIONAL_no_such_item_01012018"), "source_item", "the url of a news item"),
    # dates that are not a month and year, or not a real one
    (_row(date_as_printed="Smarch 2018"), "date_as_printed", "a month and year"),
    (_row(date_as_printed="2018-03"), "date_as_printed", "a month and year"),
    (_row(date_as_printed="March 2099"), "date_as_printed", "2010 to today"),
    # a kind outside the vocabulary
    (_row(instrument_type="treaty"), "instrument_type", "one of ['resolution', 'decision'"),
    (_row(instrument_type=""), "instrument_type", "one of ['resolution', 'decision'"),
    # a symbol its source does not print (an invented "Decision 17.52" is refused the same way)
    (_row(symbol="A/72/L.98"), "symbol", "a symbol printed in its source"),
    # the same body as a row under a heading, but another category
    (_row(category=REGIONAL), "category", repr(GOV)),
    # mentions_toolkit must follow the quote: true when it names the toolkit, else empty (unknown), never false
    (_beruna(mentions_toolkit="true"), "mentions_toolkit", "empty (unknown"),
    (_beruna(mentions_toolkit="false"), "mentions_toolkit", "empty (unknown"),
    (_row(mentions_toolkit=""), "mentions_toolkit", "true (the quote names"),
    (_row(mentions_toolkit="false"), "mentions_toolkit", "true (the quote names"),
])
def test_a_later_row_its_source_does_not_bear_out_is_refused(data, tmp_path, row, column, expected):
    path, line = _add_rows(data, row, into=tmp_path / "recognitions.csv")
    with pytest.raises(DataError) as err:
        _build(data, path)
    got = [(p.line, p.column) for p in problems_of(err)]
    assert got == [(line, column)], str(err.value)
    p = problems_of(err)[0]
    assert Path(p.file).name == "recognitions.csv" and expected in p.expected, p


def test_one_instrument_under_one_symbol_is_one_row(data, tmp_path):
    """The same symbol on two rows (one instrument entered twice) is refused on the second."""
    path, line = _add_rows(data, _row(), _row(id="fictional-assembly-again", date_as_printed="March 2018"),
                           into=tmp_path / "recognitions.csv")
    with pytest.raises(DataError) as err:
        _build(data, path)
    p = problems_of(err)
    assert [(x.line, x.column, x.found) for x in p] == [(line + 1, "symbol", "A/72/L.99")], str(err.value)
    assert f"already on line {line}" in p[0].expected


def test_rebuild_refuses_every_bad_later_row_and_writes_nothing(data_copy):
    data = _add_news(data_copy)
    _add_rows(data, _row(source_item="/eng/news/pr/FICTIONAL_no_such_item_01012018"),
              _beruna(id="fictional-beruna-bad", date_as_printed="Maytember 2018", instrument_type="accord"))
    before = snapshot(data / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data, log=quiet)
    got = {(Path(p.file).name, p.line, p.column) for p in problems_of(err)}
    n = sum(1 for _ in (data / "curated" / "recognitions.csv").open(encoding="utf-8"))
    assert {("recognitions.csv", n - 1, "source_item"), ("recognitions.csv", n, "date_as_printed"),
            ("recognitions.csv", n, "instrument_type")} <= got, got
    assert snapshot(data / "processed") == before


@pytest.mark.slow   # why: starts the command line in a subprocess
def test_the_command_line_names_file_line_column_and_expected(data_copy):
    data = _add_news(data_copy)
    _add_rows(data, _row(quote="which applauds the work of ICCWC"))
    before = snapshot(data / "processed")
    r = run_cli("--data-dir", str(data), "rebuild")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "recognitions.csv, line " in r.stderr and "column 'quote'" in r.stderr
    assert "expected a quote that occurs in its source" in r.stderr and "Nothing was written" in r.stderr
    assert snapshot(data / "processed") == before
