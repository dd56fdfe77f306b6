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

:data:`SCRIPT` draws every such block with ``vega.View`` (SVG renderer, hover on). Its controls are
the specification's bound parameters, rendered by Vega as HTML inputs under the chart; its tooltips
are Vega's default (the browser's own tooltip, from the mark's ``tooltip`` encoding). Nothing is
fetched: the script and the data are in the reports folder.
"""
from __future__ import annotations

import html
import json

from iccwc.commands import static_assets

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


#: Below this width (CSS pixels) of its box, a chart's long axis and legend labels are shortened (SCRIPT: narrow).
NARROW = 560

#: The page script that draws each interactive chart with the page's own copy of Vega.
SCRIPT = """<script>
(function () {
  // A control the page's maps follow (data-iccwc-map-layers: {param: {label, layers: {value: layer name}}}):
  // each map whose layers control lists those layers shows the chosen value's layer and hides the others
  // of the list ("All": every one). It ticks the layers control's own boxes, so the list says what is on;
  // layers not in the list (the grey world) are left alone.
  function followMaps(box, view) {
    var links = JSON.parse(box.getAttribute('data-iccwc-map-layers') || '{}');
    Object.keys(links).forEach(function (param) {
      var byValue = links[param].layers, names = Object.keys(byValue).map(function (k) { return byValue[k]; });
      view.addSignalListener(param, function (name, value) {
        document.querySelectorAll('.leaflet-control-layers-overlays label').forEach(function (label) {
          var layer = label.textContent.trim(), input = label.querySelector('input');
          if (!input || names.indexOf(layer) < 0) return;
          var want = value === '%(all)s' || byValue[value] === layer;
          if (input.checked !== want) input.click();
        });
      });
    });
  }
  // A concatenated chart sized to its container ("width": "container") gives each view the container's
  // width, so its axis labels make the whole drawing wider than the page, and the browser then shrinks it
  // (11 px text drawn at 7 px on a phone). Narrow the views by that excess, so the drawing fits at 1:1.
  function fit(view, live, tries) {
    var svg = live.querySelector('svg');
    var excess = svg ? parseFloat(svg.getAttribute('width')) - live.clientWidth : 0;
    tries = tries === undefined ? 3 : tries;      // a narrower view can wrap labels or legends: measure again
    if (!(excess > 1) || !live.clientWidth || !tries || view.width() <= 120) return Promise.resolve();
    return view.width(Math.max(120, view.width() - excess)).runAsync().then(function () { return fit(view, live, tries - 1); });
  }
  // On a narrow screen (a phone), long labels left of a view (a timeline's categories) and in a legend would
  // leave the views no room, and the drawing would run off the page: they are shortened (Vega ends them with
  // an ellipsis; a mark's tooltip keeps the whole text), and labels along a view's width that would overlap
  // drop every other one. The data are not walked.
  function narrow(spec, width) {
    if (!(width > 0) || width >= %(narrow)d) return spec;
    var axis = Math.max(80, Math.round(width * 0.35)), legend = Math.max(100, width - axis - 50);
    function cap(o, key, most) { o[key] = Math.min(o[key] || most, most); }
    (function walk(node) {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (!node || typeof node !== 'object') return;
      (node.axes || []).forEach(function (a) {
        if (a.orient === 'left' || a.orient === 'right') cap(a, 'labelLimit', axis);
        else if (!a.labelOverlap) a.labelOverlap = true;
      });
      (node.legends || []).forEach(function (l) { cap(l, 'labelLimit', legend); cap(l, 'titleLimit', legend); });
      Object.keys(node).forEach(function (k) { if (k !== 'data' && k !== 'axes' && k !== 'legends') walk(node[k]); });
    })(spec);
    var config = spec.config = spec.config || {};
    config.axis = config.axis || {}; config.legend = config.legend || {};
    cap(config.axis, 'labelLimit', axis);
    cap(config.legend, 'labelLimit', legend);
    cap(config.legend, 'titleLimit', legend);
    return spec;
  }
  function draw() {
    var boxes = document.querySelectorAll('figure.iccwc-vega');
    if (!boxes.length || !window.require) return;
    require.config({paths: {vega: '%(vega)s'}});
    require(['vega'], function (vega) {
      boxes.forEach(function (box) {
        var data = box.querySelector('script[type="%(type)s"]');
        if (!data || box.querySelector('.iccwc-vega-live')) return;
        var live = document.createElement('div');
        live.className = 'iccwc-vega-live';
        box.appendChild(live);
        var spec = narrow(JSON.parse(data.textContent), live.clientWidth);
        var view = new vega.View(vega.parse(spec), {renderer: 'svg', container: live, hover: true});
        view.runAsync().then(function () { return fit(view, live); }).then(function () {
          window.addEventListener('resize', function () { requestAnimationFrame(function () { fit(view, live); }); });
          var still = box.querySelector('.iccwc-vega-static');
          if (still) still.remove();
          box.classList.add('iccwc-vega-drawn');
          box.iccwcView = view;
          followMaps(box, view);
        }).catch(function (e) { console.error('iccwc: a chart could not be drawn', e); live.remove(); });
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw); else draw();
})();
</script>""" % {"vega": static_assets.VEGA_MODULE, "type": VEGA_SCRIPT_TYPE, "all": ALL, "narrow": NARROW}

#: Styles of the interactive charts and their controls (one font, inputs large enough to touch).
CSS = """
figure.iccwc-vega { margin: 0.4rem 0; max-width: 100%; }
figure.iccwc-vega .iccwc-vega-static svg { max-width: 100%; height: auto; }
figure.iccwc-vega .iccwc-vega-live { display: flex; flex-direction: column; }
figure.iccwc-vega .vega-bindings { order: -1; display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; margin: 0.5rem 0;
  font-size: 14px; }   /* the controls above the chart they filter */
figure.iccwc-vega .vega-bind { display: flex; align-items: center; gap: 0.4rem; }
figure.iccwc-vega .vega-bind-name { font-weight: 600; }
figure.iccwc-vega select, figure.iccwc-vega input { font-size: 14px; min-height: 28px; }
figure.iccwc-vega .iccwc-vega-live svg { max-width: 100%; }
"""
