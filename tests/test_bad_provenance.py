"""Provenance records (issue 7, data input): a raw file without a record, or with a record
left unfilled (placeholders included), not a JSON object or not UTF-8, is refused with a
clear error naming the record and the field; never a traceback.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from iccwc.data.build import rebuild
from iccwc.data.provenance import check, record_path, sha256_of
from iccwc.errors import DataError
from helpers import newer, one, problems_of, quiet, run_cli, write_doc


@pytest.mark.slow   # why: runs `python -m iccwc` in a subprocess (make test runs it; make test-fast does not)
def test_cli_provenance_prints_a_record_to_fill_in(data_copy, tmp_path):
    doc = data_copy / "raw" / "documents" / "newer.txt"
    doc.write_text(newer(), encoding="utf-8")
    res = run_cli("provenance", str(doc))
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout)                                  # stdout is the JSON record alone
    assert rec["sha256"] == sha256_of(doc) and str(record_path(doc)) in res.stderr
    record_path(doc).write_text(res.stdout, encoding="utf-8")     # saved unfilled: refused, field by field
    with pytest.raises(DataError) as err:
        check(doc)
    # "issued": "YYYY-MM" is the template's placeholder: refused too (it used to pass).
    assert {p.column for p in problems_of(err)} == {"title", "issuer", "issued", "source", "licence"}
    missing = run_cli("provenance", str(tmp_path / "nope.txt"))
    assert missing.returncode != 0 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_new_document_without_provenance_record_names_the_command(data_copy):
    doc = data_copy / "raw" / "documents" / "newer.txt"
    doc.write_text(newer(), encoding="utf-8")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    assert f"python -m iccwc provenance {doc}" in one(err, file=str(doc)).expected


# --------------------------------------------------------------------------- records that are not records

def _record(doc: Path, **changes) -> dict:
    rec = json.loads(record_path(doc).read_text(encoding="utf-8"))
    rec.update(changes)
    return rec


@pytest.mark.parametrize("data,found", [
    (b'[{"title": "a record in a list"}]', "a JSON array"),
    (b'"just a string"', "a JSON string"),
    (b"null", "null"),
])
def test_a_record_that_is_not_a_json_object(data_copy, data, found):
    doc = write_doc(data_copy, "newer.txt", newer())
    record_path(doc).write_bytes(data)
    with pytest.raises(DataError) as err:
        check(doc)
    p = one(err, file=str(record_path(doc)))
    assert p.found == found and p.expected.startswith("a JSON object {...} with the fields title, issuer")


def test_a_record_not_in_utf8(data_copy):
    doc = write_doc(data_copy, "newer.txt", newer())
    rec = _record(doc, issuer="Secrétariat (fictional)")
    record_path(doc).write_bytes(json.dumps(rec, ensure_ascii=False, indent=2).encode("latin-1"))
    with pytest.raises(DataError) as err:
        check(doc)
    p = one(err, file=str(record_path(doc)))
    assert p.expected == "a JSON record saved as UTF-8" and "not UTF-8" in p.found and p.line == 3


@pytest.mark.parametrize("field,value,expected", [
    ("issued", "YYYY-MM", "a real value, not a placeholder"),
    ("issued", "", "a non-empty string"),
    ("title", "TODO", "a real value, not a placeholder"),
    ("title", "TODO: the real title", "a real value, not a placeholder"),
    ("issuer", "<issuer>", "a real value, not a placeholder"),
    ("source", "...", "a real value, not a placeholder"),
    ("licence", "TBD", "a real value, not a placeholder"),
    ("licence", "n/a", "a real value, not a placeholder"),
    ("issued", "January 2016", "the date the document was issued, written YYYY"),
    ("issued", "2016-13", "the date the document was issued, written YYYY"),
    ("issued", "2099-01", "an issue date that is not in the future"),
    ("sha256", "abc123", "64 hexadecimal digits"),
])
def test_placeholders_and_malformed_fields_are_refused(data_copy, field, value, expected):
    doc = write_doc(data_copy, "newer.txt", newer())
    record_path(doc).write_text(json.dumps(_record(doc, **{field: value})), encoding="utf-8")
    with pytest.raises(DataError) as err:
        check(doc)
    p = one(err, column=field)
    assert p.expected.startswith(expected) and p.file == str(record_path(doc))


@pytest.mark.parametrize("issued", ["2016", "2016-03", "2016-03-15"])
def test_real_issue_dates_are_accepted(data_copy, issued):
    doc = write_doc(data_copy, "newer.txt", newer())
    record_path(doc).write_text(json.dumps(_record(doc, issued=issued)), encoding="utf-8")
    assert check(doc).issued == issued


def test_a_bad_record_stops_the_rebuild_with_a_data_error(data_copy):
    doc = write_doc(data_copy, "newer.txt", newer())
    record_path(doc).write_bytes(b"[]")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    assert one(err, file=str(record_path(doc))).found == "a JSON array"
