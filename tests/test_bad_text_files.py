"""Bad text files get a clear error (issue 7, data input): empty, missing, binary, oversized,
in an encoding users save documents in, or built to make a parser slow.

What every raw or processed file goes through first: :func:`iccwc.data.textio.read_text`.
Large inputs are checked by size limits and measured memory, never by wall-clock time
(a pytest-timeout marker only guards against a hang). Documents are generated in a tmp copy
of data/ (``data_copy``) with a provenance record; nothing is ever added to data/raw.
"""
from __future__ import annotations

import tracemalloc

import pandas as pd
import pytest

import iccwc
from iccwc import paths
from iccwc.data import textio
from iccwc.data.build import rebuild
from iccwc.data.curated import build_recognitions
from iccwc.data.document import Document
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
