"""Nothing lost under faults: a run killed (SIGKILL) at any phase leaves one consistent generation
(data/processed and the reports from the same run), and the next start recovers: leftovers
removed, an interrupted switch completed, outputs complete. Hashes are computed in a stream.

The kills use the test hook of :mod:`iccwc.data.generations` (``ICCWC_TEST_PAUSE_AT``: the run
prints ``PAUSED at <phase>`` and sleeps there) or the run's own progress lines.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import nbformat
import pytest

from iccwc import paths
from iccwc.data import generations
from iccwc.data.generations import hash_folder
from iccwc.errors import DataError
from helpers import SHOW, add_snapshot_2016, copy_data, snapshot

#: A notebook that sleeps $SLOW seconds (the kernel inherits the run's environment), then reads the data.
BODY = "import os, time\ntime.sleep(float(os.environ.get('SLOW', '0')))\nshow('rows', len(iccwc.load_toolkit(data_dir)))"


def _notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("00-first", "01-second"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"),
                    nbformat.v4.new_code_cell("data_dir = None", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("import iccwc\n" + SHOW + BODY)]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


@pytest.fixture
def project(tmp_path):
    return {"data": copy_data(tmp_path / "data"), "notebooks": _notebooks(tmp_path / "notebooks"),
            "out": tmp_path / "reports"}


def _argv(project, *extra):
    return [sys.executable, "-m", "iccwc", "--data-dir", str(project["data"]), "run", "--notebooks",
            str(project["notebooks"]), "--out", str(project["out"]), *extra]


def _env(**extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", **extra}
    env.pop("ICCWC_DATA_DIR", None)
    return env


def run_ok(project, *extra) -> subprocess.CompletedProcess:
    proc = subprocess.run(_argv(project, *extra), capture_output=True, text=True, env=_env(), cwd=paths.ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def start(project, *extra, **env) -> subprocess.Popen:
    """A run in a session of its own (so its kernels can be killed with it), output piped line by line."""
    return subprocess.Popen(_argv(project, *extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=_env(**env), cwd=paths.ROOT, start_new_session=True)


def wait_for(proc: subprocess.Popen, text: str, seconds: float = 240) -> list[str]:
    """Read the run's output until a line contains ``text``; return the lines read."""
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    kill(proc)
    raise AssertionError(f"the run never printed {text!r}:\n{''.join(lines)}")


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the run and every process of its session (its kernels), as a crash or `kill -9` would."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    proc.stdout.close()


def generation(project) -> str:
    """Check that data/processed and the reports are one generation; return its id."""
    data, out = project["data"], project["out"]
    state = json.loads((out / ".fingerprint").read_text(encoding="utf-8"))
    assert hash_folder(data / "processed") == state["processed"], "data/processed is not the reports' generation"
    now = hash_folder(out)
    for name, sha in state["outputs"].items():
        assert now.get(name) == sha, f"{name} is not of the generation .fingerprint records"
    record = json.loads((data / ".iccwc-state" / "processed.json").read_text(encoding="utf-8"))
    assert record["generation"] == state["processed_generation"]
    assert record["sha256"] == state["processed"]
    return state["generation"]


def outputs(project) -> dict:
    """The reports folder without the leftovers of a killed run (bytes, mtimes and inodes)."""
    return {k: v for k, v in snapshot(project["out"]).items() if not k.startswith(".staging-")}


def leftovers(project) -> list[str]:
    return ([p.name for p in project["out"].glob(".staging-*")]
            + [p.name for p in (project["data"] / ".iccwc-state").glob("gen-*")]
            + [p.name for p in (project["data"] / ".iccwc-state").glob("switch.json")])


@pytest.mark.slow
def test_a_run_killed_at_any_phase_leaves_one_generation_and_the_next_start_recovers(project):
    run_ok(project)
    first = generation(project)
    processed, reports = snapshot(project["data"] / "processed"), outputs(project)
    add_snapshot_2016(project["data"])             # new data: the next run rebuilds and re-renders everything

    # Killed with the new processed files written aside; while the notebooks run on them; with a report rendered.
    for phase, wait, env in [("rebuilding", "[2/4] Validating", {}),
                             ("staged", "PAUSED at staged", {generations.PAUSE_ENV: "staged"}),
                             ("executing", "[3/4] Executing", {"SLOW": "60"}),
                             ("rendered", "PAUSED at rendered", {generations.PAUSE_ENV: "rendered"})]:
        proc = start(project, **env)
        said = wait_for(proc, wait)
        if phase == "executing":
            time.sleep(2)                           # the data are staged, the cells are running
        kill(proc)
        assert snapshot(project["data"] / "processed") == processed, f"killed at {phase}: processed changed"
        assert outputs(project) == reports, f"killed at {phase}: reports changed"
        assert generation(project) == first
        assert leftovers(project), f"killed at {phase}: nothing staged? {''.join(said)}"

    # Killed in the middle of the switch (the journal written, 3 files moved): a mix on disk ...
    proc = start(project, **{generations.PAUSE_ENV: "switch:3"})
    wait_for(proc, "PAUSED at switch:3")
    kill(proc)
    assert (project["data"] / ".iccwc-state" / "switch.json").exists()
    assert snapshot(project["data"] / "processed") != processed
    # ... that the next start completes before anything else: then nothing is left to do.
    proc = run_ok(project)
    assert "completed the switch to generation" in proc.stdout
    assert "Nothing to do" in proc.stdout, proc.stdout
    second = generation(project)
    assert second != first
    assert leftovers(project) == []
    assert b"2016-06-01" in (project["data"] / "processed" / "toolkit_status.csv").read_bytes()
    for name in ("00-first.html", "01-second.html"):
        assert "rows 36" in (project["out"] / name).read_text(encoding="utf-8")       # 17 + 19 rows
    assert (project["out"] / "index.html").exists()


@pytest.mark.slow
def test_a_run_killed_at_any_move_of_its_switch_is_completed_by_the_next_start(project):
    """Killed after 0 moves (only the journal), after 1 (a processed file), after 6 (into the reports):
    the next start completes the switch; nothing is left to do, one generation, no leftovers."""
    run_ok(project)
    doc = add_snapshot_2016(project["data"])
    added = [doc, doc.with_name(doc.stem + ".provenance.json")]
    for n in (0, 1, 6):
        before = generation(project)
        proc = start(project, **{generations.PAUSE_ENV: f"switch:{n}"})
        wait_for(proc, f"PAUSED at switch:{n}")
        kill(proc)
        assert (project["data"] / ".iccwc-state" / "switch.json").exists()
        again = run_ok(project)
        assert "completed the switch to generation" in again.stdout and "Nothing to do" in again.stdout, again.stdout
        assert generation(project) != before and leftovers(project) == []
        rows = "rows 36" if added[0].exists() else "rows 17"
        assert rows in (project["out"] / "01-second.html").read_text(encoding="utf-8")
        if added[0].exists():                        # the next run has the other data to switch to
            for f in added:
                f.unlink()
        else:
            add_snapshot_2016(project["data"])


@pytest.mark.slow
def test_a_run_killed_before_its_switch_is_cleaned_up_and_redone(project):
    """Killed with everything built aside but before the journal: the next run removes the leftovers
    (they are not reused: the run starts again) and ends with the new generation whole."""
    run_ok(project)
    first = generation(project)
    add_snapshot_2016(project["data"])
    proc = start(project, **{generations.PAUSE_ENV: "rendered"})
    wait_for(proc, "PAUSED at rendered")
    kill(proc)
    assert generation(project) == first and leftovers(project)
    again = run_ok(project)
    assert "leftover(s) of an interrupted run" in again.stdout and "Done in" in again.stdout
    assert generation(project) != first
    assert leftovers(project) == []


# --------------------------------------------------------------------------- the journal and the leftovers (fast)

def test_recover_completes_an_interrupted_switch(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    (data / "processed").mkdir(parents=True)
    out.mkdir()
    (data / "processed" / "a.csv").write_text("old a")
    (out / "r.html").write_text("old r")
    (out / "gone.html").write_text("stale")
    gen_dir = generations.state_dir(data) / "gen-x"
    (gen_dir / "processed").mkdir(parents=True)
    staging = out / ".staging-x"
    staging.mkdir()
    (gen_dir / "processed" / "a.csv").write_text("new a")
    (staging / "r.html").write_text("new r")
    moves = [(gen_dir / "processed" / "a.csv", data / "processed" / "a.csv"), (staging / "r.html", out / "r.html")]
    journal = {"version": 1, "generation": "x", "moves": [[str(s), str(d)] for s, d in moves],
               "remove": [str(out / "gone.html")], "cleanup": [str(gen_dir), str(staging)]}
    generations._write_journal(generations.state_dir(data) / generations.JOURNAL_NAME, journal)
    os.replace(*moves[0])                          # killed after the first move
    said = generations.recover(data, [out], log=lambda *a: None)
    assert "completed the switch to generation x" in said[0]
    assert (data / "processed" / "a.csv").read_text() == "new a" and (out / "r.html").read_text() == "new r"
    assert not (out / "gone.html").exists() and not staging.exists() and not gen_dir.exists()
    assert not (generations.state_dir(data) / generations.JOURNAL_NAME).exists()
    assert generations.recover(data, [out], log=lambda *a: None) == []          # idempotent: nothing left


def test_a_switch_that_fails_midway_keeps_its_journal_and_is_completed_later(tmp_path, monkeypatch):
    data, out = tmp_path / "data", tmp_path / "out"
    gen_dir, staging = generations.state_dir(data) / "gen-y", out / ".staging-y"
    (gen_dir / "processed").mkdir(parents=True)
    staging.mkdir(parents=True)
    moves = []
    for i in range(3):
        (gen_dir / "processed" / f"{i}.csv").write_text(f"new {i}")
        moves.append((gen_dir / "processed" / f"{i}.csv", data / "processed" / f"{i}.csv"))
    (staging / "r.html").write_text("new r")
    moves.append((staging / "r.html", out / "r.html"))
    real, calls = os.replace, []

    def flaky(*args):
        calls.append(args)
        if len(calls) == 3:                        # the journal's rename, a move, then this one fails
            raise PermissionError(13, "Permission denied (simulated)")
        return real(*args)
    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(PermissionError):
        generations.switch(data, "y", moves, [], [gen_dir, staging])
    monkeypatch.setattr(os, "replace", real)
    assert (generations.state_dir(data) / generations.JOURNAL_NAME).exists()
    assert (data / "processed" / "0.csv").exists() and not (data / "processed" / "1.csv").exists()
    generations.recover(data, [out], log=lambda *a: None)
    assert [(data / "processed" / f"{i}.csv").read_text() for i in range(3)] == ["new 0", "new 1", "new 2"]
    assert (out / "r.html").read_text() == "new r" and not staging.exists() and not gen_dir.exists()


def test_recover_removes_leftovers_but_not_a_staging_folder_another_journal_needs(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    (data / "processed").mkdir(parents=True)
    (data / "processed" / "keep.csv").write_text("x")
    (data / "processed" / ".keep.csv.abc.tmp").write_text("half written")       # staged by a killed rebuild
    gen = generations.state_dir(data) / "gen-old" / "processed"
    gen.mkdir(parents=True)
    (gen / "big.csv").write_bytes(b"x" * 200_000)
    (generations.state_dir(data) / "crash-20260101-1.txt").write_text("a saved traceback: kept")
    dead, other = out / ".staging-dead", out / ".staging-other"
    dead.mkdir(parents=True)
    (dead / "r.html").write_text("r")
    other.mkdir()
    (other / generations.JOURNAL_MARK).write_text(str(tmp_path / "elsewhere" / "switch.json"))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "switch.json").write_text("{}")                   # still pending over there
    said = generations.recover(data, [out], log=lambda *a: None)
    assert "removed 2 leftover(s)" in said[0]
    assert sorted(p.name for p in (data / "processed").iterdir()) == ["keep.csv"]
    assert not (generations.state_dir(data) / "gen-old").exists() and not dead.exists()
    assert other.exists() and (generations.state_dir(data) / "crash-20260101-1.txt").exists()


KILLED_WRITE = """
import os, sys
from pathlib import Path
from iccwc.data import build
files = build.build_files(sys.argv[1])
real, calls = os.replace, []
def replace(*args):
    calls.append(args)
    if len(calls) == int(sys.argv[2]):
        os._exit(9)                      # as SIGKILL: no clean-up, no finally
    return real(*args)
os.replace = replace
build.write_atomically(files, Path(sys.argv[1]) / "processed")
"""


@pytest.mark.slow
@pytest.mark.parametrize("moves", [1, 3])          # killed at the 1st os.replace (none made) or the 3rd (2 made)
def test_a_rebuild_killed_while_it_writes_is_rolled_back_at_the_next_start(data_copy, moves):
    from helpers import newer, write_doc
    write_doc(data_copy, "newer.txt", newer())                  # the rebuild replaces files ...
    (data_copy / "processed" / "activities.csv").unlink()       # ... and adds one
    before = snapshot(data_copy / "processed")
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(data_copy), str(moves)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    assert snapshot(data_copy / "processed") != before          # a mix, and its backups and markers
    said = generations.recover(data_copy, log=lambda *a: None)
    assert "rolled back a rebuild" in said[0]
    assert snapshot(data_copy / "processed") == before          # bytes, mtimes, inodes; the added file gone


KILLED_CLEANUP = KILLED_WRITE.replace("os.replace = replace", "os.unlink = unlink").replace(
    "def replace(*args):", "def unlink(*args):").replace("return real(*args)", "return real_unlink(*args)").replace(
    "real, calls = os.replace, []", "real_unlink, calls = os.unlink, []")


@pytest.mark.slow
def test_a_rebuild_killed_while_it_cleans_up_keeps_its_new_files(data_copy):
    """Every file moved, killed while deleting its backups: the next start keeps the new files."""
    from helpers import newer, write_doc
    write_doc(data_copy, "newer.txt", newer())
    proc = subprocess.run([sys.executable, "-c", KILLED_CLEANUP, str(data_copy), "2"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    assert (data_copy / "processed" / ".write_atomically.done").exists()
    assert generations.recover(data_copy, log=lambda *a: None) == []
    assert b"2016-03-15" in (data_copy / "processed" / "toolkit_status.csv").read_bytes()
    assert not [p.name for p in (data_copy / "processed").iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- hashes in a stream (fast)

def test_fingerprint_refuses_a_link_to_dev_zero_at_once(data_copy):
    from iccwc.commands.pipeline import fingerprint_parts
    from iccwc.data.inputs import Inputs, fingerprint
    (data_copy / "raw" / "documents" / "zero.txt").symlink_to("/dev/zero")      # a document: always an input
    t0 = time.monotonic()
    with pytest.raises(DataError, match="zero.txt"):
        fingerprint(Inputs.find(data_copy))
    with pytest.raises(DataError, match="zero.txt"):
        fingerprint_parts(data_copy, [], {})
    assert time.monotonic() - t0 < 5


def test_fingerprints_take_flat_memory_whatever_the_file_size(data_copy):
    from iccwc.commands.pipeline import _hash_dir, fingerprint_parts
    big = data_copy / "curated" / "big.csv"
    with open(big, "wb") as fh:                    # 40 MB (sparse: quick to make)
        fh.truncate(40 * 1024 * 1024)
    (data_copy / "processed" / "big.bin").symlink_to(big)       # and a large file among the outputs
    tracemalloc.start()
    try:
        parts = fingerprint_parts(data_copy, [], {})
        hashes = _hash_dir(data_copy / "processed")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "data/curated/big.csv" in parts["input_files"]
    assert hashes["big.bin"] == "not a regular file"           # a link there never matches a recorded hash
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.0f} MB"
