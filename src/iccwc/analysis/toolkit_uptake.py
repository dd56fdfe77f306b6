"""Toolkit uptake as numbers: headline, step funnel, where countries stall, stage by region.

Every function takes the frame :func:`iccwc.load_toolkit` returns and never
modifies it. Functions that count (:func:`toolkit_summary`, :func:`funnel_counts`,
:func:`stall_counts`, :func:`stage_by_region`) need **one** status date: give them
``load_toolkit(status_date="latest")`` or a frame from :func:`select`; with several
dates they raise ValueError rather than add snapshots together.

:func:`select` is the one filter the notebook, the map, the table and the explorer
share (region, the document's grouping, stage, minimum step).

The examples assume ``import iccwc`` and use the committed data; where progress needs two
status dates they build a *fictional* earlier snapshot from the real one, and say so.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iccwc.vocab import ACTION_PLAN, CONTINENTS, DOCUMENT_REGIONS, MARK_COLUMNS, STAGES, STEP_ORDER
from iccwc.vocab import STEPS_UNKNOWN
from iccwc.vocab import REACH_FOOTNOTE_MARKS, REACH_MEASURES, REACH_QUALIFIER_SIGNS

#: The stage a country is in once the step (1-8) is its highest: used to colour steps.
STEP_STAGE = {1: "request received", 2: "planning phase", 3: "planning phase", 4: "planning phase",
              5: "in process", 6: "in process", 7: "in process", 8: "complete", 9: "complete"}


def _done(marks: pd.Series) -> pd.Series:
    """A mark column as plain bools: an unknown mark (a status list's empty step) is not counted as done."""
    return marks.astype("boolean").fillna(False).astype(bool)


def step_name(n: int) -> str:
    """The label of step ``n`` (1-8), or of the action-plan column for 9.

    Returns text, the entry of ``STEP_ORDER`` for that step.

    >>> step_name(1), step_name(8)
    ('Step 1: Request', 'Step 8: Presentation')
    >>> step_name(9) == STEP_ORDER[-1]
    True
    """
    return STEP_ORDER[int(n) - 1]


def one_date(df: pd.DataFrame) -> pd.Timestamp | None:
    """The single status date of ``df`` (None when empty). Raises ValueError for several dates.

    Returns a ``pandas.Timestamp`` or None.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> one_date(tk) == iccwc.resolve_status_date(iccwc.load_toolkit(), "latest"), one_date(tk.iloc[:0])
    (True, None)
    """
    dates = sorted(pd.unique(pd.to_datetime(df["status_date"])))
    if len(dates) > 1:
        listed = ", ".join(pd.Timestamp(d).date().isoformat() for d in dates)
        raise ValueError(f"these rows hold several Toolkit status dates ({listed}); "
                         "choose one, e.g. load_toolkit(status_date='latest')")
    return pd.Timestamp(dates[0]) if dates else None


def date_label(when) -> str:
    """'9 November 2015' (the document's way of writing a date).

    Returns text: day without a leading zero, month name, year.

    >>> date_label("2015-11-09")
    '9 November 2015'
    >>> date_label(iccwc.resolve_status_date(iccwc.load_toolkit(), "latest")).split()[-1].isdigit()
    True
    """
    t = pd.Timestamp(when)
    return f"{t.day} {t.strftime('%B %Y')}"


def region_column(df: pd.DataFrame, region: str) -> str:
    """Which column a region name belongs to: 'region' (continent) or 'document_region'.

    A continent wins when the name is both (``"Asia"`` is both, with the same countries).
    Raises ValueError listing the names that exist.

    Returns ``"region"`` or ``"document_region"``.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> region_column(tk, "Asia"), region_column(tk, "Europe"), region_column(tk, "Africa & Europe")
    ('region', 'region', 'document_region')
    """
    continents = set(CONTINENTS) | set(df["region"].dropna().astype(str))
    groups = set(DOCUMENT_REGIONS) | set(df["document_region"].dropna().astype(str))
    if region in continents:
        return "region"
    if region in groups:
        return "document_region"
    raise ValueError(f"unknown region {region!r}: use a continent ({', '.join(CONTINENTS)}) or one of the "
                     f"document's groupings ({', '.join(DOCUMENT_REGIONS)})")


def select(df: pd.DataFrame, region: str | None = None, document_region: str | None = None,
           stage: str | None = None, min_step: int | None = None) -> pd.DataFrame:
    """The rows that pass every filter given (None = no filter), in country order.

    ``region``: a continent, or one of the document's groupings (see :func:`region_column`);
    ``document_region``: one of the document's groupings only; ``stage``: one of STAGES;
    ``min_step``: countries whose highest step done is at least this (1-8); a country whose steps are
    unknown (stage "listed, steps unknown") passes ``min_step=1`` only (it is listed: it asked).

    Returns a DataFrame with the columns of ``df`` (a copy, new index), sorted by status date
    and country. Unknown names or a ``min_step`` outside 1-8 raise ValueError.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> done = select(tk, stage="complete")
    >>> bool((done["stage"] == "complete").all()), len(done) == toolkit_summary(tk)["complete"]
    (True, True)
    >>> bool((select(tk, region="Africa", min_step=5)["last_step"] >= 5).all())
    True
    """
    keep = pd.Series(True, index=df.index)
    if region is not None:
        keep &= df[region_column(df, region)].astype(str) == region
    if document_region is not None:
        if document_region not in set(DOCUMENT_REGIONS) | set(df["document_region"].astype(str)):
            raise ValueError(f"unknown document grouping {document_region!r}: use one of {DOCUMENT_REGIONS}")
        keep &= df["document_region"].astype(str) == document_region
    if stage is not None:
        if stage not in STAGES and stage != STEPS_UNKNOWN:
            raise ValueError(f"unknown stage {stage!r}: use one of {STAGES + [STEPS_UNKNOWN]}")
        keep &= df["stage"].astype(str) == stage
    if min_step is not None:
        if not 1 <= int(min_step) <= 8:
            raise ValueError(f"min_step must be 1 to 8, not {min_step!r}")
        last = df["last_step"].astype("Int64")
        keep &= (last >= int(min_step)).fillna(int(min_step) <= 1).astype(bool)
    return df[keep].sort_values(["status_date", "country"], kind="stable").reset_index(drop=True)


def toolkit_summary(df: pd.DataFrame) -> dict:
    """The headline numbers of one snapshot.

    Keys: status_date (ISO text or None), requests (countries listed), complete (stage
    'complete', all 8 steps), under_way (listed, steps known, not complete), action_plan (countries
    implementing the action plan's recommendations), by_stage {stage: countries} in STAGES order,
    steps_unknown (listed with no steps given, stage "listed, steps unknown": neither complete
    nor under way; requests = complete + under_way + steps_unknown).

    Returns a dict with those keys (numbers as int).

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> s = toolkit_summary(tk)
    >>> s["requests"] == len(tk) == s["complete"] + s["under_way"] + s["steps_unknown"]
    True
    >>> list(s["by_stage"]) == STAGES
    True
    """
    when = one_date(df)
    stage = df["stage"].astype(str)
    by_stage = {s: int((stage == s).sum()) for s in STAGES}
    return {
        "status_date": None if when is None else when.date().isoformat(),
        "requests": int(len(df)),
        "complete": by_stage["complete"],
        "under_way": int(len(df)) - by_stage["complete"] - int((stage == STEPS_UNKNOWN).sum()),
        "action_plan": int(_done(df[ACTION_PLAN]).sum()),
        "by_stage": by_stage,
        "steps_unknown": int((stage == STEPS_UNKNOWN).sum()),
    }


def funnel_counts(df: pd.DataFrame) -> pd.DataFrame:
    """How many countries reached each of the 8 steps and the action-plan stage (one snapshot).

    Columns: step_number (1-9, 9 = action plan), step (label), countries (int), stage (the stage
    of a country whose highest step this is, for colouring).

    Returns a DataFrame of 9 rows, one per step in order.

    >>> f = funnel_counts(iccwc.load_toolkit(status_date="latest"))
    >>> list(f.columns), f["step_number"].tolist() == list(range(1, 10))
    (['step_number', 'step', 'countries', 'stage'], True)
    """
    one_date(df)
    counts = [int(_done(df[c]).sum()) for c in MARK_COLUMNS]      # unknown steps: not counted at any step
    return pd.DataFrame({"step_number": range(1, 10), "step": STEP_ORDER, "countries": counts,
                         "stage": [STEP_STAGE[n] for n in range(1, 10)]})


def stall_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Where countries stand: for each highest step done (1-8), how many countries and which.

    Columns: last_step, step (label), stage, countries (int), names ("A, B, C", document order).
    Every step 1-8 is listed, with 0 where no country stopped there.

    Returns a DataFrame of 8 rows, one per step in order.

    >>> st = stall_counts(iccwc.load_toolkit(status_date="latest"))
    >>> list(st.columns), st["last_step"].tolist() == list(range(1, 9))
    (['last_step', 'step', 'stage', 'countries', 'names'], True)
    """
    one_date(df)
    rows = []
    for n in range(1, 9):
        names = df.loc[df["last_step"].astype("Int64").eq(n).fillna(False).astype(bool), "country"].astype(str).tolist()
        rows.append({"last_step": n, "step": step_name(n), "stage": STEP_STAGE[n],
                     "countries": len(names), "names": ", ".join(names)})
    return pd.DataFrame(rows)


def stage_by_region(df: pd.DataFrame, by: str = "region") -> pd.DataFrame:
    """Countries per stage (columns, in STAGES order) per region (rows) for one snapshot.

    ``by``: ``"region"`` (continent) or ``"document_region"`` (the document's grouping).
    Only regions with at least one request are rows; a 'total' column is added.

    Returns a DataFrame of int: index named ``by`` (regions in the vocabulary's order, then
    any others), columns the STAGES (then "listed, steps unknown" when a row has it) then 'total'.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> t = stage_by_region(tk, by="document_region")
    >>> list(t.columns) == STAGES + ["total"], int(t["total"].sum()) == len(tk)
    (True, True)
    """
    if by not in ("region", "document_region"):
        raise ValueError("by must be 'region' or 'document_region'")
    one_date(df)
    order = CONTINENTS if by == "region" else DOCUMENT_REGIONS
    present = [r for r in order if r in set(df[by].astype(str))]
    present += sorted(set(df[by].astype(str)) - set(present))
    table = pd.crosstab(df[by].astype(str), df["stage"].astype(str))
    unknown = [STEPS_UNKNOWN] if (df["stage"].astype(str) == STEPS_UNKNOWN).any() else []   # only when present
    table = table.reindex(index=present, columns=STAGES + unknown, fill_value=0).astype(int)
    table["total"] = table.sum(axis=1)
    table.index.name = by
    table.columns.name = None
    return table


def country_progress(df: pd.DataFrame, country: str) -> pd.DataFrame:
    """Step-by-step progress of one country (name as printed, or ISO3) in one snapshot.

    Columns: step_number (1-9), step (label), done (bool; None when the status gives no steps).

    Returns a DataFrame of 9 rows; an unknown country raises KeyError.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> p = country_progress(tk, tk["iso3"].iloc[0])
    >>> list(p.columns), len(p), p["done"].equals(country_progress(tk, tk["country"].iloc[0])["done"])
    (['step_number', 'step', 'done'], 9, True)
    """
    one_date(df)
    hit = df[(df["country"].astype(str) == country) | (df["iso3"].astype(str) == country)]
    if hit.empty:
        raise KeyError(f"{country!r} is not among these Toolkit requests")
    row = hit.iloc[0]
    return pd.DataFrame({"step_number": range(1, 10), "step": STEP_ORDER,
                         "done": [None if pd.isna(row[c]) else bool(row[c]) for c in MARK_COLUMNS]})


@dataclass(frozen=True)
class SnapshotReport:
    """What the 'progress between snapshots' section shows.

    Fields: dates (the status dates of the data, oldest first), text (the sentence(s) shown),
    changes (a DataFrame of :func:`iccwc.analysis.snapshots.changes`, or None with one date).

    >>> r = snapshot_report(iccwc.load_toolkit(status_date="latest"))
    >>> len(r.dates), r.changes is None, r.text.startswith("The data hold one Toolkit snapshot only")
    (1, True, True)
    """
    dates: list[pd.Timestamp]
    text: str                        # plain sentence(s), always set
    changes: pd.DataFrame | None     # toolkit_snapshots.changes(...) when there are two dates or more


def snapshot_report(toolkit: pd.DataFrame, before="previous", after="latest") -> SnapshotReport:
    """Progress between two snapshots, or a plain statement that there is only one.

    ``toolkit`` holds every status date (``load_toolkit(status_date=None)``).

    Returns a :class:`SnapshotReport`. Below, the earlier snapshot is fictional (the real one,
    a year earlier, nothing moved), so the numbers are not facts:

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365))  # fictional
    >>> snapshot_report(pd.concat([earlier, tk])).text
    'Between ... and ...: ... unchanged.'
    """
    from iccwc.analysis import snapshots as ts

    dates = ts.snapshot_dates(toolkit)
    if len(dates) < 2:
        only = date_label(dates[0]) if dates else "none"
        return SnapshotReport(dates, (
            f"The data hold one Toolkit snapshot only (as of {only}), so there is no progress "
            "between snapshots to show. Add a later status document to data/raw/documents and run "
            "`python -m iccwc rebuild`; this section then lists what changed."), None)
    p = ts.progress(toolkit, before, after)
    counts = {str(r.change): int(r.countries) for r in p.summary.itertuples()}
    parts = [f"{n} {k}{'s' if k == 'new request' and n != 1 else ''}" for k, n in counts.items() if n]
    text = (f"Between {date_label(p.before)} and {date_label(p.after)}: "
            + (", ".join(parts) if parts else "no countries") + ".")
    return SnapshotReport(dates, text, p.changes)


def funnel_drops(df: pd.DataFrame) -> pd.DataFrame:
    """How many countries fewer reached each step than the step before (one snapshot).

    Columns: from_step (1-8), to_step (2-9; 9 = implementing the action plan), fewer (int, never
    negative in a consistent table). Built from :func:`funnel_counts`.

    Returns a DataFrame of 8 rows, in step order.

    >>> d = funnel_drops(iccwc.load_toolkit(status_date="latest"))
    >>> list(d.columns), d["from_step"].tolist() == list(range(1, 9))
    (['from_step', 'to_step', 'fewer'], True)
    """
    reached = funnel_counts(df)["countries"].astype(int).tolist()
    return pd.DataFrame({"from_step": range(1, 9), "to_step": range(2, 10),
                         "fewer": [reached[i] - reached[i + 1] for i in range(8)]})


def countries_by_stage(df: pd.DataFrame) -> dict[str, list[str]]:
    """The countries in each stage of one snapshot, in country order: {stage: [names]}, every stage.

    Returns a dict keyed by STAGES (in order; then "listed, steps unknown" when a row has it), lists
    possibly empty.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> by = countries_by_stage(tk)
    >>> list(by) == STAGES, sum(map(len, by.values())) == len(tk)
    (True, True)
    """
    one_date(df)
    rows = df.sort_values("country", kind="stable")
    unknown = [STEPS_UNKNOWN] if (rows["stage"].astype(str) == STEPS_UNKNOWN).any() else []   # only when present
    return {s: rows.loc[rows["stage"].astype(str) == s, "country"].astype(str).tolist() for s in STAGES + unknown}


def complete_without_action_plan(df: pd.DataFrame) -> list[str]:
    """Countries of one snapshot with all 8 steps done but the action-plan column not marked.

    Returns a list of names, in country order.

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> len(complete_without_action_plan(tk)) == toolkit_summary(tk)["complete"] - int(
    ...     (tk["action_plan_implementation"] & (tk["stage"] == "complete")).sum())
    True
    """
    one_date(df)
    rows = df.sort_values("country", kind="stable")
    hit = (rows["stage"].astype(str) == "complete") & ~_done(rows[ACTION_PLAN])
    return rows.loc[hit, "country"].astype(str).tolist()


# --------------------------------------------------------------------------- reach over time

#: The measures a status table counts, and the :func:`toolkit_summary` key each is.
_TABLE_MEASURES = {"requests": "requests", "completed": "complete", "under way": "under_way"}
#: ``basis`` of an observation: counted from a status table, or stated in a source's words.
TABLE_BASIS, TEXT_BASIS = "status table", "source's words"


def _label(value: int, qualifier: str, mark: str) -> str:
    sign = REACH_QUALIFIER_SIGNS.get(qualifier, "")
    return f"{sign}{value}{mark}"


def reach_series(reach: pd.DataFrame, toolkit: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every count of the Toolkit's reach, in time order: what the sources state (``reach``, from
    :func:`iccwc.data.load.load_toolkit_reach`) and, with ``toolkit`` (every status date,
    ``load_toolkit()``), what each status table counts (requests; completed and under way where the
    table gives every country's steps).

    Returns a DataFrame, one row per observation, sorted by time and measure, with columns date (text,
    as precise as the source: "2016-01" or "2015-11-23"), when (Timestamp: the day, or for a month its
    first day), month_only (bool: the source gives the month only), measure (ordered categorical of
    REACH_MEASURES), value (int), qualifier (the source's words, "" when exact), mark (the footnote mark
    of a qualifier that is neither approximate nor a lower bound, else ""), label (the value as charts
    show it: "~20", ">150", "19*"), basis (``"status table"`` or ``"source's words"``), quote, source.

    >>> s = reach_series(iccwc.data.load.load_toolkit_reach(), iccwc.load_toolkit())
    >>> bool(s["when"].is_monotonic_increasing), sorted(set(s["basis"]))
    (True, ["source's words", 'status table'])
    >>> reach_series(iccwc.data.load.load_toolkit_reach().iloc[:0]).empty
    True
    """
    rows = []
    for r in reach.itertuples(index=False):
        q = "" if pd.isna(r.qualifier) else str(r.qualifier)
        rows.append({"date": str(r.date), "measure": str(r.measure), "value": int(r.value), "qualifier": q,
                     "basis": TEXT_BASIS, "quote": str(r.quote), "source": str(r.source)})
    if toolkit is not None and len(toolkit):
        for when, snap in toolkit.groupby(pd.to_datetime(toolkit["status_date"]), sort=True):
            counts = {"requests": len(snap)}
            if snap["last_step"].notna().all():          # a list without steps gives no stages
                complete = int((snap["stage"].astype(str) == "complete").sum())
                counts |= {"completed": complete, "under way": len(snap) - complete}
            files = "; ".join(sorted(set(snap["source_file"].astype(str))))
            lines = pd.to_numeric(snap["source_line"], errors="coerce").dropna().astype(int)
            where = f", lines {lines.min()}-{lines.max()}" if len(lines) else ""
            for measure, value in counts.items():
                rows.append({"date": when.date().isoformat(), "measure": measure, "value": int(value),
                             "qualifier": "", "basis": TABLE_BASIS, "quote": "",
                             "source": f"{files}, Toolkit table as of {date_label(when)}{where}"})
    cols = ["date", "when", "month_only", "measure", "value", "qualifier", "mark", "label", "basis", "quote",
            "source"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    df["month_only"] = df["date"].str.len() == 7
    df["when"] = pd.to_datetime(df["date"].where(~df["month_only"], df["date"] + "-01"), format="%Y-%m-%d")
    df["measure"] = pd.Categorical(df["measure"], categories=REACH_MEASURES, ordered=True)
    df = df.sort_values(["when", "measure", "basis"], ascending=[True, True, False], kind="stable")
    others = [q for q in dict.fromkeys(df["qualifier"]) if q and q not in REACH_QUALIFIER_SIGNS]
    marks = {q: REACH_FOOTNOTE_MARKS[i] if i < len(REACH_FOOTNOTE_MARKS) else "*" * (i + 1)
             for i, q in enumerate(others)}
    df["mark"] = df["qualifier"].map(lambda q: marks.get(q, ""))
    df["label"] = [_label(v, q, m) for v, q, m in zip(df["value"], df["qualifier"], df["mark"])]
    return df[cols].reset_index(drop=True)


def reach_footnotes(series: pd.DataFrame) -> dict[str, str]:
    """The footnote of each mark a :func:`reach_series` uses: {mark: the source's words}, in mark order.

    >>> reach_footnotes(reach_series(iccwc.data.load.load_toolkit_reach())).get("*", "") != "*"
    True
    """
    hit = series[series["mark"] != ""]
    return dict(zip(hit["mark"], hit["qualifier"]))


def reach_against_tables(series: pd.DataFrame) -> pd.DataFrame:
    """The counts a status document states in its own words beside what its own table counts.

    ``series``: a :func:`reach_series` made with the Toolkit table. A stated count is matched with the
    table of the document it quotes (its ``source`` names the file) and the same measure.

    Returns a DataFrame with columns source (the stated count's), measure, stated (int), qualifier,
    table (int), table_date (text), agree (bool: exact, unqualified and equal); no rows when no
    document's words are in the series.

    >>> s = reach_series(iccwc.data.load.load_toolkit_reach(), iccwc.load_toolkit())
    >>> c = reach_against_tables(s)
    >>> list(c.columns), bool(c.empty or c["agree"].dtype == bool)
    (['source', 'measure', 'stated', 'qualifier', 'table', 'table_date', 'agree'], True)
    """
    table = series[series["basis"] == TABLE_BASIS]
    stated = series[series["basis"] == TEXT_BASIS]
    out = []
    for r in stated.itertuples(index=False):
        doc = str(r.source).split(",")[0]
        mine = table[(table["measure"] == r.measure)
                     & table["source"].map(lambda s: doc in str(s).split(",")[0].split("; "))]
        for t in mine.itertuples(index=False):
            out.append({"source": r.source, "measure": str(r.measure), "stated": int(r.value),
                        "qualifier": r.qualifier, "table": int(t.value), "table_date": t.date,
                        "agree": bool(not r.qualifier and int(r.value) == int(t.value))})
    return pd.DataFrame(out, columns=["source", "measure", "stated", "qualifier", "table", "table_date", "agree"])
