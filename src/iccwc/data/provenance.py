"""Provenance records for raw files, checked on every load.

Each raw file ``X.ext`` has a record ``X.provenance.json`` beside it saying what
it is, who issued it, when, where it came from, its licence and its sha256.
A raw file whose bytes no longer match its record is refused: raw data is
never edited, so a mismatch means the file was changed or replaced.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from iccwc.errors import DataError, Problem

REQUIRED = ("title", "issuer", "issued", "source", "licence", "sha256")


@dataclass(frozen=True)
class Provenance:
    path: Path
    title: str
    issuer: str
    issued: str
    source: str
    licence: str
    sha256: str
    record: dict

    @property
    def name(self) -> str:
        return self.path.name


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def record_path(raw_file: str | Path) -> Path:
    p = Path(raw_file)
    return p.with_name(p.stem + ".provenance.json")


def check(raw_file: str | Path) -> Provenance:
    """Read the provenance record of ``raw_file`` and verify its checksum."""
    raw_file = Path(raw_file)
    rec_file = record_path(raw_file)
    if not rec_file.exists():
        raise DataError(Problem(
            str(raw_file), None, None,
            f"a provenance record beside it, {rec_file.name}, with fields {', '.join(REQUIRED)} "
            f"(create it with: python -m iccwc provenance {raw_file})",
            "no record"))
    try:
        rec = json.loads(rec_file.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(rec_file), exc.lineno, None, "valid JSON", exc.msg)) from None
    problems = [Problem(str(rec_file), None, key, "a non-empty string", repr(rec.get(key)))
                for key in REQUIRED if not isinstance(rec.get(key), str) or not rec.get(key).strip()]
    if problems:
        raise DataError(problems)
    actual = sha256_of(raw_file)
    if actual != rec["sha256"].lower():
        raise DataError(Problem(
            str(raw_file), None, None,
            f"sha256 {rec['sha256']} as recorded in {rec_file.name} (raw files are never edited: "
            "add a changed document as a new file with its own record)", actual))
    return Provenance(raw_file, rec["title"], rec["issuer"], rec["issued"], rec["source"],
                      rec["licence"], rec["sha256"].lower(), rec)
