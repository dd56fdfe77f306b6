"""The Toolkit table is parsed exactly: every check mark of every row."""
from __future__ import annotations

import re

import pytest

from iccwc.data.textio import read_text
from iccwc.vocab import ACTION_PLAN, MARK_COLUMNS, STEP_COLUMNS, stage_of
from iccwc.data.toolkit import parse_toolkit_table
from helpers import SC66

# An independent reading of Part 3 of the SC66 document (as of 9 November 2015):
# the highest step marked for each country, and the countries with the action-plan column marked.
LAST_STEP = {
    "Angola": 2, "Bahamas": 1, "Bangladesh": 8, "Bosnia and Herzegovina": 4, "Botswana": 8,
    "Congo": 6, "DRC": 2, "Gabon": 8, "Kenya": 3, "Madagascar": 3, "Mexico": 6, "Mozambique": 3,
    "Nepal": 8, "Peru": 8, "Togo": 4, "United Republic of Tanzania": 2, "Vietnam": 8,
}
ACTION_PLAN_MARKED = {"Bangladesh", "Botswana", "Gabon", "Nepal", "Peru"}
ISO3 = {"DRC": "COD", "Congo": "COG", "Vietnam": "VNM", "United Republic of Tanzania": "TZA",
        "Bahamas": "BHS", "Bosnia and Herzegovina": "BIH"}


@pytest.fixture(scope="module")
def table():
    return parse_toolkit_table(SC66)


def test_status_date(table):
    assert table.status_date.isoformat() == "2015-11-09"
    assert set(table.rows["status_date"]) == {"2015-11-09"}


def test_countries_in_document_order(table):
    assert list(table.rows["country"]) == list(LAST_STEP)


@pytest.mark.parametrize("country", list(LAST_STEP))
def test_every_mark_of_row(table, country):
    row = table.rows.set_index("country").loc[country]
    for n, col in enumerate(STEP_COLUMNS, 1):
        assert bool(row[col]) == (n <= LAST_STEP[country]), f"{country} {col}"
    assert bool(row[ACTION_PLAN]) == (country in ACTION_PLAN_MARKED)
    assert row["last_step"] == LAST_STEP[country]


def test_marks_match_raw_lines(table):
    """Each parsed row has as many True cells as its raw line has check marks, at the same positions."""
    lines = read_text(SC66).split("\n")
    for _, row in table.rows.iterrows():
        cells = lines[row["source_line"] - 1].split("\t")
        assert cells[0] == row["country"]
        assert [c.strip() == "✓" for c in cells[1:]] == [bool(row[c]) for c in MARK_COLUMNS]


def test_iso3_of_tricky_names(table):
    got = dict(zip(table.rows["country"], table.rows["iso3"]))
    for name, code in ISO3.items():
        assert got[name] == code


def test_stage_rule():
    assert [stage_of(n) for n in range(1, 9)] == [
        "request received", "planning phase", "planning phase", "planning phase",
        "in process", "in process", "in process", "complete"]
    with pytest.raises(ValueError):
        stage_of(0)


def test_headline_numbers_of_the_document_hold(table):
    """Part 3 says: '17 requests ... completed in 6 countries and ... stages of implementation in 11 countries'.
    The numbers are read from the document's sentence, then checked on the parsed data."""
    text = " ".join(read_text(SC66).split())
    requests = int(re.search(r"(\d+) requests for toolkit implementation have been received", text).group(1))
    done = int(re.search(r"successfully completed in (\d+) countries", text).group(1))
    under_way = int(re.search(r"stages of implementation\]?(?:\(#\))? in (\d+) countries", text).group(1))
    df = table.rows
    assert (requests, done, under_way) == (17, 6, 11)
    assert len(df) == requests
    assert (df["stage"] == "complete").sum() == done
    assert (df["stage"] != "complete").sum() == under_way


def test_regions_named_by_the_document(table):
    """'from countries in Africa, Asia, Europe and Latin America'."""
    assert set(table.rows["region"]) == {"Africa", "Asia", "Europe", "North America", "South America"}
    americas = table.rows[table.rows["document_region"] == "Americas"]["country"]
    assert set(americas) == {"Bahamas", "Mexico", "Peru"}
