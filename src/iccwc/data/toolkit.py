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
from iccwc.errors import DataError, ProblemList
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
        try:
            country = resolve(name)
        except UnknownCountry:
            problems.add(lineno, "country", "a country name pycountry or data/reference/"
                                            "country_aliases.csv knows (a name, not a code such as "
                                            "'404' or 'KEN')", name)
            country = None
        if country is not None and country.region not in CONTINENTS:
            problems.add(lineno, "country", f"a country in one of the continents {', '.join(CONTINENTS)}",
                         f"{name} ({country.region})")
            country = None
        rec = {"country": name, "source_line": lineno}
        for col, cell in zip(MARK_COLUMNS, cells[1:]):
            cell = cell.strip()
            if cell and cell not in MARKS:
                problems.add(lineno, col, "a check mark (✓, or X in a Latin-1 file) or an empty cell"
                             + _mojibake_hint(cell), cell)
            rec[col] = bool(cell)
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
        if country is not None:
            if country.iso3 in seen:
                problems.add(lineno, "country", f"each country once per table ({country.iso3} "
                                                f"is already on line {seen[country.iso3]})", name)
            seen.setdefault(country.iso3, lineno)
            rec.update(iso3=country.iso3, region=country.region,
                       document_region=country.document_region)
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
            from iccwc.errors import Problem
            problems.append(Problem(str(t.file), None, "as of",
                                    f"a status date no other document has ({by_date[t.status_date].name} "
                                    f"is also as of {t.status_date.isoformat()})",
                                    t.status_date.isoformat()))
        by_date.setdefault(t.status_date, t.file)
    if problems:
        raise DataError(problems, "Two documents give the Toolkit table for the same date")
    df = pd.concat([t.rows for t in tables], ignore_index=True)
    return df.sort_values(["status_date", "country"], kind="stable").reset_index(drop=True)
