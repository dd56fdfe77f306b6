"""Processed CSVs <-> typed DataFrames, validated by the schemas in :mod:`iccwc.schemas`.

Reading converts each column to its type and reports every cell that does not
convert (file, row, column, expected); then pandera checks the values. Writing
produces one canonical text, so a rebuild from the same raw data gives the
same bytes.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pandera.errors

from .errors import DataError, ProblemList
from .schemas import Dataset
from .textio import read_text

_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


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
    problems.raise_if_any(f"{Path(file).name} does not have the columns of the {ds.name} dataset")
    out = pd.DataFrame({f.name: _convert(df[f.name], f, problems, csv_rows) for f in ds.fields})
    problems.raise_if_any(f"{Path(file).name} has cells of the wrong type")
    validate(out, ds, file, csv_rows)
    for f in ds.fields:
        if f.ordered and f.enum:
            out[f.name] = pd.Categorical(out[f.name], categories=f.enum, ordered=True)
        elif f.type in ("string", "yearmonth"):
            out[f.name] = out[f.name].astype("string")
    return out


def validate(df: pd.DataFrame, ds: Dataset, file: str | Path, csv_rows: bool = True) -> None:
    """Run the pandera schema lazily; turn every failure into a Problem."""
    plain = df.copy()
    for c in plain.columns:
        if isinstance(plain[c].dtype, pd.CategoricalDtype):
            plain[c] = plain[c].astype(object)
    try:
        ds.schema().validate(plain, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems = ProblemList(file)
        fc = exc.failure_cases
        for _, r in fc.iterrows():
            idx = r.get("index")
            row = None if pd.isna(idx) else (int(idx) + 2 if csv_rows else int(idx))
            col = r.get("column")
            problems.add(row, None if pd.isna(col) else str(col), f"values passing {r['check']}",
                         None if pd.isna(r["failure_case"]) else str(r["failure_case"]))
        raise DataError(problems.items, f"{Path(file).name} fails the {ds.name} schema") from None


def read(path: str | Path, ds: Dataset) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        from .errors import Problem
        raise DataError(Problem(str(path), None, None, "a processed dataset (run `python -m iccwc rebuild`)",
                                "no such file"))
    text = read_text(path)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        p = ProblemList(path)
        p.add(None, None, "a well-formed CSV", str(exc))
        p.raise_if_any()
    return typed(raw, ds, path)


def to_csv_text(df: pd.DataFrame, ds: Dataset) -> str:
    out = pd.DataFrame(index=df.index)
    for f in ds.fields:
        s = df[f.name]
        if f.type == "boolean":
            out[f.name] = s.map(lambda v: "True" if bool(v) else "False")
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        elif f.type == "integer":
            out[f.name] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif f.type == "number":
            out[f.name] = s.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        else:
            out[f.name] = s.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return out.to_csv(index=False, lineterminator="\n")
