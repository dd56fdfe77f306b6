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
from importlib.metadata import version

CDN = "https://cdn.jsdelivr.net/npm/"


def _leaflet_version() -> str:
    try:
        return version("jupyter-leaflet")
    except Exception:  # pragma: no cover - ipyleaflet always installs it
        return "0.20.0"


#: npm packages the exported HTML loads, at the versions it references (tests vendor these).
CDN_PACKAGES = {
    "requirejs": "2.3.7",
    "@jupyter-widgets/html-manager": "1.0.15",   # the HTML manager of ipywidgets 8.1 (jupyterlab-manager 5.0)
    "jupyter-leaflet": _leaflet_version(),        # loaded by the manager as jupyter-leaflet@<model version range>
}
REQUIRE_JS_URL = f"{CDN}requirejs@{CDN_PACKAGES['requirejs']}/require.js"
WIDGET_RENDERER_URL = (f"{CDN}@jupyter-widgets/html-manager@{CDN_PACKAGES['@jupyter-widgets/html-manager']}"
                       "/dist/embed-amd.js")

# The stock "lab" template, minus MathJax and Mermaid (two CDN scripts the notebooks do not need).
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

_lock = threading.Lock()
_exporter = None
_convert_lock = threading.Lock()


def exporter():
    """One HTMLExporter for the process (building one costs about a second)."""
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


def notebook_html(nb, title: str, widget_state: dict | None = None) -> str:
    """The HTML of an executed notebook, with the widget state its outputs need.

    ``widget_state`` is what :func:`collect_widget_state` returned; without it, the state
    saved in the notebook's metadata (if any) is used. The notebook is not changed.
    """
    if widget_state is None:
        widget_state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE)
    page = copy.copy(nb)
    page.metadata = copy.copy(nb.metadata)
    state = prune_widget_state(widget_state, displayed_models(nb)) if widget_state else None
    if state and state["state"]:
        page.metadata["widgets"] = {WIDGET_STATE: {_PLACEHOLDER: True, "state": dict.fromkeys(state["state"], 0)}}
    else:
        page.metadata.pop("widgets", None)
    conv = exporter()
    # One conversion at a time: HTMLExporter.from_notebook_node re-registers its widget filter with
    # the notebook's metadata on the shared exporter, so two threads converting at once can judge one
    # notebook's widget views by the other's state and drop them all (seen in the pipeline).
    with _convert_lock:
        body, _ = conv.from_notebook_node(page, resources={"metadata": {"name": title}})
    if "widgets" in page.metadata:
        if body.count(_MARKER) != 1:
            raise RuntimeError("the HTML template did not place the widget state exactly once "
                               f"(found {body.count(_MARKER)} places): has nbconvert's 'lab' template changed?")
        # As the template's escape_html_script filter does: no "</script>" can end the block early.
        body = body.replace(_MARKER, json.dumps(state, separators=(",", ":")).replace("/", "\\/"))
    return slim_css(body)


@dataclass
class Entry:
    """One notebook in the index."""
    file: str           # the HTML file name, relative to the index
    notebook: str       # the notebook file name
    title: str
    summary: str
    seconds: float      # how long it took to execute (kept for the run's log; not shown on the page)


def index_html(entries: list[Entry], *, generated: str, status: dict, parameters: dict) -> str:
    """reports/index.html: the notebooks, the data they ran on and the parameters, all escaped."""
    e = html.escape
    rows = "\n".join(
        f'<li><a href="{e(x.file, quote=True)}">{e(x.title)}</a> <span class="nb">{e(x.notebook)}</span>'
        f"<p>{e(x.summary)}</p></li>" for x in entries)
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
body {{ font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
li {{ margin-bottom: 1rem; }} .nb {{ color: #666; font-size: 0.9em; }} p {{ margin: 0.3rem 0; }}
code {{ font-size: 0.9em; }} footer {{ color: #666; font-size: 0.9em; margin-top: 2rem; }}
</style></head>
<body>
<h1>ICCWC notebooks</h1>
<p>Rendered notebooks with their maps and widgets as they were when executed (no Python runs in
these pages; for live widgets use <code>make app</code> or <code>make lab</code>).</p>
<ol>
{rows}
</ol>
<h2>Data</h2>
<p>Toolkit status date(s): {e(dates) or "none"}.</p>
<ul>{sources}</ul>
<footer>Generated {e(generated)} by <code>python -m iccwc run</code>; parameters: {params}.</footer>
</body></html>
"""
