"""Loaders for the processed datasets: typed and validated DataFrames.

Every loader reads ``data/processed/<name>.csv`` (or the same under
``data_dir``), converts types (dates as datetimes, booleans as bool, ordered
categoricals for stage and category) and validates it with the dataset's
pandera schema; bad files raise :class:`iccwc.errors.DataError`.

The examples in the docstrings assume ``import iccwc`` and use the committed data;
they show structure and invariants, never counts that a newer document would change.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from iccwc import paths
from iccwc.data.schemas import DATASETS, date_range
from iccwc.data.csvio import read
from iccwc.data.status_dates import resolve_status_date, status_dates
from iccwc.data.textio import read_bytes
from iccwc.vocab import MARK_COLUMNS, MARK_LABELS, STAGES, STEP_ORDER


def load(name: str, data_dir=None) -> pd.DataFrame:
    """The processed dataset ``name`` (a key of :data:`iccwc.data.schemas.DATASETS`), typed and validated.

    Returns a DataFrame with the dataset's schema columns, in schema order; the ``load_*``
    functions below are this plus a little (a ``month`` column, a status-date filter). The file is
    read on every call; bytes already typed and validated in this process are not again (a copy of
    that frame is returned: :data:`_LOADED`).

    >>> from iccwc.data.load import load
    >>> load("toolkit_status").equals(iccwc.load_toolkit())
    True
    """
    ds = DATASETS[name]
    path = paths.layout(data_dir)["processed"] / ds.filename
    if not path.exists():
        return read(path, ds)                      # its own message: run `python -m iccwc rebuild`
    key, digest = (str(path), name), hashlib.sha256(read_bytes(path)).digest()
    hit = _LOADED.get(key)
    if hit is not None and hit[0] == digest:
        return hit[1].copy(deep=True)
    df = read(path, ds)
    if hashlib.sha256(read_bytes(path)).digest() == digest:          # (not rewritten meanwhile)
        _LOADED[key] = (digest, df.copy(deep=True))
    return df


#: The frames :func:`load` typed and validated in this process, by file and dataset, with the sha256
#: of the bytes they came from. A notebook loads the same file many times (00: 29 loads of 4 files);
#: each load still reads the file, and types and validates it again only when its bytes changed.
#: Every caller gets a copy of its own (changing it changes no later load).
_LOADED: dict[tuple[str, str], tuple[bytes, pd.DataFrame]] = {}


def load_toolkit(data_dir=None, status_date=None) -> pd.DataFrame:
    """Toolkit status, one row per country per status date.

    Returns a DataFrame with columns country, iso3, region (continent), document_region
    (the document's grouping), status_date (datetime), step_1_request ... step_8_presentation
    and action_plan_implementation (bool marks), last_step (Int64, 0-8), stage (ordered
    categorical of STAGES), source_file, source_line.

    ``status_date``: None or ``"all"`` keeps every status date; ``"latest"``,
    ``"earliest"``, ``"previous"`` or a date keeps that one (resolved by
    :func:`iccwc.data.status_dates.resolve_status_date`).

    >>> import iccwc
    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> int((tk["stage"] == "complete").sum()) <= len(tk)
    True
    >>> tk["status_date"].nunique(), list(tk.columns[:5])
    (1, ['country', 'iso3', 'region', 'document_region', 'status_date'])
    """
    df = load("toolkit_status", data_dir)
    if status_date is not None and not (isinstance(status_date, str) and status_date == "all"):
        when = resolve_status_date(df, status_date)
        df = df[df["status_date"] == when].reset_index(drop=True)
    return df


def load_recognitions(data_dir=None) -> pd.DataFrame:
    """The instruments (resolutions, declarations, ...) recognising ICCWC, one row per instrument.

    Returns a DataFrame with columns id, date ("YYYY-MM" text), year, instrument, issuing_body,
    issuing_body_short, category (categorical of the document's categories), instrument_type,
    place, place_country_iso2, place_latitude, place_longitude, place_geonameid,
    mentions_toolkit (bool), themes (';'-separated), source, and month (``date`` as a datetime).

    >>> rec = iccwc.load_recognitions()
    >>> bool((rec["month"].dt.strftime("%Y-%m") == rec["date"]).all()), rec["id"].is_unique
    (True, True)
    """
    df = load("recognitions", data_dir)
    df["month"] = pd.to_datetime(df["date"].astype(str), format="%Y-%m")
    return df


def load_partner_presence(data_dir=None) -> pd.DataFrame:
    """The ICCWC partners' networks over time: how many countries each partner reaches, as its
    sources say; one row per partner, network and ``as_of`` date (a series).

    Returns a DataFrame with columns partner, partner_full_name, network, as_of ("YYYY-MM" or
    "YYYY-MM-DD" text), count (Int64), qualifier (e.g. "more than", else <NA>), unit, quote (the
    source's words), source.

    >>> pp = iccwc.load_partner_presence()
    >>> list(pp.columns)
    ['partner', 'partner_full_name', 'network', 'as_of', 'count', 'qualifier', 'unit', 'quote', 'source']
    """
    return load("partner_presence", data_dir)


def load_activities(data_dir=None) -> pd.DataFrame:
    """ICCWC activities, one row per activity: the official ICCWC website's activity map
    (data/raw/iccwc-website), the Toolkit requests of the status documents (one row with both
    sources where the two overlap) and user-added files (data/raw/activities); see
    iccwc.data.activities and iccwc.data.website.

    Columns (each described in data/processed/datapackage.json): country as written, iso3, region,
    document_region, category (the document's three), website_group, activity_type (the vocabulary in
    iccwc.vocab), description, year_start, year_end, period, status (empty where the source gives
    none), toolkit_stage, latitude, longitude, source_file, source_line, duplicates, source.

    >>> act = iccwc.load_activities()
    >>> list(act.columns[:4]), set(act["iso3"]) >= set(iccwc.load_toolkit(status_date="latest")["iso3"])
    (['country', 'iso3', 'region', 'document_region'], True)
    """
    return load("activities", data_dir)


def load_toolkit_reach(data_dir=None) -> pd.DataFrame:
    """Counts of the Analytic Toolkit's reach over time that the sources state (the SC66 document's
    sentence, the ICCWC website's news items), one row per count.

    Returns a DataFrame with columns date ("YYYY-MM" or "YYYY-MM-DD" text, as precise as the source),
    measure (ordered categorical of iccwc.vocab.REACH_MEASURES), value (Int64), qualifier (the source's
    words such as "around", else <NA>), quote, source. The counts of the status tables are in
    :func:`load_toolkit`; :func:`iccwc.analysis.toolkit_uptake.reach_series` puts the two together.

    >>> reach = load_toolkit_reach()
    >>> list(reach.columns), bool(reach["value"].ge(0).all())
    (['date', 'measure', 'value', 'qualifier', 'quote', 'source'], True)
    """
    return load("toolkit_reach", data_dir)


def load_iccwc_documents(data_dir=None) -> pd.DataFrame:
    """The ICCWC documents and reports the source document lists, one row per document.

    Returns a DataFrame with columns number, symbol, title, date ("YYYY-MM" text), year,
    document_type, note, source, and month (``date`` as a datetime).

    >>> docs = iccwc.load_iccwc_documents()
    >>> list(docs.columns)
    ['number', 'symbol', 'title', 'date', 'year', 'document_type', 'note', 'source', 'month']
    """
    df = load("iccwc_documents", data_dir)
    df["month"] = pd.to_datetime(df["date"].astype(str), format="%Y-%m")
    return df



def toolkit_steps_long(toolkit: pd.DataFrame) -> pd.DataFrame:
    """One row per country, status date and step, with ``step`` an ordered categorical.

    Returns a DataFrame with columns country, iso3, region, document_region, status_date, stage,
    step_column (the mark's column name), done (bool), step_number (1-9, 9 = action plan),
    step (label, ordered categorical of STEP_ORDER); sorted by status date, country, step.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> long = iccwc.toolkit_steps_long(tk)
    >>> len(long) == 9 * len(tk), list(long.columns[-4:])
    (True, ['step_column', 'done', 'step_number', 'step'])
    """
    long = toolkit.melt(id_vars=["country", "iso3", "region", "document_region", "status_date", "stage"],
                        value_vars=MARK_COLUMNS, var_name="step_column", value_name="done")
    long["step_number"] = long["step_column"].map({c: i for i, c in enumerate(MARK_COLUMNS, 1)})
    long["step"] = pd.Categorical(long["step_column"].map(MARK_LABELS),
                                  categories=STEP_ORDER, ordered=True)
    return long.sort_values(["status_date", "country", "step_number"]).reset_index(drop=True)


def sources_text(status: dict) -> str:
    """One line per raw source of a :func:`data_status` result: path, issue date, short sha256; for
    the status of named datasets (``data_status(datasets=...)``), one line per dataset: its processed
    file, rows, short sha256 and the raw files its rows cite.

    Returns text, one ``"<path>  issued <date>  sha256 <first 12 hex digits>"`` line per source, or one
    ``"processed/<file>  <n> rows  sha256 <first 12 hex digits>  from <source>, ..."`` line per dataset.

    >>> status = iccwc.data_status()
    >>> lines = iccwc.sources_text(status).splitlines()
    >>> len(lines) == len(status["sources"]) and all("  issued " in line for line in lines)
    True
    >>> iccwc.sources_text(iccwc.data_status(datasets=["toolkit_status"])).startswith("processed/toolkit_status.csv  ")
    True
    """
    if "sources" not in status and "datasets" in status:
        return "\n".join(f"processed/{d['file']}  {d['rows']} rows  sha256 {d['sha256'][:12]}"
                         + (f"  from {', '.join(d['sources'])}" if d["sources"] else "")
                         for d in status["datasets"].values())
    return "\n".join(f"{s['path']}  issued {s['issued']}  sha256 {s['sha256'][:12]}" for s in status["sources"])


def cited_sources(df: pd.DataFrame) -> list[str]:
    """The raw files the rows of a processed dataset cite (its ``source_file`` column, and the file
    named before the first comma of each ``;``-separated part of its ``source`` column), sorted.

    >>> cited_sources(iccwc.load_toolkit())
    ['cites-sc66-iccwc-information-2016-01.txt']
    """
    names = set()
    if "source_file" in df.columns:
        names.update(str(v).strip() for v in df["source_file"].dropna())
    if "source" in df.columns:
        names.update(part.split(",")[0].strip() for v in df["source"].dropna() for part in str(v).split(";"))
    return sorted(n for n in names if n)


def data_status(data_dir=None, datasets=None) -> dict:
    """Which data this is: source documents, their checksums, Toolkit status dates, row counts.

    Returns a dict: data_dir (text), sources (list of dicts from datapackage.json: title, path,
    issuer, issued, sha256), toolkit_status_dates (ISO dates, oldest first), rows
    ({dataset: rows}), date_ranges ({dataset: {first, last, what}}: each dataset's own first and last
    date at the precision its data hold, "YYYY", "YYYY-MM" or "YYYY-MM-DD", and a short phrase saying
    which dates they are, :func:`iccwc.data.schemas.date_range`; a dataset without dates is absent),
    stages (the Toolkit stages in order).

    ``datasets``: names of datasets (keys of :data:`iccwc.data.schemas.DATASETS`) to report on only, so
    that a notebook reads only the processed files it uses (``metadata.iccwc.reads``: a change to
    another file does not run it again). Then datapackage.json is not read: instead of sources, the
    dict has datasets ({dataset: {file, rows, sha256 (of the processed file), sources (the raw files
    its rows cite, :func:`cited_sources`)}}); rows covers those datasets, and toolkit_status_dates is
    there only when toolkit_status is one of them; date_ranges covers those datasets.

    >>> status = iccwc.data_status()
    >>> sorted(status), status["rows"]["toolkit_status"] == len(iccwc.load_toolkit())
    (['data_dir', 'date_ranges', 'rows', 'sources', 'stages', 'toolkit_status_dates'], True)
    >>> status["date_ranges"]["toolkit_status"]["first"] == status["toolkit_status_dates"][0]
    True
    >>> mine = iccwc.data_status(datasets=["recognitions"])
    >>> sorted(mine), list(mine["rows"]), sorted(mine["datasets"]["recognitions"])
    (['data_dir', 'datasets', 'date_ranges', 'rows', 'stages'], ['recognitions'], ['file', 'rows', 'sha256', 'sources'])
    >>> sorted(mine["date_ranges"]["recognitions"])
    ['first', 'last', 'what']
    """
    lay = paths.layout(data_dir)
    if datasets is not None:
        return _datasets_status(lay, data_dir, list(datasets))
    pkg = json.loads((lay["processed"] / "datapackage.json").read_text(encoding="utf-8"))
    tk = load_toolkit(data_dir)
    present = [name for name in DATASETS if (lay["processed"] / DATASETS[name].filename).exists()]
    frames = {name: load(name, data_dir) for name in present}
    return {
        "data_dir": str(lay["data"]),
        "sources": pkg.get("sources", []),
        "toolkit_status_dates": [d.date().isoformat() for d in status_dates(tk)],
        "rows": {name: len(frames[name]) for name in present},
        "date_ranges": _date_ranges(frames),
        "stages": STAGES,
    }


def _date_ranges(frames: dict) -> dict:
    """{dataset: {first, last, what}} of the loaded datasets that have dates (:func:`data_status`)."""
    spans = {name: date_range(DATASETS[name], df) for name, df in frames.items()}
    return {name: span for name, span in spans.items() if span is not None}


def _datasets_status(lay: dict, data_dir, names: list[str]) -> dict:
    """:func:`data_status` of the named datasets only (each processed file read once, and its sha256)."""
    from iccwc.data.provenance import sha256_of
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise ValueError(f"data_status: no dataset {', '.join(map(repr, unknown))} "
                         f"(the datasets: {', '.join(DATASETS)})")
    out = {"data_dir": str(lay["data"]), "datasets": {}, "rows": {}}
    frames = {}
    for name in dict.fromkeys(names):
        path = lay["processed"] / DATASETS[name].filename
        df = frames[name] = load(name, data_dir)
        out["datasets"][name] = {"file": path.name, "rows": len(df), "sha256": sha256_of(path),
                                 "sources": cited_sources(df)}
        out["rows"][name] = len(df)
        if name == "toolkit_status":
            out["toolkit_status_dates"] = [d.date().isoformat() for d in status_dates(df)]
    out["date_ranges"] = _date_ranges(frames)
    out["stages"] = STAGES
    return out
