"""Interactive charts that work without a kernel: Vega-Lite specifications built with Altair.

Controls are Vega-Lite parameters bound to selects and sliders, filters are Vega expressions, data are
inline, so a chart filters, counts and shows tooltips in JupyterLab and in a static page alike.
:mod:`~iccwc.views.interactive.base` is the one display path (``show``, ``spec``, ``static_svg``); one
module per question: :mod:`~iccwc.views.interactive.toolkit`, :mod:`~iccwc.views.interactive.recognition`,
:mod:`~iccwc.views.interactive.coverage`. docs/interactive.md says how to add one.
"""
from iccwc.views.interactive.base import MIMETYPE, show, spec, static_svg

__all__ = ["MIMETYPE", "show", "spec", "static_svg"]
