"""Bad curated or processed CSVs get a clear error (issue 7, data input): missing or extra
columns, rows of the wrong length, cells of the wrong type, values out of range, rows entered
twice; and a large CSV loads in bounded memory. Files are edited in a tmp copy of data/.
"""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

import iccwc
from iccwc import paths
from iccwc.data import csvio as tables
from iccwc.data.build import rebuild
from iccwc.data.curated import build_iccwc_documents, build_partner_presence
from iccwc.data.document import Document
from iccwc.data.schemas import DATASETS
from iccwc.data.toolkit import parse_toolkit_table
from iccwc.errors import DataError
from helpers import (ROW_LINE, SC66, SC66_TEXT, cells, edit_csv, newer, one,
                     problems_of, quiet, snapshot, write_doc)


def test_empty_curated_and_processed_csv(data_copy):
    (data_copy / "curated" / "partner_presence.csv").write_bytes(b"")
    with pytest.raises(DataError) as err:
        build_partner_presence(data_copy / "curated" / "partner_presence.csv", Document.read(SC66))
    assert one(err).found == "an empty file (0 bytes)"
    (data_copy / "processed" / "toolkit_status.csv").write_bytes(b"")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    assert one(err, file=str(data_copy / "processed" / "toolkit_status.csv")).found == "an empty file (0 bytes)"


@pytest.mark.parametrize("change,column,found", [
    (lambda h: h.replace(",stage", ""), "stage", "missing"),
    (lambda h: h + ",notes", "notes", "unexpected"),
])
def test_processed_csv_missing_or_extra_column(data_copy, change, column, found):
    f = data_copy / "processed" / "toolkit_status.csv"
    lines = f.read_text(encoding="utf-8").split("\n")
    lines[0] = change(lines[0])
    f.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    assert one(err, column=column, line=1).found == found
    assert one(err, column=None, line=1).expected.startswith("a header naming every cell")  # rows unchanged


def test_processed_csv_row_with_extra_cell(data_copy):
    f = data_copy / "processed" / "toolkit_status.csv"
    lines = f.read_text(encoding="utf-8").split("\n")
    lines[5] += ",surplus"
    f.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    p = one(err)
    assert (p.line, p.found) == (6, "19 cells") and p.expected.startswith("18 comma-separated cells")


def test_curated_csv_missing_column_and_short_row(data_copy):
    f = data_copy / "curated" / "partner_presence.csv"
    lines = f.read_text(encoding="utf-8").split("\n")
    f.write_text("\n".join([lines[0].replace(",unit", "")] + lines[1:]), encoding="utf-8")
    with pytest.raises(DataError) as err:
        build_partner_presence(f, Document.read(SC66))
    assert one(err, line=1).found == "missing ['unit']"
    f.write_text("\n".join(lines[:2] + ["INTERPOL,International Criminal Police Organization"] + lines[3:]),
                 encoding="utf-8")
    with pytest.raises(DataError) as err:
        build_partner_presence(f, Document.read(SC66))
    p = one(err, line=3)
    assert p.found == "2 cells" and p.expected == "10 comma-separated cells" and p.column.startswith("network")


def test_same_country_twice_in_processed_csv(data_copy):
    f = data_copy / "processed" / "toolkit_status.csv"
    lines = f.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[2]
    f.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    assert {p.line for p in problems_of(err)} == {3, 4}
    assert all(p.column == "iso3, status_date" and p.found == "iso3=BHS, status_date=2015-11-09"
               for p in problems_of(err))


def test_impossible_date_in_processed_csv(data_copy):
    f = data_copy / "processed" / "toolkit_status.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("2015-11-09", "2015-11-31", 1), encoding="utf-8")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    p = one(err)
    assert (p.line, p.column, p.found, p.expected) == (2, "status_date", "2015-11-31", "a date written YYYY-MM-DD")


def test_processed_csv_wrong_types_three_problems_in_one_error(data_copy):
    f = data_copy / "processed" / "toolkit_status.csv"
    rows = f.read_text(encoding="utf-8").split("\n")
    header = rows[0].split(",")
    r2 = rows[2].split(",")
    r2[header.index("step_1_request")] = "maybe"
    rows[2] = ",".join(r2)
    r4 = rows[4].split(",")
    r4[header.index("last_step")] = "two"
    rows[4] = ",".join(r4)
    rows[6] = rows[6].replace("2015-11-09", "9/11/2015")
    f.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    got = sorted((p.line, p.column, p.found) for p in problems_of(err))
    assert got == [(3, "step_1_request", "maybe"), (5, "last_step", "two"), (7, "status_date", "9/11/2015")]
    assert all(p.file == str(f) and p.expected for p in problems_of(err))
    for text in ("line 3, column 'step_1_request': expected True or False, found 'maybe'",
                 "line 5, column 'last_step': expected a whole number, found 'two'"):
        assert text in str(err.value)


def test_processed_csv_value_out_of_range(data_copy):
    f = data_copy / "processed" / "toolkit_status.csv"
    rows = f.read_text(encoding="utf-8").split("\n")
    rows[1] = rows[1].replace(",planning phase,", ",nearly done,")
    f.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(DataError) as err:
        iccwc.load_toolkit(data_copy)
    p = one(err)
    assert (p.line, p.column, p.found) == (2, "stage", "nearly done") and "isin" in p.expected


def test_curated_csvs_wrong_types_reported_together_by_rebuild(data_copy):
    cur = data_copy / "curated"
    edit_csv(cur / "partner_presence.csv", 3, "count", "many")
    edit_csv(cur / "recognitions.csv", 4, "mentions_toolkit", "perhaps")
    edit_csv(cur / "iccwc_documents.csv", 2, "number", "one")
    before = snapshot(data_copy / "processed")
    with pytest.raises(DataError) as err:
        rebuild(data_copy, log=quiet)
    got = {(Path(p.file).name, p.line, p.column, p.found) for p in problems_of(err)}
    assert ("partner_presence.csv", 3, "count", "many") in got
    assert ("recognitions.csv", 4, "mentions_toolkit", "perhaps") in got
    assert ("iccwc_documents.csv", 2, "number", "one") in got
    assert snapshot(data_copy / "processed") == before


def test_curated_row_entered_twice(data_copy):
    f = data_copy / "curated" / "iccwc_documents.csv"
    lines = f.read_text(encoding="utf-8").rstrip("\n").split("\n")
    f.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        build_iccwc_documents(f, Document.read(SC66))
    p = one(err)
    assert (p.line, p.column) == (len(lines) + 1, "symbol") and "already on line 2" in p.expected


def _all_countries() -> list[str]:
    import pycountry
    from iccwc.vocab import CONTINENTS
    from iccwc.data.countries import UnknownCountry, resolve
    names = []
    for c in pycountry.countries:
        try:
            if resolve(c.name).region in CONTINENTS:
                names.append(c.name)
        except UnknownCountry:
            continue
    return names


@pytest.mark.slow   # why: builds and reads a table of thousands of rows (seconds); a resource test, not a unit test
@pytest.mark.timeout(120)
def test_large_table_and_large_processed_csv(data_copy):
    """A table of every country, and a processed CSV of 150 snapshots of it (~37,000 rows)."""
    names = _all_countries()
    assert len(names) > 200
    table = [cells(*["✓"] * (1 + i % 8), country=n) for i, n in enumerate(names)]
    lines = newer(SC66_TEXT).split("\n")
    text = "\n".join(lines[:ROW_LINE["Angola"] - 1] + table + lines[ROW_LINE["Vietnam"]:])   # replaces the 17 rows
    doc = write_doc(data_copy, "all-countries.txt", text)
    rows = parse_toolkit_table(doc).rows
    assert len(rows) == len(names) and rows["iso3"].is_unique
    assert rows["last_step"].tolist() == [1 + i % 8 for i in range(len(names))]

    ds = DATASETS["toolkit_status"]
    dates = pd.date_range("2000-01-01", periods=150, freq="MS")
    big = pd.concat([rows.assign(status_date=d.date().isoformat()) for d in dates], ignore_index=True)
    f = data_copy / "processed" / "toolkit_status.csv"
    f.write_text(tables.to_csv_text(big, ds), encoding="utf-8")
    size = f.stat().st_size
    assert size > 4_000_000
    tracemalloc.start()
    try:
        df = iccwc.load_toolkit(data_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(df) == len(big) and df["status_date"].nunique() == 150
    assert peak < 40 * size, f"peak {peak:,} bytes for a {size:,}-byte CSV"


# --------------------------------------------------------------------------- CSVs safe to open (CSV injection)

FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1",
            "'=already quoted", "''+twice"]


def test_text_cells_that_start_like_a_formula_are_neutralised_and_read_back(data_copy):
    """OWASP: a cell starting with = + - @ is run by a spreadsheet. Text cells get a leading quote;
    numbers (a negative longitude) stay numbers; every value loads back as it was built."""
    ds = DATASETS["recognitions"]
    df = iccwc.load_recognitions(data_copy)
    df = df.astype({c: object for c in df.columns if str(df[c].dtype) in ("string", "category")})
    for i, v in enumerate(FORMULAS):
        df.loc[i, "instrument"] = v
    df.loc[0, "place_longitude"] = -58.38
    df.loc[1, "themes"] = "-ivory; pangolin"
    text = tables.to_csv_text(df, ds)
    import csv
    import io
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["instrument"] for r in rows[:len(FORMULAS)]] == ["'" + v for v in FORMULAS]
    assert rows[0]["place_longitude"] == "-58.38" and rows[1]["themes"] == "'-ivory; pangolin"
    text_columns = {f.name for f in ds.fields if f.type in ("string", "yearmonth")}
    every_cell = [c for r in rows for k, c in r.items() if k in text_columns]
    assert not [c for c in every_cell if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    (data_copy / "processed" / ds.filename).write_text(text, encoding="utf-8")
    back = iccwc.load_recognitions(data_copy)
    assert list(back["instrument"][:len(FORMULAS)]) == FORMULAS                # round trip exact
    assert back.loc[0, "place_longitude"] == -58.38 and back.loc[1, "themes"] == "-ivory; pangolin"


def test_the_rule_is_documented_and_real_data_are_unchanged():
    assert "CSV injection" in tables.__doc__ and "'=HYPERLINK" in tables.__doc__
    for ds in DATASETS.values():                  # what a rebuild writes: byte-identical to the committed files
        f = paths.PROCESSED / ds.filename
        assert tables.to_csv_text(tables.read(f, ds), ds) == f.read_text(encoding="utf-8"), ds.filename
