"""The real ICCWC website file in data/processed/activities.csv: its counts recomputed here from the raw
file with the csv module and a plain regular expression, independently of iccwc.data.website."""
from __future__ import annotations

import csv
import re

import pytest

import iccwc
from iccwc import paths
from iccwc.data.countries import resolve
from iccwc.data.provenance import check

RAW = paths.DATA / "raw" / "iccwc-website" / "pins.csv"
GROUPS = {"Analysis of national responses": "analysis of national responses",
          "Law enforcement support and capacity building": "capacity building and law enforcement support",
          "Cross-cutting activities": "cross-cutting activities"}


@pytest.fixture(scope="module")
def raw():
    """(country, group, activity text, first year) per activity: each year in brackets, or a bare year at
    the end of a line, ends an activity; a line with no year is one activity."""
    with open(RAW, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        for line in r["description"].split("\n"):
            found = re.findall(r"(.*?)\(?\s*\b(20\d\d)(?:[-/]20\d\d)?\s*\)?", line)
            if not found:
                out.append((r["title"], r["group"], line.strip(), None))
            for text, year in found:
                out.append((r["title"], r["group"], " ".join(text.strip(" -\u2013").split()), int(year)))
    return rows, out


@pytest.fixture(scope="module")
def act():
    a = iccwc.load_activities()
    return a[a["website_group"].notna()]


def test_the_raw_file_is_the_published_one():
    assert check(RAW).sha256 == "f89a5285e21f38ef060ddcac4135b10223dada0dbbf00bf75051b0ce46bae037"


def test_rows_countries_and_duplicates(raw, act):
    rows, acts = raw
    distinct = {(resolve(c).iso3, t.casefold(), y) for c, _, t, y in acts}
    # A text naming both tools ("Toolkit and Indicator Framework implementation") is two activities
    # (issue 24, item 4): 4 such texts on the real file, so 354 texts give 358 activities.
    both = {k for k in distinct if re.search(r"toolkit", k[1]) and re.search(r"indicator framework", k[1])}
    assert len(both) == 4
    assert len(act) == len(distinct) + len(both) == 358                  # each activity once
    assert act["duplicates"].sum() == len(acts) - len(distinct) == 1     # Nepal's Toolkit, listed twice
    assert act["iso3"].nunique() == len({resolve(r["title"]).iso3 for r in rows}) == 131
    assert len(rows) == 132 and act["country"].nunique() == 131          # one country on two rows
    assert 340 <= len(act) <= 360                                        # "about 350 activities"


def test_years_groups_and_status(raw, act):
    _, acts = raw
    years = {y for *_, y in acts if y is not None}
    assert (int(act["year_start"].min()), int(act["year_end"].max())) == (min(years), 2020) == (2013, 2020)
    assert act["year_start"].notna().all()                 # every website activity has a year
    assert (act["year_end"] >= act["year_start"]).all()
    assert set(act["website_group"]) == set(GROUPS)
    assert (act["website_group"].map(GROUPS) == act["category"].astype(str)).all()
    assert act.loc[act["toolkit_stage"].isna(), "status"].isna().all()   # the website gives no status


def test_types_cover_almost_everything(act):
    counts = act["activity_type"].astype(str).value_counts()
    assert counts.get("other", 0) <= 0.02 * len(act)
    ops = act["description"].str.fullmatch(r"Operation (Thunder\w+|Cobra( II)?|PAWS .*)", case=False)
    assert ops.sum() > 250
    assert (act.loc[ops, "activity_type"] == "enforcement operation").all()
    named = act["description"].str.contains("Toolkit", case=False)
    both = named & act["description"].str.contains("Indicator Framework", case=False)
    assert (act.loc[named & ~both, "activity_type"] == "Toolkit").all()
    # a text naming both tools: one Toolkit and one Indicator Framework activity, same line and years
    pairs = act[both].groupby(["iso3", "source_line"])["activity_type"].agg(sorted)
    assert len(pairs) == 4 and all(t == ["Indicator Framework", "Toolkit"] for t in pairs)
    fw = act.loc[act["description"].str.contains("Indicator Framework", case=False)]
    assert (fw["activity_type"].isin(["Indicator Framework", "Toolkit"])).all()
    assert fw.loc[fw["activity_type"] == "Indicator Framework", "iso3"].nunique() == 8   # 4 before item 4


def test_coordinates_and_lines(act):
    assert act[["latitude", "longitude"]].notna().all().all()
    lines = RAW.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    for r in act.sample(40, random_state=1).itertuples():
        assert r.description.split(" (")[0] in lines[r.source_line - 1], (r.source_line, r.description)


def test_toolkit_table_merged_not_counted_twice():
    a = iccwc.load_activities()
    tk = iccwc.load_toolkit(status_date="latest")
    toolkit = a[a["activity_type"] == "Toolkit"]
    assert not toolkit.duplicated(["iso3"]).any() or toolkit.groupby("iso3").size().max() == 1
    assert set(tk["iso3"]) <= set(toolkit["iso3"])
    merged = a[a["website_group"].notna() & a["toolkit_stage"].notna()]
    assert len(merged) == 16 and merged["source"].str.contains("; ").all()
    assert set(tk["iso3"]) - set(merged["iso3"]) == {"KEN"}              # Kenya's Toolkit is not on the website
