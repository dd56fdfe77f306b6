"""`iccwc rebuild`: data/raw (+ data/curated) -> data/processed, validated, atomically.

Nothing is written until every dataset has been built and validated; then each
file is written beside its target and moved into place with ``os.replace``, so
a failed rebuild leaves the previous processed data exactly as it was. Raw
files are only ever read.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from iccwc.data import activities
from iccwc.data import geo, website
from iccwc.data.curated import build_iccwc_documents, build_partner_presence, build_recognitions
from iccwc.data.curated import build_toolkit_reach
from iccwc.data.document import Document
from iccwc.data.sources import Sources
from iccwc.errors import DataError, Problem
from iccwc.data.inputs import Inputs
from iccwc.data.provenance import check as check_provenance
from iccwc.data.schemas import DATASETS, datapackage, date_range
from iccwc.data.csvio import to_csv_text, typed
from iccwc.data.textio import read_text
from iccwc.data.toolkit import combine_snapshots, parse_status



def _curated_manifest(path: Path) -> dict[str, str]:
    """``curated.json``'s map of curated CSV -> the raw document it is checked against."""
    try:
        files = json.loads(read_text(path)).get("files")
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(path), exc.lineno, None, "valid JSON", exc.msg)) from None
    except AttributeError:
        files = None
    if not isinstance(files, dict):
        raise DataError(Problem(str(path), None, "files", "an object mapping each curated CSV to a "
                                "document name", type(files).__name__))
    return files


def build_all(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Build every dataset in memory; raise DataError on any problem.

    Country names are resolved with the data folder's own ``reference/country_aliases.csv``."""
    from iccwc.data.countries import use_reference
    with use_reference(inputs.layout["reference"]):
        return _build_all(inputs)


def _build_all(inputs: Inputs) -> dict[str, pd.DataFrame]:
    if inputs.refused:
        raise DataError([Problem(str(p), None, None, "a status document (*.txt), a Toolkit status file "
                                 "(*.csv or *.xlsx, a table or a list: see docs/data.md) or a provenance record "
                                 "(*.provenance.json) in data/raw/documents; move any other file elsewhere",
                                 p.suffix or p.name) for p in inputs.refused],
                        "data/raw/documents holds files the rebuild cannot read")
    if not inputs.status_sources:
        raise DataError(Problem(str(inputs.layout["raw_documents"]), None, None,
                                "at least one status document (*.txt) or status file (*.csv, *.xlsx) with its "
                                "provenance record", "no documents"))
    problems: list[Problem] = []
    tables, docs = [], {}
    for path in inputs.status_sources:
        try:
            check_provenance(path)
            tables.append(parse_status(path))
            if path in inputs.documents:
                docs[path.name] = path
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems, "The raw documents cannot be used")
    try:
        check_provenance(inputs.topojson)
    except DataError as exc:
        raise DataError(exc.problems, "The country polygons cannot be used") from None
    built = {"toolkit_status": combine_snapshots(tables)}

    curated = inputs.layout["curated"]
    manifest = _curated_manifest(curated / "curated.json") if (curated / "curated.json").exists() else {}
    builders = {"recognitions.csv": build_recognitions, "partner_presence.csv": build_partner_presence,
                "iccwc_documents.csv": build_iccwc_documents, "toolkit_reach.csv": build_toolkit_reach}
    for fname, fn in builders.items():
        docname = manifest.get(fname)
        default = None
        if docname is not None:                  # the source of rows whose `source` cell is empty
            if docname not in docs:
                problems.append(Problem(str(curated / "curated.json"), None, fname,
                                        f"the name of a document in {inputs.layout['raw_documents']}",
                                        str(docname)))
                continue
            default = Document.read(docs[docname])
        sources = Sources.of_document(default) if default is not None else Sources(inputs.layout["raw"])
        try:
            built[fname[:-4]] = fn(curated / fname, sources)
        except DataError as exc:
            problems += exc.problems
    try:
        built["activities"] = activities.build_activities(inputs, built)
    except DataError as exc:
        problems += exc.problems
    if problems:
        raise DataError(problems, "The rebuild stopped; data/processed was not touched")
    return built


def render(built: dict[str, pd.DataFrame], inputs: Inputs) -> dict[str, bytes]:
    """The bytes of every processed file, datapackage.json included."""
    out: dict[str, bytes] = {}
    resources = []
    for name, df in built.items():
        ds = DATASETS[name]
        data = to_csv_text(df, ds).encode("utf-8")
        # Validation: what we write must load back through the loaders' typed, validated reader.
        text = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        typed(text, ds, f"(built) {ds.filename}")
        out[ds.filename] = data
        res = ds.frictionless()
        span = date_range(ds, text)
        if span is not None:                   # the dataset's own dates (docs/data.md, 'Date ranges')
            res["temporal"] = span
        res["bytes"] = len(data)
        res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resources.append(res)
    pkg = datapackage(resources)
    pkg["sources"] = [_source(path, inputs) for path in source_files(inputs)]
    out["datapackage.json"] = (json.dumps(pkg, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return out


def source_files(inputs: Inputs) -> list[Path]:
    """Every raw file the processed data are built from, in the order datapackage.json lists them:
    the status documents and status files, the ICCWC website's activity file that is read (the latest copy), users'
    activity files, the country polygons."""
    website_file = website.latest_file(website.files(inputs.layout))
    return (list(inputs.status_sources) + ([website_file] if website_file else []) + activities.user_files(inputs)
            + curated_sources(inputs) + [inputs.topojson])


def curated_sources(inputs: Inputs) -> list[Path]:
    """The raw files curated rows name in their ``source`` cells that are not status documents
    (the ICCWC website's news items, ...), in name order."""
    raw, names = inputs.layout["raw"], set()
    for f in sorted(inputs.layout["curated"].glob("*.csv")):
        # read as the builders read it (textio: the same encodings, the same refusals)
        for row in csv.DictReader(read_text(f).splitlines()):
            name = (row.get("source") or "").strip()
            if name and (raw / name).is_file() and (raw / name) not in inputs.status_sources:
                names.add(name)
    return [raw / n for n in sorted(names)]


def _source(path: Path, inputs: Inputs) -> dict:
    record = check_provenance(path)
    return {"title": record.record["title"], "path": path.relative_to(inputs.layout["data"]).as_posix(),
            "issuer": record.issuer, "issued": record.issued, "sha256": record.sha256}


#: Made by :func:`write_atomically` once every file is moved, removed after its clean-up.
DONE_MARK = ".write_atomically.done"


def write_atomically(files: dict[str, bytes], target: Path) -> list[str]:
    """Write every file beside its target, then move each into place. Returns changed names.

    All or nothing: each file is staged beside its target first; before the moves, every
    target about to be replaced gets a hard-linked backup (``.NAME.*.bak``) and every file about
    to be added a marker (``.NAME.new``). If any step fails (a staging write, or the 2nd of 5
    moves), the files already moved are put back from their backups and new ones removed, so
    ``target`` is byte-identical to before (same files, same inodes and mtimes); then the error is
    raised. tests/test_atomic_write.py fails it on purpose. If the process is killed instead, the
    backups and markers stay: the next start undoes the write the same way
    (:func:`iccwc.data.generations.roll_back_write`, called by ``recover``), unless every move was
    made (``.write_atomically.done``): then only the backups and markers are deleted.
    """
    target.mkdir(parents=True, exist_ok=True)
    staged, backups, moved, changed, markers = [], {}, [], [], []
    try:
        for name, data in files.items():
            dest = target / name
            if dest.exists() and dest.read_bytes() == data:
                continue
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target)
            staged.append((tmp, dest))
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for _, dest in staged:
            if dest.exists():
                backup = tempfile.mktemp(prefix=f".{dest.name}.", suffix=".bak", dir=target)
                try:
                    os.link(dest, backup)
                except OSError:                   # a file system without hard links
                    shutil.copy2(dest, backup)
                backups[dest] = backup
            else:                                 # to be added: marked, so a killed write can be undone
                marker = target / f".{dest.name}.new"
                os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
                markers.append(marker)
        for tmp, dest in staged:
            os.replace(tmp, dest)
            moved.append(dest)
        changed = [dest.name for dest in moved]
        if backups or markers:                # complete: if killed while cleaning up, keep the new files
            os.close(os.open(target / DONE_MARK, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
    except BaseException:
        for dest in reversed(moved):          # undo, newest first
            if dest in backups:
                os.replace(backups.pop(dest), dest)
            else:
                os.unlink(dest)
        raise
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for backup in backups.values():
            if os.path.exists(backup):
                os.unlink(backup)
        for marker in markers:
            if os.path.exists(marker):
                os.unlink(marker)
        if os.path.exists(target / DONE_MARK):
            os.unlink(target / DONE_MARK)
    return changed


def build_files(data_dir=None) -> dict[str, bytes]:
    """Validate and build every processed file in memory (name -> bytes); raise DataError on any problem."""
    inputs = Inputs.find(data_dir)
    built = build_all(inputs)
    files = render(built, inputs)
    files[geo.GEOJSON_NAME] = geo.build_geojson_bytes(inputs.topojson)
    return files


def rebuild(data_dir=None, log=print, wait: float | None = None) -> list[str]:
    """Rebuild data/processed from raw. Returns the names of files that changed.

    Holds the data folder's lock (:func:`iccwc.data.generations.hold`: waits for a run that holds it)
    and first completes or cleans up what an interrupted run left (:func:`~iccwc.data.generations.recover`).
    """
    from iccwc.data import generations
    inputs = Inputs.find(data_dir)
    root = inputs.layout["data"]
    with generations.hold(root, wait=wait, log=log):
        generations.recover(root, log=log)
        files = build_files(data_dir)
        processed = inputs.layout["processed"]
        changed = write_atomically(files, processed)
        if changed or generations.processed_generation(root) is None:
            generations.write_processed_record(root, generations.new_id(), processed)
    for name in files:
        log(f"  {'updated  ' if name in changed else 'unchanged'} {processed.name}/{name}")
    return changed
