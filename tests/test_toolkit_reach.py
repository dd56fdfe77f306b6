"""Toolkit reach over time (issue 13, items 3 and 7): the curated counts, the series, its chart,
table and prose, and bad rows refused one by one (file, line, column, expected), nothing written.

FICTIONAL fixture: tests/fixtures/reach/fictional-reach-note.txt (a made-up note; none of its numbers is
a fact), given a provenance record in a tmp data folder by the tests that use it.
"""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import iccwc
from helpers import FIXTURES, copy_data, one, problems_of, quiet, snapshot
from iccwc import paths
from iccwc.analysis import toolkit_uptake as u
from iccwc.analysis.overview import SC66_DOCUMENT, SC66_STATUS_DATE
from iccwc.data.build import rebuild
from iccwc.data.curated import REACH_COLUMNS, build_toolkit_reach
from iccwc.data.load import load_toolkit_reach
from iccwc.data.provenance import sha256_of
from iccwc.data.sources import Sources
from iccwc.errors import DataError
from iccwc.views import story, tables
from iccwc.views.charts import base as charts
from iccwc.views.charts import toolkit as tc
from iccwc.vocab import REACH_MEASURES

NOTE = "notes/fictional-reach-note.txt"          # where the FICTIONAL note goes under a tmp raw/


@pytest.fixture(scope="module")
def reach():
    return load_toolkit_reach()


@pytest.fixture(scope="module")
def series(reach):
    return u.reach_series(reach, iccwc.load_toolkit())


# --------------------------------------------------------------------------- the real data


def test_sc66_counts_agree_with_its_status_table(reach):
    """The SC66 document's own sentence (17 requests, 6 completed, 11 under way) is in the data as three
    observations, and each equals what the SC66 table (toolkit_status.csv, as of 9 November 2015) counts."""
    stated = reach[reach["source"].str.startswith(SC66_DOCUMENT + ",")]
    assert sorted(stated["measure"].astype(str)) == sorted(["requests", "completed", "under way"])
    table = u.toolkit_summary(iccwc.load_toolkit(status_date=SC66_STATUS_DATE))
    from_table = {"requests": table["requests"], "completed": table["complete"], "under way": table["under_way"]}
    got = {str(r.measure): int(r.value) for r in stated.itertuples()}
    assert got == from_table
    assert stated["qualifier"].isna().all()
    assert set(stated["date"]) == {"2016-01"}                # the document's month ("at the time of writing")


def test_every_count_is_in_its_quote_and_dated_no_later_than_its_source(reach):
    assert len(reach) == len(list(csv.DictReader((paths.CURATED / "toolkit_reach.csv").open(encoding="utf-8"))))
    for r in reach.itertuples():
        assert re.search(rf"(?<!\d){r.value}(?!\d)", r.quote), r
        if isinstance(r.qualifier, str):
            assert r.qualifier in r.quote[:r.quote.index(str(r.value))], r
        m = re.search(r"\((\d{4}-\d{2}-\d{2})\)$", r.source)       # a news item's date, in its citation
        if m:
            assert r.date <= m.group(1)
    assert set(reach["measure"].astype(str)) <= set(REACH_MEASURES)


def test_against_tables_can_disagree(series):
    check = u.reach_against_tables(series)
    assert len(check) == 3 and check["agree"].all()
    assert set(check["table_date"]) == {SC66_STATUS_DATE}
    wrong = series.copy()
    i = wrong.index[(wrong["basis"] == u.TEXT_BASIS) & wrong["source"].str.startswith(SC66_DOCUMENT)
                    & (wrong["measure"] == "completed")][0]
    wrong.loc[i, "value"] = 7                               # a FICTIONAL misstatement
    bad = u.reach_against_tables(wrong).set_index("measure")
    assert not bad.loc["completed", "agree"] and bad.loc["requests", "agree"]
    assert "completed: 7 stated, 6 in the table" in story.toolkit_reach(wrong)


# --------------------------------------------------------------------------- the series


def test_series_puts_table_and_words_in_time_order(series, reach):
    assert series["when"].is_monotonic_increasing
    table = series[series["basis"] == u.TABLE_BASIS]
    assert len(series) == len(reach) + len(table)
    sc66 = iccwc.load_toolkit(status_date=SC66_STATUS_DATE)
    s = u.toolkit_summary(sc66)
    on_date = table[table["date"] == SC66_STATUS_DATE].set_index("measure")["value"]
    assert on_date.to_dict() == {"requests": s["requests"], "completed": s["complete"], "under way": s["under_way"]}
    lines = sc66["source_line"].astype(int)
    assert table["source"].iloc[0].endswith(f"lines {lines.min()}-{lines.max()}")


def test_month_only_dates_stay_months_and_labels_carry_qualifiers(series):
    month = series[series["month_only"]]
    assert len(month) and (month["date"].str.len() == 7).all()
    assert (month["when"] == pd.to_datetime(month["date"] + "-01")).all()
    assert (series.loc[~series["month_only"], "date"].str.len() == 10).all()
    for r in series.itertuples():
        if not r.qualifier:
            assert r.label == str(r.value)
        elif r.qualifier == "around":
            assert r.label == f"~{r.value}"
        elif r.qualifier == "over":                     # a lower bound ("over 30 countries")
            assert r.label == f">{r.value}"
        else:
            assert r.label == f"{r.value}{r.mark}" and r.mark
    assert u.reach_footnotes(series) == {m: q for m, q in zip(series["mark"], series["qualifier"]) if m}


def test_series_of_fictional_counts():
    """FICTIONAL rows: two other qualifiers get two marks; a lower bound gets '>'; a status list without
    steps gives requests only (its stages are unknown)."""
    reach = pd.DataFrame({"date": ["2017-03", "2017-04-02", "2017-05-01"],
                          "measure": ["countries implementing", "requests", "completed"],
                          "value": [40, 31, 12], "qualifier": ["is to be", "more than", "at last count"],
                          "quote": ["q1", "q2", "q3"], "source": ["a", "b", "c"]})
    tk = pd.DataFrame({"status_date": pd.to_datetime(["2017-01-05"] * 2), "last_step": [pd.NA, 3],
                       "stage": ["listed", "planning phase"], "source_file": ["fictional.csv"] * 2,
                       "source_line": [2, 3]})
    s = u.reach_series(reach, tk)
    assert s["label"].tolist() == ["2", "40*", ">31", "12†"]
    assert s.loc[0, "measure"] == "requests" and s.loc[0, "basis"] == u.TABLE_BASIS
    assert u.reach_footnotes(s) == {"*": "is to be", "†": "at last count"}
    assert s.loc[s["date"] == "2017-03", "when"].iloc[0] == pd.Timestamp("2017-03-01")


# --------------------------------------------------------------------------- chart, table, prose


def test_chart_shows_labels_key_and_month_spans(series):
    fig = tc.reach_figure(series)
    texts = charts.svg_texts(charts.svg(fig))
    for label in series["label"]:
        assert label in texts
    key = tc.reach_notes(series)
    assert "\u201chas been, or is being\u201d" in key and "~: around" in key and "month only" in key
    ax = fig.axes[0]
    spans = [ln for ln in ax.lines if ln.get_gid() == "month-span"]
    month = series[series["month_only"]]
    assert len(spans) == len(month)
    import matplotlib.dates as mdates
    for ln, r in zip(spans, month.itertuples()):
        x0, x1 = ln.get_xdata()
        start, end = tc.month_span(r.when)
        assert (mdates.date2num(x0), mdates.date2num(x1)) == (mdates.date2num(start), mdates.date2num(end))
        assert ln.get_ydata()[0] == r.value
    lo, hi = ax.get_xlim()
    assert lo <= mdates.date2num(series["when"].min()) and hi >= mdates.date2num(series["when"].max())


def test_chart_words_stay_on_the_figure_apart_and_clear_of_the_legend(series):
    fig = tc.reach_figure(series)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    labels = [t for t in fig.axes[0].texts if t.get_text().strip()]
    assert len(labels) == len(series)
    boxes = [t.get_window_extent(renderer) for t in labels]
    legend = fig.legends[0].get_window_extent(renderer)
    for t, b in zip(labels, boxes):
        assert page.x0 <= b.x0 and b.x1 <= page.x1 and page.y0 <= b.y0 and b.y1 <= page.y1, t.get_text()
        assert not b.overlaps(legend), t.get_text()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two value labels overlap"
    xlabel = fig.axes[0].xaxis.label.get_window_extent(renderer)
    assert page.x0 <= xlabel.x0 and xlabel.x1 <= page.x1


def test_chart_of_no_counts_says_so(series):
    texts = charts.svg_texts(charts.svg(tc.reach_figure(series.iloc[:0])))
    assert "No count of the Toolkit's reach in the data" in texts


def test_table_lists_every_point_with_its_source(series):
    t = tables.reach_table(series)
    assert list(t.columns) == ["date", "measure", "count", "qualifier", "basis", "source", "quote"]
    assert t["count"].tolist() == series["label"].tolist() and t["source"].tolist() == series["source"].tolist()
    month = series["month_only"].to_numpy()
    assert all(re.fullmatch(r"[A-Z][a-z]+ \d{4}", d) for d in t.loc[month, "date"])
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", d) for d in t.loc[~month, "date"])
    fictional = series.iloc[:1].assign(source="<script>alert(1)</script>")
    assert "<script>" not in tables.reach_table_html(fictional)


def test_prose_numbers_come_from_the_series(series):
    text = story.toolkit_reach(series)
    bold = {int(n) for n in re.findall(r"\*\*(\d+)\*\*", text)}
    table = series[series["basis"] == u.TABLE_BASIS]
    assert bold == set(series["value"].astype(int)) | {len(series), len(table), len(series) - len(table)}
    last = series.iloc[-1]
    assert f"No source in the data gives a count after {u.date_label(last['when'])}." in text
    assert "agrees with its own table as of 9 November 2015" in text
    fewer = series[series["when"] <= pd.Timestamp(SC66_STATUS_DATE)]                 # the table only
    short = story.toolkit_reach(fewer)
    assert short.startswith(f"The data hold **{len(fewer)}** counts") and "sources' words only" not in short
    assert story.toolkit_reach(series.iloc[:0]) == "The data hold no count of the Toolkit's reach."


# --------------------------------------------------------------------------- bad rows (FICTIONAL)


def _raw_with_note(raw: Path) -> Sources:
    (raw / "notes").mkdir(parents=True, exist_ok=True)
    note = raw / NOTE
    shutil.copy(FIXTURES / "reach" / "fictional-reach-note.txt", note)
    note.with_name(note.stem + ".provenance.json").write_text(
        '{"title": "FICTIONAL reach note", "issuer": "Test suite", "issued": "2016-03", '
        '"source": "tests/fixtures/reach", "licence": "CC0", "sha256": "%s"}' % sha256_of(note), encoding="utf-8")
    return Sources(raw)


GOOD = [  # FICTIONAL rows, true of the FICTIONAL note
    dict(date="2016-03-01", measure="requests", value="23", qualifier="", source=NOTE, source_item="",
         quote="had received 23 requests for toolkit implementation"),
    dict(date="2016-03", measure="countries implementing", value="30", qualifier="has been, or is being",
         source=NOTE, source_item="", quote="The toolkit has been, or is being, used in about 30 countries"),
]


def _write(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=REACH_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def test_fictional_rows_build(tmp_path):
    sources = _raw_with_note(tmp_path / "raw")
    df = build_toolkit_reach(_write(tmp_path / "toolkit_reach.csv", GOOD), sources)
    assert df["value"].tolist() == [30, 23] and df["date"].tolist() == ["2016-03", "2016-03-01"]
    assert df["source"].tolist() == [f"{Path(NOTE).name}, line 7", f"{Path(NOTE).name}, line 5"]


BAD = {  # column -> (a FICTIONAL bad row, what the message must say it expected)
    "quote": (dict(GOOD[0], quote="had received 99 requests for toolkit implementation", value="99"),
              "a quote that occurs in its source"),
    "value": (dict(GOOD[0], value="24"), "the number as printed in the quote"),
    "date": (dict(GOOD[0], date="1 March 2016"), "a real date YYYY-MM or YYYY-MM-DD"),
    "measure": (dict(GOOD[0], measure="pledges"), "one of " + ", ".join(REACH_MEASURES)),
    "qualifier": (dict(GOOD[0], qualifier="nearly"), "the source's words before the number"),
}


@pytest.mark.parametrize("column", list(BAD) + ["value-not-a-number", "date-impossible", "date-after-source"])
def test_bad_row_is_refused_with_file_line_column(tmp_path, column):
    sources = _raw_with_note(tmp_path / "raw")
    if column == "value-not-a-number":
        row, expected, column = dict(GOOD[0], value="twenty-three"), "a whole number", "value"
    elif column == "date-impossible":
        row, expected, column = dict(GOOD[0], date="2016-02-30"), "a real date YYYY-MM or YYYY-MM-DD", "date"
    elif column == "date-after-source":
        row, expected, column = dict(GOOD[0], date="2016-04"), "a date no later than its source's (2016-03", "date"
    else:
        row, expected = BAD[column]
    f = _write(tmp_path / "toolkit_reach.csv", [GOOD[1], row])
    with pytest.raises(DataError) as err:
        build_toolkit_reach(f, sources)
    p = one(err, line=3)
    assert (p.file, p.column) == (str(f), column) and p.expected.startswith(expected), str(err.value)
    assert len(problems_of(err)) == 1, str(err.value)            # the good row on line 2 is not blamed


def test_bad_rows_stop_the_rebuild_and_nothing_is_written(tmp_path):
    data = copy_data(tmp_path / "data")
    _raw_with_note(data / "raw")
    # each bad row on a date of its own, so no two rows are the same observation
    rows = [GOOD[0], *(r if c == "date" else dict(r, date=f"2016-02-{i:02d}") for i, (c, (r, _)) in
                       enumerate(BAD.items(), start=1))]
    f = _write(data / "curated" / "toolkit_reach.csv", rows)
    before = snapshot(data / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data, log=quiet)
    mine = {(p.line, p.column) for p in problems_of(err) if p.file == str(f)}
    assert mine == {(i, c) for i, c in enumerate(BAD, start=3)}
    assert snapshot(data / "processed") == before
