"""A data folder is self-contained (issue 13, item 6): ``--data-dir OTHER`` (or ``$ICCWC_DATA_DIR``)
resolves country names with OTHER/reference/country_aliases.csv, not the repository's, and a run on
OTHER writes its reports to a folder whose name says OTHER.

FICTIONAL: the country "Narnia" and its alias (to Kenya's code), and the activity placed there.
"""
from __future__ import annotations

import json
import shutil

import pytest

import iccwc
from helpers import copy_data, run_cli, snapshot
from iccwc import paths
from iccwc.commands.pipeline import data_folder_name, default_out_dir
from iccwc.data.build import rebuild
from iccwc.data.provenance import sha256_of
from iccwc.errors import DataError

ALIAS = "Narnia,KEN,FICTIONAL alias for a test: no such country\n"


def other_folder(root):
    """A copy of data/ named ``narnia-data`` with a FICTIONAL activity in "Narnia" and its own alias file."""
    data = copy_data(root / "narnia-data")
    folder = data / "raw" / "activities"
    folder.mkdir(parents=True, exist_ok=True)
    f = folder / "fictional-narnia.csv"
    f.write_text("country,category,activity_type,period,status,description,source\n"
                 "Narnia,cross-cutting activities,other,2015,completed,FICTIONAL TEST FIXTURE: an activity in a "
                 "made-up country,FICTIONAL test fixture (tests/test_data_folder.py)\n", encoding="utf-8")
    f.with_name(f.stem + ".provenance.json").write_text(json.dumps(
        {"title": "FICTIONAL activities", "issuer": "tests", "issued": "2026-11", "source": "tests",
         "licence": "CC0", "sha256": sha256_of(f)}), encoding="utf-8")
    with (data / "reference" / "country_aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write(ALIAS)
    return data


def test_the_repositorys_alias_file_does_not_know_the_fictional_name():
    assert "Narnia" not in (paths.REFERENCE / "country_aliases.csv").read_text(encoding="utf-8")


def test_rebuild_reads_the_folders_own_aliases_and_fails_with_the_repositorys(tmp_path):
    data = other_folder(tmp_path)
    rebuild(data, log=lambda msg: None)
    act = iccwc.load_activities(data)
    narnia = act[act["country"] == "Narnia"]
    assert narnia["iso3"].tolist() == ["KEN"]
    # the same folder with the repository's alias file instead of its own: refused, nothing written
    shutil.copy(paths.REFERENCE / "country_aliases.csv", data / "reference" / "country_aliases.csv")
    before = snapshot(data / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data, log=lambda msg: None)
    bad = [p for p in err.value.problems if p.found and "Narnia" in p.found]
    assert bad and bad[0].file.endswith("fictional-narnia.csv") and bad[0].line == 2 and bad[0].column == "country"
    assert snapshot(data / "processed") == before


def test_the_environment_variable_selects_the_folder_and_its_aliases(tmp_path, monkeypatch):
    data = other_folder(tmp_path)
    monkeypatch.setenv("ICCWC_DATA_DIR", str(data))
    assert paths.layout()["data"] == data.resolve()        # never the repository's data/
    rebuild(None, log=lambda msg: None)
    assert "Narnia" in set(iccwc.load_activities()["country"])
    assert data_folder_name() == "narnia-data" and default_out_dir(None) == paths.REPORTS / "data-narnia-data"


def test_reports_for_another_folder_go_to_a_folder_named_after_it(monkeypatch):
    monkeypatch.delenv("ICCWC_DATA_DIR", raising=False)
    assert data_folder_name() is None and data_folder_name(paths.ROOT / "data") is None
    assert default_out_dir(None) == paths.REPORTS
    assert default_out_dir("Africa & Europe") == paths.REPORTS / "region-africa-europe"
    assert default_out_dir(None, "/tmp/sc67 copy") == paths.REPORTS / "data-sc67-copy"
    assert default_out_dir(None, "/tmp/try/data") == paths.REPORTS / "data-try"
    assert default_out_dir("Asia", "/tmp/try/data") == paths.REPORTS / "data-try" / "region-asia"


@pytest.mark.slow   # a subprocess: the command line end to end
def test_the_command_line_rebuilds_another_folder_and_says_which_alias_file(tmp_path):
    data = other_folder(tmp_path)
    res = run_cli("--data-dir", str(data), "rebuild")
    assert res.returncode == 0, res.stderr
    assert str(data / "reference" / "country_aliases.csv") in res.stdout
    assert "Narnia" in set(iccwc.load_activities(data)["country"])
