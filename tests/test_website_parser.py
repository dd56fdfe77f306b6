"""The ICCWC website's activity-map file (iccwc.data.website): the parser's rules on a FICTIONAL fixture,
and one clear error per bad row (file, line, column, expected, found) with nothing written."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import iccwc
from iccwc.data import website
from iccwc.data.build import rebuild
from iccwc.data.inputs import Inputs
from iccwc.data.provenance import sha256_of
from iccwc.errors import DataError
from helpers import FIXTURES

FICTIONAL = FIXTURES / "website" / "FICTIONAL-test-pins.csv"
TOPO = Inputs.find().topojson
HEADER = "title,description,url,group,icon,color,visible,media_url,longitude,latitude"
LEC = "Law enforcement support and capacity building"


def read(path=FICTIONAL, notes=None):
    return website.read_website(path, TOPO, this_year=2026, notes=notes)


def test_one_row_per_activity_with_years_lines_and_types():
    notes = []
    df = read(notes=notes)
    got = [(r.country, r.description, r.year_start, r.year_end, r.source_line, r.activity_type)
           for r in df.itertuples()]
    na = None
    assert [(c, d, None if s != s else s, None if e != e else e, line, t) for c, d, s, e, line, t in got] == [
        ("Kenya", "FICTIONAL Operation Testbird", 2019, 2019, 2, "enforcement operation"),
        ("Kenya", "FICTIONAL Toolkit Implementation", 2016, 2017, 3, "Toolkit"),          # 2016/2017
        ("Kenya", "FICTIONAL Workshop on test fixtures", 2015, 2015, 4, "training or workshop"),
        ("Kenya", "FICTIONAL Operation Mockstorm", 2018, 2018, 4, "enforcement operation"),  # two on a line
        ("Kenya", "FICTIONAL Regional meeting of testers", 2014, 2014, 5, "meeting"),      # bare year
        ("Kenya", "FICTIONAL Operation Fixture", 2013, 2013, 6, "enforcement operation"),  # "- 2013"
        ("Kenya", "FICTIONAL Picnic of no year", na, na, 7, "other"),                      # none: not guessed
        ("The Netherlands", "FICTIONAL WIST deployment", 2016, 2017, 8, "WIST"),
        ("Singapore", "FICTIONAL Indicator Framework", 2019, 2019, 10, "Indicator Framework"),
        ("Singapore", "FICTIONAL 1st Global Meeting of Wildlife Enforcement Networks (WENs)", 2013, 2013, 11, "WEN"),
    ]
    # Kenya's Operation Testbird (2019) is listed again on line 9 (another group): counted once.
    assert df["duplicates"].tolist() == [1] + [0] * 9
    assert notes == ["FICTIONAL-test-pins.csv: Kenya, 'FICTIONAL Operation Testbird' (2019) is listed 2 times "
                     "(lines 2, 9): counted once"]
    assert df["source"].is_unique and df.loc[3, "source"] == "FICTIONAL-test-pins.csv, line 4 (activity 2 on the line)"
    assert df.loc[0, "category"] == "cross-cutting activities" and df.loc[0, "website_group"] == "Cross-cutting activities"
    assert df.loc[7, "category"] == "capacity building and law enforcement support"
    assert df.loc[7, "iso3"] == "NLD" and df.loc[7, "country"] == "The Netherlands"       # spelling kept
    assert (df.loc[0, "latitude"], df.loc[0, "longitude"]) == (1.44, 38.43)


@pytest.mark.parametrize("text, want", [
    ("Operation Thunderball (2019)", "enforcement operation"),
    ("Operational COBRA II operational planning meeting", "meeting"),
    ("Operation COBRA III post operational review training workshop", "training or workshop"),
    ("Toolkit and Indicator Framework implementation", "Toolkit"),
    ("Indicator Framework implementation", "Indicator Framework"),
    ("WIST deployment", "WIST"),
    ("3rd Global meeting of the WENs", "WEN"),
    ("Rhinoceros Ministerial Dialogue and Senior Officials Meeting", "meeting"),
    ("Ministerial roundtable on combating wildlife crime", "meeting"),
    ("Investigators seminar on domestic controlled deliveries", "training or workshop"),
    ("Environmental Crime and Anti-Money Laundering Risk Assessments", "assessment or mission"),
    ("Complimentary Customs mission", "assessment or mission"),
    ("Something else entirely", "other"),
])
def test_type_rules(text, want):
    assert website.activity_type(text) == want


@pytest.mark.parametrize("text, want", [
    ("Toolkit and Indicator Framework implementation", ["Toolkit", "Indicator Framework"]),
    ("Indicator Framework and Toolkit", ["Toolkit", "Indicator Framework"]),          # vocabulary order
    ("Indicator Framework implementation", ["Indicator Framework"]),
    ("Toolkit workshop", ["Toolkit"]),
    ("Operation COBRA III post operational review training workshop", ["training or workshop"]),
])
def test_a_text_naming_both_tools_is_one_activity_per_tool(text, want):
    assert website.activity_types(text) == want


def test_both_tools_on_a_line_are_two_activities(tmp_path):
    path = write(tmp_path, "tools.csv", [
        f'Kenya,"FICTIONAL Toolkit and Indicator Framework implementation (2019)\nFICTIONAL Toolkit and '
        f'Indicator Framework implementation (2019)\nFICTIONAL Indicator Framework (2018)",,{LEC},,,True,,38.4,1.4',
    ])
    notes = []
    df = read(path, notes=notes)
    assert df["activity_type"].tolist() == ["Toolkit", "Indicator Framework", "Indicator Framework"]
    assert df["source_line"].tolist() == [2, 2, 4] and df["duplicates"].tolist() == [1, 1, 0]   # line 3: a copy
    assert df.loc[0, "description"] == df.loc[1, "description"] == (
        "FICTIONAL Toolkit and Indicator Framework implementation")
    assert df["source"].is_unique and "its Indicator Framework part" in df.loc[1, "source"]
    assert len(notes) == 2          # the copy on line 3 is counted once for each of its two activities


def write(folder: Path, name: str, rows: list[str], header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rec = {"title": "generated", "issuer": "tests", "issued": "2026-11", "source": "tests/test_website_parser.py",
           "licence": "test fixture", "sha256": sha256_of(path)}
    path.with_name(path.stem + ".provenance.json").write_text(json.dumps(rec), encoding="utf-8")
    return path


def test_bad_rows_each_get_a_clear_error(tmp_path):
    path = write(tmp_path, "bad.csv", [
        f'Narnia,FICTIONAL Operation X (2019),,{LEC},,,True,,38.4,1.4',                 # line 2: country
        f'Kenya,FICTIONAL Operation X (2031),,{LEC},,,True,,38.4,1.4',                  # line 3: future year
        f'Kenya,FICTIONAL Operation Y (2016-15),,{LEC},,,True,,38.4,1.4',               # line 4: not a year
        f'Kenya,,,{LEC},,,True,,38.4,1.4',                                              # line 5: empty
        f'Kenya,FICTIONAL Operation Z (2019),,{LEC},,,True,,2.35,48.85',                # line 6: Paris
        'Kenya,FICTIONAL Operation Z (2019),,Training,,,True,,38.4,north',             # line 7: group, lat
        f'Kenya,FICTIONAL Operation Z (2018-2016),,{LEC},,,True,,38.4,1.4',             # line 8: backwards
    ])
    with pytest.raises(DataError) as exc:
        read(path)
    got = {(p.line, p.column): p for p in exc.value.problems}
    assert set(got) == {(2, "title"), (3, "description"), (4, "description"), (5, "description"),
                        (6, "latitude, longitude"), (7, "group"), (7, "latitude"), (8, "description")}
    assert all(p.file == str(path) for p in exc.value.problems)
    assert got[(2, "title")].found == "Narnia" and "country_aliases.csv" in got[(2, "title")].expected
    assert got[(3, "description")].found == "FICTIONAL Operation X (2031)"
    assert "2010 to 2026" in got[(3, "description")].expected
    assert got[(4, "description")].found == "FICTIONAL Operation Y (2016-15)"
    assert got[(5, "description")].found == "an empty description"
    assert got[(6, "latitude, longitude")].found == "48.85, 2.35" and "Kenya (KEN)" in got[(6, "latitude, longitude")].expected
    assert got[(7, "group")].found == "Training" and LEC in got[(7, "group")].expected
    text = str(exc.value)
    assert "bad.csv, line 6, column 'latitude, longitude': expected a point in Kenya (KEN)" in text


def test_missing_or_renamed_column(tmp_path):
    path = write(tmp_path, "cols.csv", [f'Kenya,FICTIONAL Operation X (2019),,{LEC},,,True,,38.4,1.4'],
                 header=HEADER.replace("title", "country"))
    with pytest.raises(DataError) as exc:
        read(path)
    (p,) = exc.value.problems
    assert (p.line, p.column) == (1, "title") and "title, description, group, longitude, latitude" in p.expected
    assert "country" in p.found


def test_rebuild_reads_a_newer_copy_and_writes_nothing_when_it_is_bad(data_copy):
    folder = data_copy / "raw" / "iccwc-website"
    before = (data_copy / "processed" / "activities.csv").read_bytes()
    # A newer copy (issued 2026-11, after the committed one's 2022-08) with a bad year.
    newer = write(folder, "pins-2027.csv", [f'Kenya,FICTIONAL Operation X (20199),,{LEC},,,True,,38.4,1.4'])
    with pytest.raises(DataError, match="pins-2027.csv, line 2, column 'description'"):
        rebuild(data_copy, log=lambda *_: None)
    assert (data_copy / "processed" / "activities.csv").read_bytes() == before
    # A good newer copy (the FICTIONAL fixture, issued later) replaces the old one: one command, no conversion.
    newer.unlink()
    shutil.copy(FICTIONAL, folder / "pins-2027.csv")
    rec = json.loads((FICTIONAL.with_name("FICTIONAL-test-pins.provenance.json")).read_text())
    (folder / "pins-2027.provenance.json").write_text(json.dumps(rec))      # issued 2026-11
    rebuild(data_copy, log=lambda *_: None)
    act = iccwc.load_activities(data_copy)
    web = act[act["website_group"].notna()]
    assert set(web["source_file"]) == {"pins-2027.csv"} and len(web) == len(read())
    # The table's Toolkit requests are still there, merged with the fixture's Kenya Toolkit implementation.
    kenya = act[(act["iso3"] == "KEN") & (act["activity_type"] == "Toolkit")]
    assert len(kenya) == 1 and kenya["toolkit_stage"].iloc[0] == "planning phase"
    assert "Toolkit table as of 2015-11-09" in kenya["source"].iloc[0] and kenya["year_start"].iloc[0] == 2016
    assert (act["toolkit_stage"].notna()).sum() == 17


def test_no_website_file_still_builds(data_copy):
    # The activity map's file goes; news.json stays (curated facts cite its items).
    for f in (data_copy / "raw" / "iccwc-website").glob("pins*"):
        f.unlink()
    rebuild(data_copy, log=lambda *_: None)
    act = iccwc.load_activities(data_copy)
    assert len(act) == 17 and act["website_group"].isna().all()
    assert set(act["category"].astype(str)) == {"analysis of national responses"}
