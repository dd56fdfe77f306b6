"""Shared chart plumbing: matplotlib figures rendered to SVG text.

Charts are built on a :class:`matplotlib.figure.Figure` (no pyplot, no global
state) and shown as SVG inside an ``ipywidgets.HTML``: the SVG is stored in
the widget state, so charts show in exported HTML without a kernel, update
when an observer sets the widget's value, and unit tests can read their
labels and ticks as text. Text from data is escaped by matplotlib's SVG writer.
"""
from __future__ import annotations

import functools
import html
import io
import re

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: Colours of the four Toolkit stages (ColorBrewer YlGnBu, colour-blind safe), in stage order.
STAGE_COLOURS = {
    "request received": "#c7e9b4",
    "planning phase": "#7fcdbb",
    "in process": "#1d91c0",
    "complete": "#0c2c84",
}
#: Colours of the document's three groups of instruments (Okabe-Ito).
CATEGORY_COLOURS = {
    "governing bodies of ICCWC partner organizations": "#0072B2",
    "global declarations and statements": "#E69F00",
    "regional declarations and statements": "#009E73",
}
#: Colours of the document's three regional groupings (Okabe-Ito).
REGION_COLOURS = {"Americas": "#CC79A7", "Africa & Europe": "#D55E00", "Asia": "#56B4E9", "Oceania": "#999999"}
NEUTRAL = "#bdbdbd"
TEXT = "#222222"

_RC = {
    "svg.fonttype": "none",          # text stays text: smaller files, searchable, testable
    "svg.hashsalt": "iccwc",         # deterministic ids, so rerendered notebooks diff cleanly
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}


def figure(width: float = 7.0, height: float = 3.5) -> Figure:
    """A new figure with the project's style."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def axes(fig: Figure, *args, **kwargs):
    """``fig.add_subplot`` under the project's style (no top/right spines, titles on the left)."""
    with matplotlib.rc_context(_RC):
        return fig.add_subplot(*args, **kwargs)


def styled(fn):
    """Decorator: build a whole chart under the project's style, so every axes it adds gets it."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(_RC):
            return fn(*args, **kwargs)
    return wrapper


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (#rrggbb)."""
    r, g, b = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if lum < 0.5 else "#222222"


def integer_axis(axis) -> None:
    """Counts get whole-number ticks only."""
    axis.set_major_locator(MaxNLocator(integer=True))


def svg(fig: Figure) -> str:
    """The figure as an SVG string (no XML prolog), ready for an ``ipywidgets.HTML`` value."""
    # The style applies to axes made inside figure(); axes added later get the same frame here.
    for ax in fig.axes:
        for side in ("top", "right"):
            if ax.spines[side].get_visible() and ax.name == "rectilinear":
                ax.spines[side].set_visible(False)
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # Scale with the container rather than a fixed pixel size.
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 style="max-width:100%;height:auto"',
                  text, count=1)


def svg_texts(svg_text: str) -> list[str]:
    """Every text label in an SVG made by :func:`svg` (for tests)."""
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg_text)]


_TABLE_STYLE = ("<style>.iccwc-table{border-collapse:collapse;font-size:12px}"
                ".iccwc-table th,.iccwc-table td{padding:3px 6px;border-bottom:1px solid #ddd;"
                "text-align:left;vertical-align:top}.iccwc-table td:first-child{white-space:nowrap}</style>")


def table_html(df, index: bool = True) -> str:
    """A DataFrame as a styled HTML table with every cell escaped (text from data shows as text)."""
    return _TABLE_STYLE + df.to_html(escape=True, index=index, border=0, classes="iccwc-table", na_rep="")


def escape(text) -> str:
    """Text from data, safe to put in HTML."""
    return html.escape("" if text is None else str(text), quote=True)
