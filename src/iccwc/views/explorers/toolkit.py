"""Linked widgets to explore Toolkit uptake: filters, stage map, funnel, progress table, one country.

:func:`toolkit_explorer` returns a :class:`ToolkitExplorer` (the one explorer shape of
:mod:`iccwc.views.explorers.base`) whose parts are plain widgets, so tests (and notebook cells)
can set a control's value and check what changed in the map layers, the funnel SVG or the table
HTML, without a browser:

* ``controls``: "status_date" (shown only when the data hold more than one), "continent",
  "document_region" (the document's regional grouping), "stage", "min_step" and "country";
* ``map``: the stage map (:mod:`iccwc.views.maps.toolkit`), framing the region chosen; clicking a
  country chooses it;
* ``funnel``, ``regions``: charts (:mod:`iccwc.views.charts.toolkit`) set with ``charts.widget``;
* ``table``: the progress table (:mod:`iccwc.views.tables`), the chosen country outlined;
* ``detail``: the chosen country's step-by-step progress;
* ``status``: one line saying what is shown;
* ``widget``: everything above, laid out.

Filters and the status date change the map, funnel, stage-by-region chart and table together
(:meth:`ToolkitExplorer.update`); choosing a country changes the detail and the table's outline
(:meth:`ToolkitExplorer.show_country`). The initial state shows in exported HTML; changing a
control needs a live kernel (Voila or JupyterLab).
"""
from __future__ import annotations

import ipywidgets as w
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views.charts import toolkit as toolkit_charts
from iccwc.views.explorers.base import KERNEL_ONLY, Drawn, Explorer, chart_value, rows_key
from iccwc.views.maps import base as basemap
from iccwc.views.maps import toolkit as toolkit_map
from iccwc.views import tables as toolkit_table
from iccwc.vocab import CONTINENTS, DOCUMENT_REGIONS, STAGE_LEGEND, STAGES
from iccwc.vocab import TOOLKIT_STAGES
from iccwc.analysis.snapshots import resolve_date, snapshot, snapshot_dates
from iccwc.analysis.toolkit_uptake import date_label, region_column, select, step_name

ALL = ""   # the value of "no filter" in a dropdown (ipywidgets cannot select a None option)


def _status_html(snap: pd.DataFrame, cur: pd.DataFrame, when: str) -> str:
    stages = cur["stage"].astype(str)
    parts = [f"{int((stages == s).sum())} {charts.escape(s)}" for s in TOOLKIT_STAGES if (stages == s).any()]
    return (f"<div style='font-size:13px;padding:2px 0'><b>{len(cur)} of {len(snap)}</b> requesting "
            f"countries shown, as of {charts.escape(when)}" + (": " + ", ".join(parts) if parts else "")
            + ".</div>")


def _dropdown(description: str, options, value, width="15em") -> w.Dropdown:
    return w.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "initial"}, layout=w.Layout(width="auto", min_width=width))


class ToolkitExplorer(Explorer):
    """See the module's docstring. ``data``: every status date."""

    DATA = ("data",)

    DRAWS_NOTHING = ("country",)

    def __init__(self, toolkit: pd.DataFrame, status_date="latest", region: str | None = None,
                 world: dict | None = None):
        self.data, self.world, self._busy = toolkit, basemap.get_world(world), False
        self._drawn_funnel, self._drawn_regions = Drawn(), Drawn()
        dates = snapshot_dates(toolkit)
        first = resolve_date(toolkit, status_date)
        date_dd = _dropdown("Status date", [(date_label(d), d.date().isoformat()) for d in dates],
                            first.date().isoformat(), "13em")
        conts = [c for c in CONTINENTS if c in set(toolkit["region"].astype(str))]
        groups = [g for g in DOCUMENT_REGIONS if g in set(toolkit["document_region"].astype(str))]
        cont_dd = _dropdown("Continent", [("All continents", ALL)] + [(c, c) for c in conts], ALL)
        group_dd = _dropdown("Document region", [("All", ALL)] + [(g, g) for g in groups], ALL, "13em")
        if region is not None:
            col = region_column(toolkit, region)
            target = cont_dd if col == "region" else group_dd
            if region not in [v for _, v in target.options]:
                target.options = list(target.options) + [(region, region)]
            target.value = region
        stage_dd = _dropdown("Stage", [("Any stage", ALL)] + [(STAGE_LEGEND[s], s) for s in STAGES], ALL, "18em")
        step_dd = _dropdown("Reached at least", [(step_name(n), n) for n in range(1, 9)], 1, "18em")
        country_dd = _dropdown("Country", [("(choose a country)", ALL)], ALL, "18em")
        if len(dates) < 2:
            date_dd.layout.display = "none"     # one snapshot: nothing to choose
        row1 = [date_dd] if len(dates) > 1 else []
        self.controls = {"status_date": date_dd, "continent": cont_dd, "document_region": group_dd,
                         "stage": stage_dd, "min_step": step_dd, "country": country_dd}
        self.controls_box = w.VBox([w.HBox(row1 + [cont_dd, group_dd], layout=w.Layout(flex_flow="row wrap")),
                                    w.HBox([stage_dd, step_dd, country_dd], layout=w.Layout(flex_flow="row wrap"))])

        self.map = toolkit_map.stage_map(select(snapshot(toolkit, first), **self.filters()), self.world,
                                         on_click=self.choose)
        self.funnel = w.HTML(layout=w.Layout(width="58%", min_width="360px", overflow="auto"))
        self.detail = w.HTML(layout=w.Layout(width="40%", min_width="280px", overflow="auto"))
        self.regions = w.HTML(layout=w.Layout(width="100%", max_width="760px", overflow="auto"))
        self.table = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        self.status = w.HTML()
        self.widget = self.view([self.status, self.controls_box, self.map,
                              w.HBox([self.funnel, self.detail], layout=w.Layout(flex_flow="row wrap")),
                              self.regions, self.table], layout=w.Layout(width="100%"))
        self._link([n for n in self.controls if n != "country"])
        self._link(["country"], self.show_country)
        self.update()

    # ---------------------------------------------------------------- what is shown
    def filters(self, values: dict | None = None) -> dict:
        """The filters (of the controls, or of ``values``: :meth:`values`) as
        :func:`iccwc.analysis.toolkit_uptake.select` takes them."""
        v = self.values() if values is None else values
        return {"region": v["continent"] or None,
                "document_region": v["document_region"] or None,
                "stage": v["stage"] or None,
                "min_step": v["min_step"] if v["min_step"] > 1 else None}

    def snapshot(self, values: dict | None = None) -> pd.DataFrame:
        """Every row of the chosen status date (of the controls, or of ``values``)."""
        return snapshot(self.data, pd.Timestamp((self.values() if values is None else values)["status_date"]))

    def drawings(self, values: dict, cur: pd.DataFrame | None = None) -> list[tuple[str, object, object]]:
        """The funnel and the stages-by-region chart of the selection ``values`` (``cur``: its rows, when
        known), each keyed by the rows it shows (the funnel also by its title)."""
        if cur is None:
            cur = select(self.snapshot(values), **self.filters(values))
        key = rows_key(cur)
        title = (f"Countries that reached each Toolkit step\n(as of {date_label(values['status_date'])}; "
                 f"{len(cur)} shown)")
        return [("_drawn_funnel", (title, key), lambda: chart_value(toolkit_charts.funnel_figure(cur, title=title))),
                ("_drawn_regions", key, lambda: chart_value(
                    toolkit_charts.stage_by_region_figure(cur, "document_region") if len(cur) else None))]

    def current(self) -> pd.DataFrame:
        """The rows of the chosen status date that pass the filters."""
        return select(self.snapshot(), **self.filters())

    def countries(self) -> list[str]:
        return self.current()["country"].astype(str).tolist()

    # ---------------------------------------------------------------- updates
    def choose(self, country: str) -> None:
        """Choose a country (what a click on the map does)."""
        if country in [v for _, v in self.controls["country"].options]:
            self.controls["country"].value = country

    def update(self, *_) -> None:
        """Redraw map, charts, table and country list from the controls.

        What is quick to draw goes first (status line, map, country list, detail and table), the charts
        (matplotlib, 50-150 ms each) last. The map shows again the layers it made for a country before
        (:func:`iccwc.views.maps.toolkit.set_countries`); a selection shown before, or drawn ahead, gets
        its charts as they were drawn (:class:`~iccwc.views.explorers.base.Drawn`, :meth:`drawings`)."""
        if self._busy:
            return
        self._busy = True
        try:
            c = self.controls
            snap = self.snapshot()
            cur = select(snap, **self.filters())
            when = date_label(c["status_date"].value)
            self.status.value = _status_html(snap, cur, when)
            toolkit_map.set_countries(self.map, cur, self.world, on_click=self.choose)
            regional = c["continent"].value or c["document_region"].value
            toolkit_map.focus(self.map, cur if regional else None, self.world)
            names = cur["country"].astype(str).tolist()
            chosen = c["country"].value
            c["country"].options = [("(choose a country)", ALL)] + [(n, n) for n in names]
            c["country"].value = chosen if chosen in names else ALL
        finally:
            self._busy = False
        self._show_country(cur)
        panels = {"_drawn_funnel": self.funnel, "_drawn_regions": self.regions}
        for name, key, make in self.drawings(self.values(), cur):
            panels[name].value = self.kept(name, key, make)

    def show_country(self, *_) -> None:
        """Update the detail panel and the table's outline for the chosen country."""
        if self._busy:
            return
        self._show_country(self.current())

    def _show_country(self, cur: pd.DataFrame) -> None:
        chosen = self.controls["country"].value or None
        when = date_label(self.controls["status_date"].value)
        self.detail.value = toolkit_table.country_detail_html(cur, chosen)
        # With no country chosen the panel only asks for a choice, which needs Python: not in a shared page.
        (self.detail.remove_class if chosen else self.detail.add_class)(KERNEL_ONLY)
        self.table.value = toolkit_table.progress_table_html(
            cur, selected=chosen,
            caption=f"Implementation of the ICCWC Wildlife and Forest Crime Analytic Toolkit (as of {when})")


def toolkit_explorer(toolkit: pd.DataFrame, status_date="latest", region: str | None = None,
                     data_dir=None, world: dict | None = None) -> ToolkitExplorer:
    """Build the linked explorer on ``toolkit`` (every status date: ``load_toolkit(status_date=None)``).

    ``status_date``: the snapshot shown first ("latest", "earliest", "previous" or a date);
    ``region``: a continent or one of the document's groupings to filter on first (None: all);
    ``world``: the country polygons, already loaded (default: those of ``data_dir``, cached).
    """
    return ToolkitExplorer(toolkit, status_date, region, basemap.get_world(world, data_dir))
