"""Processed CSVs <-> typed DataFrames, validated by the schemas in :mod:`iccwc.data.schemas`.

Reading converts each column to its type and reports every cell that does not
convert (file, row, column, expected); then pandera checks the values. Writing
produces one canonical text, so a rebuild from the same raw data gives the
same bytes.

Safe to open in a spreadsheet (CSV injection, the OWASP rule): a **text** cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice, so the writer prefixes it with a single quote ``'``
(``=HYPERLINK(...)`` is written ``'=HYPERLINK(...)``). Only text columns: numbers,
dates and booleans are written by their own formats, so ``-12.5`` in a number column
stays a number. A text value that itself starts with quotes followed by one of those
characters gets one more quote, and the reader drops exactly one, so every value
reads back as it was written (:func:`neutralise` / :func:`unneutralise`).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pandera.errors

from iccwc.errors import DataError, Problem, ProblemList
from iccwc.data.schemas import Dataset
from iccwc.data.textio import read_text

_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

#: A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(v: str) -> bool:
    return v.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(v: str) -> str:
    """A text cell safe to open in a spreadsheet: ``'`` before a leading ``= + - @`` (tab, CR)."""
    return "'" + v if _needs_quote(v) else v


def unneutralise(v: str) -> str:
    """The value :func:`neutralise` was given (drops the one quote it added)."""
    return v[1:] if v.startswith("'") and _needs_quote(v) else v


def _convert(series: pd.Series, f, problems: ProblemList, csv_rows: bool) -> pd.Series:
    """Convert a column of strings; record each bad cell."""
    s = series.fillna("").astype(str).str.strip()
    empty = s == ""
    bad = pd.Series(False, index=s.index)
    if f.type == "boolean":
        low = s.str.lower()
        out = low.isin(_TRUE)
        bad = ~(low.isin(_TRUE) | low.isin(_FALSE))
        want = "True or False"
        result = out.astype(bool)
        if not f.required and empty.any():     # unknown (e.g. steps a status list does not give): <NA>
            bad &= ~empty
            result = result.astype("boolean").mask(empty)
    elif f.type == "integer":
        num = pd.to_numeric(s.where(~empty), errors="coerce")
        bad = (~empty & (num.isna() | (num % 1 != 0)))
        want = "a whole number"
        result = num.where(~bad).astype("Int64")
    elif f.type == "number":
        num = pd.to_numeric(s.where(~empty), errors="coerce")
        bad = ~empty & num.isna()
        want = "a number"
        result = num.astype("float64")
    elif f.type == "date":
        d = pd.to_datetime(s.where(~empty), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & d.isna()
        want = "a date written YYYY-MM-DD"
        result = d.astype("datetime64[ns]")
    else:
        want = "text"
        quoted = s.str.startswith("'")
        if quoted.any():                  # only the few cells the writer may have quoted
            s = s.where(~quoted, s[quoted].map(unneutralise))
        result = s.where(~empty, None).astype(object)
    if f.required:
        bad = bad | empty
    for idx in s.index[bad]:
        problems.add(int(idx) + 2 if csv_rows else int(idx), f.name,
                     want + ("" if not f.required or s[idx] else " (the column is required)"), s[idx])
    return result


def typed(df: pd.DataFrame, ds: Dataset, file: str | Path, csv_rows: bool = True) -> pd.DataFrame:
    """Type and validate a frame of strings read from ``file``."""
    problems = ProblemList(file)
    cols = list(df.columns)
    missing = [c for c in ds.columns if c not in cols]
    extra = [c for c in cols if c not in ds.columns]
    if missing:
        problems.add(1, ", ".join(missing), f"the columns of {ds.filename}: {', '.join(ds.columns)}",
                     "missing")
    if extra:
        problems.add(1, ", ".join(extra), f"only the columns of {ds.filename}", "unexpected")
    # Every problem of the file is reported together: the cells of the columns that are there are
    # typed even when a column is missing, and the schema checks the rows whose cells all typed.
    out = pd.DataFrame({f.name: _convert(df[f.name], f, problems, csv_rows) for f in ds.fields
                        if f.name in cols}, index=df.index)
    if missing or extra:
        problems.raise_if_any(f"{Path(file).name} does not have the columns of the {ds.name} dataset")
    if problems:
        bad_rows = {p.line for p in problems.items}
        lines = out.index + 2 if csv_rows else out.index
        problems.items += schema_problems(out[~lines.isin(bad_rows)], ds, file, csv_rows)
        problems.raise_if_any(f"{Path(file).name} has cells of the wrong type")
    validate(out, ds, file, csv_rows)
    return with_dtypes(out, ds)


def with_dtypes(df: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """The loaders' dtypes, in place: ordered categoricals for ordered enums, ``string`` for text."""
    for f in ds.fields:
        if f.ordered and f.enum:
            df[f.name] = pd.Categorical(df[f.name], categories=f.enum, ordered=True)
        elif f.type in ("string", "yearmonth"):
            df[f.name] = df[f.name].astype("string")
    return df


def validate(df: pd.DataFrame, ds: Dataset, file: str | Path, csv_rows: bool = True) -> None:
    """Run the pandera schema lazily; raise every failure as a Problem."""
    problems = schema_problems(df, ds, file, csv_rows)
    if problems:
        raise DataError(problems, f"{Path(file).name} fails the {ds.name} schema")


def _shown(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return str(value)


def schema_problems(df: pd.DataFrame, ds: Dataset, file: str | Path, csv_rows: bool = True) -> list:
    """The pandera schema's failures, lazily collected, as Problems (one per row and check)."""
    plain = df.copy()
    for c in plain.columns:
        if isinstance(plain[c].dtype, pd.CategoricalDtype):
            plain[c] = plain[c].astype(object)
    try:
        ds.schema().validate(plain, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems = ProblemList(file)
        fc = exc.failure_cases
        duplicate_rows = set()
        for _, r in fc.iterrows():
            idx = r.get("index")
            row = None if pd.isna(idx) else (int(idx) + 2 if csv_rows else int(idx))
            col = r.get("column")
            check = str(r["check"])
            if check == "multiple_fields_uniqueness":
                if row in duplicate_rows:       # pandera reports each key column; one problem per row
                    continue
                duplicate_rows.add(row)
                key = ds.primary_key
                values = ", ".join(f"{k}={_shown(df.at[idx, k])}" for k in key) if row is not None else None
                problems.add(row, ", ".join(key), f"one row per {', '.join(key)} (another row has the same)",
                             values)
                continue
            problems.add(row, None if pd.isna(col) else str(col), f"values passing {check}",
                         _shown(r["failure_case"]))
        return sorted(problems.items, key=lambda p: (p.line is None, p.line or 0))
    return []


def read(path: str | Path, ds: Dataset) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise DataError(Problem(str(path), None, None, "a processed dataset (run `python -m iccwc rebuild`)",
                                "no such file"))
    text = read_text(path)
    problems = ProblemList(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        problems.add(1, ", ".join(dupes), "each column once in the header", "repeated")
        problems.raise_if_any(f"{path.name} does not have the columns of the {ds.name} dataset")
    rows, index = [], []
    for row in reader:
        if not any(c.strip() for c in row):
            continue                      # a blank line
        if len(row) != len(header):
            problems.add(reader.line_num, None, f"{len(header)} comma-separated cells, as in the header "
                                                "(a comma inside a cell needs the cell in double quotes)",
                         f"{len(row)} cells")
            continue
        rows.append(row)
        index.append(reader.line_num - 2)    # typed() reports index + 2: the file line
    lengths = {p.found for p in problems.items}
    if not rows and len(problems.items) > 1 and len(lengths) == 1:
        # Every row is off by the same amount: the header is what lacks (or has extra) names.
        problems.items = [Problem(str(path), 1, None, f"a header naming every cell of the rows "
                                  f"({len(header)} names)", f"every row has {lengths.pop()}")]
    raw = pd.DataFrame(rows, columns=header, index=index, dtype=object) if rows else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    try:
        out = typed(raw, ds, path)
    except DataError as exc:
        problems.items += exc.problems
        problems.raise_if_any(str(exc).split(":\n")[0])
    problems.raise_if_any(f"{path.name} has rows of the wrong length")
    return out


def to_csv_text(df: pd.DataFrame, ds: Dataset) -> str:
    out = pd.DataFrame(index=df.index)
    for f in ds.fields:
        s = df[f.name]
        if f.type == "boolean":              # unknown (<NA>, None) is an empty cell, never False
            out[f.name] = s.map(lambda v: "" if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))
                                else "True" if bool(v) else "False")
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        elif f.type == "integer":
            out[f.name] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif f.type == "number":
            out[f.name] = s.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        else:
            out[f.name] = s.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v))
                                else neutralise(str(v)))
    return out.to_csv(index=False, lineterminator="\n")
