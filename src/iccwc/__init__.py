"""iccwc: the helper package behind the ICCWC notebooks.

Loaders return typed, validated DataFrames of the processed data; the other
modules hold every transformation, chart, map and widget the notebooks use.

``import iccwc`` is light: the loaders (and pandas) are imported on first use of
``iccwc.load_toolkit`` and the others, so ``python -m iccwc run`` can say "nothing
to do" without loading pandas.
"""
from importlib import import_module

from .errors import DataError

__version__ = "0.1.0"
__all__ = ["DataError", "data_status", "load_activities", "load_iccwc_documents", "load_partner_presence",
           "load_recognitions", "load_toolkit", "sources_text", "toolkit_steps_long"]


def __getattr__(name: str):
    if name in __all__:
        value = getattr(import_module(".load", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'iccwc' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
