"""The one display path of interactive charts: Vega-Lite specifications built with Altair.

An interactive chart is an :class:`altair.TopLevelMixin` (a Chart, LayerChart or concatenation) whose
controls are Vega-Lite parameters bound to inputs (selects, range sliders), whose filters are Vega
expressions over those parameters, and whose data are inline: so it filters, counts and shows tooltips
in the browser, with no kernel and no network. Nothing else turns one into something shown; this
module does, in one way:

* :func:`spec` -- the Vega-Lite JSON as a dict (data inline, the same data give the same JSON byte for
  byte: parameters and views are named, no counter or timestamp goes in);
* :func:`static_svg` -- a static SVG of the chart in its opening state, drawn by ``vl-convert`` (for code
  hosts, a notebook before it runs, and pages without script);
* :func:`show` -- an object for a notebook cell whose ``_repr_mimebundle_`` gives :data:`MIMETYPE` (the
  spec; JupyterLab renders it natively), ``image/svg+xml`` (the static SVG) and ``text/plain`` (one line).

Every chart records its title, a one-line description and the raw files its data come from in the
spec's ``usermeta``: ``{"iccwc": {"title": ..., "description": ..., "sources": [...]}}``, so the shared
page can write a per-chart source line (:func:`finish`, :func:`meta`).

Style: the system sans-serif font, the colours of :mod:`iccwc.views.charts.base`, text of 10 px or
more, ``width: "container"`` so charts reflow at phone and desktop widths.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import altair as alt
import pandas as pd

from iccwc.views.charts.base import TEXT, source_files

#: The mimetype of the spec in a notebook output (Vega-Lite 5: what JupyterLab 4 renders natively).
MIMETYPE = "application/vnd.vegalite.v5+json"
SVG_MIMETYPE = "image/svg+xml"
#: The Vega-Lite version of the specs (Altair's schema) and the one vl-convert draws them with.
VEGALITE_VERSION = alt.SCHEMA_VERSION.lstrip("v")
_VL_CONVERT_VERSION = ".".join(VEGALITE_VERSION.split(".")[:2])
#: The system sans-serif font stack (no web font: the page works offline).
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: Smallest text in a chart, px.
MIN_TEXT = 11
#: Width of the static SVG (the interactive chart takes its container's width).
STATIC_WIDTH = 640
#: "All" in a select: no filter on that field.
ALL = "All"


def options(values, order=None) -> list[str]:
    """The values present in ``values`` (a Series), in ``order`` (a vocabulary list) where given, then
    any others sorted: a select's options always come from the data."""
    present = [str(v) for v in pd.Series(values).dropna().astype(str).unique()]
    ordered = [v for v in (order or []) if v in present]
    return ordered + sorted(v for v in present if v not in ordered)


def select_param(name: str, label: str, values, order=None, all_label: str = ALL) -> alt.Parameter:
    """A parameter bound to a select: "All" then the values of the data (:func:`options`); opens on All."""
    return alt.param(name=name, value=all_label,
                     bind=alt.binding_select(options=[all_label, *options(values, order)], name=label))


def range_param(name: str, label: str, lo: int, hi: int, value: int) -> alt.Parameter:
    """A parameter bound to a range slider of whole numbers ``lo``..``hi``, opening at ``value``."""
    return alt.param(name=name, value=int(value),
                     bind=alt.binding_range(min=int(lo), max=int(hi), step=1, name=label))


def is_all_or(param: str, field: str, all_label: str = ALL) -> str:
    """The Vega expression 'the select ``param`` is All, or the row's ``field`` equals it'."""
    return f"({param} == {json.dumps(all_label)} || datum[{json.dumps(field)}] == {param})"


def records(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` ready to go inline: missing values as None, dates as ISO text, everything JSON-plain."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").astype(object)
        elif isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s):
            out[col] = s.astype(object)
        elif pd.api.types.is_bool_dtype(s):
            out[col] = s.astype(object)
        elif pd.api.types.is_integer_dtype(s):
            out[col] = s.astype(object)
        out[col] = out[col].where(out[col].notna(), None)
    return out.reset_index(drop=True)


def sources(*frames_and_columns, files=()) -> list[str]:
    """The raw files a chart's data come from (``(frame, column)`` pairs, as charts.base.source_files)."""
    have = source_files(*frames_and_columns)
    return have + [f for f in files if f not in have]


def map_link(param: str, label: str, layers: dict[str, str]) -> dict:
    """A control the page's maps follow: when the select ``param`` (shown as ``label``) is set to a value,
    the maps whose layers control lists the layer ``layers[value]`` show that layer and hide the others
    of ``layers``; "All" shows them all (see :mod:`iccwc.site.vega`)."""
    return {param: {"label": label.strip(), "layers": {str(k): str(v) for k, v in layers.items()}}}


def finish(chart, title: str, description: str, cited: list[str], map_layers: dict | None = None):
    """The project's style and the chart's record: font, text sizes, ``usermeta`` (title, description,
    sources and, given, the maps' layers that follow its controls: :func:`map_link`). Every chart module
    returns ``finish(...)`` of its chart."""
    record = {"title": title, "description": description, "sources": list(cited)}
    if map_layers:
        record["map_layers"] = map_layers
    return chart.properties(
        usermeta={"iccwc": record},
    ).configure(
        font=FONT, background="white",
    ).configure_axis(
        labelFontSize=MIN_TEXT, titleFontSize=MIN_TEXT + 1, labelColor=TEXT, titleColor=TEXT, labelLimit=220,
    ).configure_legend(
        labelFontSize=MIN_TEXT, titleFontSize=MIN_TEXT + 1, labelLimit=320, titleLimit=400, orient="bottom", direction="vertical",
    ).configure_title(
        fontSize=14, subtitleFontSize=MIN_TEXT + 1, anchor="start", color=TEXT, subtitleColor=TEXT,
    ).configure_header(labelFontSize=MIN_TEXT, titleFontSize=MIN_TEXT + 1)


def spec(chart) -> dict:
    """The chart's Vega-Lite specification, data inline. Deterministic: the same data give the same JSON."""
    with alt.data_transformers.disable_max_rows():
        d = chart.to_dict(validate=True)
    text = json.dumps(d, sort_keys=False, ensure_ascii=False)
    for counter in ("\"view_", "\"param_"):
        if counter in text:
            raise ValueError(f"interactive chart: an unnamed view or parameter ({counter[1:]}N) would make the "
                             "spec differ between runs; name every view and parameter")
    return d


def meta(d: dict) -> dict:
    """The ``usermeta.iccwc`` record of a spec (title, description, sources)."""
    return d.get("usermeta", {}).get("iccwc", {})


def _fixed_width(obj, width: int):
    if isinstance(obj, dict):
        return {k: (width if k == "width" and v == "container" else _fixed_width(v, width)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fixed_width(v, width) for v in obj]
    return obj


def svg_of_spec(d: dict, width: int = STATIC_WIDTH) -> str:
    """A spec drawn by vl-convert as SVG (``width: "container"`` becomes ``width`` px)."""
    import vl_convert
    return vl_convert.vegalite_to_svg(_fixed_width(d, width), vl_version=_VL_CONVERT_VERSION)


def static_svg(chart, width: int = STATIC_WIDTH) -> str:
    """The chart in its opening state as a static SVG (text stays text), drawn by vl-convert."""
    return svg_of_spec(spec(chart), width)


def describe(d: dict) -> str:
    """The one-line text of a chart: 'Chart: <title> (<description>)'."""
    m = meta(d)
    desc = m.get("description")
    return f"Chart: {m.get('title', '')}" + (f" ({desc})" if desc else "")


@dataclass(frozen=True)
class Shown:
    """A chart for a notebook cell: the spec (interactive), a static SVG and one line of text."""
    spec: dict
    svg: str

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {MIMETYPE: self.spec, SVG_MIMETYPE: self.svg, "text/plain": describe(self.spec)}

    def __repr__(self) -> str:
        return describe(self.spec)


def for_notebook(d: dict, width: int = STATIC_WIDTH) -> dict:
    """The spec as a notebook saves it: ``width: "container"`` becomes ``width`` px, and
    ``usermeta.iccwc.container_width`` records it, so the shared page can make those widths follow the
    page again (:func:`iccwc.site.vega.for_page`). JupyterLab 4's Vega renderer cannot size a
    chart to its output area: a layered chart there hangs the page in a resize loop, a concatenated one
    shrinks to a few pixels (seen in JupyterLab 4.6.6, vega-embed 6.21)."""
    if "\"container\"" not in json.dumps(d):
        return d
    out = _fixed_width(d, width)
    out.setdefault("usermeta", {}).setdefault("iccwc", {})["container_width"] = width
    return out


def show(chart) -> Shown:
    """The chart for a notebook cell (``display(interactive.show(chart))`` or the cell's last expression)."""
    d = for_notebook(spec(chart))
    return Shown(d, svg_of_spec(d))
