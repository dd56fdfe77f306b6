"""The activities dataset: Toolkit requests as activities, user files validated and appended."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import iccwc
from iccwc import paths
from iccwc.data.activities import ACTIVITIES, USER_COLUMNS, read_user_file
from iccwc.vocab import ACTIVITY_CATEGORIES as CATEGORIES
from iccwc.data.build import rebuild
from iccwc.errors import DataError
from iccwc.data.provenance import sha256_of
from iccwc.data.schemas import DATASETS
from helpers import FIXTURES, SC66
from iccwc.data.countries import resolve

FICTIONAL = FIXTURES / "activities" / "FICTIONAL-test-activities.csv"

# Hand count of the Part 3 table of the SC66 document, by the document's Part 4 regions.
HAND_COUNT = {
    "Americas": {"Bahamas", "Mexico", "Peru"},
    "Africa & Europe": {"Angola", "Bosnia and Herzegovina", "Botswana", "Congo", "DRC", "Gabon", "Kenya",
                        "Madagascar", "Mozambique", "Togo", "United Republic of Tanzania"},
    "Asia": {"Bangladesh", "Nepal", "Vietnam"},
}
HAND_COMPLETE = {"Bangladesh", "Botswana", "Gabon", "Nepal", "Peru", "Vietnam"}   # all 8 steps ticked


def add_fixture(data_dir, src=FICTIONAL):
    folder = data_dir / "raw" / "activities"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, folder / src.name)
    prov = src.with_name(src.stem + ".provenance.json")
    if prov.exists():
        shutil.copy(prov, folder / prov.name)
    return folder / src.name


def write_user_file(folder, name, rows, header=USER_COLUMNS, provenance=True):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(",".join(header) + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    if provenance:
        rec = {"title": "t", "issuer": "tests", "issued": "2026-11", "source": "tests", "licence": "CC0",
               "sha256": sha256_of(path)}
        path.with_name(path.stem + ".provenance.json").write_text(json.dumps(rec), encoding="utf-8")
    return path


def test_registered_and_described():
    assert DATASETS["activities"] is ACTIVITIES
    assert iccwc.data_status()["rows"]["activities"] == len(iccwc.load_activities())   # a new process: below
    pkg = json.loads((paths.PROCESSED / "datapackage.json").read_text())
    res = {r["name"]: r for r in pkg["resources"]}["activities"]
    assert [f["name"] for f in res["schema"]["fields"]] == [
        "country", "iso3", "region", "document_region", "category", "website_group", "activity_type",
        "description", "year_start", "year_end", "period", "status", "toolkit_stage", "latitude", "longitude",
        "source_file", "source_line", "duplicates", "source"]
    assert {f["name"]: f for f in res["schema"]["fields"]}["category"]["constraints"]["enum"] == CATEGORIES


@pytest.mark.slow   # why: runs `python -m iccwc` in a subprocess (make test runs it; make test-fast does not)
def test_status_in_a_new_process_counts_the_activities():
    """With the other datasets whatever was imported first (`iccwc status` once left it out): a new Python
    that runs only ``iccwc status`` imports nothing else first."""
    import subprocess
    import sys
    status = subprocess.run([sys.executable, "-m", "iccwc", "status"], capture_output=True, text=True, check=True)
    assert json.loads(status.stdout)["rows"]["activities"] == len(iccwc.load_activities())


def test_toolkit_requests_are_toolkit_activities_matching_the_hand_count():
    act = iccwc.load_activities()
    act = act[act["toolkit_stage"].notna()]          # the rows the Toolkit table gives (merged or not)
    tk = iccwc.load_toolkit(status_date="latest")
    assert len(act) == len(tk) == 17
    assert set(act["activity_type"].astype(str)) == {"Toolkit"}
    # A request the website does not list (Kenya) keeps the document's category.
    only_table = act[act["website_group"].isna()]
    assert set(only_table["category"].astype(str)) == {"analysis of national responses"}
    # Compared by ISO3 code: a merged row keeps the website's spelling ("The Bahamas" for "Bahamas").
    code = lambda names: {resolve(n).iso3 for n in names}
    by_region = {r: set(g["iso3"]) for r, g in act.groupby(act["document_region"].astype(str))}
    assert by_region == {r: code(v) for r, v in HAND_COUNT.items()}
    assert {r: len(v) for r, v in by_region.items()} == {"Americas": 3, "Africa & Europe": 11, "Asia": 3}
    assert set(act.loc[act["status"] == "completed", "iso3"]) == code(HAND_COMPLETE)
    assert (act.loc[~act["iso3"].isin(code(HAND_COMPLETE)), "status"] == "ongoing or planned").all()
    assert only_table["period"].isna().all()      # the table gives no dates: none invented


def test_sources_point_at_the_table_lines():
    lines = SC66.read_text(encoding="utf-8").split("\n")
    act = iccwc.load_activities()
    for r in act[act["toolkit_stage"].notna()].itertuples():
        part = next(p for p in r.source.split("; ") if "Toolkit table" in p)
        name, rest = part.split(", line ")
        assert name == SC66.name
        line = int(rest.split(" ")[0])
        table_name = lines[line - 1].split("\t")[0]
        assert table_name == r.country or resolve(table_name).iso3 == r.iso3
        assert "(Toolkit table as of 2015-11-09)" in r.source


@pytest.mark.slow   # why: rebuilds a copy of the data end to end (an integration test); make test runs it, make test-fast does not
def test_user_file_is_appended_after_rebuild(data_copy):
    add_fixture(data_copy)
    rebuild(data_copy, log=lambda *_: None)
    act = iccwc.load_activities(data_copy)
    assert len(act) == len(iccwc.load_activities()) + 4
    added = act[act["source"].str.startswith(FICTIONAL.name)]
    assert list(added["country"]) == ["Brazil", "Thailand", "Kenya", "Fiji"]
    assert list(added["document_region"]) == ["Americas", "Asia", "Africa & Europe", "Oceania"]
    assert list(added["iso3"]) == ["BRA", "THA", "KEN", "FJI"]
    assert list(added["period"].fillna("")) == ["2014-2015", "2015", "", "2015"]
    assert added["source"].iloc[0] == f"{FICTIONAL.name}, row 2: FICTIONAL test fixture (tests/fixtures/activities)"
    assert list(added["year_start"].astype("Float64").fillna(0)) == [2014, 2015, 0, 2015]
    assert list(added["status"].astype(str)) == ["completed", "ongoing or planned", "ongoing or planned", "completed"]


def test_bad_user_file_names_file_row_column_and_expected(tmp_path):
    path = write_user_file(tmp_path, "bad.csv", [
        ["Narnia", "cross-cutting activities", "WEN", "2015", "completed", "x", "y"],
        ["Kenya", "training", "WEN", "2015", "completed", "x", "y"],
        ["Kenya", "cross-cutting activities", "WENS", "15", "done", "", "y"],
    ])
    with pytest.raises(DataError) as exc:
        read_user_file(path)
    got = {(p.line, p.column) for p in exc.value.problems}
    assert got == {(2, "country"), (3, "category"), (4, "activity_type"), (4, "period"), (4, "status"),
                   (4, "description")}
    assert all(p.file == str(path) for p in exc.value.problems)
    text = str(exc.value)
    assert "bad.csv, line 3, column 'category': expected one of: analysis of national responses" in text
    assert "'Narnia'" in text


def test_user_file_needs_provenance_and_the_right_columns(tmp_path):
    path = write_user_file(tmp_path, "noprov.csv", [["Kenya", CATEGORIES[0], "other", "", "completed", "x", "y"]],
                           provenance=False)
    with pytest.raises(DataError, match="noprov.provenance.json"):
        read_user_file(path)
    path = write_user_file(tmp_path, "cols.csv", [["Kenya", CATEGORIES[0], "other", "completed", "x", "y"]],
                           header=[c for c in USER_COLUMNS if c != "period"])
    with pytest.raises(DataError) as exc:
        read_user_file(path)
    assert exc.value.problems[0].column == "period" and exc.value.problems[0].line == 1


def test_rebuild_with_a_bad_file_writes_nothing(data_copy):
    before = (data_copy / "processed" / "activities.csv").read_bytes()
    write_user_file(data_copy / "raw" / "activities", "bad.csv",
                    [["Kenya", "training", "WEN", "2015", "completed", "x", "y"]])
    with pytest.raises(DataError, match="bad.csv, line 2, column 'category'"):
        rebuild(data_copy, log=lambda *_: None)
    assert (data_copy / "processed" / "activities.csv").read_bytes() == before


def test_loaded_types():
    act = iccwc.load_activities()
    assert act["category"].dtype.ordered and list(act["category"].cat.categories) == CATEGORIES
    assert isinstance(act["status"].dtype, pd.CategoricalDtype)
    assert act["source"].is_unique


def test_latest_status_date_per_country_and_activities_as_of(data_2016):
    # A second (FICTIONAL, another helper's) status document: the activities follow each country's latest row.
    # (data_2016, conftest.py: a copy of data/ with it, rebuilt)
    tk_all = iccwc.load_toolkit(data_2016)
    all_act = act = iccwc.load_activities(data_2016)
    act = act[act["toolkit_stage"].notna()]
    latest = tk_all.sort_values("status_date").groupby("iso3").tail(1).set_index("iso3")
    assert set(act["iso3"]) == set(latest.index) and len(act) == len(latest)
    for r in act.itertuples():
        want = "completed" if latest.loc[r.iso3, "stage"] == "complete" else "ongoing or planned"
        assert r.status == want
        assert latest.loc[r.iso3, "status_date"].date().isoformat() in r.source
    from iccwc.data.activities import activities_as_of
    back = activities_as_of(all_act, iccwc.load_toolkit(data_2016, status_date="2015-11-09"))
    pd.testing.assert_frame_equal(back, iccwc.load_activities())


def test_from_toolkit_table_tells_derived_rows_from_added_ones():
    from iccwc.data.activities import from_toolkit_table
    act = iccwc.load_activities()
    assert from_toolkit_table(act).sum() == 17 and from_toolkit_table(act, "2015-11-09").sum() == 17
    assert from_toolkit_table(act, "2016-05-01").sum() == 0
    added = act.head(1).assign(source="my-list.csv, row 2: a field report (not the Toolkit table)")
    assert not from_toolkit_table(added).any()
