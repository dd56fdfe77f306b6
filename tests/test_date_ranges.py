"""Issue 26, item 4: each dataset's own date range (not the Toolkit status date for all), in
``iccwc.data_status(...)["date_ranges"]``, in datapackage.json (each resource's ``temporal``) and in
``python -m iccwc status``."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import iccwc
from iccwc import paths
from iccwc.commands import cli
from iccwc.data.schemas import DATASETS, date_range

#: Which column(s) hold each dataset's dates, read here independently of the schema's ``temporal``.
DATE_COLUMNS = {"toolkit_status": ["status_date"], "recognitions": ["date"], "partner_presence": ["as_of"],
                "iccwc_documents": ["date"], "toolkit_reach": ["date"], "activities": ["year_start", "year_end"]}


def _processed_text(name):
    return pd.read_csv(paths.layout()["processed"] / DATASETS[name].filename, dtype=str, keep_default_na=False)


def _key(iso):
    return tuple(int(p) for p in iso.split("-"))


@pytest.mark.parametrize("name", sorted(DATE_COLUMNS))
def test_each_dataset_has_its_own_range_from_its_own_dates(name):
    text = _processed_text(name)
    values = sorted({v for c in DATE_COLUMNS[name] for v in text[c] if v}, key=_key)
    span = iccwc.data_status()["date_ranges"][name]
    assert (span["first"], span["last"]) == (values[0], values[-1])
    assert span["what"] and len(span["what"]) < 40


def test_ranges_differ_from_the_toolkit_status_date():
    spans = iccwc.data_status()["date_ranges"]
    assert spans["toolkit_status"]["first"] == "2015-11-09"
    assert spans["partner_presence"]["first"] != spans["toolkit_status"]["first"]
    assert spans["activities"] == {"first": "2013", "last": "2020", "what": "activity years"}


def test_datapackage_records_the_same_range_per_resource():
    pkg = json.loads((paths.layout()["processed"] / "datapackage.json").read_text(encoding="utf-8"))
    temporal = {r["path"][:-4]: r.get("temporal") for r in pkg["resources"]}
    assert temporal == iccwc.data_status()["date_ranges"]


def test_the_datasets_form_gives_the_named_datasets_ranges():
    mine = iccwc.data_status(datasets=["recognitions", "partner_presence"])
    assert mine["date_ranges"] == {k: v for k, v in iccwc.data_status()["date_ranges"].items()
                                   if k in ("recognitions", "partner_presence")}


def test_mixed_precision_orders_a_month_before_its_days():
    ds = DATASETS["toolkit_reach"]
    df = pd.DataFrame({"date": ["2016-01", "2015-11-23", "2016-01-05", ""]})
    assert date_range(ds, df) == {"first": "2015-11-23", "last": "2016-01-05", "what": ds.temporal_what}
    assert date_range(ds, df.iloc[3:]) is None


def test_typed_frames_give_the_same_range_as_the_text():
    for name in DATE_COLUMNS:
        assert date_range(DATASETS[name], iccwc.data.load.load(name)) == date_range(DATASETS[name],
                                                                                    _processed_text(name))


def test_status_command_prints_each_range(monkeypatch, capsys):
    # `python -m iccwc status` is cli.main(["status"]); run in this process, as run_cli would (no
    # $ICCWC_DATA_DIR, from the repository), rather than in a new Python that imports pandas again.
    monkeypatch.delenv("ICCWC_DATA_DIR", raising=False)
    monkeypatch.chdir(paths.ROOT)
    code = cli.main(["status"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["date_ranges"]["recognitions"]["what"] == "adoption dates"


def test_pages_say_each_datasets_dates_not_the_toolkit_date_for_all():
    """The index and a page's source line name the dates of the datasets that page reads (issue 26, item 4)."""
    from iccwc.commands.pipeline import RenderOptions, SiteContext
    status = iccwc.data_status()
    site = SiteContext(RenderOptions(), status, {}, "now", [])
    ranges = status["date_ranges"]
    rec = ranges["recognitions"]
    text = site.data_dates(["recognitions.csv"])
    assert text == f"{rec['what']} {rec['first']} to {rec['last']}"
    assert "Toolkit status" not in text
    every = site.data_dates()
    assert all(r["what"] in every for r in ranges.values())
    assert f"data: {text};" in site.source_line(["recognitions.csv"])
