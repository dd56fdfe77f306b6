"""Provenance records for raw files, checked on every load.

Each raw file ``X.ext`` has a record ``X.provenance.json`` beside it saying what
it is, who issued it, when, where it came from, its licence and its sha256.
A raw file whose bytes no longer match its record is refused: raw data is
never edited, so a mismatch means the file was changed or replaced.

A record is a JSON object in UTF-8; each required field is a real value, not a
placeholder left from the template ``python -m iccwc provenance FILE`` prints (``""``,
``"YYYY-MM"``, ``"TODO"``, ``"TBD"``, ``"..."``, ``"<title>"``...). ``issued`` is a date
written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, not in the future; ``sha256`` is 64 hex
digits. The raw file is hashed in a stream (memory flat whatever its size) through
:func:`iccwc.data.textio.open_regular`, which refuses a link, a device such as
``/dev/zero`` or a file over the size limit before a byte is read.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from iccwc.errors import DataError, Problem
from iccwc.data.textio import MAX_BYTES, open_regular, read_bytes

REQUIRED = ("title", "issuer", "issued", "source", "licence", "sha256")

#: Values a template leaves in a field: refused as if empty.
_PLACEHOLDER = re.compile(
    r"^\s*(?:todo|tbd|tba|fixme|xxx+|to do|to be (?:done|filled|completed|added|confirmed)|fill(?: me)? in|"
    r"placeholder|unknown|n/?a|none|null|-+|\?+|\.\.\.+|\u2026|yyyy(?:-mm(?:-dd)?)?|<[^>]*>)\s*[.:!]?\s*$"
    r"|^\s*(?:todo|tbd|fixme|xxx)\b", re.I)
_ISSUED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


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


def sha256_of(path: str | Path, max_bytes: int | None = MAX_BYTES) -> str:
    """The sha256 of a regular file, read in 64 KB chunks (refused first if a link, a device or too large)."""
    h = hashlib.sha256()
    with open_regular(path, max_bytes) as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _field_problem(rec_file: Path, key: str, value) -> Problem | None:
    if not isinstance(value, str) or not value.strip():
        return Problem(str(rec_file), None, key, "a non-empty string", repr(value))
    if _PLACEHOLDER.search(value):
        return Problem(str(rec_file), None, key, "a real value, not a placeholder left from the template",
                       value)
    if key == "issued":
        m = _ISSUED.match(value.strip())
        try:
            when = m and date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            when = None
        if not when:
            return Problem(str(rec_file), None, key, "the date the document was issued, written YYYY, "
                                                     "YYYY-MM or YYYY-MM-DD", value)
        if when > date.today():
            return Problem(str(rec_file), None, key, "an issue date that is not in the future", value)
    if key == "sha256" and not _SHA256.match(value.strip()):
        return Problem(str(rec_file), None, key, "64 hexadecimal digits (printed by python -m iccwc provenance FILE)",
                       value)
    return None


def record_path(raw_file: str | Path) -> Path:
    p = Path(raw_file)
    return p.with_name(p.stem + ".provenance.json")


def check(raw_file: str | Path) -> Provenance:
    """Read the provenance record of ``raw_file`` and verify its checksum."""
    raw_file = Path(raw_file)
    rec_file = record_path(raw_file)
    if not rec_file.exists() and not rec_file.is_symlink():
        raise DataError(Problem(
            str(raw_file), None, None,
            f"a provenance record beside it, {rec_file.name}, with fields {', '.join(REQUIRED)} "
            f"(create it with: python -m iccwc provenance {raw_file})",
            "no record"))
    raw = read_bytes(rec_file, 1024 * 1024)           # a record is < 2 KB
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(Problem(str(rec_file), line, None, "a JSON record saved as UTF-8",
                                f"bytes that are not UTF-8 at offset {exc.start} ({raw[exc.start:exc.start + 4]!r})"
                                )) from None
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(rec_file), exc.lineno, None, "valid JSON", exc.msg)) from None
    if not isinstance(rec, dict):
        kind = {list: "a JSON array", str: "a JSON string", int: "a JSON number", float: "a JSON number",
                bool: "a JSON boolean", type(None): "null"}.get(type(rec), type(rec).__name__)
        raise DataError(Problem(str(rec_file), 1, None, "a JSON object {...} with the fields "
                                + ", ".join(REQUIRED), kind))
    problems = [p for key in REQUIRED if (p := _field_problem(rec_file, key, rec.get(key)))]
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
