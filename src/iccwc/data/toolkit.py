"""Part 3 of a status document: the Toolkit implementation table, parsed.

The table is read from the document text, never typed in, so a later document
in the same format goes through the same parser. The format, as in the SC66
information document:

* a header line ``PARTY<TAB>IMPLEMENTATION STEPS<TAB>...<TAB>IMPLEMENTATION OF ACTION PLAN RECOMMENDATIONS``;
* a line of step headers ``<TAB>STEP 1: REQUEST<TAB>...<TAB>STEP 8: PRESENTATION<TAB>``;
* one line per country: the name, then 9 cells (8 steps and the action plan),
  each a check mark or empty, separated by tabs; a document saved as Latin-1 or
  Windows-1252 (which cannot hold ✓) marks a done step with X instead (see :data:`MARKS`);
* the table ends at its last row: a blank line followed by a line without a tab
  (the footnote, the next part) or by the end of the file. A blank line *between*
  rows (the next non-blank line has tabs, so it is a row) is skipped: no row after
  it is lost. After the end, a line that still looks like a row (a tab or a ✓) is an
  error naming its line, never dropped in silence; so is a second ``PARTY`` header:
  a document holds exactly one Toolkit table;
* the status date, as "as of 9 November 2015", in the heading or the footnote; it
  must lie between 23 November 2010 (ICCWC was founded) and today.

Rules (documented in README "Data"):

* A step marked done while an earlier one is not is an **error**, as is an
  action-plan mark without step 8: the steps are sequential, and such a row
  would make ``last_step`` and ``stage`` meaningless. The user fixes the file.
* ``last_step`` is the highest step done (0 when none).
* ``stage`` follows the four stages of the document's map legend, which the
  text does not map to steps (the map was an image). The project's rule:
  ``request received`` = step 1 only; ``planning phase`` = last step 2-4
  (focal point, preparatory work, initial meeting); ``in process`` = last step
  5-7 (in-country mission, draft report, action plan); ``complete`` = all 8
  steps. On the SC66 table it gives 6 complete and 11 at other stages, as the
  document says.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from iccwc.vocab import ACTION_PLAN, CONTINENTS, MARK_COLUMNS, MARKS, stage_of, STEP_COLUMNS, STEPS
from iccwc.data.countries import UnknownCountry, resolve
from iccwc.errors import DataError, Problem, ProblemList
from iccwc.data.textio import read_text

_HEADER = re.compile(r"^\s*PARTY\s*\t\s*IMPLEMENTATION STEPS", re.I)
_STEP_HEAD = re.compile(r"^STEP\s+(\d+)\s*:\s*(.+)$", re.I)   # cells are stripped first
# Bounded: a date is short, and an unbounded lazy match made a long line full of "as of"
# take quadratic time (240 KB of "as of " took minutes). tests/test_bad_text_files.py checks it.
_AS_OF = re.compile(r"\bas of[ \t]{1,5}(\d{4}-\d{1,2}-\d{1,2}|[^()\n]{0,40}?\d{4})", re.I)
#: ICCWC was founded on 23 November 2010: no status date of its Toolkit can be earlier.
FOUNDED = date(2010, 11, 23)



@dataclass
class ToolkitTable:
    file: Path
    status_date: date
    rows: pd.DataFrame


def _parse_date(text: str) -> date:
    text = " ".join(text.replace(",", " ").split())
    for fmt in ("%d %B %Y", "%B %d %Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _mojibake_hint(cell: str) -> str:
    """A hint when a cell is UTF-8 read as Windows-1252 (a file that mixes encodings)."""
    try:
        fixed = cell.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return ""
    if fixed == cell:
        return ""
    return (f" ({cell!r} is {fixed!r} in UTF-8 read as Windows-1252: the file mixes encodings; "
            "save it all as UTF-8)")


def find_status_date(lines: list[str], problems: ProblemList) -> date | None:
    found: dict[date, int] = {}
    today = date.today()
    for i, line in enumerate(lines, 1):
        for m in _AS_OF.finditer(line):
            try:
                when = _parse_date(m.group(1))
            except ValueError:
                problems.add(i, "as of", "a real date such as '9 November 2015'", m.group(1))
                continue
            if not FOUNDED <= when <= today:
                problems.add(i, "as of", f"a status date between {FOUNDED:%d %B %Y} (ICCWC was founded) "
                                         f"and today ({today.isoformat()})", m.group(1))
                continue
            found.setdefault(when, i)
    if not found and not problems:
        problems.add(None, "as of", "a status date written 'as of <day> <Month> <year>' "
                                    "in the Toolkit table's heading or footnote", "none")
        return None
    if len(found) > 1:
        listed = ", ".join(f"{d.isoformat()} (line {n})" for d, n in sorted(found.items()))
        problems.add(min(found.values()), "as of", "one status date for the Toolkit table", listed)
        return None
    return next(iter(found), None)


def _is_row(line: str) -> bool:
    """A line in table form: tab-separated cells (blank cells only do not count)."""
    return "\t" in line and bool(line.strip())


def table_end(lines: list[str], first_row: int) -> int:
    """The index after the table's last row: blank lines followed by a row are inside the table."""
    end = i = first_row
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if i > end and not _is_row(line):     # blank line(s), then text that is not a row: the end
            break
        i += 1
        end = i
    return end


def _after_the_table(lines: list[str], header_at: int, end: int, problems: ProblemList) -> None:
    """Report what still looks like the table after its end: a second table, or stray rows."""
    for i in range(end, len(lines)):
        line = lines[i]
        if _HEADER.match(line):
            problems.add(i + 1, None, f"one Toolkit table per document (its header is on line {header_at + 1}); "
                                      "put a later table in a document of its own, with its provenance record",
                         "a second 'PARTY<TAB>IMPLEMENTATION STEPS' header")
            return
        if _is_row(line) or "✓" in line:
            problems.add(i + 1, None, f"no table row after the end of the Toolkit table (its last row is "
                                      f"on line {end}, and a line of text follows it): keep every row inside "
                                      "the table, one per line with tab-separated cells", line.strip())


def _check_steps(rec: dict, lineno: int, problems: ProblemList) -> int:
    """The highest step done in ``rec`` (its marks as bools); problems for marks out of order."""
    done = [rec[c] for c in STEP_COLUMNS]
    last = max((k for k, d in enumerate(done, 1) if d), default=0)
    missing = [STEP_COLUMNS[k] for k in range(last) if not done[k]]
    if missing:
        problems.add(lineno, missing[0], f"steps done in order: step {last} is marked "
                                         f"but {missing[0]} is not", "an empty cell")
    if last == 0:
        problems.add(lineno, STEP_COLUMNS[0], "at least step 1 (the request) marked "
                                              "for a listed country", "no marks")
    if rec[ACTION_PLAN] and last < 8:
        problems.add(lineno, ACTION_PLAN, "action plan implementation only after step 8",
                     f"marked with last step {last}")
    return last


def _add_country(rec: dict, country, name: str, lineno: int, seen: dict, problems: ProblemList) -> None:
    """Put the resolved country's codes into ``rec``; a problem when the table already has it."""
    if country is None:
        return
    if country.iso3 in seen:
        problems.add(lineno, "country", f"each country once per table ({country.iso3} "
                                        f"is already on line {seen[country.iso3]})", name)
    seen.setdefault(country.iso3, lineno)
    rec.update(iso3=country.iso3, region=country.region, document_region=country.document_region)


def _resolve_country(name: str, lineno: int, problems: ProblemList):
    """The country ``name`` names (None, with a problem, when unknown or outside the continents)."""
    try:
        country = resolve(name)
    except UnknownCountry:
        problems.add(lineno, "country", "a country name pycountry or data/reference/"
                                        "country_aliases.csv knows (a name, not a code such as "
                                        "'404' or 'KEN')", name)
        return None
    if country.region not in CONTINENTS:
        problems.add(lineno, "country", f"a country in one of the continents {', '.join(CONTINENTS)}",
                     f"{name} ({country.region})")
        return None
    return country


def parse_toolkit_table(path: str | Path) -> ToolkitTable:
    """Parse the Toolkit table of the document at ``path``.

    Raises :class:`DataError` listing every problem found (file, line, column,
    what was expected).
    """
    path = Path(path)
    lines = read_text(path).split("\n")
    problems = ProblemList(path)

    header_at = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
    if header_at is None:
        problems.add(None, None, "a Toolkit table whose header line starts "
                                 "'PARTY<TAB>IMPLEMENTATION STEPS'", "no such line")
        problems.raise_if_any("No Toolkit table")
    status = find_status_date(lines, problems)

    # The step-header line.
    steps_at = header_at + 1
    while steps_at < len(lines) and not lines[steps_at].strip():
        steps_at += 1
    cells = lines[steps_at].split("\t") if steps_at < len(lines) else []
    heads = [c.strip() for c in cells[1:]]
    while heads and not heads[-1]:
        heads.pop()
    if len(heads) != len(STEPS):
        problems.add(steps_at + 1, None, f"{len(STEPS)} step headers 'STEP 1: REQUEST' ... "
                                         "'STEP 8: PRESENTATION' after a leading tab",
                     f"{len(heads)} header(s)")
    for n, head in enumerate(heads[:len(STEPS)], 1):
        m = _STEP_HEAD.match(head)
        want = f"STEP {n}: {STEPS[n - 1][1]}"
        if not m or int(m.group(1)) != n or m.group(2).upper() != STEPS[n - 1][1]:
            problems.add(steps_at + 1, f"step {n}", f"the header {want!r}", head)

    # Country rows.
    records, seen = [], {}
    width = 1 + len(MARK_COLUMNS)
    end = table_end(lines, steps_at + 1)
    for i in range(steps_at + 1, end):
        line = lines[i]
        if not line.strip():
            continue                  # a blank line between rows (table_end read past it)
        lineno = i + 1
        cells = line.split("\t")
        name = cells[0].strip()
        if len(cells) != width:
            problems.add(lineno, None, f"{width} tab-separated cells (country, 8 steps, action plan)",
                         f"{len(cells)} cells")
            continue
        country = _resolve_country(name, lineno, problems)
        rec = {"country": name, "source_line": lineno}
        for col, cell in zip(MARK_COLUMNS, cells[1:]):
            cell = cell.strip()
            if cell and cell not in MARKS:
                problems.add(lineno, col, "a check mark (✓, or X in a Latin-1 file) or an empty cell"
                             + _mojibake_hint(cell), cell)
            rec[col] = bool(cell)
        last = _check_steps(rec, lineno, problems)
        _add_country(rec, country, name, lineno, seen, problems)
        rec["last_step"] = last
        records.append(rec)
    _after_the_table(lines, header_at, end, problems)
    if not records and not problems:
        problems.add(steps_at + 2, None, "at least one country row after the step headers", "none")
    problems.raise_if_any(f"The Toolkit table in {path.name} cannot be read")

    df = pd.DataFrame.from_records(records)
    df.insert(4, "status_date", status.isoformat())
    df["stage"] = df["last_step"].map(stage_of)
    df["source_file"] = path.name
    cols = ["country", "iso3", "region", "document_region", "status_date", *MARK_COLUMNS,
            "last_step", "stage", "source_file", "source_line"]
    return ToolkitTable(path, status, df[cols])


def combine_snapshots(tables: list[ToolkitTable]) -> pd.DataFrame:
    """Stack the tables of several documents; one table per status date."""
    by_date: dict[date, Path] = {}
    problems = []
    for t in tables:
        if t.status_date in by_date:
            problems.append(Problem(str(t.file), None, "as of",
                                    f"a status date no other document has ({by_date[t.status_date].name} "
                                    f"is also as of {t.status_date.isoformat()})",
                                    t.status_date.isoformat()))
        by_date.setdefault(t.status_date, t.file)
    if problems:
        raise DataError(problems, "Two documents give the Toolkit table for the same date")
    df = pd.concat([t.rows for t in tables], ignore_index=True)
    return df.sort_values(["status_date", "country"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- status files (.csv, .xlsx)
#
# A Toolkit status can also come as a table or a list in a CSV or xlsx file, beside the documents in
# data/raw/documents/ and with its provenance record (docs/data.md, "A Toolkit status as a CSV or a
# spreadsheet"). Two shapes, told apart by the header:
#
# * a **table**: country, status_date and the 9 mark columns (toolkit_status.csv's names, e.g.
#   step_1_request, or the document's headers, e.g. "STEP 1: REQUEST"); cells as in the document
#   (a check mark, X, or empty; in an xlsx file also TRUE/FALSE cells); the same rules (steps in
#   order, at least step 1, the action plan after step 8);
# * a **list**: country, status_date and toolkit_year (the year the source gives for the country's
#   Toolkit work, e.g. the ICCWC website's pins): the steps are not given, so they stay empty and
#   the stage is "listed, steps unknown" (never step 0 or 1, never "went back").
#
# ``status_date`` (YYYY-MM-DD; an xlsx date cell too) is in every row and the same in all of them: one
# status date per file. If the provenance record has a ``toolkit_status_date`` field, it must agree.

#: The file kinds a status file may be, besides a status document (*.txt): defined with the inputs.
from iccwc.data.inputs import STATUS_FILE_SUFFIXES  # noqa: E402
#: The columns of each shape (the mark columns may also be named by the document's headers).
TABLE_COLUMNS = ["country", "status_date", *MARK_COLUMNS]
LIST_COLUMNS = ["country", "status_date", "toolkit_year"]
_DOC_HEADERS = {**{f"step {n}: {label}".casefold(): col for n, (col, label) in enumerate(STEPS, 1)},
                "implementation of action plan recommendations": ACTION_PLAN}


def _column_name(cell: str) -> str:
    """A header cell as a column name: toolkit_status.csv's, the document's header, or as written."""
    key = " ".join(cell.split()).casefold()
    if key in _DOC_HEADERS:
        return _DOC_HEADERS[key]
    if key == "party":                      # the document's header of the country column
        return "country"
    return key.replace(" ", "_") if key.replace(" ", "_") in {*TABLE_COLUMNS, *LIST_COLUMNS} else cell.strip()


def _status_rows(path: Path) -> list[tuple[int, list]]:
    """(line, cells) of every row of a CSV or xlsx file, the header included; cells are str or, in
    xlsx, the cell's value (bool, number, date)."""
    import csv
    import io
    if path.suffix.lower() == ".csv":
        reader = csv.reader(io.StringIO(read_text(path), newline=""))
        out, start = [], 1
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
        return out
    from openpyxl import load_workbook
    from iccwc.data.textio import read_bytes
    data = read_bytes(path)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:              # openpyxl raises zipfile, KeyError, ValueError... on a bad file
        raise DataError(Problem(str(path), None, None, "an .xlsx workbook (Excel 2007 or later, or saved as "
                                "such by LibreOffice)", f"a file openpyxl cannot open ({type(exc).__name__})")) from None
    try:
        sheets = [ws for ws in book.worksheets
                  if any(v not in (None, "") for row in ws.iter_rows(values_only=True) for v in row)]
        if len(sheets) > 1:
            raise DataError(Problem(str(path), None, None, "one sheet holding the status (the others empty)",
                                    ", ".join(repr(ws.title) for ws in sheets)))
        rows = list(sheets[0].iter_rows(values_only=True)) if sheets else []
    finally:
        book.close()
    return [(i, list(r)) for i, r in enumerate(rows, 1)]


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat() if v == datetime.combine(v.date(), datetime.min.time()) else v.isoformat()
    return str(v).strip()


def _status_date_cell(v, lineno: int, problems: ProblemList) -> date | None:
    if isinstance(v, datetime):
        when = v.date()
    elif isinstance(v, date):
        when = v
    else:
        text = _text(v)
        try:
            when = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            problems.add(lineno, "status_date", "the status date written YYYY-MM-DD (e.g. 2016-06-01)", text)
            return None
    today = date.today()
    if not FOUNDED <= when <= today:
        problems.add(lineno, "status_date", f"a status date between {FOUNDED:%d %B %Y} (ICCWC was founded) "
                                            f"and today ({today.isoformat()})", when.isoformat())
        return None
    return when


def _mark_cell(v, col: str, lineno: int, problems: ProblemList) -> bool:
    if isinstance(v, bool):                # an xlsx TRUE/FALSE cell
        return v
    cell = _text(v)
    if cell and cell not in MARKS:
        problems.add(lineno, col, "a check mark (✓, or X) or an empty cell (in an .xlsx file also "
                                  "TRUE or FALSE)" + _mojibake_hint(cell), cell)
    return bool(cell) and cell in MARKS


def parse_status_file(path: str | Path) -> ToolkitTable:
    """The Toolkit status in a CSV or xlsx file at ``path``: a table (the 9 mark columns) or a list
    (``toolkit_year``, no steps: stage "listed, steps unknown", steps empty). See the comment above.

    Raises :class:`DataError` listing every problem (file, line, column, what was expected); a
    renamed or missing column is named with the columns each shape needs.
    """
    from iccwc.data.provenance import record_path
    from iccwc.vocab import STEPS_UNKNOWN
    path = Path(path)
    problems = ProblemList(path)
    rows = _status_rows(path)
    rows = [(n, r) for n, r in rows if any(_text(v) for v in r)]           # blank rows do not count
    if not rows:
        problems.add(1, None, f"a header row: {', '.join(TABLE_COLUMNS)} (a table) or "
                              f"{', '.join(LIST_COLUMNS)} (a list)", "an empty file")
        problems.raise_if_any(f"The Toolkit status in {path.name} cannot be read")
    head_line, head = rows[0]
    names = [_column_name(_text(c)) for c in head]
    while names and not names[-1]:
        names.pop()
    shape = "table" if any(c in names for c in MARK_COLUMNS) else "list" if "toolkit_year" in names else None
    want = TABLE_COLUMNS if shape == "table" else LIST_COLUMNS
    expected = (f"the columns of a Toolkit status table ({', '.join(TABLE_COLUMNS)}; the steps may be named "
                f"as in the document, 'STEP 1: REQUEST' ...) or of a status list ({', '.join(LIST_COLUMNS)})")
    missing = [c for c in want if c not in names] if shape else want
    extra = [c for c in names if c not in want]
    dupes = sorted({c for c in names if c and names.count(c) > 1})
    if shape is None or missing or extra or dupes:
        found = "header " + ", ".join(repr(_text(c)) for c in head[:len(names)])
        what = (f"missing {', '.join(missing)}" if missing else "") + \
               ("; " if missing and extra else "") + (f"unexpected {', '.join(map(repr, extra))}" if extra else "") + \
               (f"; each column once ({', '.join(dupes)} repeated)" if dupes else "")
        problems.add(head_line, ", ".join(extra or missing or dupes) or None, f"{expected} [{what.strip('; ')}]",
                     found)
        problems.raise_if_any(f"The Toolkit status in {path.name} does not have the columns of a status "
                              "table or list")
    at = {c: names.index(c) for c in want}
    records, seen, dates = [], {}, {}
    for lineno, cells in rows[1:]:
        cells = list(cells) + [None] * (len(names) - len(cells))
        if any(_text(v) for v in cells[len(names):]):
            problems.add(lineno, None, f"{len(names)} cells, as in the header (a comma inside a cell needs "
                                       "the cell in double quotes)", f"{len([v for v in cells if _text(v)])} cells")
            continue
        name = _text(cells[at["country"]])
        country = _resolve_country(name, lineno, problems) if name else None
        if not name:
            problems.add(lineno, "country", "a country name", "an empty cell")
        when = _status_date_cell(cells[at["status_date"]], lineno, problems)
        if when is not None:
            dates.setdefault(when, lineno)
        rec = {"country": name, "source_line": lineno}
        if shape == "table":
            for col in MARK_COLUMNS:
                rec[col] = _mark_cell(cells[at[col]], col, lineno, problems)
            rec["last_step"] = _check_steps(rec, lineno, problems)
            rec["stage"] = stage_of(rec["last_step"]) if rec["last_step"] else None
        else:
            year = _text(cells[at["toolkit_year"]])
            limit = when.year if when else date.today().year
            if not (re.fullmatch(r"\d{4}", year) and FOUNDED.year <= int(year) <= limit):
                problems.add(lineno, "toolkit_year", f"a year from {FOUNDED.year} (ICCWC was founded) to "
                                                     f"{limit} (the status date's year)", year)
            rec.update({col: None for col in MARK_COLUMNS}, last_step=None, stage=STEPS_UNKNOWN)
        _add_country(rec, country, name, lineno, seen, problems)
        records.append(rec)
    if len(rows) == 1:
        problems.add(head_line + 1, None, "at least one country row after the header", "none")
    if len(dates) > 1:
        listed = ", ".join(f"{d.isoformat()} (line {n})" for d, n in sorted(dates.items()))
        problems.add(min(dates.values()), "status_date", "one status date for the whole file", listed)
    status = next(iter(dates)) if len(dates) == 1 else None
    recorded = _recorded_status_date(record_path(path))
    if status and recorded and recorded != status.isoformat():
        problems.add(min(dates.values()), "status_date", f"the toolkit_status_date of {record_path(path).name} "
                                                         f"({recorded})", status.isoformat())
    problems.raise_if_any(f"The Toolkit status in {path.name} cannot be read")
    df = pd.DataFrame.from_records(records)
    df["status_date"] = status.isoformat()
    df["last_step"] = df["last_step"].astype("Int64")
    df["source_file"] = path.name
    cols = ["country", "iso3", "region", "document_region", "status_date", *MARK_COLUMNS,
            "last_step", "stage", "source_file", "source_line"]
    return ToolkitTable(path, status, df[cols])


def _recorded_status_date(record: Path) -> str | None:
    """The ``toolkit_status_date`` a provenance record gives, if any (the record is checked elsewhere)."""
    import json
    try:
        value = json.loads(read_text(record)).get("toolkit_status_date")
    except (DataError, ValueError, AttributeError, OSError):
        return None
    return str(value).strip() if value else None


def parse_status(path: str | Path) -> ToolkitTable:
    """The Toolkit status of a file in data/raw/documents: a document (.txt) or a status file (.csv, .xlsx)."""
    path = Path(path)
    if path.suffix.lower() in STATUS_FILE_SUFFIXES:
        return parse_status_file(path)
    return parse_toolkit_table(path)
