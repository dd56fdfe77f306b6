"""Toolkit progress between status dates (snapshots), as tidy DataFrames.

The processed ``toolkit_status`` data hold one row per country per status date:
one *snapshot* per status document. When the data hold more than one, these
pure functions say what changed between two of them. Countries are matched by
ISO3 code, so a country spelled differently in two documents ("Vietnam",
"Viet Nam") is the same country.

Every function takes the frame :func:`iccwc.load_toolkit` returns (all dates:
``load_toolkit(status_date=None)``) and never modifies it. Dates may be given
as ``"latest"``, ``"earliest"``, ``"previous"`` (the one before the latest), a
date string or a Timestamp.

``change`` of a country between ``before`` and ``after`` is one of
:data:`CHANGES`:

* ``new request``: listed after, not before;
* ``completed``: reached step 8 (stage "complete") since before;
* ``advanced``: a higher last step, not yet complete;
* ``unchanged``: the same last step;
* ``steps unknown``: listed at both dates, but one of them (a status *list*, stage "listed, steps
  unknown") does not give the steps, so whether the country moved is not known. Such a country is
  never counted as going back (nor as advancing);
* ``went back``: a lower last step, both known (documents can correct earlier ones; shown, never hidden);
* ``no longer listed``: listed before, not after.

The examples assume ``import iccwc`` and use the committed data. Where they need two status
dates they add a **fictional** earlier snapshot built from the real latest one (a year before,
every country at step 1, or one country fewer), so their counts are not facts; they check
structure and invariants only:

>>> import iccwc
>>> tk = iccwc.load_toolkit(status_date="latest")
>>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
>>> int(summary(pd.concat([earlier, tk]))["countries"].sum()) == len(tk)
True
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iccwc.data.status_dates import resolve_status_date, status_dates
from iccwc.vocab import CHANGE_UNKNOWN, CHANGES, STEP_COLUMNS, STEP_LABELS, STEPS_UNKNOWN, TOOLKIT_STAGES

_KEEP = ["country", "iso3", "region", "document_region", "last_step", "stage"]
_STEP_NAME = {0: "none", **{i: STEP_LABELS[c] for i, c in enumerate(STEP_COLUMNS, 1)}}


#: The status dates in the data, oldest first; and the one resolver of "latest", "earliest",
#: "previous" or a date (shared with the loaders, notebooks, explorers and commands).
snapshot_dates = status_dates
resolve_date = resolve_status_date


def snapshot(toolkit: pd.DataFrame, when="latest") -> pd.DataFrame:
    """The rows of one status date (a copy), in country order.

    Returns a DataFrame with the columns of ``toolkit`` (new index).

    >>> snap = snapshot(iccwc.load_toolkit(), "latest")
    >>> snap["status_date"].nunique(), snap["country"].is_monotonic_increasing
    (1, True)
    """
    stamp = resolve_date(toolkit, when)
    rows = toolkit[pd.to_datetime(toolkit["status_date"]) == stamp]
    return rows.sort_values("country", kind="stable").reset_index(drop=True).copy()


def _change(row) -> str:
    if not row["listed_before"]:
        return "new request"
    if not row["listed_after"]:
        return "no longer listed"
    if pd.isna(row["from_step"]) or pd.isna(row["to_step"]):       # a side that does not give the steps
        return CHANGE_UNKNOWN
    if row["to_step"] < row["from_step"]:
        return "went back"
    if row["to_step"] == row["from_step"]:
        return "unchanged"
    return "completed" if row["to_stage"] == "complete" else "advanced"


def changes(toolkit: pd.DataFrame, before="previous", after="latest") -> pd.DataFrame:
    """One row per country listed at either date: where it was, where it is, what changed.

    Columns: country (the name at ``after``, else at ``before``), iso3, region, document_region,
    before_date, after_date, from_step, to_step (nullable Int64: <NA> when not listed, or listed with
    its steps unknown), from_step_label, to_step_label ("listed, steps unknown" for the latter),
    from_stage, to_stage (ordered categoricals of TOOLKIT_STAGES), steps_gained (Int64; <NA> when a
    listed side's steps are unknown), change (ordered categorical of CHANGES: "steps unknown" when a side
    does not give the steps, never "went back"). Sorted by change, then country.

    Returns that DataFrame. Example with a fictional earlier snapshot (every country at step 1):

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
    >>> c = changes(pd.concat([earlier, tk]))
    >>> list(c.columns[:4]), set(c["change"]) <= {"unchanged", "advanced", "completed"}
    (['country', 'iso3', 'region', 'document_region'], True)
    """
    b, a = resolve_date(toolkit, before), resolve_date(toolkit, after)
    old = snapshot(toolkit, b)[_KEEP]
    new = snapshot(toolkit, a)[_KEEP]
    m = new.merge(old, on="iso3", how="outer", suffixes=("", "_before"), sort=True, indicator=True)
    for col in ("country", "region", "document_region"):
        m[col] = m[col].where(m[col].notna(), m[f"{col}_before"])
    out = pd.DataFrame({
        "country": m["country"].astype(str),
        "iso3": m["iso3"].astype(str),
        "region": m["region"].astype(str),
        "document_region": m["document_region"].astype(str),
        "before_date": b,
        "after_date": a,
        "from_step": m["last_step_before"].astype("Int64"),
        "to_step": m["last_step"].astype("Int64"),
    })
    listed_before = m["_merge"].isin(["both", "right_only"]).to_numpy()
    listed_after = m["_merge"].isin(["both", "left_only"]).to_numpy()
    out["from_step_label"] = [_label(s, listed) for s, listed in zip(out["from_step"], listed_before)]
    out["to_step_label"] = [_label(s, listed) for s, listed in zip(out["to_step"], listed_after)]
    stage_type = pd.CategoricalDtype(TOOLKIT_STAGES, ordered=True)
    out["from_stage"] = m["stage_before"].astype(object).astype(stage_type)
    out["to_stage"] = m["stage"].astype(object).astype(stage_type)
    # Not listed counts as 0 steps (a new request gains all its steps); a listed side with unknown
    # steps makes the gain unknown (<NA>), never a loss.
    from_steps = out["from_step"].where(listed_before | out["from_step"].notna(), 0)
    to_steps = out["to_step"].where(listed_after | out["to_step"].notna(), 0)
    out["steps_gained"] = (to_steps - from_steps).astype("Int64")
    flags = out.assign(listed_before=listed_before, listed_after=listed_after)
    out["change"] = pd.Categorical(flags.apply(_change, axis=1) if len(out) else [],
                                   categories=CHANGES, ordered=True)
    return out.sort_values(["change", "country"], kind="stable").reset_index(drop=True)


def _label(step, listed: bool) -> str | None:
    """The step label of a side: None when not listed, "listed, steps unknown" when its steps are."""
    if not listed:
        return None
    return STEPS_UNKNOWN if pd.isna(step) else _STEP_NAME[int(step)]


def new_requests(toolkit: pd.DataFrame, before="previous", after="latest") -> pd.DataFrame:
    """Countries listed at ``after`` and not at ``before`` (rows of :func:`changes`).

    Returns a DataFrame with the columns of :func:`changes`. Example with a fictional earlier
    snapshot that lacks the first country:

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.iloc[1:].assign(status_date=tk["status_date"] - pd.Timedelta(days=365))  # fictional
    >>> new_requests(pd.concat([earlier, tk]))["iso3"].tolist() == [tk["iso3"].iloc[0]]
    True
    """
    c = changes(toolkit, before, after)
    return c[c["change"] == "new request"].reset_index(drop=True)


def moves(toolkit: pd.DataFrame, before="previous", after="latest") -> pd.DataFrame:
    """Countries listed at both dates whose last step changed: from which step to which.

    Returns a DataFrame with the columns of :func:`changes` (change: completed, advanced or
    went back). Example with a fictional earlier snapshot (every country at step 1):

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
    >>> len(moves(pd.concat([earlier, tk]))) == int((tk["last_step"] > 1).sum())
    True
    """
    c = changes(toolkit, before, after)
    return c[c["change"].isin(["completed", "advanced", "went back"])].reset_index(drop=True)


def new_completions(toolkit: pd.DataFrame, before="previous", after="latest") -> pd.DataFrame:
    """Countries complete at ``after`` that were listed and not complete at ``before``.

    A country that is new *and* already complete is counted in :func:`new_requests`, not here.

    Returns a DataFrame with the columns of :func:`changes`. Example with a fictional earlier
    snapshot (every country at step 1):

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
    >>> len(new_completions(pd.concat([earlier, tk]))) == int((tk["stage"] == "complete").sum())
    True
    """
    c = changes(toolkit, before, after)
    return c[c["change"] == "completed"].reset_index(drop=True)


def stage_counts(toolkit: pd.DataFrame) -> pd.DataFrame:
    """Countries per stage per status date, tidy: status_date, stage (ordered), countries (0s kept).

    Returns a DataFrame with columns status_date, stage, countries (int): one row per status
    date and stage of TOOLKIT_STAGES (the legend's four, then "listed, steps unknown").

    >>> tk = iccwc.load_toolkit()
    >>> sc = stage_counts(tk)
    >>> list(sc.columns), int(sc["countries"].sum()) == len(tk), len(sc) == 5 * len(snapshot_dates(tk))
    (['status_date', 'stage', 'countries'], True, True)
    """
    dates = snapshot_dates(toolkit)
    grid = pd.MultiIndex.from_product([dates, TOOLKIT_STAGES], names=["status_date", "stage"])
    counts = (toolkit.assign(status_date=pd.to_datetime(toolkit["status_date"]),
                             stage=toolkit["stage"].astype(str))
              .groupby(["status_date", "stage"]).size())
    out = counts.reindex(grid, fill_value=0).rename("countries").reset_index()
    out["stage"] = pd.Categorical(out["stage"], categories=TOOLKIT_STAGES, ordered=True)
    out["countries"] = out["countries"].astype(int)
    return out


def summary(toolkit: pd.DataFrame, before="previous", after="latest") -> pd.DataFrame:
    """Counts of each change between two dates, tidy: change (ordered), countries (0s kept).

    Returns a DataFrame with columns change, countries (int): one row per entry of CHANGES.
    Example with a fictional earlier snapshot (every country at step 1):

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
    >>> s = summary(pd.concat([earlier, tk]))
    >>> s["change"].astype(str).tolist() == CHANGES, int(s["countries"].sum()) == len(tk)
    (True, True)
    """
    c = changes(toolkit, before, after)
    counts = c["change"].value_counts().reindex(CHANGES, fill_value=0)
    out = counts.rename_axis("change").rename("countries").reset_index()
    out["change"] = pd.Categorical(out["change"], categories=CHANGES, ordered=True)
    out["countries"] = out["countries"].astype(int)
    return out


@dataclass(frozen=True)
class Progress:
    """Everything about the progress between two snapshots, for a notebook or a widget.

    Fields: before, after (Timestamps), and the DataFrames of :func:`changes`,
    :func:`new_requests`, :func:`moves`, :func:`new_completions` and :func:`summary`.
    Example with a fictional earlier snapshot (every country at step 1):

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
    >>> sorted(vars(progress(pd.concat([earlier, tk]))))
    ['after', 'before', 'changes', 'moves', 'new_completions', 'new_requests', 'summary']
    """
    before: pd.Timestamp
    after: pd.Timestamp
    changes: pd.DataFrame
    new_requests: pd.DataFrame
    moves: pd.DataFrame
    new_completions: pd.DataFrame
    summary: pd.DataFrame


def progress(toolkit: pd.DataFrame, before="previous", after="latest") -> Progress:
    """All of the above for one pair of dates (``before`` must be earlier than ``after``).

    Returns a :class:`Progress`. Example with a fictional earlier snapshot (every country at step 1):

    >>> tk = iccwc.load_toolkit(status_date="latest")
    >>> earlier = tk.assign(status_date=tk["status_date"] - pd.Timedelta(days=365), last_step=1)  # fictional
    >>> p = progress(pd.concat([earlier, tk]))
    >>> p.before < p.after, p.after == tk["status_date"].iloc[0], len(p.changes) == int(p.summary["countries"].sum())
    (True, True, True)
    """
    b, a = resolve_date(toolkit, before), resolve_date(toolkit, after)
    if not b < a:
        raise ValueError(f"'before' ({b.date()}) must be earlier than 'after' ({a.date()})")
    c = changes(toolkit, b, a)
    pick = lambda kinds: c[c["change"].isin(kinds)].reset_index(drop=True)  # noqa: E731
    return Progress(b, a, c, pick(["new request"]), pick(["completed", "advanced", "went back"]),
                    pick(["completed"]), summary(toolkit, b, a))
