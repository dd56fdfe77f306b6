"""Processed data: committed files equal a fresh rebuild, loaders return the right types,
curated rows are checked against the raw text."""
from __future__ import annotations

import csv
import filecmp
import hashlib
import json
import shutil

import pandas as pd
import pytest

import iccwc
from iccwc import paths
from iccwc.data.build import rebuild
from iccwc.data.curated import build_recognitions
from iccwc.data.document import Document
from iccwc.errors import DataError
from iccwc.data.schemas import DATASETS
from helpers import SC66


def test_committed_processed_equals_fresh_rebuild(tmp_path, data_copy):
    shutil.rmtree(data_copy / "processed")
    rebuild(data_copy, log=lambda *_: None)
    fresh, committed = data_copy / "processed", paths.PROCESSED
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(p.name for p in committed.iterdir() if not p.name.startswith("."))
    match, mismatch, errors = filecmp.cmpfiles(committed, fresh, names, shallow=False)
    assert mismatch == [] and errors == [], "run `python -m iccwc rebuild` and commit data/processed"


def test_raw_files_untouched_by_rebuild(data_copy):
    raw = sorted((data_copy / "raw").rglob("*"))
    before = {p: p.read_bytes() for p in raw if p.is_file()}
    rebuild(data_copy, log=lambda *_: None)
    assert {p: p.read_bytes() for p in raw if p.is_file()} == before


def test_datapackage_describes_every_column_and_checksums():
    pkg = json.loads((paths.PROCESSED / "datapackage.json").read_text())
    for res in pkg["resources"]:
        data = (paths.PROCESSED / res["path"]).read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        header = next(csv.reader([data.decode().split("\n")[0]]))
        assert [f["name"] for f in res["schema"]["fields"]] == header
        assert all(f["description"] for f in res["schema"]["fields"])
    raw_sha = hashlib.sha256(SC66.read_bytes()).hexdigest()
    assert pkg["sources"][0]["sha256"] == raw_sha


def test_load_toolkit_types():
    df = iccwc.load_toolkit()
    assert len(df) == 17
    assert str(df["status_date"].dtype).startswith("datetime64")
    for c in ["step_1_request", "step_8_presentation", "action_plan_implementation"]:
        assert df[c].dtype == bool
    assert isinstance(df["stage"].dtype, pd.CategoricalDtype) and df["stage"].dtype.ordered
    assert list(df["stage"].cat.categories) == ["request received", "planning phase", "in process", "complete",
                                                "listed, steps unknown"]       # the last: a status list's rows
    assert df["last_step"].between(1, 8).all()
    assert iccwc.load_toolkit(status_date="latest").equals(df)
    with pytest.raises(ValueError, match="no Toolkit snapshot as of 2020-01-01"):
        iccwc.load_toolkit(status_date="2020-01-01")


def test_steps_long_is_ordered():
    long = iccwc.toolkit_steps_long(iccwc.load_toolkit())
    assert len(long) == 17 * 9
    assert long["step"].dtype.ordered
    assert long["step"].cat.categories[0] == "Step 1: Request"
    assert long.groupby("step", observed=True)["done"].sum().tolist() == [17, 16, 13, 10, 8, 8, 6, 6, 5]


def test_load_recognitions_types_and_counts():
    all_rows = iccwc.load_recognitions()
    df = all_rows[all_rows["source"].str.startswith(SC66.name + ", ")]     # the SC66 list (Part 2)
    assert len(df) == 17
    assert df["mentions_toolkit"].notna().all()                             # SC66 quotes the instruments
    assert df["category"].dtype.ordered
    assert df["category"].value_counts().to_dict() == {
        "governing bodies of ICCWC partner organizations": 9,
        "global declarations and statements": 3,
        "regional declarations and statements": 5}
    assert df["year"].min() == 2011 and df["year"].max() == 2015
    assert str(df["month"].dtype).startswith("datetime64")
    later = all_rows.drop(df.index)                                        # after the list: from news items
    assert later["source"].str.startswith("iccwc-website/news.json, ").all() and (later["year"] > 2015).all()
    placed = df.dropna(subset=["place"])
    assert set(placed["place"]) == {"London", "Kasane", "Brazzaville", "Marrakech", "Gaborone", "Dhaka",
                                    "Arusha", "Geneva"}
    assert placed["place_latitude"].notna().all()
    london = placed.set_index("place").loc["London"]
    assert london["place_country_iso2"] == "GB" and abs(london["place_latitude"] - 51.5) < 0.1


def test_partner_presence_keeps_more_than_apart():
    from iccwc.analysis.overview import from_sc66_rows
    pp = iccwc.load_partner_presence()
    df = pp[from_sc66_rows(pp)].set_index("partner")         # Part 1 of the SC66 document: one row each
    assert df.loc["UNODC", "count"] == 150 and df.loc["UNODC", "qualifier"] == "more than"
    assert df.loc["World Bank", "count"] == 100 and df.loc["World Bank", "qualifier"] == "over"
    assert pd.isna(df.loc["CITES Secretariat", "qualifier"]) and df.loc["CITES Secretariat", "count"] == 181
    assert df.loc["INTERPOL", "count"] == 190 and df.loc["WCO", "count"] == 180
    text = " ".join(SC66.read_text().split())
    for quote in df["quote"]:
        assert quote in text


def test_iccwc_documents_dates():
    df = iccwc.load_iccwc_documents()
    assert len(df) == 6
    assert df["date"].tolist() == sorted(df["date"].tolist())
    assert df.iloc[0]["symbol"] == "CITES SC61 Doc. 30" and df.iloc[0]["date"] == "2011-08"


@pytest.mark.parametrize("column,value,expected", [
    ("mentions_toolkit", "true", "mentions_toolkit"),       # ECOSOC 2011/36 does not name the toolkit
    ("date_as_printed", "August 2011", "date_as_printed"),
    ("category", "regional declarations and statements", "category"),
    ("heading", "ECOSOC Resolution 2011/99", "heading"),
    ("themes", "pangolins", "themes"),
])
def test_curated_rows_are_checked_against_the_text(tmp_path, column, value, expected):
    src = paths.CURATED / "recognitions.csv"
    rows = list(csv.DictReader(src.open()))
    rows[0][column] = value
    bad = tmp_path / "recognitions.csv"
    with bad.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(DataError) as err:
        build_recognitions(bad, Document.read(SC66))
    assert any(p.column == expected and p.line == 2 for p in err.value.problems), str(err.value)


def test_every_dataset_has_a_schema_and_a_loader():
    for name in ["toolkit_status", "recognitions", "partner_presence", "iccwc_documents"]:
        assert name in DATASETS
        assert len(iccwc.data.load.load(name)) > 0
