"""Shared chart plumbing: the chart contract, the project's style, colours and small HTML helpers.

The contract: every chart function in :mod:`iccwc.views.charts` takes DataFrames and returns a
:class:`matplotlib.figure.Figure`. Nothing else turns a Figure into something shown; this module
does, in one way:

* :func:`svg` -- the figure as SVG text (text stays text, so tests read labels with :func:`svg_texts`);
* :func:`html` -- that SVG in a block no wider than the figure's natural size;
* :func:`show` -- an ``IPython.display.HTML`` of it, for a notebook cell (``display(charts.show(fig))``);
* :func:`widget` -- the same HTML as the value of an ``ipywidgets.HTML``, for explorers (the SVG is stored
  in the widget state, so it shows in exported HTML without a kernel and updates when set again).

The package never changes the user's session: no backend switch, no pyplot, no global rcParams.
Figures are :class:`~matplotlib.figure.Figure` objects (they need no backend), and the project's style
(:data:`_RC`) applies through ``matplotlib.rc_context`` only while a chart is drawn or saved, so an
analyst's own ``plt.plot()`` in the same notebook looks and shows as usual. Text from data is escaped
by matplotlib's SVG writer and, in HTML, by :func:`escape`.

Tooltips: a chart function gives each data mark (a bar, a point, a step) a text with :func:`tip`, computed
from the rows the mark is drawn from; :func:`svg` writes it as the SVG ``<title>`` of the mark's ``<g>``
(the SVG standard: a browser shows it on hover, with no script, and a screen reader reads it).
"""
from __future__ import annotations

import functools
import hashlib
import html as _html
import io
import re

import ipywidgets
import matplotlib
import pandas as pd
from IPython.display import HTML
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: Colours of the four Toolkit stages (ColorBrewer YlGnBu, colour-blind safe), in stage order.
STAGE_COLOURS = {
    "request received": "#c7e9b4",
    "planning phase": "#7fcdbb",
    "in process": "#1d91c0",
    "complete": "#0c2c84",
}
from iccwc.views import style_element  # noqa: E402
from iccwc.vocab import STEPS_UNKNOWN  # noqa: E402

#: The fill of a country whose steps are unknown (stage "listed, steps unknown", from a status list):
#: a light grey outside the legend's four colours; and every stage's fill, that one included.
UNKNOWN_STAGE_COLOUR = "#d9d9d9"
STAGE_FILLS = {**STAGE_COLOURS, STEPS_UNKNOWN: UNKNOWN_STAGE_COLOUR}
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


def citing(fn):
    """Decorator: a chart function's Figure cites the files its DataFrame arguments come from (their
    ``source`` column, else ``source_file``; see :func:`cite`), unless the function cited its own."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        fig = fn(*args, **kwargs)
        if isinstance(fig, Figure) and not sources_of(fig):
            frames = [a for a in (*args, *kwargs.values()) if hasattr(a, "columns")]
            cite(fig, *[(f, "source" if "source" in f.columns else "source_file") for f in frames])
        return fig
    return wrapper


def styled(fn):
    """Decorator: build a whole chart under the project's style, so every axes it adds gets it; the
    Figure cites its data's files (:func:`citing`)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(_RC):
            return fn(*args, **kwargs)
    return citing(wrapper)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (#rrggbb)."""
    r, g, b = (int(background[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if lum < 0.5 else "#222222"


def counted(n, one: str, many: str | None = None) -> str:
    """``n`` with its noun, for tooltips: ``counted(1, "country", "countries")`` is "1 country"."""
    n = int(n)
    return f"{n} {one if n == 1 else (many or one + 's')}"


def integer_axis(axis) -> None:
    """Counts get whole-number ticks only."""
    axis.set_major_locator(MaxNLocator(integer=True))


def tip(artist, text) -> object:
    """Give a data mark a hover tooltip: ``text`` (plain text, from the data; escaped when written)
    becomes the SVG ``<title>`` of ``artist`` when :func:`svg` draws its figure. ``artist`` must already be
    on a figure (a bar of ``ax.bar``, the collection of ``ax.scatter``, a line...); calling it again
    replaces the text. Returns ``artist``.

    The texts are kept on the figure in the order they were given (``fig.iccwc_tips``: artist -> text),
    so the ids written for them are the same on every run for the same data."""
    fig = artist.figure
    while fig is not None and getattr(fig, "figure", fig) is not fig:     # a subfigure's root figure
        fig = fig.figure
    if fig is None:
        raise ValueError("tip(): add the artist to a figure's axes first")
    tips = getattr(fig, "iccwc_tips", None)
    if tips is None:
        tips = fig.iccwc_tips = {}
    tips[artist] = str(text)
    return artist


def tips_of(fig: Figure) -> dict[str, str]:
    """The tooltips :func:`tip` recorded on ``fig``, as the SVG ids :func:`svg` gives them -> text."""
    tips = getattr(fig, "iccwc_tips", {})
    digest = hashlib.sha1("\n".join(tips.values()).encode("utf-8")).hexdigest()[:8]
    return {f"iccwc-tip-{digest}-{i}": text for i, text in enumerate(tips.values(), 1)}


#: Class of a mark's ``<g>`` that has a tooltip, and the style that cues it: a help cursor, and the mark
#: a little lighter while hovered. Inline SVG's style applies to the whole page, so it names only that class.
TIP_CLASS = "iccwc-tip"
_TIP_STYLE = style_element("chart-tips.css", type_attr=True)      # its rules name TIP_CLASS
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _titled(text: str, titles: dict[str, str]) -> str:
    """``text`` (an SVG) with each ``<g id=ID>`` of ``titles`` given the class :data:`TIP_CLASS` and, as its
    first child, ``<title>`` with its text, XML-escaped; plus the hover style."""
    for gid, title in titles.items():
        body = _html.escape(_NOT_XML.sub("", title), quote=False)
        text = text.replace(f'<g id="{gid}">', f'<g id="{gid}" class="{TIP_CLASS}"><title>{body}</title>', 1)
    if titles:
        text = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + _TIP_STYLE, text, count=1)
    return text


def _save_svg(fig: Figure, buf) -> None:
    """``fig.savefig(buf, format="svg")``, the same bytes, in about two thirds of the time.

    Given a layout engine (every :func:`figure` has constrained layout), ``savefig`` first draws the
    whole figure with drawing disabled only to run the layout at the start of that draw, then draws it
    again for real. Here the layout runs alone, as that pass runs it (an SVG renderer at 72 dpi: the
    figure's canvas is an SVG one meanwhile), and the figure is then saved with no engine, its axes
    where the layout put them: one draw instead of two (an explorer's chart: 25-35% less time to save,
    the same SVG byte for byte; ``tests/test_chart_layout.py`` checks it). The engine is set back."""
    engine = fig.get_layout_engine()
    if engine is None or not fig.axes:
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return
    canvas, dpi = fig.canvas, fig.dpi
    FigureCanvasSVG(fig)                 # the figure's canvas while the layout runs (it makes the renderer)
    try:
        engine.execute(fig)
    except ValueError:                   # as Figure.draw: no layout then, the figure is drawn as it is
        pass
    finally:
        fig.dpi = dpi
        fig.set_canvas(canvas)
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)       # (with those two off, None is no engine at all)
    try:
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        fig.set_layout_engine(engine)


def svg(fig: Figure) -> str:
    """The figure as an SVG string (no XML prolog), scaling with its container; each mark given a
    tooltip with :func:`tip` carries it as its ``<title>``."""
    # The style applies to axes made inside figure(); axes added later get the same frame here.
    for ax in fig.axes:
        for side in ("top", "right"):
            if ax.spines[side].get_visible() and ax.name == "rectilinear":
                ax.spines[side].set_visible(False)
    # The marks' ids only while saving: their own gids (tests read some) are back afterwards.
    marks = list(getattr(fig, "iccwc_tips", {}))
    titles = tips_of(fig)
    kept = [a.get_gid() for a in marks]
    for a, gid in zip(marks, titles):
        a.set_gid(gid)
    buf = io.StringIO()
    try:
        with matplotlib.rc_context(_RC):
            _save_svg(fig, buf)
    finally:
        for a, gid in zip(marks, kept):
            a.set_gid(gid)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    # Scale with the container rather than a fixed pixel size.
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 style="max-width:100%;height:auto"',
                  text, count=1)
    return _titled(text, titles)


def svg_tips(svg_text: str) -> dict[str, str]:
    """The tooltips in an SVG made by :func:`svg`: the id of each titled mark -> its text (for tests)."""
    return {gid: _html.unescape(t) for gid, t in
            re.findall(rf'<g id="([^"]+)" class="{TIP_CLASS}"><title>([^<]*)</title>', svg_text)}


def source_files(*frames_and_columns) -> list[str]:
    """The distinct files named in source columns, in order of first appearance. Arguments are
    ``(frame, column)`` pairs; a cell may name several ("pins.csv, line 3; sc66.txt, line 246")."""
    seen: dict[str, None] = {}
    for frame, column in frames_and_columns:
        if frame is None or column not in frame:
            continue
        for cell in frame[column].dropna().astype(str):
            for part in cell.split(";"):
                name = part.split(",")[0].strip()
                if name:
                    seen.setdefault(name, None)
    return list(seen)


#: Separator of file names in a chart's ``data-iccwc-sources`` attribute.
SOURCES_SEP = "|"


def cite(fig: Figure, *frames_and_columns, files=()) -> Figure:
    """Record on ``fig`` the raw files its data come from (``(frame, column)`` pairs read with
    :func:`source_files`, and/or ``files``), so the shared page's "Source:" line under this chart names
    them and no other. Returns ``fig``; calling it again adds to the list."""
    have = list(getattr(fig, "iccwc_sources", []))
    for name in [*source_files(*frames_and_columns), *files]:
        if name not in have:
            have.append(name)
    fig.iccwc_sources = have
    return fig


def sources_of(fig: Figure) -> list[str]:
    """The files recorded on ``fig`` by :func:`cite` (empty when none were)."""
    return list(getattr(fig, "iccwc_sources", []))


def html(fig: Figure) -> str:
    """The figure as SVG in a block no wider than its natural size (CSS pixels), so text is not
    magnified on wide screens. The files recorded by :func:`cite` go in ``data-iccwc-sources``."""
    width = int(round(fig.get_figwidth() * 96))
    cited = sources_of(fig)
    attr = f" data-iccwc-sources='{escape(SOURCES_SEP.join(cited))}'" if cited else ""
    return f"<div class='iccwc-chart'{attr} style='max-width:{width}px;--iccwc-w:{width}px'>{svg(fig)}</div>"


#: The key of a view's record in its output's metadata (what the shared page reads: a chart's sources).
META = "iccwc"


def show(fig: Figure) -> HTML:
    """The figure for a notebook cell: ``display(charts.show(fig))`` (or the cell's last expression). Its
    output's metadata records the files :func:`cite` named (``{"iccwc": {"chart": {"sources": [...]}}}``):
    the shared page's "Source:" line under the chart names those."""
    return HTML(html(fig), metadata={META: {"chart": {"sources": sources_of(fig)}}})


def widget(fig: Figure | None = None, into: ipywidgets.HTML | None = None, **layout) -> ipywidgets.HTML:
    """The figure as the value of an ``ipywidgets.HTML`` (``into``, or a new one with ``layout``);
    ``fig=None`` empties it. Explorers set their chart panels with this."""
    w = into if into is not None else ipywidgets.HTML(layout=ipywidgets.Layout(**layout))
    w.value = "" if fig is None else html(fig)
    return w


def svg_texts(svg_text: str) -> list[str]:
    """Every text label in an SVG made by :func:`svg` (for tests)."""
    return [_html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg_text)]


# Tables reflow in a narrow container (a phone, or an explorer's side panel): below 560 px each row
# becomes a block of "column: value" lines (the header comes from each cell's data-label), so no
# column is cut off or needs sideways scrolling. A container query, so it works in JupyterLab,
# widgets and shared pages alike.
_TABLE_STYLE = style_element("table.css")

_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</t[hd]>", re.S)


def _labelled(table: str) -> str:
    """Give every body cell of a pandas HTML table a ``data-label`` (its column's header text)."""
    head, sep, body = table.partition("<tbody>")
    if not sep:
        return table
    header_rows = _ROW.findall(head)
    labels = [_html.unescape(re.sub(r"<[^>]+>", "", c[2])).strip() for c in _CELL.findall(header_rows[0])] \
        if header_rows else []

    def row(m):
        cells = iter(labels)
        def cell(c):
            label = next(cells, "")
            attr = f' data-label="{escape(label)}"' if label else ""
            return f"<{c.group(1)}{c.group(2)}{attr}>{c.group(3)}</{c.group(1)}>"
        return m.group(0).replace(m.group(1), _CELL.sub(cell, m.group(1)), 1)
    return head + sep + _ROW.sub(row, body)


def table_html(df, index: bool = True) -> str:
    """A DataFrame as a styled HTML table with every cell escaped (text from data shows as text),
    each cell labelled with its column so the table reflows in a narrow container. Headers read as words:
    a column or index called ``issuing_body_short`` is headed "issuing body short"."""
    words = (lambda name: name.replace("_", " ") if isinstance(name, str) else name)
    df = df.rename(columns=words)
    df.index = df.index.set_names([words(n) for n in df.index.names])
    table = df.to_html(escape=True, index=index, border=0, classes="iccwc-table", na_rep="")
    return f"{_TABLE_STYLE}<div class='iccwc-table-box'>{_labelled(table)}</div>"


def table_rows(df, index: bool = True) -> list[list[str]]:
    """The rows of :func:`table_html`'s table as text, header first (column names as words), a missing value
    as "": what the table's CSV download holds."""
    words = (lambda name: name.replace("_", " ") if isinstance(name, str) else ("" if name is None else str(name)))
    if index:
        df = df.reset_index(names=[words(n) for n in df.index.names])
    text = lambda v: "" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v)  # noqa: E731
    return [[words(c) for c in df.columns]] + [[text(v) for v in row] for row in df.itertuples(index=False)]


def table_view(df, index: bool = True) -> HTML:
    """A DataFrame as :func:`table_html`, for a notebook cell, its rows recorded in its output's metadata
    (``{"iccwc": {"table": {"rows": ...}}}``): the shared page offers them as a CSV."""
    return HTML(table_html(df, index=index), metadata={META: {"table": {"rows": table_rows(df, index)}}})


def escape(text) -> str:
    """Text from data, safe to put in HTML."""
    return _html.escape("" if text is None else str(text), quote=True)


def swatch(colour: str, size: str = "12px", round_: bool = False) -> str:
    """A colour key: a small box (a dot when ``round_``) filled with ``colour``, for legends and tables.
    The fill comes last in the style, so tests can read ``background:#rrggbb'></span>label``."""
    return (f"<span class='iccwc-swatch' style='display:inline-block;width:{size};height:{size};"
            f"border:1px solid #555;vertical-align:-2px;margin-right:6px;"
            f"{'border-radius:50%;' if round_ else ''}background:{colour}'></span>")
