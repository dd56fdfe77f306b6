"""Question 2, recognition over time: counts, running totals, themes and places of the instruments.

The data are the instruments recognising ICCWC (:func:`iccwc.load_recognitions`): the SC66
document's list (Part 2, July 2011 to July 2015) and later instruments the ICCWC website's news
items state. :func:`source_of` says which source each row comes from and :func:`sc66_list` gives
the SC66 document's own rows, the only ones its claims (17 instruments by January 2016) are about.
Everything here returns plain values or DataFrames; the charts that show them are
in :mod:`iccwc.views.charts.recognition`.

>>> import iccwc
>>> rec = iccwc.load_recognitions()
>>> sum(counts_by_year(rec).values()) == len(rec)
True

The functions' examples assume ``import iccwc`` and use the committed data; they show
structure and invariants, not counts.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from iccwc.analysis.overview import SC66_DOCUMENT
from iccwc.vocab import CATEGORIES

#: "all": the value of "no filter" in :func:`filter_recognitions`.
ALL = "all"
#: How :func:`source_label` names the sources of the rows (by the file the row's ``source`` names).
SC66_LIST = "the SC66 list"
NEWS_ITEMS = "ICCWC website news items"


def source_of(df: pd.DataFrame) -> pd.Series:
    """The file each row comes from: the part of ``source`` before its first ", " (a document's name,
    or ``iccwc-website/news.json``).

    Returns a Series of str aligned with ``df``.

    >>> rec = iccwc.load_recognitions()
    >>> bool(source_of(rec).isin([SC66_DOCUMENT, "iccwc-website/news.json"]).all())
    True
    """
    return df["source"].astype(str).str.split(", ", n=1).str[0]


def source_label(df: pd.DataFrame) -> pd.Series:
    """Each row's source in words: :data:`SC66_LIST` (the SC66 document), :data:`NEWS_ITEMS` (a news item
    of the ICCWC website) or the file's name.

    >>> set(source_label(iccwc.load_recognitions())) <= {SC66_LIST, NEWS_ITEMS}
    True
    """
    files = source_of(df)
    return files.map(lambda f: SC66_LIST if f == SC66_DOCUMENT else NEWS_ITEMS if f.endswith("news.json") else f)


def sc66_list(df: pd.DataFrame) -> pd.DataFrame:
    """The rows that come from the SC66 document (its Part 2 list), in date order: what its own
    claims are about. Empty when the data hold none.

    >>> rec = iccwc.load_recognitions()
    >>> len(sc66_list(rec)) == int((source_of(rec) == SC66_DOCUMENT).sum())
    True
    """
    return _sorted(df[source_of(df) == SC66_DOCUMENT]) if len(df) else df


def names_toolkit(df: pd.DataFrame) -> pd.Series:
    """The instruments known to name the Analytic Toolkit: ``mentions_toolkit`` True. Unknown (empty:
    an instrument known from a news item that does not say) is not counted as naming it.

    Returns a bool Series aligned with ``df``.

    >>> rec = iccwc.load_recognitions()
    >>> str(names_toolkit(rec).dtype), int(names_toolkit(rec).sum()) == summary(rec)["toolkit"]
    ('bool', True)
    """
    return df["mentions_toolkit"].astype("boolean").fillna(False).astype(bool)


def toolkit_unknown(df: pd.DataFrame) -> pd.Series:
    """The instruments whose source cannot tell whether they name the Toolkit (``mentions_toolkit``
    empty): counted neither as naming it nor as not naming it.

    Returns a bool Series aligned with ``df``.

    >>> rec = iccwc.load_recognitions()
    >>> s = summary(rec)
    >>> int(toolkit_unknown(rec).sum()) == s["toolkit_unknown"] == s["instruments"] - s["toolkit"] - s["toolkit_not_named"]
    True
    """
    return df["mentions_toolkit"].astype("boolean").isna().astype(bool)


def themes_unknown(df: pd.DataFrame) -> pd.Series:
    """The instruments with no theme whose source is not their own text (a news item: no heading, so
    ``category_basis`` is not 'heading'): the item's words name no species, which does not say that the
    instrument names none. Unknown, so counted neither as naming a species nor as speaking of wildlife
    crime in general (issue 26).

    Returns a bool Series aligned with ``df``.

    >>> rec = iccwc.load_recognitions()
    >>> bool((themes_unknown(rec) <= (rec["category_basis"].astype(str) != "heading")).all())
    True
    """
    no_theme = df["themes"].isna() | (df["themes"].astype(str).str.strip() == "")
    return (no_theme & (df["category_basis"].astype(str) != "heading")).astype(bool)


def toolkit_word(value) -> str:
    """``mentions_toolkit`` in words: 'yes', 'no' or 'unknown' (empty: the source cannot tell).

    >>> [toolkit_word(v) for v in (True, False, pd.NA, None)]
    ['yes', 'no', 'unknown', 'unknown']
    """
    return "unknown" if value is None or pd.isna(value) else "yes" if bool(value) else "no"


def counts_by_source(df: pd.DataFrame) -> dict[str, int]:
    """Instruments per source (:func:`source_label`), in order of each source's first instrument.

    Returns a dict {label: instruments}.

    >>> by = counts_by_source(iccwc.load_recognitions())
    >>> sum(by.values()) == len(iccwc.load_recognitions())
    True
    """
    if df.empty:
        return {}
    d = _sorted(df).assign(_label=lambda t: source_label(t))
    return {k: int(n) for k, n in d.groupby("_label", sort=False).size().items()}


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["month", "id"] if "id" in df else ["month"], kind="stable").reset_index(drop=True)


def monthly_cumulative(df: pd.DataFrame) -> pd.DataFrame:
    """One row per month with at least one instrument: new instruments that month, the running
    total, and the same for instruments known to name the Analytic Toolkit (unknown: not counted).

    Returns a DataFrame with columns month (datetime, ascending), new, cumulative, toolkit_new,
    toolkit_cumulative (int64); empty (same columns) for no instruments.

    >>> m = monthly_cumulative(iccwc.load_recognitions())
    >>> list(m.columns), int(m["cumulative"].iloc[-1]) == len(iccwc.load_recognitions())
    (['month', 'new', 'cumulative', 'toolkit_new', 'toolkit_cumulative'], True)
    """
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in
                             ["new", "cumulative", "toolkit_new", "toolkit_cumulative"]},
                            index=pd.DatetimeIndex([], name="month")).reset_index()
    g = df.assign(_named=names_toolkit(df)).groupby("month").agg(new=("id", "size"), toolkit_new=("_named", "sum"))
    g = g.sort_index()
    g["cumulative"] = g["new"].cumsum()
    g["toolkit_cumulative"] = g["toolkit_new"].cumsum()
    out = g.reset_index()[["month", "new", "cumulative", "toolkit_new", "toolkit_cumulative"]]
    return out.astype({c: "int64" for c in ["new", "cumulative", "toolkit_new", "toolkit_cumulative"]})


def counts_by_year(df: pd.DataFrame) -> dict[int, int]:
    """Instruments per year of adoption (years with none are left out).

    Returns a dict {year: instruments} (int: int), years ascending.

    >>> by_year = counts_by_year(iccwc.load_recognitions())
    >>> list(by_year) == sorted(by_year), min(by_year.values()) >= 1
    (True, True)
    """
    return {int(y): int(n) for y, n in df.groupby("year").size().sort_index().items() if n}


def counts_by(df: pd.DataFrame, column: str) -> pd.Series:
    """Instruments per value of ``column`` (e.g. ``issuing_body_short``, ``instrument_type``),
    most first, ties by name.

    Returns a Series named 'instruments' (int64), indexed by the values of ``column``.

    >>> s = counts_by(iccwc.load_recognitions(), "instrument_type")
    >>> s.name, s.is_monotonic_decreasing, int(s.sum()) == len(iccwc.load_recognitions())
    ('instruments', True, True)
    """
    s = df.groupby(column, observed=True).size()
    s = s[s > 0]
    order = sorted(s.index, key=lambda k: (-s[k], str(k)))
    return s.loc[order].astype("int64").rename("instruments")


def year_category_counts(df: pd.DataFrame, years: range | None = None) -> pd.DataFrame:
    """Instruments per year (rows, every year in ``years`` even with none) and category (columns).

    Returns a DataFrame of int64: index the years (first to last year of the data by default),
    columns the document's CATEGORIES in order.

    >>> rec = iccwc.load_recognitions()
    >>> t = year_category_counts(rec)
    >>> list(t.columns) == CATEGORIES, int(t.to_numpy().sum()) == len(rec)
    (True, True)
    """
    if years is None:
        years = range(int(df["year"].min()), int(df["year"].max()) + 1) if len(df) else range(0)
    t = pd.crosstab(df["year"].astype("int64"), df["category"].astype(str))
    return t.reindex(index=list(years), columns=CATEGORIES, fill_value=0).astype("int64")


def first_toolkit_month(df: pd.DataFrame) -> pd.Timestamp | None:
    """Month of the first instrument whose quoted text names the Analytic Toolkit.

    Returns a ``pandas.Timestamp`` (first of the month), or None when none names it.

    >>> rec = iccwc.load_recognitions()
    >>> first = first_toolkit_month(rec)
    >>> bool(rec.loc[rec["month"] == first, "mentions_toolkit"].any()), first_toolkit_month(rec.iloc[:0])
    (True, None)
    """
    named = df.loc[names_toolkit(df), "month"]
    return None if named.empty else named.min()


def themes_long(df: pd.DataFrame) -> pd.DataFrame:
    """One row per instrument and species or commodity it names (``themes`` is ';'-separated).

    Returns a DataFrame with columns theme, id, instrument, date, issuing_body_short, in date order.

    >>> rec = iccwc.load_recognitions()
    >>> tl = themes_long(rec)
    >>> list(tl.columns), set(tl["id"]) <= set(rec["id"])
    (['theme', 'id', 'instrument', 'date', 'issuing_body_short'], True)
    """
    rows = []
    for r in _sorted(df).itertuples(index=False):
        if pd.isna(r.themes) or not str(r.themes).strip():
            continue
        for theme in str(r.themes).split(";"):
            if theme.strip():
                rows.append({"theme": theme.strip(), "id": r.id, "instrument": r.instrument,
                             "date": r.date, "issuing_body_short": r.issuing_body_short})
    return pd.DataFrame(rows, columns=["theme", "id", "instrument", "date", "issuing_body_short"])


def theme_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Each theme, how many instruments name it and which (short bodies and dates).

    Returns a DataFrame with columns theme, instruments (count), named_in (the instruments'
    names, '; '-separated), most named first, ties by theme.

    >>> rec = iccwc.load_recognitions()
    >>> tc = theme_counts(rec)
    >>> list(tc.columns), int(tc["instruments"].sum()) == len(themes_long(rec))
    (['theme', 'instruments', 'named_in'], True)
    """
    long = themes_long(df)
    if long.empty:
        return pd.DataFrame(columns=["theme", "instruments", "named_in"])
    g = long.groupby("theme").agg(
        instruments=("id", "size"),
        named_in=("instrument", lambda s: "; ".join(s)))
    g = g.reset_index()
    return g.sort_values(["instruments", "theme"], ascending=[False, True]).reset_index(drop=True)


def has_place(df: pd.DataFrame) -> pd.Series:
    """Instruments with a place of adoption that has coordinates (the ones the map can show).

    Returns a boolean Series aligned with ``df``.

    >>> rec = iccwc.load_recognitions()
    >>> placed = has_place(rec)
    >>> str(placed.dtype), int(placed.sum()) == summary(rec)["with_place"]
    ('bool', True)
    """
    return df["place"].notna() & df["place_latitude"].notna() & df["place_longitude"].notna()


def summary(df: pd.DataFrame) -> dict:
    """The headline numbers the notebook states (each asserted there).

    Returns a dict: instruments, first and last (dates "YYYY-MM", None when empty), by_category
    {category: n}, by_year {year: n}, by_type {instrument_type: n}, by_source {source label: n},
    toolkit (instruments naming the Toolkit), toolkit_not_named (instruments whose quoted passages do not
    name it), toolkit_unknown (instruments whose source cannot tell: counted neither way),
    toolkit_first_month ("YYYY-MM" or None), toolkit_first (their names), with_theme, themes_unknown
    (instruments without a theme known only from a news item: :func:`themes_unknown`), with_place,
    without_place.

    >>> rec = iccwc.load_recognitions()
    >>> s = summary(rec)
    >>> sorted(s)[:3], s["instruments"] == len(rec) == s["with_place"] + s["without_place"]
    (['by_category', 'by_source', 'by_type'], True)
    """
    first_tk = first_toolkit_month(df)
    named, unknown = names_toolkit(df), toolkit_unknown(df)
    tk = _sorted(df[named])
    placed = has_place(df)
    return {
        "instruments": len(df),
        "first": df["date"].min() if len(df) else None,
        "last": df["date"].max() if len(df) else None,
        "by_category": {c: int((df["category"].astype(str) == c).sum()) for c in CATEGORIES},
        "by_year": counts_by_year(df),
        "by_type": counts_by(df, "instrument_type").to_dict(),
        "by_source": counts_by_source(df),
        "toolkit": int(named.sum()),
        "toolkit_not_named": int((~named & ~unknown).sum()),
        "toolkit_unknown": int(unknown.sum()),
        "toolkit_first_month": None if first_tk is None else first_tk.strftime("%Y-%m"),
        "toolkit_first": list(tk.loc[tk["month"] == first_tk, "instrument"]) if first_tk is not None else [],
        "with_theme": int(themes_long(df)["id"].nunique()),
        "themes_unknown": int(themes_unknown(df).sum()),
        "with_place": int(placed.sum()),
        "without_place": int((~placed).sum()),
    }


def toolkit_instruments(df: pd.DataFrame) -> pd.DataFrame:
    """The instruments whose quoted text names the Analytic Toolkit, in date order.

    Returns a DataFrame with columns date, instrument, issuing_body_short, category (text).

    >>> rec = iccwc.load_recognitions()
    >>> ti = toolkit_instruments(rec)
    >>> list(ti.columns), len(ti) == summary(rec)["toolkit"]
    (['date', 'instrument', 'issuing_body_short', 'category'], True)
    """
    t = _sorted(df[names_toolkit(df)])
    return t[["date", "instrument", "issuing_body_short", "category"]].assign(
        category=lambda d: d["category"].astype(str)).reset_index(drop=True)


def _categories(categories) -> list[str] | None:
    if categories is None or categories == ALL:
        return None
    if isinstance(categories, str):
        return [categories]
    cats = list(categories)
    return None if not cats or ALL in cats else cats


def filter_recognitions(df: pd.DataFrame, years: tuple[int | None, int | None] | None = None,
                        categories: str | Iterable[str] | None = None, toolkit_only: bool = False) -> pd.DataFrame:
    """The instruments adopted in ``years`` (inclusive; either end None = open), in ``categories``
    (None or "all" = every category) and, if ``toolkit_only``, known to name the Analytic Toolkit
    (unknown is left out).
    Unknown category names raise ValueError rather than silently matching nothing.

    Returns a DataFrame with the columns of ``df`` (new index), in date order.

    >>> rec = iccwc.load_recognitions()
    >>> f = filter_recognitions(rec, years=(2013, None), categories=CATEGORIES[0], toolkit_only=True)
    >>> bool((f["year"] >= 2013).all() and names_toolkit(f).all() and (f["category"] == CATEGORIES[0]).all())
    True
    """
    keep = pd.Series(True, index=df.index)
    if years is not None:
        lo, hi = years
        if lo is not None:
            keep &= df["year"] >= int(lo)
        if hi is not None:
            keep &= df["year"] <= int(hi)
    cats = _categories(categories)
    if cats is not None:
        known = set(CATEGORIES)
        unknown = [c for c in cats if c not in known]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; the document's categories are {sorted(known)}")
        keep &= df["category"].astype(str).isin(cats)
    if toolkit_only:
        keep &= names_toolkit(df)
    return df[keep.fillna(False).astype(bool)].sort_values(["month", "id"], kind="stable").reset_index(drop=True)
