"""iccwc: the helper package behind the ICCWC notebooks, and an analyst's API.

``import iccwc`` gives the loaders (typed, validated DataFrames of ``data/processed``)
and one module per question the project answers::

    import iccwc
    tk = iccwc.load_toolkit(status_date="latest")  # or "earliest", "previous", a date; None: every date
    iccwc.toolkit_uptake.toolkit_summary(tk)       # requests, complete, under way
    rec = iccwc.load_recognitions()
    iccwc.recognition.counts_by_year(rec)          # instruments per year
    iccwc.coverage.toolkit_by_region(tk)           # Toolkit requests and stages per region
    iccwc.snapshots.changes(iccwc.load_toolkit(status_date="all"))   # with two status dates or more: what moved
    iccwc.country_profile("Kenya")                 # everything the sources say about one country

Every one of these functions has a docstring that says what it returns (the columns of a
DataFrame) and shows an example on the committed data, e.g. ``help(iccwc.toolkit_uptake.select)``;
tests/test_docstrings.py runs them all:

>>> import iccwc
>>> tk = iccwc.load_toolkit(status_date="latest")
>>> sorted(iccwc.toolkit_uptake.toolkit_summary(tk))
['action_plan', 'by_stage', 'complete', 'requests', 'status_date', 'steps_unknown', 'under_way']

The package is layered like the data flow (README, "Where things are"):
``iccwc.vocab`` (the document's terms) <- ``iccwc.data`` (raw -> processed, loaders)
<- ``iccwc.analysis`` (one module per question) <- ``iccwc.views`` (charts, maps,
tables, explorers) <- ``iccwc.commands`` (command line, pipeline, rendering, servers).

``import iccwc`` is light: everything here is imported on first use, so
``python -m iccwc run`` can say "nothing to do" without loading pandas.
"""
from importlib import import_module

from iccwc.errors import DataError

__version__ = "0.1.0"

#: name -> (module, attribute); attribute None means the module itself.
_LAZY = {
    "data_status": ("iccwc.data.load", "data_status"),
    "load_activities": ("iccwc.data.load", "load_activities"),
    "load_iccwc_documents": ("iccwc.data.load", "load_iccwc_documents"),
    "load_partner_presence": ("iccwc.data.load", "load_partner_presence"),
    "load_recognitions": ("iccwc.data.load", "load_recognitions"),
    "load_toolkit": ("iccwc.data.load", "load_toolkit"),
    "sources_text": ("iccwc.data.load", "sources_text"),
    "toolkit_steps_long": ("iccwc.data.load", "toolkit_steps_long"),
    "resolve_status_date": ("iccwc.data.status_dates", "resolve_status_date"),
    "status_dates": ("iccwc.data.status_dates", "status_dates"),
    "toolkit_uptake": ("iccwc.analysis.toolkit_uptake", None),
    "recognition": ("iccwc.analysis.recognition", None),
    "coverage": ("iccwc.analysis.coverage", None),
    "snapshots": ("iccwc.analysis.snapshots", None),
    "overview": ("iccwc.analysis.overview", None),
    "profiles": ("iccwc.analysis.profiles", None),
    "country_profile": ("iccwc.analysis.profiles", "country_profile"),
    "profile_countries": ("iccwc.analysis.profiles", "profile_countries"),
}
__all__ = ["DataError", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = import_module(module)
        if attr is not None:
            value = getattr(value, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'iccwc' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
