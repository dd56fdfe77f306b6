"""Command line: ``python -m iccwc <command>`` (or ``iccwc <command>``)."""
from __future__ import annotations

import argparse
import json
import sys
import time

from iccwc.errors import DataError, Problem


def _rebuild(args) -> int:
    from iccwc.data.build import rebuild
    t0 = time.perf_counter()
    print(f"Rebuilding processed data from {args.data_dir or 'data'}/raw ...")
    try:
        changed = rebuild(args.data_dir)
    except OSError as exc:            # e.g. disk full while writing: write_atomically rolled back
        print(f"\nERROR: the rebuild stopped on a file-system error: {exc}\n\nNothing was written: "
              "data/processed is as it was before (a rebuild writes all its files or none).", file=sys.stderr)
        return 1
    print(f"Done in {time.perf_counter() - t0:.1f} s: {len(changed)} file(s) changed.")
    return 0


def _status(args) -> int:
    from iccwc.data.load import data_status
    print(json.dumps(data_status(args.data_dir), indent=2, ensure_ascii=False))
    return 0


def _provenance(args) -> int:
    """Print a provenance record to fill in for a new raw file."""
    from pathlib import Path
    from iccwc.data.provenance import record_path, sha256_of
    p = Path(args.file)
    if not p.is_file():
        raise DataError(Problem(str(p), None, None, "a file to describe", "no such file"))
    rec = {"title": "", "issuer": "", "issued": "YYYY-MM", "source": "", "retrieved": time.strftime("%Y-%m-%d"),
           "licence": "", "sha256": sha256_of(p)}
    # The hint goes to stderr so that `python -m iccwc provenance F > F's record` saves pure JSON.
    print(f"# Save as {record_path(p)} and fill in the empty fields:", file=sys.stderr)
    print(json.dumps(rec, indent=2))
    return 0


def _run(args) -> int:
    from iccwc.commands.pipeline import main as run_main
    return run_main(args)


def _run_arguments(sp) -> None:
    from iccwc.commands.pipeline import add_arguments
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
    "app": (_app, "serve the notebooks as live apps with Voila on 127.0.0.1 (token)", _server_arguments),
    "lab": (_lab, "open JupyterLab on 127.0.0.1 with token authentication", _server_arguments),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="iccwc", description=__doc__)
    parser.add_argument("--data-dir", default=None, help="data folder (default: ./data or $ICCWC_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (fn, help_, *add_arguments) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_)
        sp.set_defaults(fn=fn)
        # Also accepted after the command (`iccwc rebuild --data-dir X`); SUPPRESS keeps the global one.
        sp.add_argument("--data-dir", default=argparse.SUPPRESS, help="data folder (as before the command)")
        for add in add_arguments:
            add(sp)
        if name == "provenance":
            sp.add_argument("file")
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except DataError as exc:
        print(f"\nERROR: {exc}\n\nNothing was written. See README, 'When your data are rejected'.",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
