"""Reading user-supplied text files the way users actually save them.

UTF-8 with or without a byte-order mark, Windows (and old Mac) line endings,
Windows-1252, Latin-1 and UTF-16 with a byte-order mark all read the same; an
empty, missing, binary or oversized file is a DataError, and so is a file in an
encoding outside that list that can be recognised (UTF-32, UTF-16 without its
byte-order mark, UTF-7, GB 18030...: named, never mis-decoded). Nothing here ever
writes a raw file.

Every file is opened through :func:`open_regular`, which refuses, before a byte is
read: a symbolic link (a raw file is the file itself, not a link to ``/dev/zero`` or to
a file outside the data folder), anything that is not a regular file (a device, a FIFO,
a folder), and a file larger than the limit (``stat`` first, then a bounded read, so a
file that grows meanwhile costs no more memory). :func:`iccwc.data.provenance.sha256_of`
hashes through it too, in a stream.
"""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import BinaryIO

#: Files above this size are refused before they are read (a status document is ~25 KB).
MAX_BYTES = 50 * 1024 * 1024

#: The encodings a text file may be in (what :func:`read_text` decodes).
SUPPORTED = "UTF-8 (with or without a byte-order mark), UTF-16 with its byte-order mark, Windows-1252 or Latin-1"

#: Byte-order marks of encodings that are not supported, checked before UTF-16's (UTF-32-LE's
#: mark starts with UTF-16-LE's: it used to be read as UTF-16).
_UNSUPPORTED_BOMS = [
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"), (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (b"+/v8", "UTF-7"), (b"+/v9", "UTF-7"), (b"+/v+", "UTF-7"), (b"+/v/", "UTF-7"),
    (b"\x84\x31\x95\x33", "GB 18030"), (b"\xdd\x73\x66\x73", "UTF-EBCDIC"), (b"\xf7\x64\x4c", "UTF-1"),
    (b"\x0e\xfe\xff", "SCSU"), (b"\xfb\xee\x28", "BOCU-1"),
]


def _problem(path, expected, found, line=None):
    from iccwc.errors import DataError, Problem
    return DataError(Problem(str(path), line, None, expected, found))


def open_regular(path: str | Path, max_bytes: int | None = MAX_BYTES) -> BinaryIO:
    """Open ``path`` for reading bytes, after checking it is a regular file within the size limit.

    Raises :class:`~iccwc.errors.DataError` for a path that is missing, a symbolic link, not a
    regular file (a folder, ``/dev/zero``, a FIFO) or larger than ``max_bytes`` (None: no limit).
    The checks are made on the opened file (``O_NOFOLLOW``, ``fstat``), so the file cannot be
    swapped between the check and the read; opening never blocks (``O_NONBLOCK``, for a FIFO).
    """
    path = Path(path)
    if path.is_symlink():
        target = os.readlink(path)
        raise _problem(path, "a regular file (raw data are the files themselves: copy the file into the "
                             "data folder instead of linking it)", f"a symbolic link to {target}")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _problem(path, "a readable file at this path", "no such file") from None
    except IsADirectoryError:
        raise _problem(path, "a readable file at this path", "a folder") from None
    except OSError as exc:
        raise _problem(path, "a readable regular file", f"{exc.strerror or exc} (cannot open it)") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _problem(path, "a readable file at this path", "a folder")
        if not stat.S_ISREG(st.st_mode):
            kind = ("a character device" if stat.S_ISCHR(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode)
                    else "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                    else "not a regular file")
            raise _problem(path, "a regular file", kind)
        if max_bytes is not None and st.st_size > max_bytes:
            raise _problem(path, f"a file of at most {max_bytes:,} bytes", f"{st.st_size:,} bytes")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (see :func:`open_regular`)."""
    with open_regular(path, max_bytes) as fh:
        # st_size + 1, not max_bytes + 1: read(n) allocates n bytes up front.
        raw = fh.read(min(os.fstat(fh.fileno()).st_size, max_bytes) + 1)
        if len(raw) <= max_bytes and (more := fh.read(1)):    # it grew after the check: read on, bounded
            raw += more + fh.read(max_bytes - len(raw))
    if len(raw) > max_bytes:            # it grew after the check
        raise _problem(path, f"a file of at most {max_bytes:,} bytes", f"more than {max_bytes:,} bytes")
    return raw


def _unsupported_encoding(raw: bytes) -> str | None:
    """The name of an unsupported encoding ``raw`` is recognisably in, or None."""
    for bom, name in _UNSUPPORTED_BOMS:
        if raw.startswith(bom):
            return f"{name} (the file starts with its byte-order mark)"
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return None                     # UTF-16 with its mark: supported
    head = raw[:4000]
    n = len(head) - len(head) % 4
    if n >= 8:
        if all(head[i:i + 3] == b"\0\0\0" and head[i + 3] for i in range(0, n, 4)):
            return "UTF-32 (big-endian, without a byte-order mark)"
        if all(head[i + 1:i + 4] == b"\0\0\0" and head[i] for i in range(0, n, 4)):
            return "UTF-32 (little-endian, without a byte-order mark)"
    n = len(head) - len(head) % 2
    if n >= 8:
        odd, even = head[1:n:2], head[0:n:2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
            return "UTF-16 (little-endian) without a byte-order mark"
        if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
            return "UTF-16 (big-endian) without a byte-order mark"
    return None


def read_text(path: str | Path, max_bytes: int = MAX_BYTES) -> str:
    """Return the text of ``path`` with ``\\n`` line endings.

    UTF-16 when the file starts with its byte-order mark; otherwise tries UTF-8
    (a BOM is dropped), then Windows-1252, then Latin-1, which decodes any byte.
    Raises :class:`~iccwc.errors.DataError` for a file that is missing, a link, not a
    regular file, empty, only white space, binary (NUL bytes), in an unsupported encoding
    (named) or larger than ``max_bytes`` (checked before a byte is read, so a huge file
    costs no memory).
    """
    path = Path(path)
    raw = read_bytes(path, max_bytes)
    if not raw:
        raise _problem(path, "a non-empty file", "an empty file (0 bytes)")
    unsupported = _unsupported_encoding(raw)
    if unsupported:
        raise _problem(path, f"text in {SUPPORTED}: save the file as UTF-8", unsupported)
    # Notepad's "Unicode" is UTF-16 with a byte-order mark: read it rather than mis-decode it.
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return _newlines(path, raw.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise _problem(path, "UTF-16 text (the file starts with its byte-order mark)",
                           f"undecodable bytes at offset {exc.start}") from None
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise _problem(path, "a text file (UTF-8, Windows-1252 or Latin-1)",
                       "NUL bytes, as in a binary file (a .docx, .xlsx or .pdf?): save the document as plain text",
                       line)
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return _newlines(path, text)


def _newlines(path: Path, text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _problem(path, "a file with text in it", "only white space")
    return text
