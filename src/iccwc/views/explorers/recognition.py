"""Linked widgets to explore the recognition instruments: year range, category, "names the Toolkit".

:func:`recognition_explorer` returns a :class:`RecognitionExplorer` (the one explorer shape of
:mod:`iccwc.views.explorers.base`) whose timeline chart (``charts.widget``), table (escaped HTML)
and places map update together when a control changes. The filtering itself is the pure function
:func:`iccwc.analysis.recognition.filter_recognitions`, tested on its own.
"""
from __future__ import annotations

import ipywidgets as w
import pandas as pd

from iccwc.analysis.recognition import (ALL, _categories, filter_recognitions, has_place, names_toolkit, source_label,
                                        toolkit_word)
from iccwc.vocab import CATEGORIES
from iccwc.views.charts import base as charts
from iccwc.views.charts import recognition as recognition_charts
from iccwc.views.explorers.base import Drawn, Explorer, chart_value, rows_key
from iccwc.views.maps import base as basemap
from iccwc.views.maps import recognition as recognition_map

TABLE_COLUMNS = {
    "date": "date",
    "instrument": "instrument",
    "issuing_body": "issuing body",
    "category": "category",
    "instrument_type": "kind",
    "place_shown": "place",
    "toolkit": "names the Toolkit",
    "source_shown": "source",
}


def table_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The instruments as displayed: one row each, place or "no place stated in its source", and the source:
    "the SC66 list" with the document and line, or the news item (url and date)."""
    t = df.sort_values(["month", "id"], kind="stable").copy()
    t["source_shown"] = source_label(t) + ": " + t["source"].astype(str) if len(t) else t["source"]
    t["place_shown"] = t["place"].where(has_place(t), recognition_map.NO_PLACE)
    t["toolkit"] = t["mentions_toolkit"].map(toolkit_word)
    t["category"] = t["category"].astype(str)
    return t[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS).reset_index(drop=True)


def table_html(df: pd.DataFrame) -> str:
    """The table as HTML; every cell escaped."""
    if df.empty:
        return "<p><i>No instrument matches the selection.</i></p>"
    return charts.table_html(table_frame(df), index=False)


def summary_text(df: pd.DataFrame, total: int) -> str:
    n_place = int(has_place(df).sum())
    n_tk, n_none = int(names_toolkit(df).sum()), len(df) - n_place

    def verb(n, one, many):
        return f"{n} {one if n == 1 else many}"
    return (f"{len(df)} of {total} instruments shown; {verb(n_tk, 'names', 'name')} the Analytic Toolkit; "
            f"{verb(n_place, 'has', 'have')} a place of adoption on the map, "
            f"{verb(n_none, 'has', 'have')} no place stated in its source.")


class RecognitionExplorer(Explorer):
    """``controls``: "years" (range slider), "category" (dropdown), "toolkit_only" (checkbox); views:
    ``summary``, ``chart`` (timeline), ``table``, ``map`` (places); ``selection``: the rows shown."""

    DATA = ("data",)

    def __init__(self, df: pd.DataFrame, years: tuple[int | None, int | None] | None = None,
                 category: str | None = None, toolkit_only: bool = False, world: dict | None = None):
        y_min, y_max = int(df["year"].min()), int(df["year"].max())
        lo, hi = years if years is not None else (None, None)
        lo = y_min if lo is None else min(max(int(lo), y_min), y_max)
        hi = y_max if hi is None else max(min(int(hi), y_max), lo)
        style = {"description_width": "initial"}
        year_w = w.IntRangeSlider(value=(lo, hi), min=y_min, max=y_max, step=1, description="Years",
                                  continuous_update=False, style=style,
                                  layout=w.Layout(width="340px", margin="2px 24px 2px 0"))
        options = [("all three categories", ALL)] + [(c, c) for c in CATEGORIES]
        cats = _categories(category)
        if cats is not None and len(cats) != 1:
            raise ValueError("the explorer's category control takes one category (or None for all)")
        filter_recognitions(df, None, cats)   # validates the name
        cat_w = w.Dropdown(options=options, value=cats[0] if cats else ALL, description="Category",
                           style=style, layout=w.Layout(width="440px", margin="2px 24px 2px 0"))
        tk_w = w.Checkbox(value=bool(toolkit_only), description="only those naming the Analytic Toolkit",
                          indent=False)
        self.data = df
        self.selection: pd.DataFrame | None = None
        self._drawn_map, self._drawn_chart = Drawn(), Drawn()
        self.controls = {"years": year_w, "category": cat_w, "toolkit_only": tk_w}
        self.controls_box = w.HBox([year_w, cat_w, tk_w],
                                   layout=w.Layout(flex_flow="row wrap", justify_content="flex-start"))
        self.summary, self.chart, self.table = w.HTML(), w.HTML(), w.HTML()
        self.map = recognition_map.places_map(df.iloc[0:0], world, legend_from=df)
        unplaced = recognition_map.without_place(df)["issuing_body_short"].astype(str)
        bodies = ", ".join(dict.fromkeys(unplaced))
        no_place_note = w.HTML(value=f"<p style='font-size:12px'>Instruments with {recognition_map.NO_PLACE} "
                                     f"({charts.escape(bodies)}) are in the table, not on the map.</p>")
        self.widget = self.view([self.controls_box, self.summary, self.chart, self.map, no_place_note, self.table])
        self.update()
        self._link()

    def selected(self, values: dict | None = None) -> pd.DataFrame:
        """The instruments the controls (or ``values``: :meth:`values`) select."""
        v = self.values() if values is None else values
        return filter_recognitions(self.data, tuple(v["years"]), v["category"], v["toolkit_only"])

    def drawings(self, values: dict, sel: pd.DataFrame | None = None) -> list[tuple[str, object, object]]:
        """The timeline of the selection ``values`` (``sel``: its rows, when known), keyed by its rows."""
        if sel is None:
            sel = self.selected(values)
        return [("_drawn_chart", rows_key(sel), lambda: chart_value(recognition_charts.recognition_timeline(
            sel, title="Selected instruments, by month of adoption",
            x_range=recognition_charts.year_range(self.data))))]

    def update(self, *_) -> None:
        """Redraw summary, table, map and timeline from the controls: the timeline (matplotlib) last; a
        selection shown before gets its map layers and timeline back as they were drawn, and one drawn
        ahead its timeline (:class:`~iccwc.views.explorers.base.Drawn`, :meth:`drawings`)."""
        sel = self.selected()
        self.selection = sel
        key = rows_key(sel)
        self.summary.value = f"<p>{charts.escape(summary_text(sel, len(self.data)))}</p>"
        self.table.value = table_html(sel)
        # the labels are laid out for the map's zoom: a drawing is kept for the zoom it was drawn at
        self._drawn_map.widgets((int(self.map.zoom), key), lambda: recognition_map.update_places(self.map, sel),
                                self._map_traits)
        for name, key, make in self.drawings(self.values(), sel):
            self.chart.value = self.kept(name, key, make)

    def _map_traits(self) -> list[tuple[w.Widget, str]]:
        """What :func:`iccwc.views.maps.recognition.update_places` sets: its two layer groups' layers."""
        return [(basemap.layer_group(self.map, name), "layers")
                for name in (recognition_map.MARKER_LAYER, recognition_map.LABEL_LAYER)]


def recognition_explorer(df: pd.DataFrame, years: tuple[int | None, int | None] | None = None,
                         category: str | None = None, toolkit_only: bool = False,
                         data_dir=None, world: dict | None = None) -> RecognitionExplorer:
    """Controls (year range, category, names the Toolkit) linked to a timeline, a table and a map.
    ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached)."""
    return RecognitionExplorer(df, years, category, toolkit_only, basemap.get_world(world, data_dir))
