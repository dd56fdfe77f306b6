"""Executed notebooks -> shareable HTML pages, and the site's index, through nbconvert's template system.

The page template is the template folder ``templates/iccwc/`` of this package (``index.html.j2``
extending nbconvert's "lab" page, ``static/page.css``, ``static/page.js``), found through
``extra_template_basedirs``; the notebook goes in as :mod:`iccwc.site.reader` prepared it (the reader's
view, figures, downloads), with what the page adds around it (navigation, "How this was made", the
scripts' paths) in the ``resources["iccwc"]`` the template reads. Each page carries the notebook's saved
widget state, so maps show in a browser without a kernel. Nothing is fetched when the site's scripts
are in ``_static/`` (:mod:`iccwc.site.static_assets`); MathJax and Mermaid, which the stock template
loads, are left out (the notebooks use neither).
"""
from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from iccwc.site import static_assets, vega as vega_page

CDN = static_assets.CDN
#: npm packages the exported HTML loads, at the versions it references (see static_assets).
CDN_PACKAGES = static_assets.PACKAGES
REQUIRE_JS_URL = static_assets.CDN_REQUIRE_JS
WIDGET_RENDERER_URL = static_assets.CDN_WIDGET_RENDERER

#: The site's nbconvert template folder (``iccwc/index.html.j2``, ``iccwc/static/``).
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "iccwc"

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
            from nbconvert import HTMLExporter
            _exporter = HTMLExporter(
                template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)],
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
    the ipywidgets 8 models only (:data:`iccwc.site.static_assets.DROP_AMD`)."""
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
                  assets: static_assets.Assets | None = None, page: dict | None = None,
                  profiles: dict | None = None) -> str:
    """The HTML of an executed notebook, with the widget state its outputs need.

    ``widget_state`` is what :func:`collect_widget_state` returned; without it, the state
    saved in the notebook's metadata (if any) is used. The notebook is not changed.
    ``with_code=False``: no inputs and no prompts (give it :func:`iccwc.site.reader.prepare`'s notebook).
    ``assets``: where the scripts come from (default: the CDN); local assets are linked relatively
    (``_static/``), with jupyter-leaflet and vega mapped to their local copies for require.js.
    ``page``: what the template adds around the notebook (``nav``: {prev, next} links as {href, title};
    ``made``: :func:`iccwc.site.reader.made`). ``profiles``: where the tables' country names link to
    (``{href, countries: {name: ISO3}}``; the page's script makes the links).
    """
    if widget_state is None:
        widget_state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE)
    doc = copy.copy(nb)
    doc.metadata = copy.copy(nb.metadata)
    state = prune_widget_state(widget_state, displayed_models(nb)) if widget_state else None
    if state and assets is not None and assets.local:
        check_widget_versions(state, title)
    if state and state["state"]:
        doc.metadata["widgets"] = {WIDGET_STATE: {_PLACEHOLDER: True, "state": dict.fromkeys(state["state"], 0)}}
    else:
        doc.metadata.pop("widgets", None)
    conv = exporter()
    assets = assets or static_assets.Assets(False, "not asked for")
    paths = {"vega": static_assets.VEGA_MODULE}
    if assets.local:
        paths["jupyter-leaflet"] = static_assets.LEAFLET_MODULE
    site = {**(page or {}), "paths": paths, "config": {"all": vega_page.ALL, "narrow": vega_page.NARROW,
                                                      **({"profiles": profiles} if profiles else {})}}
    # One conversion at a time: HTMLExporter.from_notebook_node re-registers its widget filter with
    # the notebook's metadata on the shared exporter, so two threads converting at once can judge one
    # notebook's widget views by the other's state and drop them all (seen in the pipeline).
    with _convert_lock:
        conv.require_js_url, conv.widget_renderer_url = assets.require_js_url, assets.widget_renderer_url
        conv.exclude_input = conv.exclude_input_prompt = conv.exclude_output_prompt = not with_code
        body, _ = conv.from_notebook_node(doc, resources={"metadata": {"name": title}, "iccwc": site})
    if "widgets" in doc.metadata:
        if body.count(_MARKER) != 1:
            raise RuntimeError("the HTML template did not place the widget state exactly once "
                               f"(found {body.count(_MARKER)} places): has nbconvert's 'lab' template changed?")
        # As the template's escape_html_script filter does: no "</script>" can end the block early.
        body = body.replace(_MARKER, json.dumps(state, separators=(",", ":")).replace("/", "\\/"))
    return slim_css(body)


@dataclass
class Link:
    href: str
    title: str


def nav(prev: Link | None, nxt: Link | None) -> dict:
    """The previous / next links the template draws at the top and the bottom of a page."""
    return {"prev": prev and {"href": prev.href, "title": prev.title},
            "next": nxt and {"href": nxt.href, "title": nxt.title}}


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


def index_html(entries: list[Entry], *, generated: str, status: dict, parameters: dict) -> str:
    """reports/index.html (template ``templates/iccwc/site-index.html.j2``): the pages, the dates of their
    data, the sources; every value escaped by the template."""
    from jinja2 import Environment, FileSystemLoader
    env = Environment(loader=FileSystemLoader(str(TEMPLATES / TEMPLATE)), autoescape=False)
    shown = {k: v for k, v in (parameters or {}).items() if k != "data_dir" and v not in (None, "", "latest")}
    return env.get_template("site-index.html.j2").render(
        entries=entries, generated=generated, status=status,
        ranges=list((status.get("date_ranges") or {}).items()),
        limited_to=[f"{k.replace('_', ' ')}: {v}" for k, v in shown.items()],
        css=(TEMPLATES / TEMPLATE / "static" / "site-index.css").read_text(encoding="utf-8"))


def profile_links(data_dir, order) -> dict | None:
    """Where a country's name in a page's tables links to: the site's country profiles page (a notebook
    whose name ends in ``country-profiles``), with every name the data give a country (and its display
    name) -> its ISO3 code. None when the site has no such page or the data cannot be read."""
    stem = next((s for s, _ in order if s.endswith("country-profiles")), None)
    if stem is None:
        return None
    from iccwc.analysis.profiles import country_names
    try:
        names = country_names(data_dir)
    except Exception:  # noqa: BLE001 - the pages still render, without the links
        return None
    return {"href": f"{stem}.html", "countries": names}
