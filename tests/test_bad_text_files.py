"""Bad text files get a clear error (issue 7, data input): empty, missing, binary, oversized,
in an encoding users save documents in (or one outside the supported list, named), not a
regular file (a link, /dev/zero, a FIFO), or built to make a parser slow.

What every raw or processed file goes through first: :func:`iccwc.data.textio.read_text`.
Large inputs are checked by size limits and measured memory, never by wall-clock time
(a pytest-timeout marker only guards against a hang). Documents are generated in a tmp copy
of data/ (``data_copy``) with a provenance record; nothing is ever added to data/raw.
"""
from __future__ import annotations

import json
import os
import tracemalloc

import pandas as pd
import pytest

import iccwc
from iccwc import paths
from iccwc.data import textio
from iccwc.data.build import rebuild
from iccwc.data.curated import build_recognitions
from iccwc.data.document import Document
from iccwc.data.provenance import check, record_path, sha256_of
from iccwc.data.toolkit import parse_toolkit_table
from iccwc.errors import DataError
from iccwc.vocab import MARKS
from helpers import (ROW_LINE, SC66, SC66_LINES, SC66_TEXT, cells, newer, one,
                     quiet, sc66_rows, set_line, snapshot, write_doc)


@pytest.mark.parametrize("content,found", [(b"", "an empty file (0 bytes)"), (b"  \r\n\t\n", "only white space")])
def test_empty_document(data_copy, content, found):
    doc = write_doc(data_copy, "empty.txt", data=content)
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, file=str(doc))
    assert p.found == found and "file" in p.expected


def test_empty_document_stops_the_rebuild_and_names_it(data_copy):
    doc = write_doc(data_copy, "empty.txt", data=b"")
    before = snapshot(data_copy / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    assert one(err, file=str(doc)).found == "an empty file (0 bytes)"
    assert snapshot(data_copy / "processed") == before


def test_missing_files_are_data_errors(data_copy):
    with pytest.raises(DataError, match="no such file"):
        textio.read_text(data_copy / "raw" / "documents" / "nope.txt")
    (data_copy / "processed" / "recognitions.csv").unlink()
    with pytest.raises(DataError, match="run `python -m iccwc rebuild`"):
        iccwc.load_recognitions(data_copy)
    (data_copy / "curated" / "curated.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    assert one(err).expected == "valid JSON" and one(err).line == 1


def test_binary_file_saved_instead_of_text(data_copy):
    doc = write_doc(data_copy, "saved-as-docx.txt", data=b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    assert "save the document as plain text" in one(err, file=str(doc)).found


@pytest.mark.parametrize("name,encode", [
    ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
    ("bom.txt", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
    ("bom-crlf.txt", lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8")),
    ("old-mac.txt", lambda t: t.replace("\n", "\r").encode("utf-8")),
    ("utf16.txt", lambda t: t.replace("\n", "\r\n").encode("utf-16")),     # Notepad's "Unicode"
    ("latin1-x.txt", lambda t: t.replace("✓", "X").encode("latin-1")),
    ("cp1252-x.txt", lambda t: t.replace("✓", "x").replace("'", "\u2019").encode("cp1252")),
])
def test_windows_line_endings_bom_latin1_read_the_same(data_copy, name, encode):
    doc = write_doc(data_copy, name, data=encode(SC66_TEXT))
    pd.testing.assert_frame_equal(sc66_rows(doc), sc66_rows(SC66))


def test_latin1_marks_are_documented():
    import iccwc.data.toolkit
    assert {"X", "x"} <= MARKS and all(m.encode("latin-1") for m in ("X", "x"))
    assert "Latin-1" in iccwc.data.toolkit.__doc__ and "X" in iccwc.data.toolkit.__doc__
    # The data rules moved from README to docs/data.md (README links to it).
    readme = "".join(d.read_text(encoding="utf-8") for d in (paths.ROOT / "README.md", paths.ROOT / "docs" / "data.md")
                     if d.exists())
    assert "Latin-1" in readme and "X" in readme


def test_latin1_document_with_accented_country_rebuilds(data_copy):
    """A newer document saved in Latin-1: X for ✓, and Côte d'Ivoire on its own row."""
    text = newer(SC66_TEXT).replace("✓", "X")
    text = set_line(text, ROW_LINE["Congo"], "\n".join([SC66_LINES[ROW_LINE["Congo"] - 1].replace("✓", "X"),
                                                       cells("X", "X", country="Côte d'Ivoire")]))
    doc = write_doc(data_copy, "latin1-2016-03.txt", text, encoding="latin-1")
    assert b"C\xf4te d'Ivoire" in doc.read_bytes()                 # really Latin-1, not UTF-8
    rebuild(data_copy, log=quiet)
    df = iccwc.load_toolkit(data_copy, status_date="2016-03-15")
    civ = df.set_index("iso3").loc["CIV"]
    assert civ["country"] == "Côte d'Ivoire" and civ["last_step"] == 2 and civ["region"] == "Africa"
    assert len(df) == 18 and civ["source_file"] == doc.name
    assert len(iccwc.load_toolkit(data_copy, status_date="2015-11-09")) == 17       # the old snapshot kept


@pytest.mark.parametrize("where", ["raw/documents/huge.txt", "processed/toolkit_status.csv",
                                   "curated/recognitions.csv"])
def test_file_over_the_size_limit_is_refused_before_it_is_read(data_copy, where):
    path = data_copy / where
    with path.open("wb") as fh:                 # sparse: costs no disk, st_size says 50 MB + 1
        fh.truncate(textio.MAX_BYTES + 1)
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as err:
            if where.startswith("raw"):
                parse_toolkit_table(path)
            elif where.startswith("processed"):
                iccwc.load_toolkit(data_copy)
            else:
                build_recognitions(path, Document.read(SC66))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    p = one(err, file=str(path))
    assert p.found == f"{textio.MAX_BYTES + 1:,} bytes" and p.expected == "a file of at most 52,428,800 bytes"
    assert peak < 8 * 1024 * 1024, f"refusing a 50 MB file used {peak:,} bytes: it was read"


@pytest.mark.slow   # why: reads a large input (make test runs it; make test-fast does not)
@pytest.mark.timeout(120)      # a hang guard only; the assertions are on behaviour and memory
def test_large_allowed_document_with_pathological_lines_parses(data_copy):
    """5 MB of prose after the table, built to trip the old quadratic regexes (240 KB of 'as of '
    took minutes before they were bounded): it parses to the same rows, in bounded memory."""
    filler = "\n".join(["as of " * 200_000, "](" * 600_000, " " * 1_000_000 + "x", "Part 5. [a](b) " * 100_000])
    doc = write_doc(data_copy, "large.txt", SC66_TEXT + "\n" + filler + "\n")
    size = doc.stat().st_size
    assert 4_000_000 < size < textio.MAX_BYTES
    tracemalloc.start()
    try:
        rows = sc66_rows(doc)
        document = Document.read(doc)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    pd.testing.assert_frame_equal(rows, sc66_rows(SC66))
    assert document.find_all("Part 5. a") and peak < 25 * size, f"peak {peak:,} bytes for a {size:,}-byte file"


# --------------------------------------------------------------------------- not a regular file

def _linked_doc(data_copy, target) -> os.PathLike:
    """A raw document that is a symbolic link to ``target``, with a record (its sha256 made up)."""
    doc = data_copy / "raw" / "documents" / "linked.txt"
    os.symlink(target, doc)
    rec = {"title": "Generated test document", "issuer": "tests", "issued": "2016-03", "source": "tests",
           "licence": "test fixture", "sha256": "0" * 64}
    record_path(doc).write_text(json.dumps(rec), encoding="utf-8")
    return doc


@pytest.mark.timeout(30)      # a hang guard: /dev/zero used to hang the rebuild for ever
@pytest.mark.parametrize("target", ["/dev/zero", "outside"])
def test_a_raw_file_that_is_a_link_is_refused_before_it_is_read(data_copy, tmp_path, target):
    if target == "outside":                   # a readable document outside the data folder
        target = tmp_path / "elsewhere.txt"
        target.write_text(newer(), encoding="utf-8")
    elif not os.path.exists(target):
        pytest.skip("no /dev/zero")
    doc = _linked_doc(data_copy, target)
    before = snapshot(data_copy / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    p = one(err, file=str(doc))
    assert p.found == f"a symbolic link to {target}" and p.expected.startswith("a regular file")
    for read in (textio.read_text, sha256_of, check, parse_toolkit_table):
        with pytest.raises(DataError, match="a symbolic link to"):
            read(doc)
    assert snapshot(data_copy / "processed") == before


@pytest.mark.timeout(30)
def test_a_device_or_a_fifo_is_refused_before_it_is_read(data_copy):
    if os.path.exists("/dev/zero"):
        with pytest.raises(DataError) as err:
            textio.read_text("/dev/zero")
        assert one(err).found == "a character device"
        with pytest.raises(DataError, match="a character device"):
            sha256_of("/dev/zero")
    fifo = data_copy / "raw" / "documents" / "pipe.txt"
    os.mkfifo(fifo)                           # opening a FIFO for reading used to block for ever
    with pytest.raises(DataError) as err:
        textio.read_text(fifo)
    assert one(err).found == "a FIFO (named pipe)"
    record_path(fifo).write_text(json.dumps({"title": "t", "issuer": "i", "issued": "2016", "source": "s",
                                             "licence": "l", "sha256": "0" * 64}), encoding="utf-8")
    with pytest.raises(DataError, match="a FIFO"):
        check(fifo)                           # hashing it used to block for ever too
    (data_copy / "raw" / "documents" / "folder.txt").mkdir()
    with pytest.raises(DataError) as err:
        textio.read_text(data_copy / "raw" / "documents" / "folder.txt")
    assert one(err).found == "a folder"


def test_sha256_is_computed_in_a_stream_and_checks_the_size_first(tmp_path):
    big = tmp_path / "big.bin"
    with big.open("wb") as fh:                # sparse: 40 MB of zeros that cost no disk
        fh.truncate(40 * 1024 * 1024)
    tracemalloc.start()
    try:
        digest = sha256_of(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    import hashlib
    h, zeros = hashlib.sha256(), bytes(1 << 20)
    for _ in range(40):
        h.update(zeros)
    assert digest == h.hexdigest()
    assert peak < 1024 * 1024, f"hashing a 40 MB file used {peak:,} bytes: it was read whole"
    with big.open("wb") as fh:
        fh.truncate(textio.MAX_BYTES + 1)
    with pytest.raises(DataError) as err:
        sha256_of(big)
    assert one(err).found == f"{textio.MAX_BYTES + 1:,} bytes"


# --------------------------------------------------------------------------- encodings outside the list

@pytest.mark.parametrize("name,encode,found", [
    ("utf32.txt", lambda t: t.encode("utf-32"), "UTF-32 (little-endian) (the file starts with its byte-order mark)"),
    ("utf32be.txt", lambda t: t.encode("utf-32-be"), "UTF-32 (big-endian, without a byte-order mark)"),
    ("utf32le.txt", lambda t: t.encode("utf-32-le"), "UTF-32 (little-endian, without a byte-order mark)"),
    ("utf16le.txt", lambda t: t.encode("utf-16-le"), "UTF-16 (little-endian) without a byte-order mark"),
    ("utf7.txt", lambda t: b"+/v8-" + t.encode("utf-7"), "UTF-7 (the file starts with its byte-order mark)"),
])
def test_an_unsupported_encoding_is_refused_by_name(data_copy, name, encode, found):
    """UTF-32 used to be read as UTF-16 (its byte-order mark starts with UTF-16's): garbage, or a
    misleading error. Now the encoding is named, with the supported list and what to do."""
    doc = write_doc(data_copy, name, data=encode(newer()))
    with pytest.raises(DataError) as err:
        parse_toolkit_table(doc)
    p = one(err, file=str(doc))
    assert p.found == found
    assert p.expected == f"text in {textio.SUPPORTED}: save the file as UTF-8"
