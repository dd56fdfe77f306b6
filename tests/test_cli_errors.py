"""The command line on bad input and bad arguments: one clear message, a documented exit code,
never a Python traceback; and nothing written.

The table :data:`CASES` runs every command with bad arguments in a subprocess
(``python -m iccwc ...``); the runs go two at a time in one module fixture (each takes
~0.2 s: arguments are checked before pandas is imported), then one test per row asserts
the exit code, the message and that no traceback was printed.
"""
from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import iccwc
from iccwc import errors
from iccwc.commands import cli
from helpers import ROW_LINE, SC66_LINES, SC66_TEXT, cells, copy_data, edit_csv, newer, run_cli, set_line, snapshot, write_doc


@pytest.mark.slow   # why: runs `python -m iccwc` in subprocesses (about a second each)
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


@pytest.mark.slow   # why: runs `python -m iccwc` in subprocesses (about a second each)
def test_cli_rebuild_on_good_input_with_data_dir_after_the_command(data_copy):
    write_doc(data_copy, "newer.txt", newer())
    res = run_cli("rebuild", "--data-dir", str(data_copy))
    assert res.returncode == 0, res.stderr
    assert "updated   processed/toolkit_status.csv" in res.stdout
    assert len(iccwc.load_toolkit(data_copy, status_date="2016-03-15")) == 17


# --------------------------------------------------------------------------- bad arguments, table-driven

USAGE, DATA = errors.EXIT_USAGE, errors.EXIT_DATA
LONG = "Africa" * 53 + "xx"                          # 320 characters

#: (id, arguments ({tmp}: a scratch folder, {data}: a copy of data/), exit code, words the message must hold)
CASES = [
    ("no command", [], USAGE, ["required: command"]),
    ("unknown command", ["nope"], USAGE, ["invalid choice: 'nope'"]),
    ("status, no such data folder", ["status", "--data-dir", "{tmp}/nowhere"], USAGE,
     ["--data-dir", "no such folder", "What to do"]),
    ("status, data folder is a file", ["--data-dir", "{tmp}/a-file", "status"], USAGE, ["a file, not a folder"]),
    ("status, empty data folder path", ["--data-dir", "", "status"], USAGE, ["an empty path"]),
    ("status, 5000-character data folder", ["--data-dir", "/" + "d" * 5000, "status"], USAGE,
     ["--data-dir", "(5001 characters)"]),
    ("status, corrupt datapackage.json", ["status", "--data-dir", "{data}"], DATA,
     ["datapackage.json, line 1", "valid JSON", "python -m iccwc rebuild"]),
    ("status, no datapackage.json", ["status", "--data-dir", "{tmp}/empty-data"], DATA,
     ["datapackage.json", "no such file", "python -m iccwc rebuild"]),
    ("rebuild, no such data folder", ["rebuild", "--data-dir", "{tmp}/nowhere"], USAGE, ["no such folder"]),
    ("run --jobs -1", ["run", "--jobs", "-1"], USAGE, ["--jobs", "from 1 to 64", "found '-1'"]),
    ("run --jobs 0", ["run", "--jobs", "0"], USAGE, ["--jobs", "found '0'"]),
    ("run --jobs 100000", ["run", "--jobs", "100000"], USAGE, ["--jobs", "found '100000'"]),
    ("run --jobs abc", ["run", "--jobs", "abc"], USAGE, ["invalid int value: 'abc'"]),
    ("run --region of 320 characters", ["run", "--region", LONG], USAGE,
     ["--region", "a continent or one of the document's groupings", "(320 characters)"]),
    ("run --region unknown", ["run", "--region", "Atlantis"], USAGE, ["--region", "found 'Atlantis'"]),
    ("run --status-date impossible", ["run", "--status-date", "2015-02-30"], USAGE,
     ["--status-date", "found '2015-02-30'"]),
    ("run --out a file", ["run", "--out", "{tmp}/a-file"], USAGE, ["--out", "a file, not a folder"]),
    ("run --out under a file", ["run", "--out", "{tmp}/a-file/reports"], USAGE, ["--out", "a file above it"]),
    ("run --notebooks missing", ["run", "--notebooks", "{tmp}/nowhere", "--out", "{tmp}/reports"], USAGE,
     ["--notebooks", "no such folder"]),
    ("run --notebooks empty", ["run", "--notebooks", "{tmp}/empty", "--out", "{tmp}/reports"], USAGE,
     ["--notebooks", "no notebook in it"]),
    ("run --notebooks a file", ["run", "--notebooks", "{tmp}/a-file"], USAGE, ["--notebooks", "a file, not a folder"]),
    ("run, two bad arguments", ["run", "--jobs", "-3", "--region", "Mars"], USAGE, ["--jobs", "--region"]),
    ("run, a raw document linked to /dev/zero",
     ["run", "--data-dir", "{tmp}/data-zero", "--notebooks", "{tmp}/nb", "--out", "{tmp}/reports"], DATA,
     ["zero.txt", "a symbolic link to /dev/zero", "Nothing was written"]),    # its fingerprint read it for ever
    ("app --port 0", ["app", "--port", "0"], USAGE, ["--port", "from 1 to 65535"]),
    ("lab --port 70000", ["lab", "--port", "70000"], USAGE, ["--port", "found '70000'"]),
    ("provenance, no such file", ["provenance", "{tmp}/nope.txt"], DATA, ["no such file"]),
    ("provenance of /dev/zero", ["provenance", "/dev/zero"], DATA, ["a character device"]),
    ("provenance of a folder", ["provenance", "{tmp}"], DATA, ["a folder"]),
]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "a-file").write_text("not a folder\n", encoding="utf-8")
    (tmp / "empty").mkdir()
    (tmp / "empty-data" / "processed").mkdir(parents=True)
    reports = tmp / "reports"                  # reports a bad run must not touch
    reports.mkdir()
    (reports / "01-toolkit-uptake.html").write_text("<p>rendered before</p>", encoding="utf-8")
    data = copy_data(tmp / "data")
    os.symlink("/dev/zero", copy_data(tmp / "data-zero") / "raw" / "documents" / "zero.txt")
    (tmp / "nb").mkdir()
    (tmp / "nb" / "a.ipynb").write_text("{}", encoding="utf-8")        # never opened: the run stops before
    (data / "processed" / "datapackage.json").write_text('{"resources": [,]}', encoding="utf-8")

    def one_run(case):
        args = [a.format(tmp=tmp, data=data) for a in case[1]]
        return case[0], run_cli(*args, timeout=60)
    with ThreadPoolExecutor(2) as pool:
        results = dict(pool.map(one_run, CASES))
    return results, reports


@pytest.mark.slow   # why: runs `python -m iccwc` in subprocesses (about a second each)
@pytest.mark.parametrize("name,args,code,words", CASES, ids=[c[0] for c in CASES])
def test_bad_arguments_get_one_message_and_an_exit_code(cli_runs, name, args, code, words):
    res = cli_runs[0][name]
    out = res.stdout + res.stderr
    assert "Traceback" not in out, out
    assert res.returncode == code, out
    assert "ERROR" in res.stderr
    for w in words:
        assert w in res.stderr, f"{w!r} not in:\n{res.stderr}"
    if code == USAGE:
        assert "expected" in res.stderr or "invalid" in res.stderr or "required" in res.stderr
        assert "Nothing was done" in res.stderr


@pytest.mark.slow   # why: runs `python -m iccwc` in subprocesses (about a second each)
def test_a_bad_run_deletes_no_report(cli_runs):
    """--notebooks pointing at a missing folder used to run with no notebooks: every rendered report
    was removed and the exit code was 0."""
    reports = cli_runs[1]
    assert (reports / "01-toolkit-uptake.html").read_text(encoding="utf-8") == "<p>rendered before</p>"


def test_help_lists_every_exit_code(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    for code, what in errors.EXIT_CODES.items():
        assert f"{code:>3}  {what}" in shown


def test_arguments_are_checked_before_any_work(monkeypatch, tmp_path):
    called = []
    monkeypatch.setitem(cli.COMMANDS, "run", (lambda a: called.append(a) or 0, "x", cli._run_arguments))
    assert cli.main(["run", "--jobs", "-1"]) == errors.EXIT_USAGE
    assert cli.main(["run", "--region", "africa & europe", "--out", str(tmp_path / "new")]) == 0
    assert called and called[0].region == "Africa & Europe"             # names are matched, case aside


@pytest.mark.parametrize("raised,code,words", [
    (RuntimeError("something nobody expected"), errors.EXIT_INTERNAL,
     ["unexpected error (a bug): RuntimeError: something nobody expected", "traceback is saved in"]),
    (OSError(28, "No space left on device"), errors.EXIT_FILESYSTEM, ["file-system error", "No space left"]),
    (KeyboardInterrupt(), errors.EXIT_INTERRUPTED, ["Interrupted"]),
])
def test_an_unexpected_error_is_one_message_and_a_saved_traceback(data_copy, monkeypatch, capsys, raised, code, words):
    def boom(args):
        raise raised
    monkeypatch.setitem(cli.COMMANDS, "status", (boom, "x"))
    assert cli.main(["--data-dir", str(data_copy), "status"]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for w in words:
        assert w in err
    if code != errors.EXIT_INTERRUPTED:
        saved = list((data_copy / ".iccwc-state").glob("crash-*.txt"))
        assert len(saved) == 1 and str(saved[0]) in err
        text = saved[0].read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" in text and type(raised).__name__ in text


@pytest.mark.slow   # why: runs `python -m iccwc` in subprocesses (about a second each)
def test_status_on_good_data_still_works(data_copy):
    res = run_cli("status", "--data-dir", str(data_copy))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["toolkit_status_dates"] == ["2015-11-09"]


def test_more_problems_than_the_message_lists_are_all_saved_to_a_file(data_copy, monkeypatch, capsys):
    """Past errors.MAX_LISTED problems the message says where every one of them is, one per line."""
    n = errors.MAX_LISTED + 57
    problems = [errors.Problem(str(data_copy / "raw" / "documents" / "big.txt"), i, "country",
                               "a country name", f"Nowhere {i}") for i in range(1, n + 1)]

    def rejects(args):
        raise errors.DataError(problems, "The Toolkit table in big.txt cannot be read")

    monkeypatch.setattr(cli, "_rebuild", rejects)
    parser_fn = {"rebuild": rejects}
    monkeypatch.setattr(cli, "build_parser", _parser_with(cli.build_parser, parser_fn))
    code = cli.main(["--data-dir", str(data_copy), "rebuild"])
    err = capsys.readouterr().err
    assert code == errors.EXIT_DATA
    assert "and 57 more problem(s)" in err and "Traceback" not in err
    where = err.split(f"All {n} problems, one per line, are in ", 1)[1].split("\n", 1)[0].strip()
    lines = open(where, encoding="utf-8").read().splitlines()
    assert sum("Nowhere" in line for line in lines) == n
    assert where.startswith(str(data_copy))


def _parser_with(build_parser, fns):
    def build():
        parser = build_parser()
        for action in parser._subparsers._group_actions:
            for name, sub in action.choices.items():
                if name in fns:
                    sub.set_defaults(fn=fns[name])
        return parser
    return build


def test_the_command_line_freezes_the_garbage_collector_before_its_process_ends(data_copy, monkeypatch, capsys):
    """`iccwc ...` (main() with this process's command line) freezes what the collector tracks before it
    returns, so that Python's finalization does not collect it all again (0.7-0.8 s after a run); a call
    with arguments (a test's, in a process that goes on) leaves the collector as it was."""
    import gc
    before = gc.get_freeze_count()          # (tests/conftest.py freezes what the test modules' imports left)
    assert cli.main(["--data-dir", str(data_copy), "status"]) == 0
    assert gc.get_freeze_count() <= before   # (frozen objects freed meanwhile leave it; none joins it)
    monkeypatch.setattr(sys, "argv", ["iccwc", "--data-dir", str(data_copy), "status"])
    before = gc.get_freeze_count()
    try:
        assert cli.main() == 0
        assert gc.get_freeze_count() > before + 1000
    finally:
        gc.unfreeze()
        if before:
            gc.freeze()                      # as conftest left it (and this test's objects with it)
    out = capsys.readouterr().out                       # the two status reports, one after the other
    assert out.count('"toolkit_status_dates"') == 2
