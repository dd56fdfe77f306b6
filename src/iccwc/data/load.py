"""Loaders for the processed datasets: typed and validated DataFrames.

Every loader reads ``data/processed/<name>.csv`` (or the same under
``data_dir``), converts types (dates as datetimes, booleans as bool, ordered
categoricals for stage and category) and validates it with the dataset's
pandera schema; bad files raise :class:`iccwc.errors.DataError`.
"""
from __future__ import annotations

import json

import pandas as pd

from iccwc import paths
from iccwc.data.schemas import DATASETS
from iccwc.data.csvio import read
from iccwc.data.status_dates import resolve_status_date
from iccwc.vocab import MARK_COLUMNS, MARK_LABELS, STAGES, STEP_ORDER


def load(name: str, data_dir=None) -> pd.DataFrame:
    ds = DATASETS[name]
    return read(paths.layout(data_dir)["processed"] / ds.filename, ds)


def load_toolkit(data_dir=None, status_date=None) -> pd.DataFrame:
    """Toolkit status, one row per country per status date.

    ``status_date``: None or ``"all"`` keeps every status date; ``"latest"``,
    ``"earliest"``, ``"previous"`` or a date keeps that one (resolved by
    :func:`iccwc.data.status_dates.resolve_status_date`).

    >>> import iccwc
    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> int((tk["stage"] == "complete").sum()) <= len(tk)
    True
    """
    df = load("toolkit_status", data_dir)
    if status_date is not None and not (isinstance(status_date, str) and status_date == "all"):
        when = resolve_status_date(df, status_date)
        df = df[df["status_date"] == when].reset_index(drop=True)
    return df


def load_recognitions(data_dir=None) -> pd.DataFrame:
    df = load("recognitions", data_dir)
    df["month"] = pd.to_datetime(df["date"].astype(str), format="%Y-%m")
    return df


def load_partner_presence(data_dir=None) -> pd.DataFrame:
    return load("partner_presence", data_dir)


def load_activities(data_dir=None) -> pd.DataFrame:
    """ICCWC activities by country (Toolkit requests and user-added activities; see iccwc.data.activities)."""
    return load("activities", data_dir)


def load_iccwc_documents(data_dir=None) -> pd.DataFrame:
    df = load("iccwc_documents", data_dir)
    df["month"] = pd.to_datetime(df["date"].astype(str), format="%Y-%m")
    return df



def toolkit_steps_long(toolkit: pd.DataFrame) -> pd.DataFrame:
    """One row per country, status date and step, with ``step`` an ordered categorical."""
    long = toolkit.melt(id_vars=["country", "iso3", "region", "document_region", "status_date", "stage"],
                        value_vars=MARK_COLUMNS, var_name="step_column", value_name="done")
    long["step_number"] = long["step_column"].map({c: i for i, c in enumerate(MARK_COLUMNS, 1)})
    long["step"] = pd.Categorical(long["step_column"].map(MARK_LABELS),
                                  categories=STEP_ORDER, ordered=True)
    return long.sort_values(["status_date", "country", "step_number"]).reset_index(drop=True)


def sources_text(status: dict) -> str:
    """One line per raw source of a :func:`data_status` result: path, issue date, short sha256."""
    return "\n".join(f"{s['path']}  issued {s['issued']}  sha256 {s['sha256'][:12]}" for s in status["sources"])


def data_status(data_dir=None) -> dict:
    """Which data this is: source documents, their checksums, Toolkit status dates, row counts."""
    lay = paths.layout(data_dir)
    pkg = json.loads((lay["processed"] / "datapackage.json").read_text(encoding="utf-8"))
    tk = load_toolkit(data_dir)
    return {
        "data_dir": str(lay["data"]),
        "sources": pkg.get("sources", []),
        "toolkit_status_dates": sorted(d.date().isoformat() for d in tk["status_date"].unique()),
        "rows": {name: len(load(name, data_dir)) for name in DATASETS
                 if (lay["processed"] / DATASETS[name].filename).exists()},
        "stages": STAGES,
    }
