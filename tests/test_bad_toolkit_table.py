"""A bad Toolkit table gets a clear error (issue 7, data input): every problem names the file,
the line, the column and what was expected, and a file's problems come together in one DataError.

Documents are generated in a tmp copy of data/ (``data_copy``) from the SC66 text, with a
provenance record written for them; nothing is ever added to data/raw.
"""
from __future__ import annotations


import pandas as pd
import pytest

import iccwc
from iccwc import errors, paths
from iccwc.data.build import rebuild
from iccwc.data.toolkit import parse_toolkit_table
from iccwc.errors import DataError
from helpers import (HEADER_LINE, KENYA, ROW_LINE, SC66, SC66_LINES, SC66_TEXT, cells, newer, one,
                     problems_of, quiet, sc66_rows, set_line, write_doc)


def test_document_without_toolkit_table(data_copy):
    text = "\n".join(l for l in SC66_LINES if not l.startswith("PARTY\t"))
    doc = write_doc(data_copy, "no-table.txt", newer(text))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, file=str(doc))
    assert "PARTY<TAB>IMPLEMENTATION STEPS" in p.expected and p.found == "no such line"
    assert "No Toolkit table" in str(err.value)


@pytest.mark.parametrize("row,found", [
    ("\t".join(KENYA.split("\t")[:-1]), "9 cells"),              # a cell missing
    (KENYA + "\t", "11 cells"),                                   # an extra cell
])
def test_row_with_missing_or_extra_cell(data_copy, row, found):
    doc = write_doc(data_copy, "cells.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], row)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, line=ROW_LINE["Kenya"])
    assert (p.found, p.expected) == (found, "10 tab-separated cells (country, 8 steps, action plan)")


def test_step_header_missing_a_step_or_misnamed(data_copy):
    heads = SC66_LINES[HEADER_LINE].split("\t")
    dropped = "\t".join(heads[:3] + heads[4:])                           # no STEP 3
    doc = write_doc(data_copy, "heads.txt", newer(set_line(SC66_TEXT, HEADER_LINE + 1, dropped)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    assert one(err, column=None, line=HEADER_LINE + 1).found == "7 header(s)"
    misnamed = SC66_LINES[HEADER_LINE].replace("STEP 3: PREPARATORY WORK", "STEP 3: PREPARATION")
    doc = write_doc(data_copy, "heads2.txt", newer(set_line(SC66_TEXT, HEADER_LINE + 1, misnamed)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, column="step 3")
    assert (p.line, p.found, p.expected) == (HEADER_LINE + 1, "STEP 3: PREPARATION", "the header 'STEP 3: PREPARATORY WORK'")


@pytest.mark.parametrize("mark", ["yes", "1", "-", "ü", "done"])
def test_unknown_mark(data_copy, mark):
    doc = write_doc(data_copy, "mark.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], cells("✓", mark, "✓"))))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert (p.file, p.line, p.column, p.found) == (str(doc), ROW_LINE["Kenya"], "step_2_focal_point", mark)
    assert p.expected.startswith("a check mark (✓, or X in a Latin-1 file) or an empty cell")


def test_utf8_mark_in_a_windows_1252_file_gets_a_hint(data_copy):
    """A file that mixes encodings: ✓ written as UTF-8 bytes inside a Windows-1252 file."""
    text = newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], cells("X", "X", "X"))).replace("✓", "X")
    data = text.encode("cp1252").replace(b"Kenya\tX\tX\tX", "Kenya\tX\t✓\tX".encode("utf-8"))
    data = data.replace(b"Angola", b"Ang\xf4la")       # one byte that is not UTF-8: read as cp1252
    doc = write_doc(data_copy, "mixed.txt", data=data)
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, column="step_2_focal_point")
    assert p.found == "âœ“" and "mixes encodings" in p.expected


@pytest.mark.parametrize("name", ["Kenia", "Atlantis", "Tanzania, United Rep. of the"])
def test_unknown_or_misspelt_country(data_copy, name):
    row = KENYA.replace("Kenya", name, 1)
    doc = write_doc(data_copy, "country.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], row)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert (p.line, p.column, p.found) == (ROW_LINE["Kenya"], "country", name)
    assert "country_aliases.csv" in p.expected


def test_a_territory_outside_the_mapped_continents_is_named_at_its_line(data_copy):
    """pycountry knows Antarctica, but no map or region of the project holds it: the parser says so
    at the line (it used to pass, then fail the schema at write time with no line of the document)."""
    row = KENYA.replace("Kenya", "Antarctica", 1)
    doc = write_doc(data_copy, "antarctica.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], row)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert (p.line, p.column, p.found) == (ROW_LINE["Kenya"], "country", "Antarctica (Antarctica)")


@pytest.mark.parametrize("twin", ["Kenya", "Republic of Kenya"])
def test_same_country_twice_in_one_table(data_copy, twin):
    row = KENYA.replace("Kenya", twin, 1)
    text = set_line(SC66_TEXT, ROW_LINE["Madagascar"], SC66_LINES[ROW_LINE["Madagascar"] - 1] + "\n" + row)
    doc = write_doc(data_copy, "twice.txt", newer(text))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert (p.line, p.column, p.found) == (ROW_LINE["Madagascar"] + 1, "country", twin)
    assert f"KEN is already on line {ROW_LINE['Kenya']}" in p.expected


def test_same_status_date_in_two_documents(data_copy):
    doc = write_doc(data_copy, "copy-of-sc66.txt", SC66_TEXT.replace("ICCWC", "ICCWC ", 1))
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    p = one(err, file=str(doc))
    assert p.column == "as of" and p.found == "2015-11-09" and SC66.name in p.expected


@pytest.mark.parametrize("marks,column", [
    (("✓", "", "✓"), "step_2_focal_point"),                       # step 3 done, step 2 not
    (("", "✓"), "step_1_request"),                                # step 2 done, no request
    (("✓", "✓", "✓", "", "", "", "", "", "✓"), "action_plan_implementation"),   # action plan before step 8
    ((), "step_1_request"),                                       # a listed country with no mark
])
def test_step_done_while_an_earlier_one_is_not_is_an_error(data_copy, marks, column):
    doc = write_doc(data_copy, "order.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], cells(*marks))))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert (p.file, p.line, p.column) == (str(doc), ROW_LINE["Kenya"], column)


def test_out_of_order_rule_is_documented():
    import iccwc.data.toolkit
    assert "is an **error**" in iccwc.data.toolkit.__doc__
    # The data rules moved from README to docs/data.md (README links to it).
    docs = [paths.ROOT / "README.md", paths.ROOT / "docs" / "data.md"]
    assert any("Steps out of order are an error." in d.read_text(encoding="utf-8") for d in docs if d.exists())


def test_missing_as_of_date(data_copy):
    text = SC66_TEXT.replace("(as of 9 November 2015)", "").replace("updated as of 9 November 2015", "updated")
    assert "as of" not in text.replace("areas of", "")
    doc = write_doc(data_copy, "no-date.txt", text)
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, column="as of")
    assert p.found == "none" and "as of <day> <Month> <year>" in p.expected


@pytest.mark.parametrize("written", ["31 November 2015", "29 February 2015", "late 2015", "November 2015",
                                     "9 Novembre 2015", "2015-11-31"])
def test_unparseable_or_impossible_as_of_date(data_copy, written):
    doc = write_doc(data_copy, "bad-date.txt", SC66_TEXT.replace("9 November 2015", written))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    lines = {p.line for p in problems_of(err)}
    assert lines == {i for i, l in enumerate(SC66_LINES, 1) if "as of 9 November 2015" in l}   # all three
    assert all((p.column, p.found) == ("as of", written) and "a real date" in p.expected
               for p in problems_of(err))


def test_two_different_as_of_dates(data_copy):
    text = set_line(SC66_TEXT, HEADER_LINE + 20, SC66_LINES[HEADER_LINE + 19].replace("9 November", "10 November"))
    doc = write_doc(data_copy, "two-dates.txt", text)
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, column="as of")
    assert "2015-11-09" in p.found and "2015-11-10" in p.found


def test_a_real_leap_day_is_accepted(data_copy):
    doc = write_doc(data_copy, "leap.txt", SC66_TEXT.replace("9 November 2015", "29 February 2016"))
    assert parse_toolkit_table(doc).status_date.isoformat() == "2016-02-29"


def test_a_flood_of_problems_is_listed_with_a_cap(data_copy):
    bad = "\n".join(cells("yes", country="Kenya") for _ in range(5000))
    doc = write_doc(data_copy, "flood.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], bad)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    assert len(err.value.problems) >= 5000 + 4999          # a bad mark on each, and 4,999 duplicates
    msg = str(err.value)
    assert msg.count("\n  - ") == errors.MAX_LISTED and "more problem(s)" in msg


def test_three_problems_in_one_file_come_in_one_error(data_copy):
    text = set_line(SC66_TEXT, ROW_LINE["Kenya"], cells("✓", "yes", "✓"))                # unknown mark
    text = set_line(text, ROW_LINE["Togo"], SC66_LINES[ROW_LINE["Togo"] - 1].replace("Togo", "Togoland"))
    text = set_line(text, ROW_LINE["Peru"], cells("✓", "", "✓", country="Peru"))          # out of order
    doc = write_doc(data_copy, "three.txt", newer(text))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    got = sorted((p.line, p.column, p.found) for p in problems_of(err))
    assert got == [(ROW_LINE["Kenya"], "step_2_focal_point", "yes"),
                   (ROW_LINE["Peru"], "step_2_focal_point", "an empty cell"),
                   (ROW_LINE["Togo"], "country", "Togoland")]
    msg = str(err.value)
    for p in problems_of(err):
        assert p.file == str(doc) and p.expected
        assert f"{doc}, line {p.line}, column '{p.column}': expected {p.expected}" in msg


# --------------------------------------------------------------------------- the table's real end

def test_a_blank_line_between_rows_loses_no_row(data_copy):
    """A blank line inside the table used to end it: 8 of 17 countries, exit 0. Now it is skipped."""
    text = set_line(SC66_TEXT, ROW_LINE["Madagascar"], SC66_LINES[ROW_LINE["Madagascar"] - 1] + "\n")
    text = set_line(text, ROW_LINE["Peru"] + 1, SC66_LINES[ROW_LINE["Peru"] - 1] + "\n \t \n")   # blank-ish
    doc = write_doc(data_copy, "blank-line.txt", newer(text))
    rows = parse_toolkit_table(doc).rows
    expected = sc66_rows(SC66)
    assert list(rows["country"]) == list(expected["country"])            # all 17, in order
    pd.testing.assert_frame_equal(rows.drop(columns=["source_file", "source_line", "status_date"]),
                                  expected.drop(columns=["source_line", "status_date"]))
    assert rows.set_index("country").loc["Mexico", "source_line"] == ROW_LINE["Mexico"] + 1   # the real line
    rebuild(data_copy, log=quiet)
    assert len(iccwc.load_toolkit(data_copy, status_date="2016-03-15")) == 17


@pytest.mark.parametrize("how", ["spaces", "after the footnote", "marks only"])
def test_rows_after_the_end_of_the_table_are_reported(data_copy, how):
    """Rows that do not continue the table in table form are errors at their lines, never dropped."""
    lines = SC66_TEXT.split("\n")
    mexico = lines[ROW_LINE["Mexico"] - 1]
    if how == "spaces":             # a blank line, then the rest typed with spaces: the table ends there
        moved = [l.replace("\t", "  ") for l in lines[ROW_LINE["Mexico"] - 1:ROW_LINE["Vietnam"]]]
        lines[ROW_LINE["Mexico"] - 1:ROW_LINE["Vietnam"]] = ["", *moved]
        stray = ROW_LINE["Mexico"] + 1
    elif how == "after the footnote":
        del lines[ROW_LINE["Mexico"] - 1]
        footnote = next(i for i, l in enumerate(lines) if l.startswith("Prepared by"))
        lines.insert(footnote + 1, mexico)
        stray = footnote + 2
    else:
        lines[ROW_LINE["Mexico"] - 1] = ""
        lines.insert(ROW_LINE["Vietnam"] + 2, "Mexico ✓ ✓ ✓ ✓ ✓ ✓")
        stray = ROW_LINE["Vietnam"] + 3
    doc = write_doc(data_copy, "stray.txt", newer("\n".join(lines)))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = [q for q in problems_of(err) if q.line == stray]
    assert p and "no table row after the end of the Toolkit table" in p[0].expected, str(err.value)
    assert "Mexico" in p[0].found


def test_a_second_toolkit_table_in_one_document_is_refused(data_copy):
    table = SC66_LINES[HEADER_LINE - 1:ROW_LINE["Vietnam"]]
    footnote = next(i for i, l in enumerate(SC66_LINES, 1) if l.startswith("Prepared by"))
    text = set_line(SC66_TEXT, footnote, SC66_LINES[footnote - 1] + "\n\n" + "\n".join(table))
    doc = write_doc(data_copy, "two-tables.txt", newer(text))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert p.line == footnote + 2 and p.found == "a second 'PARTY<TAB>IMPLEMENTATION STEPS' header"
    assert f"one Toolkit table per document (its header is on line {HEADER_LINE})" in p.expected


# --------------------------------------------------------------------------- status dates in ICCWC's lifetime

@pytest.mark.parametrize("written", ["9 November 2099", "9 November 1999", "1 January 0001", "0001-01-01",
                                     "22 November 2010"])
def test_status_date_outside_iccwc_lifetime_is_refused(data_copy, written):
    doc = write_doc(data_copy, "when.txt", SC66_TEXT.replace("9 November 2015", written))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    assert {p.line for p in problems_of(err)} == {i for i, l in enumerate(SC66_LINES, 1)
                                                   if "as of 9 November 2015" in l}
    for p in problems_of(err):
        assert (p.file, p.column, p.found) == (str(doc), "as of", written)
        assert p.expected.startswith("a status date between 23 November 2010 (ICCWC was founded) and today")


def test_the_founding_day_and_today_are_accepted(data_copy):
    import datetime
    for written in ("23 November 2010", datetime.date.today().strftime("%d %B %Y")):
        doc = write_doc(data_copy, "edge.txt", SC66_TEXT.replace("9 November 2015", written))
        assert parse_toolkit_table(doc).status_date == datetime.datetime.strptime(written, "%d %B %Y").date()


# --------------------------------------------------------------------------- names, not codes

@pytest.mark.parametrize("code", ["404", "KEN", "KE", "ken"])
def test_a_country_code_is_not_a_country_name(data_copy, code):
    """pycountry's lookup reads '404' (ISO numeric), 'KE' and 'KEN' as Kenya: refused at the line."""
    doc = write_doc(data_copy, "code.txt", newer(set_line(SC66_TEXT, ROW_LINE["Kenya"], KENYA.replace("Kenya", code, 1))))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err)
    assert (p.line, p.column, p.found) == (ROW_LINE["Kenya"], "country", code)
    assert "a name, not a code" in p.expected
