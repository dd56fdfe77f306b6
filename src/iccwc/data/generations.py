"""Generations: data/processed and a reports folder switched in together; the lock on a data folder.

A *generation* is what one ``iccwc run`` makes: the processed files and the reports made from
them. It is built aside and switched in by a *journaled switch* (docs/pipeline.md, "Generations"):

1. Every new file is written (and fsync'd) in a staging folder on the same file system as its
   target: ``<data>/.iccwc-state/gen-<id>/processed/`` and ``<out>/.staging-<id>/``.
2. The journal ``<data>/.iccwc-state/switch.json`` lists every move (staged file -> its place)
   and every removal. It is written to a temporary file, fsync'd and renamed over: that rename is
   the commit point.
3. The moves (``os.replace``, one by one) and removals are made, the staging folders deleted,
   then the journal.

A run killed before the commit point has not touched ``data/processed`` nor the reports: the
previous generation is whole, and the staging folders are leftovers that :func:`recover`
deletes at the next start. A run killed after it leaves the journal: :func:`recover` completes
the switch (every move whose staged file is still there, every removal), so the new generation
is whole. ``iccwc run`` and ``iccwc rebuild`` call :func:`recover` first, holding the lock.

The lock (:func:`hold`) is a ``filelock.FileLock`` on ``<data>/.iccwc-state/lock``: one command
that writes a data folder at a time; the operating system releases it when its process ends,
however it ends. ``<data>/.iccwc-state`` is git-ignored.

Test hook: with ``ICCWC_TEST_PAUSE_AT=<phase>`` in the environment, :func:`pause_point` prints
``PAUSED at <phase>`` and sleeps when the run reaches that phase, so that a test can kill the run
there (tests/test_faults.py). Phases: ``staged`` (the new processed files are written aside),
``rendered`` (the first report is written aside), ``switch:N`` (the journal is written and N
moves are made; ``switch:0``: none yet).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

STATE_DIR = ".iccwc-state"
LOCK_NAME = "lock"
OWNER_NAME = "lock.owner"
JOURNAL_NAME = "switch.json"
PROCESSED_RECORD = "processed.json"
#: Each notebook's cost (its kernel's CPU seconds) in the last run or update on this data folder
#: (iccwc.commands.pipeline: it orders the next run's notebooks, costliest first, whatever its reports folder).
SECONDS_RECORD = "notebook-seconds.json"
GEN_PREFIX = "gen-"
OUT_STAGING_PREFIX = ".staging-"
#: Written in each staging folder of a reports folder: the journal that may still need it.
JOURNAL_MARK = ".journal"
PAUSE_ENV = "ICCWC_TEST_PAUSE_AT"


class Busy(OSError):
    """Another command holds the lock on the data folder (and ``wait`` ran out)."""


def state_dir(data_root: Path) -> Path:
    return Path(data_root) / STATE_DIR


def new_id() -> str:
    """A generation id: UTC time and 8 random hex digits (sorts by time)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def pause_point(phase: str) -> None:
    """The test hook (module docs): sleep here when ``$ICCWC_TEST_PAUSE_AT`` names this phase."""
    if os.environ.get(PAUSE_ENV) == phase:
        print(f"PAUSED at {phase}", flush=True)
        time.sleep(3600)


# --------------------------------------------------------------------------- the lock

def _owner(sd: Path) -> str:
    try:
        who = json.loads((sd / OWNER_NAME).read_text(encoding="utf-8"))
        return f"pid {who['pid']}, `{who['command']}`, since {who['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another iccwc command"


@contextmanager
def hold(data_root: Path, *, wait: float | None = None, log=print):
    """Hold the data folder's lock for the block. If another command holds it, say so and wait
    for it (at most ``wait`` seconds; None: as long as it takes), else raise :class:`Busy`."""
    from filelock import FileLock, Timeout
    sd = state_dir(data_root)
    sd.mkdir(parents=True, exist_ok=True)
    lock = FileLock(sd / LOCK_NAME)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = _owner(sd)
        busy = (f"another iccwc command is using {data_root} ({who}); only one command may write a data "
                f"folder at a time")
        if wait is not None and wait <= 0:
            raise Busy(f"{busy}. Try again when it has finished, or give --wait SECONDS to wait for it.") from None
        log(f"      {busy}: waiting for it to finish"
            + (f" (at most {wait:g} s)" if wait is not None else " (Ctrl-C to stop waiting)") + " ...")
        try:
            lock.acquire(timeout=-1 if wait is None else wait)
        except Timeout:
            raise Busy(f"{busy}, and it did not finish within {wait:g} s.") from None
    try:
        try:
            (sd / OWNER_NAME).write_text(json.dumps({
                "pid": os.getpid(), "command": " ".join(["iccwc", *sys.argv[1:]])[:200],
                "since": datetime.now().isoformat(timespec="seconds")}), encoding="utf-8")
        except OSError:
            pass
        yield
    finally:
        try:
            (sd / OWNER_NAME).unlink()
        except OSError:
            pass
        lock.release()


@contextmanager
def hold_folder(folder: Path, *, wait: float | None = None, log=print):
    """An advisory lock (``flock``) on a reports folder itself, so that runs on two data folders
    cannot write one reports folder at once; no file is created. Waits like :func:`hold` (at most
    ``wait`` seconds; None: as long as it takes), else raises :class:`Busy`. Not taken where there
    is no ``fcntl`` (Windows)."""
    try:
        import fcntl
    except ImportError:                      # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = None if wait is None else time.monotonic() + max(wait, 0)
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                busy = f"another iccwc run (from another data folder) is writing {folder}"
                if deadline is not None and time.monotonic() >= deadline:
                    raise Busy(f"{busy}; try again when it has finished, or give --wait SECONDS") from None
                if not said:
                    log(f"      {busy}: waiting for it to finish ...")
                    said = True
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)                         # releases the lock


# --------------------------------------------------------------------------- writing, the journal

def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (a staging file) and fsync it."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _write_journal(path: Path, journal: dict) -> None:
    """Write ``journal`` (JSON) beside ``path``, durably, then rename it over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    write_durably(tmp, json.dumps(journal, indent=1).encode("utf-8"))
    os.replace(tmp, path)                    # the commit point
    _fsync_dir(path.parent)


def switch(data_root: Path, generation: str, moves: list[tuple[Path, Path]], removals: list[Path],
           cleanup: list[Path]) -> None:
    """Switch a generation in: journal, then every move and removal, then delete ``cleanup`` and
    the journal. If this process is killed meanwhile, :func:`recover` completes it."""
    for folder in {Path(src).parent for src, _ in moves}:
        _fsync_dir(folder)
    journal = {"version": 1, "generation": generation, "started": datetime.now(timezone.utc).isoformat(),
               "moves": [[str(s), str(d)] for s, d in moves], "remove": [str(p) for p in removals],
               "cleanup": [str(p) for p in cleanup]}
    _write_journal(state_dir(data_root) / JOURNAL_NAME, journal)
    pause_point("switch:0")
    _complete(state_dir(data_root) / JOURNAL_NAME, journal)


def _complete(path: Path, journal: dict) -> int:
    """Make every move whose staged file is still there, every removal; then clean up. Idempotent."""
    done = 0
    targets = set()
    for i, (src, dst) in enumerate(journal["moves"], 1):
        if os.path.lexists(src):
            Path(dst).parent.mkdir(parents=True, exist_ok=True)    # a target folder deleted meanwhile
            os.replace(src, dst)
            done += 1
            targets.add(Path(dst).parent)
        pause_point(f"switch:{i}")
    for p in journal["remove"]:
        if os.path.lexists(p):
            os.unlink(p)
            targets.add(Path(p).parent)
    for folder in targets:
        _fsync_dir(folder)
    for folder in journal["cleanup"]:
        shutil.rmtree(folder, ignore_errors=True)
    os.unlink(path)
    _fsync_dir(path.parent)
    return done


def _size(p: Path) -> int:
    try:
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size
    except OSError:
        return 0


def recover(data_root: Path, out_dirs: list[Path] = (), log=print) -> list[str]:
    """At a start, holding the lock: complete a switch a killed run left, delete staging leftovers
    (in ``<data>/.iccwc-state``, ``data/processed`` and each of ``out_dirs``). Returns what was done."""
    sd = state_dir(data_root)
    said = []
    journal_path = sd / JOURNAL_NAME
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
            moves = journal["moves"]
        except (OSError, ValueError, KeyError, TypeError):   # cannot happen (renamed into place whole)
            journal, moves = None, None
        if journal is None:
            journal_path.unlink()
            said.append(f"an unreadable switch journal removed: {journal_path}")
        else:
            done = _complete(journal_path, journal)
            said.append(f"completed the switch to generation {journal.get('generation')} that an interrupted run "
                        f"had begun ({done} of {len(moves)} file(s) still to move)")
    leftovers, size = [], 0
    if sd.is_dir():
        ours = {JOURNAL_NAME + ".tmp", PROCESSED_RECORD + ".tmp", SECONDS_RECORD + ".tmp"}   # (crash and problem reports are kept)
        leftovers += [p for p in sd.iterdir() if p.name.startswith(GEN_PREFIX) or p.name in ours]
    processed = Path(data_root) / "processed"
    undone = roll_back_write(processed)
    if undone:
        said.append(f"rolled back a rebuild that was interrupted while it wrote {processed}: "
                    + ", ".join(undone))
    for out in out_dirs:
        if not Path(out).is_dir():
            continue
        for p in Path(out).iterdir():
            if p.name == ".fingerprint.tmp":
                leftovers.append(p)
            elif p.name.startswith(OUT_STAGING_PREFIX) and p.is_dir():
                try:                     # a journal of another data folder still needs it: leave it
                    if Path((p / JOURNAL_MARK).read_text(encoding="utf-8").strip()).exists():
                        continue
                except OSError:
                    pass
                leftovers.append(p)
    for p in leftovers:
        size += _size(p)
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                p.unlink()
            except OSError:
                pass
    if leftovers:
        said.append(f"removed {len(leftovers)} leftover(s) of an interrupted run ({size / 1024:.0f} KB): "
                    + ", ".join(p.name for p in leftovers[:4]) + (" ..." if len(leftovers) > 4 else ""))
    for line in said:
        log(f"      {line}")
    return said


def roll_back_write(folder: Path) -> list[str]:
    """Undo what a killed :func:`iccwc.data.build.write_atomically` left in ``folder``: each file it
    had replaced comes back from its backup (``.NAME.*.bak``), each file it had added (marked
    ``.NAME.new``) is removed, its staged files (``.NAME.*.tmp``) are deleted; but when it had
    made every move (``.write_atomically.done``), only its backups and markers are deleted. Returns
    the names put back or removed (empty when nothing was undone)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    undone = []
    hidden = [p for p in folder.iterdir() if p.name.startswith(".")]
    done = folder / ".write_atomically.done"            # every move was made: keep the new files
    if done.exists():
        for p in hidden:
            if p.suffix in (".bak", ".new", ".tmp") and os.path.lexists(p):
                os.unlink(p)
        done.unlink()
        return []
    for p in hidden:
        if p.suffix == ".bak":
            name = p.name[1:-len(".bak")].rsplit(".", 1)[0]
            os.replace(p, folder / name)          # the same file already: rename does nothing ...
            if os.path.lexists(p):
                os.unlink(p)                     # ... and the backup is simply removed
            undone.append(f"{name} put back")
    for p in hidden:
        if p.suffix == ".new":
            name = p.name[1:-len(".new")]
            if os.path.lexists(folder / name):
                os.unlink(folder / name)
                undone.append(f"{name} removed")
            os.unlink(p)
        elif p.suffix == ".tmp" and os.path.lexists(p):
            os.unlink(p)
    if undone:
        _fsync_dir(folder)
    return undone


# --------------------------------------------------------------------------- which generation processed is

def processed_generation(data_root: Path) -> str | None:
    """The id of the generation that last wrote ``data/processed`` (None if not recorded)."""
    try:
        return json.loads((state_dir(data_root) / PROCESSED_RECORD).read_text(encoding="utf-8"))["generation"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def processed_record(generation: str, hashes: dict[str, str]) -> bytes:
    return json.dumps({"generation": generation, "sha256": hashes}, indent=1, sort_keys=True).encode("utf-8")


def redirect_processed(data_root, staged) -> None:
    """In a kernel of a run: make :func:`iccwc.paths.layout` of ``data_root`` name ``staged`` as
    its processed folder, so the notebooks read the generation being built (not yet switched in).
    The pipeline sends this to each kernel before the notebook's first cell."""
    import functools
    from iccwc import paths
    real, staged = Path(data_root).resolve(), Path(staged)
    original = getattr(paths.layout, "__wrapped__", paths.layout)

    @functools.wraps(original)
    def layout(data=None):
        lay = original(data)
        if lay["data"].resolve() == real:
            lay = {**lay, "processed": staged}
        return lay
    paths.layout = layout


def hash_folder(folder: Path) -> dict[str, str]:
    """sha256 of every regular, non-hidden file of ``folder``, read in a stream (a link or a device
    is named ``not a regular file``, so it never matches a recorded hash)."""
    import hashlib
    import stat
    out = {}
    if not Path(folder).is_dir():
        return out
    for p in sorted(Path(folder).iterdir()):
        if p.name.startswith("."):
            continue
        try:
            st = p.lstat()
            if stat.S_ISDIR(st.st_mode):
                continue
            if not stat.S_ISREG(st.st_mode):
                out[p.name] = "not a regular file"
                continue
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 16), b""):
                    h.update(chunk)
            out[p.name] = h.hexdigest()
        except OSError as exc:
            out[p.name] = f"unreadable: {exc.strerror or exc}"
    return out


def remembered_seconds(data_root: Path) -> dict[str, float]:
    """Each notebook's seconds in the last run or update on this data folder, whatever its reports
    folder (:data:`SECONDS_RECORD`; empty when none is recorded or it is unreadable: it only orders work)."""
    try:
        got = json.loads((state_dir(data_root) / SECONDS_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(got, dict):
        return {}
    return {k: float(v) for k, v in got.items() if isinstance(v, (int, float))}


def remember_seconds(data_root: Path, seconds: dict[str, float]) -> None:
    """Record ``seconds`` for :func:`remembered_seconds`, atomically; a failure to write is no error
    (the record only orders the next run's notebooks)."""
    try:
        state_dir(data_root).mkdir(parents=True, exist_ok=True)
        _write_journal(state_dir(data_root) / SECONDS_RECORD, {k: round(v, 2) for k, v in sorted(seconds.items())})
    except OSError:
        pass


def write_processed_record(data_root: Path, generation: str, processed: Path) -> None:
    """Record (atomically) that ``processed`` now holds ``generation`` (after a plain rebuild)."""
    sd = state_dir(data_root)
    sd.mkdir(parents=True, exist_ok=True)
    tmp = sd / (PROCESSED_RECORD + ".tmp")
    write_durably(tmp, processed_record(generation, hash_folder(processed)))
    os.replace(tmp, sd / PROCESSED_RECORD)
