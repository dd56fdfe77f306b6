"""Executed notebooks -> shareable HTML, and the reports/index.html that lists them.

Each HTML file carries the notebook's saved widget state, so maps and widgets
show in a browser without a kernel (Python callbacks do not run there: the
page shows what the notebook showed when it was executed). The page loads three
scripts from a CDN, at pinned versions (:data:`CDN_PACKAGES`): require.js, the
Jupyter widgets HTML manager and jupyter-leaflet. Nothing else is fetched:
MathJax and Mermaid, which the stock template loads, are left out (the
notebooks use neither).

Texts that come from notebooks (titles, summaries) are escaped wherever they
become HTML.
"""
from __future__ import annotations

import copy
import html
import json
import re
import threading
from dataclasses import dataclass

from iccwc.commands import reader, static_assets, vega_page

CDN = static_assets.CDN
#: npm packages the exported HTML loads, at the versions it references (see static_assets).
CDN_PACKAGES = static_assets.PACKAGES
REQUIRE_JS_URL = static_assets.CDN_REQUIRE_JS
WIDGET_RENDERER_URL = static_assets.CDN_WIDGET_RENDERER

# The stock "lab" template, minus MathJax and Mermaid (two CDN scripts the notebooks do not need).
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

_lock = threading.Lock()
_exporter = None
_convert_lock = threading.Lock()


def exporter(with_code: bool = True):
    """One HTMLExporter for the process (building one costs about a second). The view (with code,
    or the reader's: no inputs, no prompts) and the script URLs are set on it for each conversion,
    under the conversion lock; ``with_code`` is accepted for the callers that warm it up."""
    global _exporter
    with _lock:
        if _exporter is None:
            from jinja2 import DictLoader
            from nbconvert import HTMLExporter
            _exporter = HTMLExporter(
                template_name="lab", template_file="iccwc-lab.html.j2",
                extra_loaders=[DictLoader({"iccwc-lab.html.j2": _TEMPLATE})],
                require_js_url=REQUIRE_JS_URL, widget_renderer_url=WIDGET_RENDERER_URL,
                exclude_anchor_links=True)
            # Widget state as compact JSON (no spaces after , and :): about 15% smaller maps.
            _exporter.register_filter("json_dumps", _json_dumps)
        return _exporter


def notebook_title(nb, fallback: str) -> str:
    """The first level-1 markdown heading, else ``fallback`` (plain text, not escaped)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return fallback


_ANSWERS = re.compile(r"^\*\*What this answers\.?\*\*\s*", re.I)


def _plain(para: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", para)       # links -> their text
    return " ".join(re.sub(r"[*_`]", "", text).split())


def shorten(text: str, limit: int = 300) -> str:
    """``text`` if it fits in ``limit`` characters; else cut at the last sentence or clause end (". ",
    "; ", outside brackets) that keeps at least half of it, or else at the last whole word outside
    brackets, with "…" when the cut is not a sentence end. Never mid-word, never inside brackets.

    >>> shorten("One two three.", 20), shorten("One two three. Four five six.", 20), shorten("One two (three four)", 12)
    ('One two three.', 'One two three.', 'One two…')
    """
    if len(text) <= limit:
        return text
    depth, ends, spaces = 0, [], []
    for i, ch in enumerate(text[:limit + 1]):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == " " and depth == 0 and i <= limit:
            spaces.append(i)
            if i and text[i - 1] in ".;!?" and i - 1 < limit:
                ends.append(i - 1)
    if ends and ends[-1] >= limit // 2:
        cut = text[:ends[-1] + 1]
        return cut if cut.endswith((".", "!", "?")) else cut[:-1] + "…"
    cut = text[:spaces[-1]] if spaces else text[:limit - 1]
    return cut.rstrip(" ,;:") + "…"


def notebook_summary(nb, limit: int = 420) -> str:
    """What the notebook answers, from its "**What this answers.**" paragraph (the label left out),
    else its first paragraph of prose; at most ``limit`` characters, cut between words (plain text,
    not escaped). Static words only: the paragraph is the notebook's own, never a computed output.
    """
    first = ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for para in re.split(r"\n\s*\n", cell.source):
            para = para.strip()
            if not para or para.startswith(("#", "|", "```", "<", "-", "*", ">")) and not _ANSWERS.match(para):
                continue
            if _ANSWERS.match(para):
                return shorten(_plain(_ANSWERS.sub("", para)), limit)
            first = first or _plain(para)
    return shorten(first, limit)


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _refs(value, out: set) -> None:
    if isinstance(value, str):
        if value.startswith("IPY_MODEL_"):
            out.add(value[len("IPY_MODEL_"):])
    elif isinstance(value, dict):
        for v in value.values():
            _refs(v, out)
    elif isinstance(value, list):
        for v in value:
            _refs(v, out)


def collect_widget_state(client) -> dict | None:
    """The widget state an nbclient ``NotebookClient`` saw, as plain dicts (None if no widget).

    The same content, in the same @jupyter-widgets/schema format, as
    ``NotebookClient.set_widgets_metadata`` stores in the notebook, without turning every
    list of map coordinates into ``NotebookNode`` objects (about a second per notebook with maps).
    """
    state = {}
    for model_id, s in client.widget_state.items():
        if "_model_name" not in s:
            continue
        entry = {"model_name": s.get("_model_name"), "model_module": s.get("_model_module"),
                 "model_module_version": s.get("_model_module_version"), "state": s}
        buffers = client.widget_buffers.get(model_id)
        if buffers:
            entry["buffers"] = list(buffers.values())
        state[model_id] = entry
    return {"state": state, "version_major": 2, "version_minor": 0} if state else None


def displayed_models(nb) -> set[str]:
    """The model ids of the widget views in the notebook's outputs."""
    return {o["data"][WIDGET_VIEW]["model_id"] for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})}


def prune_widget_state(widget_state: dict, shown: set[str]) -> dict:
    """Only the widget models the ``shown`` views can reach (a new dict; the input is not changed).

    A kernel holds every widget created while the notebook ran, including those built by
    checking cells and never shown; the page needs only the displayed ones and what they
    reference (layouts, styles, layers, controls).
    """
    state = widget_state.get("state") or {}
    todo, keep = set(shown), set()
    while todo:
        mid = todo.pop()
        if mid in keep or mid not in state:
            continue
        keep.add(mid)
        _refs(state[mid].get("state", {}), todo)
    return {**widget_state, "state": {k: v for k, v in state.items() if k in keep}}


def check_widget_versions(widget_state: dict, where: str) -> None:
    """Refuse a state with ipywidgets 7 models (base 1.x, controls 1.x): ``_static/embed-amd.js`` carries
    the ipywidgets 8 models only (:data:`iccwc.commands.static_assets.DROP_AMD`)."""
    for mid, entry in (widget_state.get("state") or {}).items():
        module, ver = entry.get("model_module"), str(entry.get("model_module_version") or "")
        if module in ("@jupyter-widgets/base", "@jupyter-widgets/controls") and not ver.startswith("2."):
            raise ValueError(f"{where}: widget {mid} is a {module} {ver} model (ipywidgets 7); the pages' "
                             "_static/embed-amd.js carries ipywidgets 8 models (2.x) only. Install the "
                             "ipywidgets of environment.yml and run again.")


# nbconvert deep-copies the notebook it converts; a map's widget state is a few hundred
# thousand small objects, so the notebook goes in with a placeholder holding only the model
# ids (what the exporter needs to keep the widget views) and the state is put in afterwards.
_PLACEHOLDER = "iccwc-widget-state-placeholder"
_MARKER = "@@iccwc-widget-state@@"


def _json_dumps(obj) -> str:
    if isinstance(obj, dict) and _PLACEHOLDER in obj:
        return _MARKER
    return json.dumps(obj, separators=(",", ":"))


_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_ICON_VAR = re.compile(r"--jp-icon-[\w-]+:\s*url\([^)]*\);?")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def slim_css(page: str) -> str:
    """Shrink the stylesheets the template inlines in <head> (about 250 KB per file).

    Drops CSS comments, indentation and the ``--jp-icon-*`` variables: about 80 KB of
    data-URI icons for JupyterLab's toolbars and file browser, which a static page never shows.
    Only the <head> is touched, never the notebook's own outputs.
    """
    head, sep, body = page.partition("</head>")
    if not sep:
        return page

    def shrink(m):
        css = _ICON_VAR.sub("", _COMMENT.sub("", m.group(2)))
        css = "\n".join(line.strip() for line in css.splitlines() if line.strip())
        return m.group(1) + css + m.group(3)
    return _STYLE.sub(shrink, head) + sep + body


def notebook_html(nb, title: str, widget_state: dict | None = None, *, with_code: bool = True,
                  assets: static_assets.Assets | None = None) -> str:
    """The HTML of an executed notebook, with the widget state its outputs need.

    ``widget_state`` is what :func:`collect_widget_state` returned; without it, the state
    saved in the notebook's metadata (if any) is used. The notebook is not changed.
    ``with_code=False``: no inputs and no prompts (give it :func:`reader.prepare`'s notebook).
    ``assets``: where the scripts come from (default: the CDN); local assets are linked relatively
    (``_static/``), with jupyter-leaflet mapped to its local copy for require.js.
    """
    if widget_state is None:
        widget_state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE)
    page = copy.copy(nb)
    page.metadata = copy.copy(nb.metadata)
    state = prune_widget_state(widget_state, displayed_models(nb)) if widget_state else None
    if state and assets is not None and assets.local:
        check_widget_versions(state, title)
    if state and state["state"]:
        page.metadata["widgets"] = {WIDGET_STATE: {_PLACEHOLDER: True, "state": dict.fromkeys(state["state"], 0)}}
    else:
        page.metadata.pop("widgets", None)
    conv = exporter()
    assets = assets or static_assets.Assets(False, "not asked for")
    # One conversion at a time: HTMLExporter.from_notebook_node re-registers its widget filter with
    # the notebook's metadata on the shared exporter, so two threads converting at once can judge one
    # notebook's widget views by the other's state and drop them all (seen in the pipeline).
    with _convert_lock:
        conv.require_js_url, conv.widget_renderer_url = assets.require_js_url, assets.widget_renderer_url
        conv.exclude_input = conv.exclude_input_prompt = conv.exclude_output_prompt = not with_code
        body, _ = conv.from_notebook_node(page, resources={"metadata": {"name": title}})
    if "widgets" in page.metadata:
        if body.count(_MARKER) != 1:
            raise RuntimeError("the HTML template did not place the widget state exactly once "
                               f"(found {body.count(_MARKER)} places): has nbconvert's 'lab' template changed?")
        # As the template's escape_html_script filter does: no "</script>" can end the block early.
        body = body.replace(_MARKER, json.dumps(state, separators=(",", ":")).replace("/", "\\/"))
    if assets.local:
        tag = f'<script src="{assets.require_js_url}"></script>'
        if tag not in body:
            raise RuntimeError("the HTML template did not load require.js as expected: has nbconvert's 'lab' "
                               "template changed?")
        body = body.replace(tag, tag + '<script>require.config({paths: {"jupyter-leaflet": '
                            f'"{static_assets.LEAFLET_MODULE}"}}}});</script>' + FIT_JS + vega_page.SCRIPT, 1)
    return slim_css(body)


#: Maps on a narrow screen (a phone): each map fitted in Python for a design size records it in a class
#: (``iccwc-view-620x480``, :func:`iccwc.views.maps.base.fit_bounds`). When the map is drawn smaller
#: than that, this script zooms it out by a fraction of a level so the same area shows (Leaflet
#: keeps whole zoom levels otherwise, and a 366 px map at level 1 cuts the Americas off). It hooks
#: Leaflet as the page's own copy of jupyter-leaflet loads (require.js ``onResourceLoad``): nothing is
#: fetched, and a reader's later zooming is left alone. On a phone the layers lists also start folded.
#: It also gives every map feature a hover tooltip (the feature's ``tooltip`` property, or its popup's
#: ``.iccwc-tip`` head, or the whole popup, or, for the grey world, the country's name).
FIT_JS = """<script>
(function () {
  if (!window.requirejs) return;
  function tipOf(layer) {
    var props = layer.feature && layer.feature.properties, box = document.createElement('div');
    if (props && props.tooltip) { box.textContent = props.tooltip; return box; }
    var parents = layer._eventParents || {};
    var owners = [layer].concat(Object.keys(parents).map(function (k) { return parents[k]; }));
    for (var i = 0; i < owners.length; i++) {
      var popup = owners[i].getPopup && owners[i].getPopup(), content = popup && popup.getContent();
      if (!content || !content.querySelector) continue;
      var head = content.querySelector('.iccwc-tip');
      box.innerHTML = (head || content.querySelector('.widget-html-content') || content).innerHTML;
      if (head) box.insertAdjacentHTML('beforeend', '<br><i>Click for the list.</i>');
      return box.textContent.trim() ? box : null;
    }
    if (props && props.name) { box.textContent = props.name; return box; }   // the grey world: its name
    return null;
  }
  var before = requirejs.onResourceLoad;
  requirejs.onResourceLoad = function (context, map) {
    if (before) before.apply(this, arguments);
    if (map.name !== 'jupyter-leaflet' || !window.L || window.L.iccwcFit) return;
    window.L.iccwcFit = true;
    // Hover tooltips on every map feature (shape or circle): the feature's own 'tooltip' property (plain
    // text), else its popup's head (.iccwc-tip, with a hint that a click shows the rest), else the whole
    // popup, else its name (the grey world). Bound at the first hover, from what the page already holds.
    window.L.Path.addInitHook(function () {
      this.on('mouseover', function (e) {
        if (this.getTooltip()) return;
        var tip = tipOf(this);
        if (!tip) return;
        this.bindTooltip(tip, {sticky: true, direction: 'auto', className: 'iccwc-map-tip', opacity: 0.95});
        this.openTooltip(e.latlng);
      });
    });
    // On a phone an open layers list would cover half the map: it starts folded (a tap opens it).
    window.L.Control.Layers.addInitHook(function () {
      if (window.innerWidth < 600) this.options.collapsed = true;
    });
    window.L.Map.addInitHook(function () {
      var m = this, el = m.getContainer(), centre = m.options.center, zoom = m.options.zoom;
      if (!centre || zoom === undefined || !window.ResizeObserver) return;
      // The bottom-left corner (the legend) sits above the attribution line, which wraps to several
      // lines on a narrow map and would otherwise cover the legend's last rows.
      var lift = new ResizeObserver(function () {
        var a = el.querySelector('.leaflet-control-attribution'), left = el.querySelector('.leaflet-bottom.leaflet-left');
        if (a && left) left.style.bottom = (a.offsetWidth > el.clientWidth / 2 ? a.offsetHeight : 0) + 'px';
      });
      var corner = el.querySelector('.leaflet-bottom.leaflet-right');   // where the attribution is added
      lift.observe(el); if (corner) lift.observe(corner);
      var watch = new ResizeObserver(function () {
        if (!el.isConnected || !el.clientWidth || !el.clientHeight) return;
        var host = el.closest('[class*="iccwc-view-"]');
        var size = host && /iccwc-view-(\\d+)x(\\d+)/.exec(host.className);
        watch.disconnect();
        if (!size || el.clientWidth >= +size[1]) return;
        var w = +size[1], h = +size[2], c = window.L.CRS.EPSG3857.latLngToPoint(window.L.latLng(centre), zoom);
        var area = window.L.latLngBounds(window.L.CRS.EPSG3857.pointToLatLng(c.subtract([w / 2, h / 2]), zoom),
                                         window.L.CRS.EPSG3857.pointToLatLng(c.add([w / 2, h / 2]), zoom));
        m.invalidateSize(false);
        m.options.zoomSnap = 0;
        var least = m.getMinZoom();
        m.options.minZoom = 0;                    // getBoundsZoom would round up to the old minimum
        var z = m.getBoundsZoom(area, false);
        m.setMinZoom(Math.min(least, z));
        m.setView(area.getCenter(), z, {animate: false});
      });
      watch.observe(el);
    });
  };
})();
</script>"""


#: One font family for page, widgets, maps and popups: the system's sans-serif.
FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
        '"Liberation Sans", sans-serif')

_PAGE_CSS = """<style id="iccwc-page">
:root { --iccwc-font: %(font)s; --jp-ui-font-family: var(--iccwc-font); --jp-content-font-family: var(--iccwc-font);
  --jp-content-font-size1: 15px; --jp-widgets-font-size: 14px; --jp-ui-font-size1: 14px; }
body, .jp-RenderedHTMLCommon, .jupyter-widgets, .widget-html-content, .widget-label, .widget-dropdown select,
.widget-select select, .leaflet-container, .leaflet-popup-content, .leaflet-control, button, input, select {
  font-family: var(--iccwc-font) !important; }
body { margin: 0; overflow-x: hidden; }
body.jp-Notebook { padding: 0 12px; max-width: 1100px; margin: 0 auto; }
.jp-Cell { padding: 2px 0; } .jp-OutputArea-output { overflow-x: auto; max-width: 100%%; }
.jp-RenderedHTMLCommon table { font-size: 13px; } .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th { white-space: normal; }
.jp-OutputArea-output pre { font-size: 12px; white-space: pre; overflow-x: auto; }   /* printed tables: scroll, never re-wrapped */
.jp-RenderedHTMLCommon table, .jp-RenderedHTMLCommon table *, .widget-html-content table,
.widget-html-content table * { font-family: var(--iccwc-font) !important; }
.widget-html-content { font-size: 14px; overflow-x: auto; max-width: 100%%; }
.widget-readout { max-width: none !important; overflow: visible !important; }
.leaflet-container { font-size: 13px; } .leaflet-popup-content { font-size: 13px; }
.leaflet-tooltip.iccwc-map-tip { font-size: 13px; line-height: 1.35; white-space: normal; width: max-content; max-width: 260px; }
@media (max-width: 600px) {   /* a phone: a wide chart keeps its natural size (readable text) and scrolls */
  .iccwc-chart { overflow-x: auto; max-width: 100%% !important; }
  .iccwc-chart > svg { min-width: min(var(--iccwc-w, 100%%), 1000px); } }
@media (max-width: 600px) {   /* a phone: map controls compact, so the map itself still shows */
  .leaflet-control-layers-expanded { padding: 2px 6px !important; font-size: 12px; line-height: 1.25; }
  .iccwc-map-title { font-size: 11px !important; max-width: 160px !important; }
  .leaflet-container .leaflet-control-attribution { font-size: 10px; line-height: 1.3; }
  .iccwc-legend { font-size: 10px !important; line-height: 1.3 !important; } }
.iccwc-nav { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; justify-content: space-between; padding: 0.6rem 0;
  border-bottom: 1px solid #ddd; font-size: 15px; }
.iccwc-nav.bottom { border-top: 1px solid #ddd; border-bottom: 0; margin-top: 1rem; }
.iccwc-downloads, .iccwc-source { font-size: 13px; color: #444; margin: 0.3rem 0 0.8rem; }
.iccwc-download { margin-right: 0.6rem; }
.iccwc-fallback { border: 1px dashed #999; padding: 0.6rem; color: #333; font-size: 14px; }
.widget-subarea:not(:empty) ~ .iccwc-fallback { display: none; }
/* An explorer's controls call Python, which a shared page has not: hidden, and its note (hidden by its
   own layout in JupyterLab and Voila) says what they are set to and where they work. */
.iccwc-kernel-only { display: none !important; }
.iccwc-static-only { display: block !important; }
.iccwc-explorer-note { font-size: 14px; line-height: 1.4; white-space: normal; color: #333; background: #f4f6f8; border-left: 3px solid #8a9bb0;
  padding: 0.35rem 0.6rem; }
.iccwc-made { border-top: 1px solid #ddd; margin-top: 1.5rem; font-size: 14px; }
</style>""" % {"font": FONT}

# Charts' PNG links: the SVG file is the link (works without scripts); with scripts, a click draws the
# chart on a canvas and downloads it as PNG (2x, white background), all in the page: nothing is fetched.
_PNG_JS = """<script>
document.addEventListener('click', function (ev) {
  var a = ev.target.closest && ev.target.closest('a.iccwc-png');
  if (!a) return;
  var box = a.closest('.jp-OutputArea-output') || document;
  var svg = box.querySelector('svg');
  if (!svg) return;
  ev.preventDefault();
  var vb = (svg.getAttribute('viewBox') || '0 0 800 600').split(/[ ,]+/).map(Number);
  var img = new Image(), scale = 2;
  img.onload = function () {
    var c = document.createElement('canvas'); c.width = vb[2] * scale; c.height = vb[3] * scale;
    var g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0, c.width, c.height);
    var d = document.createElement('a'); d.href = c.toDataURL('image/png'); d.download = a.getAttribute('data-png');
    document.body.appendChild(d); d.click(); d.remove();
  };
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
});
</script>"""


@dataclass
class Link:
    href: str
    title: str


def nav_html(prev: Link | None, nxt: Link | None, where: str = "top") -> str:
    """Previous / index / next links (escaped)."""
    e = html.escape
    parts = [f'<a rel="prev" href="{e(prev.href, quote=True)}">&larr; {e(prev.title)}</a>' if prev else "<span></span>",
             '<a rel="index" href="index.html">All notebooks (index)</a>',
             f'<a rel="next" href="{e(nxt.href, quote=True)}">{e(nxt.title)} &rarr;</a>' if nxt else "<span></span>"]
    return f'<nav class="iccwc-nav {where}" aria-label="Pages">{"".join(parts)}</nav>'


_NB_LINK = re.compile(r'href="([\w.-]+)\.ipynb((?:#[^"]*)?)"')


def rewrite_links(body: str, pages: set[str]) -> str:
    """``href="01-x.ipynb#s"`` -> ``href="01-x.html#s"`` for each notebook with a page (``pages``: stems)."""
    return _NB_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2)}"' if m.group(1) in pages else m.group(0), body)


_LOCAL_A = re.compile(r'<a\b([^>]*?)\bhref="(?![a-z][a-z0-9+.-]*:|#|//)([^"]*)"([^>]*)>(.*?)</a>', re.S | re.I)


def unlink_missing(body: str, files: set[str]) -> str:
    """Relative links to anything but ``files`` (the site's own pages and downloads) become plain text
    that names the file: ``../docs/updating.md`` is in the project's repository, not in the shared
    folder, so a link there would be a "file not found" for the reader."""
    def fix(m):
        target = html.unescape(m.group(2)).split("#")[0]
        if not target or target in files:
            return m.group(0)
        name = target.lstrip("./")
        return (f'<span class="iccwc-repo-ref" title="in the project\'s repository: {html.escape(name, quote=True)}">'
                f'{m.group(4)}</span>')
    head, sep, rest = body.partition("</head>")
    return head + sep + _LOCAL_A.sub(fix, rest) if sep else _LOCAL_A.sub(fix, body)


def finish_page(body: str, *, prev: Link | None = None, nxt: Link | None = None, pages: set[str] = frozenset(),
                view_kinds: dict[str, str] | None = None, files: set[str] | None = None) -> str:
    """A rendered page made readable and navigable: one font and layout rules, previous / index / next
    links at top and bottom, links between notebooks to their pages (and, when ``files`` is given,
    no link to anything outside the site), a note with each widget view for when scripts cannot
    run, the PNG download script."""
    body = body.replace("</head>", _PAGE_CSS + f'<style id="iccwc-vega">{vega_page.CSS}</style></head>', 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav_html(prev, nxt, "top"), body, count=1)
    i = body.rfind("</body>")
    if i >= 0:
        body = body[:i] + nav_html(prev, nxt, "bottom") + _PNG_JS + body[i:]
    body = rewrite_links(body, set(pages))
    if files is not None:
        body = unlink_missing(body, set(files) | {f"{p}.html" for p in pages} | {"index.html"})
    return reader.add_fallbacks(body, view_kinds or {})


@dataclass
class Entry:
    """One notebook in the index."""
    file: str           # the HTML file name, relative to the index
    notebook: str       # the notebook file name
    title: str
    summary: str
    seconds: float      # how long it took to execute (kept for the run's log; not shown on the page)
    as_of: str = ""     # the dates its data cover, per dataset it reads (SiteContext.data_dates)
    downloads: tuple = ()   # file names of the page's downloads


def _ranges(status: dict) -> str:
    return "; ".join(f"{k}: {v['what']} {v['first']}" + ("" if v["first"] == v["last"] else f" to {v['last']}")
                     for k, v in (status.get("date_ranges") or {}).items())


def index_html(entries: list[Entry], *, generated: str, status: dict, parameters: dict) -> str:
    """reports/index.html: the notebooks, the data they ran on and the parameters, all escaped."""
    e = html.escape
    rows = "\n".join(
        f'<li><a href="{e(x.file, quote=True)}">{e(x.title)}</a>'
        f"<p>{e(x.summary)}</p><p class=\"nb\">Dates of the data: {e(x.as_of or 'unknown')}; notebook {e(x.notebook)}"
        + (f"; {len(x.downloads)} download(s) on the page" if x.downloads else "") + "</p></li>" for x in entries)
    sources = "".join(
        f"<li>{e(s.get('title', ''))} ({e(s.get('issuer', ''))}, {e(s.get('issued', ''))}); "
        f"<code>{e(s.get('path', ''))}</code> sha256 <code>{e(s.get('sha256', '')[:12])}</code>…</li>"
        for s in status.get("sources", []))
    dates = ", ".join(status.get("toolkit_status_dates", []))
    params = ", ".join(f"{e(k)} = <code>{e(repr(v))}</code>" for k, v in parameters.items()) or "defaults"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ICCWC notebooks</title>
<style>
body {{ font-family: {FONT}; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
li {{ margin-bottom: 1rem; }} .nb {{ color: #666; font-size: 0.9em; }} p {{ margin: 0.3rem 0; }}
code {{ font-size: 0.9em; }} footer {{ color: #666; font-size: 0.9em; margin-top: 2rem; }}
</style></head>
<body>
<h1>ICCWC notebooks</h1>
<p>Each page answers one question about the International Consortium on Combating Wildlife Crime
(ICCWC), with its maps, charts and tables, the sources it used and downloads of its tables and
charts. The pages work in any browser, offline too: no Python and no internet needed.</p>
<ol>
{rows}
</ol>
<h2>Data</h2>
<p>Toolkit status date(s): {e(dates) or "none"}. Each dataset's dates: {e(_ranges(status)) or "unknown"}.</p>
<ul>{sources}</ul>
<footer>Generated {e(generated)} by <code>python -m iccwc run</code>; parameters: {params}.</footer>
</body></html>
"""
