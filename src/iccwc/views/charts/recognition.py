"""Recognition of ICCWC over time: counts, cumulative series, themes and charts.

The data are the instruments recognising ICCWC (:func:`iccwc.load_recognitions`): the SC66
document's list of examples (Part 2, July 2011 to July 2015) and later instruments the ICCWC
website's news items state; and the ICCWC documents and reports listed at the end of Part 2
(:func:`iccwc.load_iccwc_documents`). Every count here counts the instruments these sources name,
not every instrument that ever named ICCWC. The timeline marks each instrument's source by the
dot's shape (:data:`SOURCE_MARKERS`).

Tables are plain DataFrames; every chart takes DataFrames and returns a matplotlib
Figure (the contract of :mod:`iccwc.views.charts.base`: show it with ``charts.show(fig)``,
or ``charts.widget(fig)`` in an explorer). The timelines place their labels in a layout computed
here (:func:`timeline_layout`): one row per item, rows as tall as their
wrapped label, so labels cannot overlap, and tests can check it on the
rendered figure (:func:`label_boxes`).
"""
from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from iccwc.analysis.recognition import (NEWS_ITEMS, SC66_LIST, _sorted, counts_by, monthly_cumulative,
                                        names_toolkit, source_label, theme_counts, toolkit_word,
                                        year_category_counts)
from iccwc.views.charts import base as charts
from iccwc.vocab import CATEGORIES

#: The document's three groups, in its order.
#: Colours of the kinds of ICCWC documents and reports (Okabe-Ito, distinct from the category colours).
DOCUMENT_TYPE_COLOURS = {
    "CITES Standing Committee document": "#56B4E9",
    "CITES Conference of the Parties document": "#CC79A7",
    "ICCWC annual report": "#D55E00",
}
TOOLKIT_LABEL = "names the Analytic Toolkit"
#: The dot of an instrument on the timeline, by its source (:func:`iccwc.analysis.recognition.source_label`):
#: (matplotlib marker, legend text). Another source gets a square.
SOURCE_MARKERS = {SC66_LIST: ("o", "in the SC66 list (CITES SC66, January 2016)"),
                  NEWS_ITEMS: ("D", "from an ICCWC website news item")}
OTHER_SOURCE_MARKER = "s"
LABEL_FONT = 8.5           # points
LINE_HEIGHT = 1.3          # times the font size
ROW_PAD = 6.0              # points between rows
WRAP = 46                  # characters per label line


# --------------------------------------------------------------------------- tables

def text_table(df: pd.DataFrame) -> str:
    """A small table as left-aligned plain text (for printing in a notebook, where nbval compares it)."""
    cols = [str(c) for c in df.columns]
    cells = [[("" if pd.isna(v) else str(v)) for v in row] for row in df.itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    out = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(out)


# --------------------------------------------------------------------------- timeline layout

@dataclass(frozen=True)
class TimelineItem:
    key: str
    label: str
    month: pd.Timestamp
    colour: str
    ring: bool = False       # drawn with a dark ring (e.g. names the Toolkit)
    marker: str = "o"        # the dot's shape (e.g. its source)
    tip: str = ""            # the dot's tooltip (default: the label and the month)


def wrap_label(text: str, width: int = WRAP) -> str:
    """A label wrapped on word boundaries (never cut inside a word)."""
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False))


def timeline_layout(items: list[TimelineItem], font_size: float = LABEL_FONT, wrap: int = WRAP) -> pd.DataFrame:
    """Where each label goes: one row per item in date order, each row as tall as its wrapped label
    plus a gap. ``top``/``bottom``/``y`` are in points from the top of the plotting area."""
    line = font_size * LINE_HEIGHT
    rows, top = [], ROW_PAD / 2
    for it in sorted(items, key=lambda i: (i.month, i.key)):
        text = wrap_label(it.label, wrap)
        n = text.count("\n") + 1
        height = n * line
        rows.append({"key": it.key, "text": text, "lines": n, "month": it.month, "top": top,
                     "bottom": top + height, "y": top + height / 2})
        top += height + ROW_PAD
    return pd.DataFrame(rows, columns=["key", "text", "lines", "month", "top", "bottom", "y"])


def _tidy(ax, title: str | None = None) -> None:
    """The project's chart style on an axes (bold left title, no top/right frame)."""
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left", fontweight="bold", fontsize=11)


def _month_label(m: pd.Timestamp) -> str:
    return m.strftime("%b %Y")


def timeline_figure(items: list[TimelineItem], title: str, legend: list[tuple[str, str]],
                    ring_label: str | None = None, x_range: tuple[str, str] | None = None,
                    width: float = 9.0, markers: list[tuple[str, str]] = ()):
    """A dot timeline: a row per item, its label at the left, a dot at its month on a shared time axis,
    the month beside the dot. ``legend``: (label, colour) pairs; ``markers``: (label, marker) pairs
    for the legend of the dots' shapes. ``x_range``: the years shown (default: the items' own)."""
    layout = timeline_layout(items)
    total = float(layout["bottom"].max() + ROW_PAD / 2) if len(layout) else 40.0
    fig = charts.figure(width, total / 72 + 1.55)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # The title spans the label column too, so it goes on the figure, not the axes.
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    by_key = {it.key: it for it in items}
    lo, hi = (pd.Timestamp(x_range[0]), pd.Timestamp(x_range[1])) if x_range else (
        (layout["month"].min(), layout["month"].max()) if len(layout) else
        (pd.Timestamp("2011-01-01"), pd.Timestamp("2016-01-01")))
    lo = pd.Timestamp(year=lo.year, month=1, day=1)
    hi = pd.Timestamp(year=hi.year + 1, month=1, day=1)
    pad = pd.Timedelta(days=170)   # room for the month text beside the last dots
    ax.set_xlim(lo - pd.Timedelta(days=20), hi + pad)
    ax.set_ylim(total, 0)
    ax.set_yticks([])
    _tidy(ax)
    ax.spines["left"].set_visible(False)
    for year in range(lo.year, hi.year + 1):
        ax.axvline(pd.Timestamp(year=year, month=1, day=1), color="#e6e6e6", lw=0.8, zorder=0)
    ax.set_xticks([pd.Timestamp(year=y, month=1, day=1) for y in range(lo.year, hi.year + 1)],
                  [str(y) for y in range(lo.year, hi.year + 1)])
    label_tf = blended_transform_factory(ax.transAxes, ax.transData)
    for r in layout.itertuples(index=False):
        it = by_key[r.key]
        ax.plot([lo - pd.Timedelta(days=20), it.month], [r.y, r.y], color="#eeeeee", lw=0.8, zorder=1)
        dot = ax.scatter([it.month], [r.y], s=46, color=it.colour, zorder=3, marker=it.marker,
                         edgecolors=charts.TEXT if it.ring else "white", linewidths=1.8 if it.ring else 0.6)
        charts.tip(dot, it.tip or f"{it.label}: {it.month.strftime('%B %Y')}")
        ax.text(-0.01, r.y, r.text, transform=label_tf, ha="right", va="center", fontsize=LABEL_FONT,
                color=charts.TEXT, linespacing=LINE_HEIGHT / 1.2, gid=f"label-{r.key}")
        ax.annotate(_month_label(it.month), (it.month, r.y), xytext=(7, 0), textcoords="offset points",
                    va="center", fontsize=7.5, color="#555555", gid=f"date-{r.key}")
    if layout.empty:
        ax.text(0.5, 0.5, "No item matches the selection", transform=ax.transAxes, ha="center",
                va="center", color="#555555")
    handles = [Patch(color=c, label=lab) for lab, c in legend]
    handles += [Line2D([], [], marker=mk, ls="", color="#888888", markersize=7, label=lab) for lab, mk in markers]
    if ring_label:
        handles.append(Line2D([], [], marker="o", ls="", color="#ffffff", markeredgecolor=charts.TEXT,
                              markeredgewidth=1.8, markersize=7, label=ring_label))
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize=8)
    return fig


def label_boxes(fig) -> pd.DataFrame:
    """The rendered boxes (pixels) of a timeline's labels and month texts, for tests."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    rows = []
    for t in fig.findobj(lambda a: hasattr(a, "get_gid") and str(a.get_gid() or "").startswith(("label-", "date-"))):
        b = t.get_window_extent(renderer)
        kind, key = str(t.get_gid()).split("-", 1)
        rows.append({"kind": kind, "key": key, "text": t.get_text(),
                     "x0": b.x0, "x1": b.x1, "y0": b.y0, "y1": b.y1})
    return pd.DataFrame(rows, columns=["kind", "key", "text", "x0", "x1", "y0", "y1"])


def _marker(label: str) -> str:
    return SOURCE_MARKERS[label][0] if label in SOURCE_MARKERS else OTHER_SOURCE_MARKER


def recognition_tip(r, source: str) -> str:
    """The tooltip of an instrument's dot (``r``: a row of the recognitions; ``source``: its
    :func:`~iccwc.analysis.recognition.source_label`)."""
    toolkit = "; names the Analytic Toolkit" if toolkit_word(r.mentions_toolkit) == "yes" else ""
    return (f"{r.instrument}, {pd.Timestamp(r.month).strftime('%B %Y')}\n{r.issuing_body}\n"
            f"{r.instrument_type}; {r.category}{toolkit}\nSource: {source}")


def recognition_items(df: pd.DataFrame) -> list[TimelineItem]:
    d = _sorted(df)
    labels = source_label(d) if len(d) else pd.Series(dtype=str)
    return [TimelineItem(r.id, f"{r.instrument} ({r.issuing_body_short})", r.month,
                         charts.CATEGORY_COLOURS[str(r.category)], toolkit_word(r.mentions_toolkit) == "yes", _marker(lab),
                         recognition_tip(r, lab))
            for r, lab in zip(d.itertuples(index=False), labels)]


def year_range(df: pd.DataFrame) -> tuple[str, str] | None:
    """The first and last month of ``df`` as "YYYY-MM" (for a timeline's ``x_range``), None when empty."""
    return (df["date"].min(), df["date"].max()) if len(df) else None


@charts.citing
def recognition_timeline(df: pd.DataFrame, title: str = "Instruments recognising ICCWC, by month of adoption",
                         x_range: tuple[str, str] | None = None):
    """Timeline of the instruments, coloured by the document's category, ringed if they name the Toolkit,
    the dot's shape telling its source. ``x_range``: the span shown (default: the instruments' own years)."""
    sources = list(dict.fromkeys(source_label(_sorted(df)))) if len(df) else []
    markers = [(SOURCE_MARKERS[s][1] if s in SOURCE_MARKERS else s, _marker(s)) for s in sources]
    return timeline_figure(recognition_items(df), title,
                           [(c, charts.CATEGORY_COLOURS[c]) for c in CATEGORIES],
                           ring_label=TOOLKIT_LABEL, x_range=x_range or year_range(df), markers=markers)


@charts.citing
def reporting_timeline(docs: pd.DataFrame, title: str = "ICCWC documents and reports listed in Part 2"):
    """Timeline of the ICCWC documents and reports (end of Part 2), coloured by kind of document."""
    items = [TimelineItem(f"doc{r.number}", r.symbol, r.month,
                          DOCUMENT_TYPE_COLOURS.get(r.document_type, charts.NEUTRAL),
                          tip=f"{r.symbol}, {pd.Timestamp(r.month).strftime('%B %Y')}: {r.title}\n{r.document_type}")
             for r in docs.sort_values(["month", "number"]).itertuples(index=False)]
    kinds = [k for k in DOCUMENT_TYPE_COLOURS if k in set(docs["document_type"])]
    return timeline_figure(items, title, [(k, DOCUMENT_TYPE_COLOURS[k]) for k in kinds])


# --------------------------------------------------------------------------- count charts

def _names(rows: pd.DataFrame) -> str:
    """The instruments of ``rows``, by month, '; '-separated (for tooltips)."""
    return "; ".join(_sorted(rows)["instrument"].astype(str)) if len(rows) else ""


def _step_tips(ax, df: pd.DataFrame, c: pd.DataFrame, col: str, colour: str, hi: pd.Timestamp) -> None:
    """Tooltips on a step line of :func:`cumulative_chart`: for each month its total rises, an invisible
    wide stroke over the rise and the flat part after it, telling the new total and the instruments
    that raised it."""
    new_col = "new" if col == "cumulative" else "toolkit_new"
    rises = c[c[new_col] > 0].reset_index(drop=True)
    what = ("instrument", "instruments") if col == "cumulative" else (
        "instrument naming the Analytic Toolkit", "instruments naming the Analytic Toolkit")
    for i, r in enumerate(rises.itertuples(index=False)):
        before = getattr(r, col) - getattr(r, new_col)
        until = rises["month"].iloc[i + 1] if i + 1 < len(rises) else hi
        hit, = ax.plot([r.month, r.month, until], [before, getattr(r, col), getattr(r, col)], color=colour,
                       alpha=0, lw=8, solid_joinstyle="miter")
        rows = df[df["month"] == r.month]
        if col != "cumulative":
            rows = rows[names_toolkit(rows)]
        charts.tip(hit, f"{r.month.strftime('%B %Y')}: {charts.counted(getattr(r, col), *what)} in all, "
                        f"{getattr(r, new_col)} new: {_names(rows)}")


@charts.citing
def cumulative_chart(df: pd.DataFrame, x_range: tuple[str, str] | None = None):
    """Running total of instruments, and of those that name the Toolkit, by month (step lines), from January
    of the first year to December of the last (``x_range``: "YYYY-MM" first and last, default the data's)."""
    c = monthly_cumulative(df)
    fig = charts.figure(7.5, 3.4)
    ax = fig.add_subplot()
    first, last = x_range or year_range(df) or ("2011-01", "2015-12")
    lo, hi = pd.Timestamp(f"{first[:4]}-01"), pd.Timestamp(f"{last[:4]}-12")
    if not c.empty:
        lo, hi = min(lo, c["month"].min()), max(hi, c["month"].max())
    x = [lo] + list(c["month"]) + [hi]
    for col, colour, label in [("cumulative", charts.TEXT, "all instruments"),
                               ("toolkit_cumulative", "#CC79A7", TOOLKIT_LABEL)]:
        y = [0] + list(c[col]) + [int(c[col].iloc[-1]) if len(c) else 0]
        ax.step(x, y, where="post", color=colour, lw=2, label=label)
        _step_tips(ax, df, c, col, colour, hi)
        if len(c):
            ax.annotate(str(y[-1]), (hi, y[-1]), xytext=(4, 0), textcoords="offset points", va="center",
                        color=colour, fontsize=9, fontweight="bold")
    _tidy(ax, "Cumulative number of instruments recognising ICCWC")
    ax.set_ylabel("instruments (cumulative)")
    charts.integer_axis(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_xlim(lo, hi + pd.Timedelta(days=60))
    ax.legend(frameon=False, loc="upper left")
    return fig


@charts.citing
def by_year_chart(df: pd.DataFrame, years: range | None = None):
    """Instruments per year, stacked by the document's category; years with none show as 0."""
    t = year_category_counts(df, years)
    fig = charts.figure(6.0, 3.2)
    ax = fig.add_subplot()
    bottom = pd.Series(0, index=t.index)
    for cat in CATEGORIES:
        bars = ax.bar([str(y) for y in t.index], t[cat], bottom=bottom, color=charts.CATEGORY_COLOURS[cat],
                      label=cat)
        for bar, year, n in zip(bars, t.index, t[cat]):
            if n:
                rows = df[(df["year"].astype("int64") == year) & (df["category"].astype(str) == cat)]
                charts.tip(bar, f"{year}: {n} of {charts.counted(t.loc[year].sum(), 'instrument')}, {cat}: "
                                f"{_names(rows)}")
        bottom = bottom + t[cat]
    for i, total in enumerate(bottom):
        ax.text(i, total, str(int(total)), ha="center", va="bottom", fontsize=9)
    _tidy(ax, "Instruments per year, by category")
    ax.set_ylabel("instruments")
    charts.integer_axis(ax.yaxis)
    ax.set_ylim(0, max(1, int(bottom.max()) if len(bottom) else 1) + 1)
    fig.legend(loc="outside lower center", frameon=False, fontsize=8, ncols=1)
    return fig


def _hbar(series: pd.Series, title: str, colour: str = "#0072B2", xlabel: str = "instruments",
          height: float | None = None, annotate: dict | None = None, tips: list[str] | None = None):
    """Horizontal bars of ``series``, most at the top; ``tips``: each bar's tooltip, in its order."""
    fig = charts.figure(6.5, height or max(1.6, 0.32 * len(series) + 1.0))
    ax = fig.add_subplot()
    labels = [wrap_label(str(k), 40) for k in series.index]
    bars = ax.barh(labels, series.values, color=colour)
    for bar, text in zip(bars, tips or []):
        charts.tip(bar, text)
    ax.invert_yaxis()
    for i, (k, v) in enumerate(series.items()):
        note = f"{v}" + (f"  ({annotate[k]})" if annotate and k in annotate else "")
        ax.annotate(note, (v, i), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    _tidy(ax, title)
    ax.set_xlabel(xlabel)
    charts.integer_axis(ax.xaxis)
    ax.set_xlim(0, (int(series.max()) if len(series) else 0) * (2.2 if annotate else 1.15) + 1)
    ax.tick_params(axis="y", length=0)
    return fig


@charts.citing
def by_body_chart(df: pd.DataFrame):
    """Instruments per issuing body (short names)."""
    s = counts_by(df, "issuing_body_short")
    tips = []
    for body, n in s.items():
        rows = df[df["issuing_body_short"] == body]
        full = "; ".join(dict.fromkeys(rows["issuing_body"].astype(str)))
        tips.append(f"{body}: {charts.counted(n, 'instrument')}\n{full}\n{_names(rows)}")
    return _hbar(s, "Instruments per issuing body", tips=tips)


@charts.citing
def by_type_chart(df: pd.DataFrame):
    """Instruments per kind of instrument (resolution, declaration, statement, ...)."""
    s = counts_by(df, "instrument_type")
    tips = [f"{kind}: {charts.counted(n, 'instrument')}: {_names(df[df['instrument_type'] == kind])}"
            for kind, n in s.items()]
    return _hbar(s, "Instruments per kind of instrument", colour="#009E73", tips=tips)


@charts.citing
def themes_chart(df: pd.DataFrame):
    """Species and commodities the instruments name, with how many instruments name each."""
    t = theme_counts(df)
    s = pd.Series(t["instruments"].values, index=t["theme"].values, dtype="int64")
    tips = [f"{r.theme}: named by {charts.counted(r.instruments, 'instrument')}: {r.named_in}"
            for r in t.itertuples(index=False)]
    return _hbar(s, "Species and commodities named by the instruments", colour="#E69F00", tips=tips)


def svg_labels(svg_text: str, kind: str = "label") -> dict[str, str]:
    """The timeline labels in an SVG made from :func:`timeline_figure`: key -> text (lines joined by spaces)."""
    return {html.unescape(key): " ".join(charts.svg_texts(body))
            for key, body in re.findall(rf'<g id="{kind}-([^"]+)">(.*?)</g>', svg_text, flags=re.S)}
