"""Command line: ``python -m iccwc <command>`` (or ``iccwc <command>``).

Every argument is checked before any work is done: a bad one gets one message (which
argument, what was expected, what was found, what to do) and exit code 64; nothing
is read, written or deleted. No input or argument gives a Python traceback: an
unexpected error (a bug) prints one message and saves the traceback to a file it
names. The exit codes are defined once, in :mod:`iccwc.errors`, and listed by ``--help``.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

from iccwc.errors import (EXIT_CODES, EXIT_DATA, EXIT_FILESYSTEM, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK,
                          EXIT_USAGE, MAX_LISTED, DataError, Problem, UsageError)

#: ``--jobs`` above this is refused (each job is a Jupyter kernel: a few hundred MB of memory).
MAX_JOBS = 64


def _rebuild(args) -> int:
    from iccwc import paths
    from iccwc.data.build import rebuild
    t0 = time.perf_counter()
    lay = paths.layout(args.data_dir)
    print(f"Rebuilding {lay['processed']} from {lay['raw']} (country names: "
          f"{lay['reference'] / 'country_aliases.csv'}) ...")
    try:
        changed = rebuild(args.data_dir)
    except OSError as exc:            # e.g. disk full while writing: write_atomically rolled back
        print(f"\nERROR: the rebuild stopped on a file-system error: {exc}\n\nNothing was written: "
              "data/processed is as it was before (a rebuild writes all its files or none).", file=sys.stderr)
        return EXIT_FILESYSTEM
    print(f"Done in {time.perf_counter() - t0:.1f} s: {len(changed)} file(s) changed.")
    return EXIT_OK


def _status(args) -> int:
    from iccwc import paths
    from iccwc.data.textio import read_text
    pkg_file = paths.layout(args.data_dir)["processed"] / "datapackage.json"
    if not pkg_file.exists():
        raise DataError(Problem(str(pkg_file), None, None, "the processed data's datapackage.json "
                                "(make it with: python -m iccwc rebuild)", "no such file"))
    try:
        pkg = json.loads(read_text(pkg_file))
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(pkg_file), exc.lineno, None, "valid JSON (remake it with: python -m iccwc "
                                "rebuild)", exc.msg)) from None
    if not isinstance(pkg, dict) or not isinstance(pkg.get("sources", []), list):
        raise DataError(Problem(str(pkg_file), None, None, "a JSON object with a list of 'sources' (remake it "
                                "with: python -m iccwc rebuild)", type(pkg).__name__))
    from iccwc.data.load import data_status        # pandas: only once the folder is known to be usable
    print(json.dumps(data_status(args.data_dir), indent=2, ensure_ascii=False))
    return EXIT_OK


def _provenance(args) -> int:
    """Print a provenance record to fill in for a new raw file."""
    from iccwc.data.provenance import record_path, sha256_of
    p = Path(args.file)
    rec = {"title": "", "issuer": "", "issued": "YYYY-MM", "source": "", "retrieved": time.strftime("%Y-%m-%d"),
           "licence": "", "sha256": sha256_of(p)}
    # The hint goes to stderr so that `python -m iccwc provenance F > F's record` saves pure JSON.
    print(f"# Save as {record_path(p)} and fill in the empty fields:", file=sys.stderr)
    print(json.dumps(rec, indent=2))
    return EXIT_OK


def check_input_files(data_dir) -> None:
    """Raise DataError unless every input file is a regular file within the size limit.

    ``iccwc run`` hashes every input (its fingerprint) before the rebuild's own checks: a raw
    document linked to ``/dev/zero`` was read until memory ran out. Only ``stat`` is used here.
    """
    from iccwc.data.inputs import Inputs
    from iccwc.data.textio import open_regular
    inputs = Inputs.find(data_dir)
    lay = inputs.layout
    candidates = set(inputs.documents)
    for folder in (lay["raw_documents"], lay["raw_activities"], lay["raw_natural_earth"], lay["curated"]):
        if folder.is_dir():
            candidates.update(p for p in folder.iterdir() if p.is_symlink() or not p.is_dir())
    problems = []
    for p in sorted(candidates):
        try:
            open_regular(p).close()
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems, "The input files cannot be read")


def _run(args) -> int:
    from iccwc.commands.pipeline import main as run_main
    check_input_files(args.data_dir)
    return run_main(args)


def _run_arguments(sp) -> None:
    from iccwc.commands.pipeline import add_arguments
    add_arguments(sp)


def _update(args) -> int:
    from iccwc.commands.update import main as update_main
    check_input_files(args.data_dir)
    return update_main(args)


def _update_arguments(sp) -> None:
    from iccwc.commands.update import add_arguments
    add_arguments(sp)


def _app(args) -> int:
    from iccwc.commands.servers import app_main
    return app_main(args)


def _lab(args) -> int:
    from iccwc.commands.servers import lab_main
    return lab_main(args)


def _server_arguments(sp) -> None:
    from iccwc.commands.servers import add_arguments
    add_arguments(sp)


COMMANDS = {
    "rebuild": (_rebuild, "rebuild data/processed from data/raw (validated; nothing written on error)"),
    "status": (_status, "which data version is in data/processed"),
    "provenance": (_provenance, "print a provenance record, with its sha256, for a new raw file"),
    # name: (function, help[, function adding the subcommand's own arguments])
    "run": (_run, "validate, rebuild, execute every notebook and render HTML to reports/ (no work if nothing "
                  "changed)", _run_arguments),
    "update": (_update, "after new data: rebuild, execute and save every notebook with its outputs, render the "
                        "reports (then make test passes)", _update_arguments),
    "app": (_app, "serve the notebooks as live apps with Voila on 127.0.0.1 (token)", _server_arguments),
    "lab": (_lab, "open JupyterLab on 127.0.0.1 with token authentication", _server_arguments),
}

#: The commands that read the data folder (``--data-dir``): it must exist before they start.
_USES_DATA = {"rebuild", "status", "run", "update"}


# --------------------------------------------------------------------------- arguments checked before any work

def _shown(value: str) -> str:
    """An argument as the message shows it: long ones cut, with their length."""
    return value if len(value) <= 60 else f"{value[:40]}... ({len(value)} characters)"


def _path_kind(p: Path) -> str:
    """'missing', 'folder', 'file' or 'other' (a device, a FIFO...); a path that cannot be looked at is 'bad'."""
    try:
        if not p.exists():
            return "missing"
        return "folder" if p.is_dir() else "file" if p.is_file() else "other"
    except (OSError, ValueError):         # too long, a NUL byte, no permission
        return "bad"


def _check_folder(arg: str, value, expected: str, hint: str, must_exist: bool = True) -> list[tuple[Problem, str]]:
    if value is None:
        return []
    if not str(value).strip():
        return [(Problem(arg, None, None, expected, "an empty path"), hint)]
    p = Path(value)
    kind = _path_kind(p)
    if kind == "bad":
        return [(Problem(arg, None, None, expected, f"not a usable path: {_shown(str(value))}"), hint)]
    if kind == "missing" and must_exist:
        return [(Problem(arg, None, None, expected, f"no such folder: {_shown(str(p))}"), hint)]
    if kind in ("file", "other"):
        return [(Problem(arg, None, None, expected, f"a file, not a folder: {_shown(str(p))}"), hint)]
    if kind == "missing":                 # created on demand: its nearest existing parent must be a folder
        parent = p.absolute().parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            return [(Problem(arg, None, None, expected, f"a file above it: {_shown(str(parent))}"), hint)]
    return []


def _status_date_ok(value: str) -> bool:
    if value.strip().lower() in ("latest", "earliest", "previous"):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return False
    try:
        _dt.date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def check_arguments(args) -> None:
    """Raise :class:`UsageError` listing every bad argument of ``args`` (nothing has been done yet)."""
    from iccwc import paths
    from iccwc.vocab import CONTINENTS, DOCUMENT_REGIONS
    found: list[tuple[Problem, str]] = []
    command = args.command
    if command in _USES_DATA:
        given = args.data_dir if args.data_dir is not None else os.environ.get("ICCWC_DATA_DIR")
        where = "--data-dir" if args.data_dir is not None else ("$ICCWC_DATA_DIR" if given else "the data folder")
        value = given if given is not None else str(paths.ROOT / "data")
        found += _check_folder(where, value, "the data folder (with raw/, curated/ and processed/)",
                               "give the folder that holds raw/ and processed/ (default: data/ in the project)")
    if command in ("run", "update"):
        jobs = getattr(args, "jobs", None)
        if jobs is not None and not 1 <= jobs <= MAX_JOBS:
            found.append((Problem("--jobs", None, None, f"a whole number of notebooks to execute at once, from 1 "
                                  f"to {MAX_JOBS}", str(jobs)), "leave it out for the default, or give e.g. --jobs 2"))
        region = getattr(args, "region", None)
        regions = list(CONTINENTS) + [r for r in DOCUMENT_REGIONS if r not in CONTINENTS]
        if region is not None:
            match = [r for r in regions if r.casefold() == region.strip().casefold()]
            if match:
                args.region = match[0]
            else:
                found.append((Problem("--region", None, None, "a continent or one of the document's groupings: "
                                      + ", ".join(regions), _shown(region)),
                              'quote a name with spaces or "&": --region "Africa & Europe"'))
        when = getattr(args, "status_date", None)
        if when is not None and not _status_date_ok(when):
            found.append((Problem("--status-date", None, None, "latest, earliest, previous or a real date "
                                  "written YYYY-MM-DD", _shown(when)), "e.g. --status-date 2015-11-09"))
        found += _check_folder("--out", getattr(args, "out", None), "a folder for the HTML reports (created if "
                               "missing)", "give a folder, not a file (default: reports/)", must_exist=False)
        nb = getattr(args, "notebooks", None)
        nb_problems = _check_folder("--notebooks", nb, "a folder of notebooks (*.ipynb)",
                                    "give the folder that holds the notebooks (default: notebooks/)")
        found += nb_problems
        if nb is not None and not nb_problems and not any(
                p.suffix == ".ipynb" and not p.name.startswith(".") for p in Path(nb).iterdir()):
            found.append((Problem("--notebooks", None, None, "a folder of notebooks (*.ipynb)",
                                  f"no notebook in it: {_shown(str(nb))}"),
                          "give the folder that holds the notebooks (default: notebooks/); a run with no "
                          "notebook would replace the reports with nothing"))
    if command in ("app", "lab"):
        port = getattr(args, "port", None)
        if port is not None and not 1 <= port <= 65535:
            found.append((Problem("--port", None, None, "a TCP port from 1 to 65535", str(port)),
                          "leave it out for the server's default"))
    if found:
        hints = list(dict.fromkeys(h for _, h in found if h))
        raise UsageError([p for p, _ in found], "; ".join(hints))


# --------------------------------------------------------------------------- the parser and main()

class _Parser(argparse.ArgumentParser):
    """argparse with the project's exit code for a bad command or argument (not argparse's 2: that is bad data)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"\nERROR: {self.prog}: {message}\n\nNothing was done. See `{self.prog} --help`; "
                              f"exit code {EXIT_USAGE} (bad command or argument).\n")


def _epilog() -> str:
    return "exit codes:\n" + "\n".join(f"  {code:>3}  {what}" for code, what in EXIT_CODES.items())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="iccwc", description=__doc__.split("\n\n")[0], epilog=_epilog(),
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None, help="data folder, self-contained: its raw/, curated/, reference/ "
                        "and processed/ are used (default: $ICCWC_DATA_DIR, else data/ in the project)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (fn, help_, *add_arguments) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
        sp.set_defaults(fn=fn)
        # Also accepted after the command (`iccwc rebuild --data-dir X`); SUPPRESS keeps the global one.
        sp.add_argument("--data-dir", default=argparse.SUPPRESS, help="data folder (as before the command)")
        for add in add_arguments:
            add(sp)
        if name == "provenance":
            sp.add_argument("file")
    return parser


def _save_traceback(args) -> str:
    """Write the current exception's traceback to a file; return where (or why it could not be saved)."""
    text = (f"iccwc {' '.join(sys.argv[1:])}\n{_dt.datetime.now().isoformat(timespec='seconds')}\n"
            f"Python {sys.version.split()[0]}\n\n{traceback.format_exc()}")
    return _save_report(args, f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt", text)


def _save_problems(args, exc: DataError) -> str:
    """Write every problem of a DataError, one per line, to a file; return where."""
    text = (f"iccwc {' '.join(sys.argv[1:])}\n{_dt.datetime.now().isoformat(timespec='seconds')}\n"
            f"{len(exc.problems)} problem(s); one per line: file, line, column, expected, found\n\n"
            + "\n".join(str(p) for p in exc.problems) + "\n")
    return _save_report(args, f"problems-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt", text)


def _save_report(args, name: str, text: str) -> str:
    """Save ``text`` as ``name`` in the data folder's .iccwc-state/ (else the temp folder); return where."""
    folders = []
    try:
        from iccwc import paths
        data = paths.data_dir(getattr(args, "data_dir", None))
        if data.is_dir():
            folders.append(data / ".iccwc-state")
    except Exception:                     # noqa: BLE001 - a crash report must not crash
        pass
    folders.append(Path(tempfile.gettempdir()))
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
            return str(folder / name)
        except OSError:
            continue
    return "(it could not be saved: no writable folder)"


def main(argv: list[str] | None = None) -> int:
    """The ``iccwc`` command (``argv``: its arguments; None: this process's command line). Returns the
    exit code (:mod:`iccwc.errors`)."""
    code = _main(argv)
    if argv is None:
        # This process ends next. Python's finalization collects the garbage of every object it still
        # tracks, several times as it tears the modules down: after a run, 260,000 objects (the
        # notebooks, their outputs, the libraries), 0.7-0.8 s between "Done" and the prompt, for
        # nothing. Frozen objects are left out of those collections (``gc.freeze``); they are freed as
        # the modules go, and the process's memory with its end. Not done for a call with ``argv``
        # (the tests', in their own process, which goes on).
        gc.freeze()
    return code


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("run", "update"):
        # This process is the run's own: it validates with jsonschema (nbformat) only schemas that
        # need no IRI grammar (iccwc.commands.kernelside.SKIPPED_MODULE), so it skips building one.
        from iccwc.commands.kernelside import skip_unused_format_checker
        skip_unused_format_checker()
    try:
        check_arguments(args)
        return args.fn(args)
    except UsageError as exc:
        print(f"\nERROR: iccwc {args.command}: bad argument\n{exc}\n\nNothing was done (exit code {EXIT_USAGE}; "
              "`iccwc --help` lists the exit codes).", file=sys.stderr)
        return EXIT_USAGE
    except DataError as exc:
        every = ""
        if len(exc.problems) > MAX_LISTED:
            every = (f"\nAll {len(exc.problems)} problems, one per line, are in {_save_problems(args, exc)}")
        print(f"\nERROR: {exc}{every}\n\nNothing was written. See docs/data.md, 'When your data are rejected'.",
              file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("\nInterrupted (Ctrl-C).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:               # `iccwc status | head`: the reader left; nothing to report
        return EXIT_OK
    except OSError as exc:
        where = _save_traceback(args)
        print(f"\nERROR: iccwc {args.command} stopped on a file-system error: {exc}\n"
              f"  What to do: check the path, its permissions and the free space, then run it again.\n"
              f"  The details are saved in {where}", file=sys.stderr)
        return EXIT_FILESYSTEM
    except Exception as exc:              # noqa: BLE001 - the one place that turns a bug into a message
        where = _save_traceback(args)
        print(f"\nERROR: iccwc {args.command} stopped on an unexpected error (a bug): {type(exc).__name__}: "
              f"{_shown(str(exc))}\n  The full traceback is saved in {where}\n"
              f"  What to do: report it with that file (exit code {EXIT_INTERNAL}).", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
