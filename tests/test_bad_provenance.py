"""Provenance records (issue 7, data input): a raw file without a record, or with a record
left unfilled, is refused with the command that makes one.
"""
from __future__ import annotations

import json

import pytest

from iccwc.data.build import rebuild
from iccwc.data.provenance import check, record_path, sha256_of
from iccwc.errors import DataError
from helpers import (newer, one,
                     problems_of, quiet, run_cli)


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
    assert {p.column for p in problems_of(err)} == {"title", "issuer", "source", "licence"}
    missing = run_cli("provenance", str(tmp_path / "nope.txt"))
    assert missing.returncode != 0 and "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_new_document_without_provenance_record_names_the_command(data_copy):
    doc = data_copy / "raw" / "documents" / "newer.txt"
    doc.write_text(newer(), encoding="utf-8")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    assert f"python -m iccwc provenance {doc}" in one(err, file=str(doc)).expected
