"""Reading user-supplied text files the way users actually save them.

UTF-8 with or without a byte-order mark, Windows line endings and Latin-1 (or
Windows-1252) all read the same; nothing here ever writes a raw file.
"""
from __future__ import annotations

from pathlib import Path

#: Files above this size are refused before they are read (a status document is ~25 KB).
MAX_BYTES = 50 * 1024 * 1024


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Return the text of ``path`` with ``\\n`` line endings.

    Tries UTF-8 (a BOM is dropped), then Windows-1252, then Latin-1, which
    decodes any byte. Raises :class:`~iccwc.errors.DataError` for a file that
    is empty or larger than ``max_bytes``.
    """
    from .errors import DataError, Problem

    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise DataError(Problem(str(path), None, None, "a non-empty file", "an empty file (0 bytes)"))
    if size > max_bytes:
        raise DataError(Problem(str(path), None, None, f"a file of at most {max_bytes:,} bytes",
                                f"{size:,} bytes"))
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(Problem(str(path), None, None, "a file with text in it", "only white space"))
    return text
