"""Linked widgets to explore Toolkit uptake: filters, stage map, funnel, progress table, one country.

:func:`toolkit_explorer` returns a :class:`ToolkitExplorer` whose parts are plain
widgets, so tests (and notebook cells) can set a control's value and check what
changed in the map layers, the funnel SVG or the table HTML, without a browser:

* ``controls``: status date (shown only when the data hold more than one), continent,
  the document's regional grouping, stage, minimum step, and a country;
* ``map``: the stage map (:mod:`iccwc.views.maps.toolkit`), framing the region chosen; clicking a
  country chooses it;
* ``funnel``, ``regions``: SVG charts (:mod:`iccwc.views.charts.toolkit`) in ``ipywidgets.HTML``;
* ``table``: the progress table (:mod:`iccwc.views.tables`), the chosen country outlined;
* ``detail``: the chosen country's step-by-step progress;
* ``status``: one line saying what is shown;
* ``widget``: everything above, laid out.

Filters and the status date change the map, funnel, stage-by-region chart and table
together. Charts are SVG inside HTML widgets (the project's chart convention), so the
initial state shows in exported HTML; changing a control needs a live kernel (Voila or
JupyterLab).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import ipyleaflet
import ipywidgets as w
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views.charts import toolkit as toolkit_charts
from iccwc.views.maps import toolkit as toolkit_map
from iccwc.views import tables as toolkit_table
from iccwc.vocab import CONTINENTS, DOCUMENT_REGIONS, STAGE_LEGEND, STAGES
from iccwc.analysis.snapshots import resolve_date, snapshot, snapshot_dates
from iccwc.analysis.toolkit_uptake import date_label, region_column, select, step_name

ALL = ""   # the value of "no filter" in a dropdown (ipywidgets cannot select a None option)


@dataclass
class Controls:
    status_date: w.Dropdown
    continent: w.Dropdown
    document_region: w.Dropdown
    stage: w.Dropdown
    min_step: w.Dropdown
    country: w.Dropdown
    box: w.Box

    def filters(self) -> dict:
        """The filters as :func:`iccwc.analysis.toolkit_uptake.select` takes them."""
        return {"region": self.continent.value or None,
                "document_region": self.document_region.value or None,
                "stage": self.stage.value or None,
                "min_step": self.min_step.value if self.min_step.value > 1 else None}


@dataclass
class ToolkitExplorer:
    data: pd.DataFrame            # every status date
    controls: Controls
    map: ipyleaflet.Map
    funnel: w.HTML
    regions: w.HTML
    table: w.HTML
    detail: w.HTML
    status: w.HTML
    widget: w.VBox
    data_dir: object = None
    _busy: bool = field(default=False, repr=False)

    # ---------------------------------------------------------------- what is shown
    def snapshot(self) -> pd.DataFrame:
        """Every row of the chosen status date."""
        return snapshot(self.data, pd.Timestamp(self.controls.status_date.value))

    def current(self) -> pd.DataFrame:
        """The rows of the chosen status date that pass the filters."""
        return select(self.snapshot(), **self.controls.filters())

    def countries(self) -> list[str]:
        return self.current()["country"].astype(str).tolist()

    # ---------------------------------------------------------------- updates
    def choose(self, country: str) -> None:
        """Choose a country (what a click on the map does)."""
        if country in [v for _, v in self.controls.country.options]:
            self.controls.country.value = country

    def refresh(self, *_) -> None:
        """Redraw map, charts, table and country list from the controls."""
        if self._busy:
            return
        self._busy = True
        try:
            snap, cur = self.snapshot(), self.current()
            when = date_label(self.controls.status_date.value)
            toolkit_map.set_countries(self.map, cur, self.data_dir, on_click=self.choose)
            regional = self.controls.continent.value or self.controls.document_region.value
            toolkit_map.focus(self.map, cur if regional and len(cur) else None, self.data_dir)
            title = f"Countries that reached each Toolkit step\n(as of {when}; {len(cur)} shown)"
            self.funnel.value = toolkit_charts.funnel_svg(cur, title=title)
            self.regions.value = (toolkit_charts.stage_by_region_svg(cur, "document_region") if len(cur) else "")
            names = cur["country"].astype(str).tolist()
            chosen = self.controls.country.value
            self.controls.country.options = [("(choose a country)", ALL)] + [(n, n) for n in names]
            self.controls.country.value = chosen if chosen in names else ALL
            self.status.value = _status_html(snap, cur, when)
        finally:
            self._busy = False
        self.show_country()

    def show_country(self, *_) -> None:
        """Update the detail panel and the table's outline for the chosen country."""
        if self._busy:
            return
        cur = self.current()
        chosen = self.controls.country.value or None
        when = date_label(self.controls.status_date.value)
        self.detail.value = toolkit_table.country_detail_html(cur, chosen)
        self.table.value = toolkit_table.progress_table_html(
            cur, selected=chosen,
            caption=f"Implementation of the ICCWC Wildlife and Forest Crime Analytic Toolkit (as of {when})")


def _status_html(snap: pd.DataFrame, cur: pd.DataFrame, when: str) -> str:
    stages = cur["stage"].astype(str)
    parts = [f"{int((stages == s).sum())} {charts.escape(s)}" for s in STAGES if (stages == s).any()]
    return (f"<div style='font-size:13px;padding:2px 0'><b>{len(cur)} of {len(snap)}</b> requesting "
            f"countries shown, as of {charts.escape(when)}" + (": " + ", ".join(parts) if parts else "")
            + ".</div>")


def _dropdown(description: str, options, value, width="15em") -> w.Dropdown:
    return w.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "initial"}, layout=w.Layout(width="auto", min_width=width))


def toolkit_explorer(toolkit: pd.DataFrame, status_date="latest", region: str | None = None,
                     data_dir=None) -> ToolkitExplorer:
    """Build the linked explorer on ``toolkit`` (every status date: ``load_toolkit(status_date=None)``).

    ``status_date``: the snapshot shown first ("latest", "earliest", "previous" or a date);
    ``region``: a continent or one of the document's groupings to filter on first (None: all).
    """
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
    box = w.VBox([w.HBox(row1 + [cont_dd, group_dd], layout=w.Layout(flex_flow="row wrap")),
                  w.HBox([stage_dd, step_dd, country_dd], layout=w.Layout(flex_flow="row wrap"))])
    controls = Controls(date_dd, cont_dd, group_dd, stage_dd, step_dd, country_dd, box)

    first_rows = select(snapshot(toolkit, first), **controls.filters())
    m = toolkit_map.stage_map(first_rows, data_dir=data_dir)
    funnel = w.HTML(layout=w.Layout(width="58%", min_width="360px", overflow="auto"))
    detail = w.HTML(layout=w.Layout(width="40%", min_width="280px", overflow="auto"))
    regions = w.HTML(layout=w.Layout(width="100%", max_width="760px", overflow="auto"))
    table = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
    status = w.HTML()
    widget = w.VBox([status, box, m, w.HBox([funnel, detail], layout=w.Layout(flex_flow="row wrap")),
                     regions, table], layout=w.Layout(width="100%"))
    ex = ToolkitExplorer(toolkit, controls, m, funnel, regions, table, detail, status, widget, data_dir)
    for dd in (date_dd, cont_dd, group_dd, stage_dd, step_dd):
        dd.observe(ex.refresh, names="value")
    country_dd.observe(ex.show_country, names="value")
    ex.refresh()
    return ex
