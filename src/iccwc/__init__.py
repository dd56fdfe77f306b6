"""iccwc: the helper package behind the ICCWC notebooks.

Loaders return typed, validated DataFrames of the processed data; the other
modules hold every transformation, chart, map and widget the notebooks use.
"""
from .errors import DataError
from .load import (data_status, load_activities, load_iccwc_documents, load_partner_presence, load_recognitions,
                   load_toolkit, sources_text, toolkit_steps_long)

__version__ = "0.1.0"
__all__ = ["DataError", "data_status", "load_activities", "load_iccwc_documents", "load_partner_presence",
           "load_recognitions", "load_toolkit", "sources_text", "toolkit_steps_long"]
