"""One resolver for Toolkit status dates, used by every loader, notebook, explorer and command.

A status date is asked for as ``"latest"``, ``"earliest"``, ``"previous"`` (the one
before the latest), or a date (``"2015-11-09"``, a ``datetime`` or a ``Timestamp``).
The answer is always a date that the data hold; anything else is a ``ValueError``
that names the dates the data have.

>>> import pandas as pd
>>> df = pd.DataFrame({"status_date": pd.to_datetime(["2015-11-09", "2016-06-30"])})
>>> resolve_status_date(df, "previous").date().isoformat()
'2015-11-09'

The functions' examples assume ``import iccwc`` and use the committed data.
"""
from __future__ import annotations

import pandas as pd

#: The words :func:`resolve_status_date` understands besides a date.
STATUS_DATE_WORDS = ("latest", "earliest", "previous")


def status_dates(toolkit: pd.DataFrame) -> list[pd.Timestamp]:
    """The status dates in a Toolkit frame, oldest first.

    Returns a list of ``pandas.Timestamp``, one per distinct ``status_date`` (empty for no rows).

    >>> dates = iccwc.status_dates(iccwc.load_toolkit())
    >>> dates == sorted(dates), [d.date().isoformat() for d in dates] == iccwc.data_status()["toolkit_status_dates"]
    (True, True)
    """
    return sorted(pd.Timestamp(d) for d in pd.unique(toolkit["status_date"]))


def resolve_status_date(toolkit: pd.DataFrame, when="latest") -> pd.Timestamp:
    """The status date of ``toolkit`` that ``when`` names (``"latest"``, ``"earliest"``,
    ``"previous"`` or a date). Raises ValueError naming the dates the data have.

    Returns a ``pandas.Timestamp`` (midnight) that is one of :func:`status_dates` ``(toolkit)``.

    >>> tk = iccwc.load_toolkit()
    >>> iccwc.resolve_status_date(tk, "latest") == iccwc.status_dates(tk)[-1]
    True
    >>> iccwc.resolve_status_date(tk, "1900-01-01")
    Traceback (most recent call last):
    ValueError: no Toolkit snapshot as of 1900-01-01; the data have: ...
    """
    dates = status_dates(toolkit)
    if not dates:
        raise ValueError("the Toolkit data hold no status date")
    have = ", ".join(d.date().isoformat() for d in dates)
    if isinstance(when, str) and when.strip().lower() in STATUS_DATE_WORDS:
        word = when.strip().lower()
        if word == "latest":
            return dates[-1]
        if word == "earliest":
            return dates[0]
        if len(dates) < 2:
            raise ValueError(f"there is no snapshot before the latest; the data have only {have}")
        return dates[-2]
    try:
        stamp = pd.Timestamp(when)
    except (ValueError, TypeError):
        raise ValueError(f"status date {when!r} is neither one of {', '.join(STATUS_DATE_WORDS)} nor a date; "
                         f"the data have: {have}") from None
    if pd.isna(stamp):
        raise ValueError(f"status date {when!r} is not a date; the data have: {have}")
    stamp = stamp.normalize()
    if stamp not in dates:
        raise ValueError(f"no Toolkit snapshot as of {stamp.date().isoformat()}; the data have: {have}")
    return stamp
