"""Reading user-supplied text files the way users actually save them.

UTF-8 with or without a byte-order mark, Windows (and old Mac) line endings,
Windows-1252, Latin-1 and UTF-16 with a byte-order mark all read the same; an
empty, missing, binary or oversized file is a DataError. Nothing here ever
writes a raw file.
"""
from __future__ import annotations

import codecs
from pathlib import Path

#: Files above this size are refused before they are read (a status document is ~25 KB).
MAX_BYTES = 50 * 1024 * 1024


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Return the text of ``path`` with ``\\n`` line endings.

    UTF-16 when the file starts with its byte-order mark; otherwise tries UTF-8
    (a BOM is dropped), then Windows-1252, then Latin-1, which decodes any byte.
    Raises :class:`~iccwc.errors.DataError` for a file that is missing, empty,
    only white space, binary (NUL bytes) or larger than ``max_bytes`` (checked
    before a byte is read, so a huge file costs no memory).
    """
    from iccwc.errors import DataError, Problem

    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "a readable file at this path",
                                "a folder" if path.exists() else "no such file"))
    size = path.stat().st_size
    if size == 0:
        raise DataError(Problem(str(path), None, None, "a non-empty file", "an empty file (0 bytes)"))
    if size > max_bytes:
        raise DataError(Problem(str(path), None, None, f"a file of at most {max_bytes:,} bytes",
                                f"{size:,} bytes"))
    raw = path.read_bytes()
    # Notepad's "Unicode" is UTF-16 with a byte-order mark: read it rather than mis-decode it.
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return _newlines(path, raw.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise DataError(Problem(str(path), None, None, "UTF-16 text (the file starts with its "
                                    "byte-order mark)", f"undecodable bytes at offset {exc.start}")) from None
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise DataError(Problem(str(path), line, None, "a text file (UTF-8, Windows-1252 or Latin-1)",
                                "NUL bytes, as in a binary file (a .docx, .xlsx or .pdf?): "
                                "save the document as plain text"))
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return _newlines(path, text)


def _newlines(path: Path, text: str) -> str:
    from iccwc.errors import DataError, Problem

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(Problem(str(path), None, None, "a file with text in it", "only white space"))
    return text
