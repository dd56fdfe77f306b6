"""The interactive charts in a shared page: Vega-Lite outputs become charts whose controls run in the page.

A notebook cell that shows an :mod:`iccwc.views.interactive` chart saves three forms of it:
``application/vnd.vegalite.v5+json`` (the specification, data inline), ``image/svg+xml`` (a picture of
its opening state) and ``text/plain``. For the shared page, :func:`fragment` turns them into one HTML
block:

* the Vega-Lite specification compiled to **Vega** when the page is made (``vl-convert``, the same
  compiler JupyterLab's renderer uses), so the page needs one script, ``_static/vega/vega.min.js``
  (about 0.5 MB; vega-lite and vega-embed would add 0.3 MB more), loaded through require.js;
* the picture, shown until Vega has drawn the live chart (or for good, where scripts cannot run),
  with the chart's description as its text alternative;
* downloads: the chart's rows as CSV (cells neutralised for spreadsheets), the picture as SVG, and a
  PNG made in the page from what the chart shows at that moment (the controls as the reader set them);
* a "Source:" line naming the chart's own sources (``usermeta.iccwc.sources``).

The page's script (``templates/iccwc/static/page.js``) draws every such block with ``vega.View`` (SVG renderer, hover on). Its controls are
the specification's bound parameters, rendered by Vega as HTML inputs under the chart; its tooltips
are Vega's default (the browser's own tooltip, from the mark's ``tooltip`` encoding). Nothing is
fetched: the script and the data are in the reports folder.
"""
from __future__ import annotations

import html
import json


VEGALITE = "application/vnd.vegalite.v5+json"
SVG = "image/svg+xml"
#: The script type a compiled Vega specification is stored under in the page.
VEGA_SCRIPT_TYPE = "application/vnd.iccwc.vega+json"
#: The select value that filters nothing (:data:`iccwc.views.interactive.base.ALL`, not imported: it loads Altair).
ALL = "All"
#: The Vega-Lite version the specifications are compiled with (Altair 5.5 writes 5.20.1 specs).
VL_VERSION = "5.20"


def meta(spec: dict) -> dict:
    """The chart's ``usermeta.iccwc`` record: title, description, sources (empty when absent)."""
    return ((spec.get("usermeta") or {}).get("iccwc") or {}) if isinstance(spec, dict) else {}


def for_page(spec: dict) -> dict:
    """The spec with the widths a notebook fixed (``usermeta.iccwc.container_width``, see
    :func:`iccwc.views.interactive.base.for_notebook`) following the page's width again, so a chart
    reflows at 390, 900 and 1280 px."""
    width = meta(spec).get("container_width")

    def walk(obj):
        if isinstance(obj, dict):
            return {k: ("container" if k == "width" and v == width else walk(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [walk(v) for v in obj]
        return obj
    out = walk(spec) if width else dict(spec)
    # Chart titles wrap (Vega draws a title on one line and cuts it at a phone's width)
    out["title"] = wrap_title(out.get("title"))
    for key in ("vconcat", "hconcat", "concat", "layer"):
        if isinstance(out.get(key), list):
            out[key] = [{**v, "title": wrap_title(v["title"])} if isinstance(v, dict) and "title" in v else v
                        for v in out[key]]
    if out["title"] is None:
        del out["title"]
    return out


#: A chart title's longest line in a page, in characters (about 300 px of 14 px bold text: a phone's width).
TITLE_LINE = 40


def wrap_title(title):
    """A title (text, or a title object with ``text``) as lines of at most :data:`TITLE_LINE` characters."""
    import textwrap
    if isinstance(title, str) and len(title) > TITLE_LINE:
        return textwrap.wrap(title, TITLE_LINE)
    if isinstance(title, dict) and isinstance(title.get("text"), str) and len(title["text"]) > TITLE_LINE:
        return {**title, "text": textwrap.wrap(title["text"], TITLE_LINE)}
    return title


def compile_spec(spec: dict) -> dict:
    """The Vega specification of a Vega-Lite one (vl-convert, offline), widths following the page."""
    import vl_convert
    return vl_convert.vegalite_to_vega(for_page(spec), vl_version=VL_VERSION)


def rows(spec: dict) -> list[list[str]]:
    """The chart's data as rows (header first): its one inline dataset, or the largest when several.
    Values as text, missing as empty."""
    datasets = spec.get("datasets") or {}
    values = max(datasets.values(), key=len) if datasets else ((spec.get("data") or {}).get("values") or [])
    if not values:
        return []
    columns = list(dict.fromkeys(k for r in values for k in r))
    out = [columns]
    for r in values:
        out.append(["" if r.get(c) is None else str(r.get(c)) for c in columns])
    return out


def _script_json(obj) -> str:
    """JSON safe inside a <script> element (no '</' can end it early)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")


def fragment(spec: dict, svg: str | None, *, name: str, source_line: str, csv_name: str | None,
             n_rows: int) -> str:
    """The HTML block of one interactive chart (see the module's docs). ``name``: the download file
    name without extension (``.svg`` / ``.png`` are added); ``csv_name``: the CSV download, if any."""
    m = meta(spec)
    label = html.escape(m.get("description") or m.get("title") or "Chart", quote=True)
    picture = ""
    if svg:
        picture = (f'<div class="iccwc-vega-static" role="img" aria-label="{label}">'
                   + svg.replace("<svg", '<svg aria-hidden="true"', 1) + "</div>")
    links = [f'<a class="iccwc-download" href="{html.escape(csv_name, quote=True)}" download>'
             f'CSV ({n_rows} rows)</a>'] if csv_name else []
    links.append(f'<a class="iccwc-download" href="{html.escape(name, quote=True)}.svg" download>SVG</a>')
    links.append(f'<a class="iccwc-download iccwc-png" href="{html.escape(name, quote=True)}.svg" '
                 f'data-png="{html.escape(name, quote=True)}.png">PNG</a>')
    links_attr, follows = "", ""
    if m.get("map_layers"):
        links_attr = f' data-iccwc-map-layers="{html.escape(json.dumps(m["map_layers"]), quote=True)}"'
        names = " and ".join(f"“{html.escape(v['label'])}”" for v in m["map_layers"].values())
        follows = f" The map on this page follows the {names} control: its layers list shows which are on."
    return (f'<figure class="iccwc-vega" aria-label="{label}"{links_attr}>{picture}'
            f'<script type="{VEGA_SCRIPT_TYPE}">{_script_json(compile_spec(spec))}</script></figure>'
            f'<p class="iccwc-source">Source: {html.escape(source_line)}.{follows} '
            f'Download this chart: {" ".join(links)}</p>')


#: Below this width (CSS pixels) of its box, a chart's long axis and legend labels are shortened (static/page.js: narrow).
NARROW = 560
