"""Nothing lost under faults: a rebuild never writes under data/raw, and a rebuild that fails
at any point (a builder, validation, a staging write, the 2nd of 5 moves) leaves data/processed
byte-identical (same bytes, mtimes and inodes).
"""
from __future__ import annotations

import os
import shutil
import sys
from types import MappingProxyType

import pytest

from iccwc import errors
from iccwc.data import build
from iccwc.data.build import Inputs, build_all, rebuild, render, write_atomically
from iccwc.errors import DataError
from helpers import (copy_data, newer, quiet, snapshot, write_doc)


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_AUDIT = {"on": False, "events": []}


def _audit(event, args):
    if not _AUDIT["on"]:
        return
    if event == "open" and args[2] & _WRITE_FLAGS:
        _AUDIT["events"].append((event, str(args[0])))
    elif event in ("os.rename", "os.remove", "os.rmdir", "os.chmod", "os.utime", "os.truncate", "os.link",
                   "os.symlink", "shutil.rmtree", "shutil.move"):
        _AUDIT["events"].append((event, " ".join(str(a) for a in args[:2])))


_hook_installed = False


def test_rebuild_never_writes_under_raw(data_copy):
    global _hook_installed
    if not _hook_installed:               # audit hooks cannot be removed: this one is gated by _AUDIT["on"]
        sys.addaudithook(_audit)
        _hook_installed = True
    write_doc(data_copy, "newer.txt", newer())       # the rebuild has real work to do
    raw = data_copy / "raw"
    before = snapshot(raw)
    _AUDIT["events"].clear()
    _AUDIT["on"] = True
    try:
        changed = rebuild(data_copy, log=quiet)
    finally:
        _AUDIT["on"] = False
    assert "toolkit_status.csv" in changed
    writes = [e for e in _AUDIT["events"] if str(raw) in e[1]]
    assert writes == [], writes
    assert any(str(data_copy / "processed") in e[1] for e in _AUDIT["events"])   # the hook does see writes
    assert snapshot(raw) == before                    # bytes, mtimes and inodes


@pytest.fixture(scope="module")
def newer_files(tmp_path_factory) -> MappingProxyType:
    """What a rebuild renders (file name -> bytes) once a newer document is added to a copy of data/: the
    same bytes for every copy, so rendered once for the module (read only)."""
    data = copy_data(tmp_path_factory.mktemp("newer") / "data")
    write_doc(data, "newer.txt", newer())
    inputs = Inputs.find(data)
    return MappingProxyType(render(build_all(inputs), inputs))


@pytest.fixture
def rendered(data_copy, newer_files):
    """A newer document added, and every processed file made different from what a rebuild gives,
    so a rebuild has every file to replace; with what the rebuild renders (``newer_files``)."""
    write_doc(data_copy, "newer.txt", newer())
    files = newer_files
    proc = data_copy / "processed"
    for name in files:
        if (proc / name).exists():
            (proc / name).write_bytes(b"previous version of " + name.encode() + b"\n")
    return data_copy, files


def _fail_on(monkeypatch, module, name, k):
    real = getattr(module, name)
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == k:
            raise OSError(28, f"No space left on device (simulated, {name} call {k})")
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, flaky)
    return calls


@pytest.mark.parametrize("where", ["os.replace", "os.fsync", "tempfile.mkstemp"])
def test_failure_at_any_point_of_writing_leaves_processed_byte_identical(rendered, monkeypatch, where):
    data_dir, files = rendered
    proc = data_dir / "processed"
    before = snapshot(proc)
    assert len(files) >= 5
    import tempfile
    module = {"os": os, "tempfile": tempfile}[where.split(".")[0]]
    scratch = data_dir / "scratch"                    # how many calls a successful write makes
    shutil.copytree(proc, scratch)
    with monkeypatch.context() as m:
        n = _fail_on(m, module, where.split(".")[1], 0)
        write_atomically(files, scratch)
    assert n["n"] >= 4, n                             # one per file (os.link: per file replaced)
    for k in range(1, n["n"] + 1):                    # fail at the 1st, 2nd, ... last call
        with monkeypatch.context() as m:
            calls = _fail_on(m, module, where.split(".")[1], k)
            with pytest.raises(OSError, match="simulated"):
                write_atomically(files, proc)
        assert calls["n"] >= k
        assert snapshot(proc) == before, f"{where} failing on call {k} changed data/processed"
    assert write_atomically(files, proc) == list(files)      # and it works when nothing fails
    assert {n: (proc / n).read_bytes() for n in files} == files
    assert not [p.name for p in proc.iterdir() if p.name.startswith(".")]    # no staged files left


def test_without_hard_links_a_failed_write_still_restores_every_byte(rendered, monkeypatch):
    """On a file system without hard links the backups are copies: bytes and mtimes come back."""
    data_dir, files = rendered
    proc = data_dir / "processed"
    before = snapshot(proc)

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted (simulated: no hard links)")
    monkeypatch.setattr(os, "link", no_links)
    _fail_on(monkeypatch, os, "replace", 2)
    with pytest.raises(OSError, match="simulated, replace call 2"):
        write_atomically(files, proc)
    after = snapshot(proc)
    assert {k: v[:2] for k, v in after.items()} == {k: v[:2] for k, v in before.items()}


def test_rebuild_failing_on_the_second_replace_leaves_processed_untouched(rendered, monkeypatch):
    data_dir, files = rendered
    proc = data_dir / "processed"
    before = snapshot(proc)
    calls = _fail_on(monkeypatch, os, "replace", 2)
    with pytest.raises(OSError, match="simulated"):
        rebuild(data_dir, log=quiet)
    assert calls["n"] > 2                              # the first file was moved, then put back
    assert snapshot(proc) == before


def test_rebuild_failing_in_a_builder_or_validation_writes_nothing(rendered, monkeypatch):
    data_dir, _ = rendered
    proc = data_dir / "processed"
    before = snapshot(proc)

    def broken(inputs, built):
        raise DataError(errors.Problem("a builder", None, None, "to work", "a deliberate failure"))
    real_builder = build.activities.build_activities
    monkeypatch.setattr(build.activities, "build_activities", broken)
    with pytest.raises(DataError, match="deliberate failure"):
        rebuild(data_dir, log=quiet)
    monkeypatch.setattr(build.activities, "build_activities", real_builder)
    real_render = build.render

    def bad_render(built, inputs):           # the built data fail their own schema on the way out
        built["toolkit_status"].loc[0, "stage"] = "nearly done"
        return real_render(built, inputs)
    monkeypatch.setattr(build, "render", bad_render)
    with pytest.raises(DataError, match="nearly done"):
        rebuild(data_dir, log=quiet)
    assert snapshot(proc) == before
