"""The command line on bad input and bad arguments: one clear message, a documented exit code,
never a Python traceback; and nothing written.
"""
from __future__ import annotations


import pytest

import iccwc
from helpers import (ROW_LINE, SC66_LINES, SC66_TEXT, cells, edit_csv, newer, run_cli, set_line, snapshot, write_doc)


@pytest.mark.parametrize("order", ["after", "before"])
def test_cli_rebuild_on_bad_input_lists_every_problem_and_writes_nothing(data_copy, order):
    text = set_line(SC66_TEXT, ROW_LINE["Kenya"], cells("✓", "yes", "✓"))
    text = set_line(text, ROW_LINE["Togo"], SC66_LINES[ROW_LINE["Togo"] - 1].replace("Togo", "Togoland"))
    text = text.replace("9 November 2015", "31 November 2015")
    doc = write_doc(data_copy, "bad.txt", text)
    edit_csv(data_copy / "curated" / "partner_presence.csv", 3, "count", "many")
    before = snapshot(data_copy / "processed")
    args = ["rebuild", "--data-dir", str(data_copy)] if order == "after" else ["--data-dir", str(data_copy), "rebuild"]
    res = run_cli(*args)
    assert res.returncode != 0
    err = res.stderr
    assert "Traceback" not in err and "ERROR" in err
    assert f"{doc}, line {ROW_LINE['Kenya']}, column 'step_2_focal_point': expected" in err
    assert f"line {ROW_LINE['Togo']}, column 'country'" in err and "'Togoland'" in err
    assert "column 'as of'" in err and "'31 November 2015'" in err
    assert "Nothing was written" in err and "When your data are rejected" in err
    assert "Done" not in res.stdout
    assert snapshot(data_copy / "processed") == before


def test_cli_rebuild_on_good_input_with_data_dir_after_the_command(data_copy):
    write_doc(data_copy, "newer.txt", newer())
    res = run_cli("rebuild", "--data-dir", str(data_copy))
    assert res.returncode == 0, res.stderr
    assert "updated   processed/toolkit_status.csv" in res.stdout
    assert len(iccwc.load_toolkit(data_copy, status_date="2016-03-15")) == 17
