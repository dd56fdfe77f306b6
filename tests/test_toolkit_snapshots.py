"""Progress between Toolkit snapshots, tested with a second, FICTIONAL status document.

tests/fixtures/snapshot-2016/ holds a test fixture in the format of the SC66 document, as of
1 June 2016; its marks are invented (its text and provenance say so). It is copied into a
temporary data folder, never into data/raw.
"""
from __future__ import annotations


import pandas as pd
import pytest

from iccwc import load_toolkit
from iccwc import paths
from iccwc.vocab import CHANGES
from iccwc.analysis.snapshots import (changes, moves, new_completions, new_requests, progress, resolve_date,
    snapshot, snapshot_dates, stage_counts, summary)
from helpers import FIXTURES

FIXTURE = FIXTURES / "snapshot-2016"


@pytest.fixture(scope="module")
def two_dates(data_2016):
    return load_toolkit(data_2016)


@pytest.fixture(scope="module")
def one_date():
    return load_toolkit()


def test_fixture_is_labelled_fictional():
    text = (FIXTURE / "fictional-toolkit-status-2016-06.txt").read_text(encoding="utf-8")
    assert text.startswith("TEST FIXTURE - FICTIONAL DATA - NOT A CITES DOCUMENT")
    prov = (FIXTURE / "fictional-toolkit-status-2016-06.provenance.json").read_text(encoding="utf-8")
    assert "TEST FIXTURE (fictional)" in prov and "not real data" in prov
    assert not list(paths.RAW.rglob("fictional-*")), "the fixture must never be in data/raw"


def test_snapshot_dates(two_dates, one_date):
    assert snapshot_dates(two_dates) == [pd.Timestamp("2015-11-09"), pd.Timestamp("2016-06-01")]
    assert snapshot_dates(one_date) == [pd.Timestamp("2015-11-09")]
    assert resolve_date(two_dates, "previous") == pd.Timestamp("2015-11-09")
    assert resolve_date(two_dates, "earliest") == pd.Timestamp("2015-11-09")
    assert resolve_date(two_dates, "2016-06-01") == pd.Timestamp("2016-06-01")
    with pytest.raises(ValueError, match="2015-11-09, 2016-06-01"):
        resolve_date(two_dates, "2016-01-01")
    with pytest.raises(ValueError, match="no snapshot before the latest"):
        resolve_date(one_date, "previous")


def test_snapshot_rows(two_dates):
    assert len(snapshot(two_dates, "earliest")) == 17
    assert len(snapshot(two_dates, "latest")) == 19
    assert set(snapshot(two_dates)["status_date"]) == {pd.Timestamp("2016-06-01")}


def test_new_requests(two_dates):
    got = new_requests(two_dates)
    assert list(got["country"]) == ["Uganda", "Zambia"]
    assert list(got["iso3"]) == ["UGA", "ZMB"]
    assert got["from_step"].isna().all() and list(got["to_step"]) == [1, 2]


def test_moves_from_step_to_step(two_dates):
    got = moves(two_dates).set_index("iso3")
    expected = {"AGO": (2, 4), "BHS": (1, 2), "BIH": (4, 5), "COG": (6, 8), "MEX": (6, 7)}
    assert {k: (int(r.from_step), int(r.to_step)) for k, r in got.iterrows()} == expected
    assert got.loc["BIH", "from_stage"] == "planning phase" and got.loc["BIH", "to_stage"] == "in process"
    assert got.loc["AGO", "from_step_label"] == "Step 2: Nomination of focal point"
    assert got.loc["AGO", "steps_gained"] == 2


def test_new_completions(two_dates):
    got = new_completions(two_dates)
    assert list(got["country"]) == ["Congo"]
    assert got.loc[0, "from_stage"] == "in process" and got.loc[0, "to_stage"] == "complete"


def test_renamed_country_is_the_same_country(two_dates):
    c = changes(two_dates).set_index("iso3")
    assert c.loc["VNM", "country"] == "Viet Nam"       # the name in the later document
    assert c.loc["VNM", "change"] == "unchanged"
    assert len(c) == 19 and c.index.is_unique


def test_summary_and_progress(two_dates):
    s = summary(two_dates).set_index("change")["countries"].to_dict()
    assert s == {"new request": 2, "completed": 1, "advanced": 4, "unchanged": 12, "steps unknown": 0,
                 "went back": 0, "no longer listed": 0}
    p = progress(two_dates)
    assert (p.before, p.after) == (pd.Timestamp("2015-11-09"), pd.Timestamp("2016-06-01"))
    assert len(p.new_requests) == 2 and len(p.moves) == 5 and len(p.new_completions) == 1
    with pytest.raises(ValueError, match="must be earlier"):
        progress(two_dates, "latest", "earliest")


def test_went_back_and_no_longer_listed(two_dates):
    """Synthetic edits of the frame: a step lower later, and a country missing later."""
    tk = two_dates.copy()
    later = tk["status_date"] == pd.Timestamp("2016-06-01")
    tk.loc[later & (tk["iso3"] == "KEN"), ["last_step", "stage"]] = [2, "planning phase"]
    tk = tk[~(later & (tk["iso3"] == "TGO"))]
    c = changes(tk).set_index("iso3")
    assert c.loc["KEN", "change"] == "went back" and c.loc["KEN", "steps_gained"] == -1
    assert c.loc["TGO", "change"] == "no longer listed" and pd.isna(c.loc["TGO", "to_step"])
    assert c.loc["TGO", "country"] == "Togo"
    assert list(c["change"].cat.categories) == CHANGES
    assert len(two_dates[two_dates["iso3"] == "TGO"]) == 2, "the input frame is not modified"


def test_stage_counts(two_dates):
    sc = stage_counts(two_dates)
    wide = sc.pivot(index="status_date", columns="stage", values="countries")
    assert wide.loc[pd.Timestamp("2015-11-09")].tolist() == [1, 8, 2, 6, 0]      # the last: steps unknown
    assert wide.loc[pd.Timestamp("2016-06-01")].tolist() == [1, 9, 2, 7, 0]
    assert sc.groupby("status_date")["countries"].sum().tolist() == [17, 19]
