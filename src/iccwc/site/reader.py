"""The reader's view of an executed notebook: what a shared page shows, decided on the notebook before
it is converted (tags, metadata), never by editing the converted HTML.

Policy staff read these pages in a browser, without Python. :func:`prepare` keeps what is meant for them
and drops what is meant for the notebook's authors and tests:

=========================================================  ===========================================
kept                                                       dropped
=========================================================  ===========================================
Markdown cells; ``text/markdown`` outputs                  code (the page is rendered without inputs)
``text/html`` outputs (tables, charts), images             cells tagged ``for-authors`` (checks, notes
widget views (maps), with a note for when scripts          about the code), ``kernel-only`` (an
cannot run                                                 explorer whose controls need Python),
interactive charts (Vega-Lite), drawn by the page          ``parameters``, ``remove-cell``
                                                           all printed text (``stdout``, ``stderr``):
                                                           the notebook's text copies for nbval
                                                           outputs that are only ``text/plain``
                                                           the ``text/html`` beside a widget view
=========================================================  ===========================================

**Figures.** Consecutive code cells whose metadata say ``{"iccwc": {"figure": "<id>", "view": "Map"}}``
with the same id become one cell: one figure, its views (the cells' ``view`` labels) as tabs. The cell's
metadata ``iccwc.figure`` then holds ``{id, title, views: [{key, label}]}`` and each output's metadata
``iccwc.panel`` says which tab it is in (``open`` on a tab's first output, ``close`` on its last): the
site template (``templates/iccwc/index.html.j2``) draws the component from them.

**Links.** A markdown link to another notebook (``01-x.ipynb``) goes to its page (``01-x.html``); a
relative link to anything outside the site (a file of the project's repository) becomes its text.

**Downloads.** Each table whose view recorded its rows in the output's metadata
(``{"iccwc": {"table": {"rows": ...}}}``: :func:`iccwc.views.charts.base.table_view`,
:func:`iccwc.views.tables.progress_table_view`) gets a CSV of them, and each chart (an inline SVG) an
SVG file and a PNG made in the browser from it, with a source line naming the files the chart's view
recorded (``{"iccwc": {"chart": {"sources": ...}}}``); nothing is read back out of the HTML. Files are named
``<notebook>.table-<n>-<what>.as-of-<date>.csv`` / ``.chart-<n>-<what>.as-of-<date>.svg``, with the
section heading above as "what". Every CSV cell starting with ``= + - @`` (tab, CR) is neutralised
(:func:`iccwc.data.csvio.neutralise`, the OWASP rule). Each chart also gets a source line.
"""
from __future__ import annotations

import copy
import csv
import html
import io
import re
from dataclasses import dataclass, field

from iccwc.site import vega as vega_page

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_TESTED = re.compile(r"tested in tests/", re.I)
#: The tag of a cell whose printed text is a plain-text copy, for the notebook's tests (nbval compares it),
#: of a table or chart another cell shows: the reader's view drops that printed text (its other outputs stay).
TEXT_COPY = "text-copy"
#: Cells for the notebook's authors (checks, notes about the code): in JupyterLab, never in the page.
FOR_AUTHORS = "for-authors"
#: Cells that need a Python kernel to work (ipywidgets explorers): in JupyterLab, never in the page.
KERNEL_ONLY = "kernel-only"
#: A cell with one of these tags is not in the reader's view.
DROPPED = frozenset({FOR_AUTHORS, KERNEL_ONLY, "parameters", "remove-cell"})
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.M)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S | re.I)
_RICH = ("text/html", "text/markdown", "image/png", "image/jpeg", "image/svg+xml", "text/latex", WIDGET_VIEW,
         "application/vnd.vegalite.v5+json")


def slug(text: str, limit: int = 40) -> str:
    """Lower-case words joined by '-' (file-name safe), at most ``limit`` characters, cut at a word.

    >>> slug("How far did countries get? (steps 1-8)")
    'how-far-did-countries-get-steps-1-8'
    """
    words = re.findall(r"[a-z0-9]+", text.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + (1 if out else 0) > limit:
            break
        out = f"{out}-{w}" if out else w
    return out or "untitled"


def keep_output(cell, output) -> bool:
    """Whether the reader's view shows this output of a code cell (see the module's table): rich outputs
    only, never printed text."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if tags & (DROPPED | {"remove-output"}):
        return False
    if output.get("output_type") in ("display_data", "execute_result"):
        return any(m in output.get("data", {}) for m in _RICH)
    return False               # printed text; errors cannot reach here (a failing notebook is not rendered)


_MD_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|//)", re.I)


def site_links(text: str, pages: set[str]) -> str:
    """Markdown links made for the site: to another notebook's page, or (anything else relative, not in
    the site) the link's text alone.

    >>> site_links("[01](01-a.ipynb#x), [docs](../docs/u.md), [w](https://a.org)", {"01-a"})
    '[01](01-a.html#x), docs, [w](https://a.org)'
    """
    def fix(m):
        bang, label, target = m.groups()
        if bang or _SCHEME.match(target):
            return m.group(0)
        path, _, anchor = target.partition("#")
        stem = path[:-len(".ipynb")] if path.endswith(".ipynb") else None
        if stem is not None and stem in pages:
            return f"[{label}]({stem}.html" + (f"#{anchor}" if anchor else "") + ")"
        if path in {f"{p}.html" for p in pages} | {"index.html"}:
            return m.group(0)
        return label
    return _MD_LINK.sub(fix, text)


def _kind(label: str) -> str:
    low = label.lower()
    return "map" if "map" in low else "table" if "table" in low else "chart"


def group_figures(cells: list) -> list:
    """Consecutive code cells of one figure (metadata ``iccwc.figure`` id) as one cell, its outputs marked
    by tab (see the module's docs). Cells that are not figures are returned as they are."""
    out, i = [], 0
    while i < len(cells):
        cell = cells[i]
        meta = cell.get("metadata", {}).get("iccwc") or {}
        fid = meta.get("figure") if cell.cell_type == "code" else None
        if not isinstance(fid, str) or not fid:
            out.append(cell)
            i += 1
            continue
        group = [cell]
        while (i + len(group) < len(cells) and cells[i + len(group)].cell_type == "code"
               and (cells[i + len(group)].get("metadata", {}).get("iccwc") or {}).get("figure") == fid):
            group.append(cells[i + len(group)])
        i += len(group)
        merged = copy.copy(cell)
        merged.metadata = copy.deepcopy(cell.metadata)
        outputs, views = [], []
        for c in group:
            label = str((c.get("metadata", {}).get("iccwc") or {}).get("view") or "Chart")
            key = slug(label, 20)
            mine = [o for o in c.get("outputs", []) if o.get("output_type") != "stream"]
            if not mine:
                continue
            if not views or views[-1]["key"] != key:
                views.append({"key": key, "label": label})
            for o in mine:
                o.setdefault("metadata", {})
                o["metadata"]["iccwc"] = {**o["metadata"].get("iccwc", {}),
                                          "panel": {"view": key, "kind": _kind(label), "open": False, "close": False}}
                outputs.append(o)
        if not outputs:
            continue
        for n, o in enumerate(outputs):      # a tab's first and last outputs open and close its panel
            p = o["metadata"]["iccwc"]["panel"]
            p["open"] = n == 0 or outputs[n - 1]["metadata"]["iccwc"]["panel"]["view"] != p["view"]
            p["close"] = n == len(outputs) - 1 or outputs[n + 1]["metadata"]["iccwc"]["panel"]["view"] != p["view"]
        merged.outputs = outputs
        merged.metadata["iccwc"] = {**merged.metadata.get("iccwc", {}),
                                    "figure": {"id": slug(fid, 40), "title": str(meta.get("title") or ""),
                                               "views": views}}
        out.append(merged)
    return out


def table_csv(rows: list[list[str]]) -> str:
    """CSV text of ``rows``, every cell neutralised for spreadsheets (OWASP: ``= + - @``)."""
    from iccwc.data.csvio import neutralise
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for row in rows:
        w.writerow([neutralise(c) for c in row])
    return buf.getvalue()


@dataclass
class Download:
    name: str          # file name in the reports folder
    data: bytes
    kind: str          # "table" or "chart"
    title: str         # what it is (the section heading)


@dataclass
class Page:
    """A notebook prepared for rendering, and the files to write beside its page."""
    nb: object
    downloads: list[Download] = field(default_factory=list)


def _links(items: list[tuple[str, str]]) -> str:
    return " ".join(f'<a class="iccwc-download" href="{html.escape(href, quote=True)}" download>{html.escape(text)}</a>'
                    for href, text in items)


def view_record(output) -> dict:
    """What the view that made an output recorded in its metadata (``{"iccwc": {...}}``, at the top or
    under the mimetype, as IPython files a display object's metadata): e.g. a chart's sources."""
    meta = output.get("metadata") or {}
    return {**((meta.get("text/html") or {}).get("iccwc") or {}), **(meta.get("iccwc") or {})}


def _label_of(source: dict) -> str:
    issued = source.get("issued", "")
    who = ", ".join(x for x in (source.get("issuer", ""), issued) if x)
    return f"{source.get('title', '') or source.get('path', '')}" + (f" ({who})" if who else "")


def cited_line(names: list[str], sources: list[dict]) -> str:
    """The source line of a chart that recorded ``names`` (raw file names, as in the data's source
    columns; :func:`iccwc.views.charts.base.cite`): each matched to the data's source record (title,
    issuer, date), a name with no record kept as it is.

    >>> cited_line(["pins.csv"], [{"path": "raw/w/pins.csv", "title": "Map data", "issuer": "ICCWC", "issued": "2022"}])
    'Map data (ICCWC, 2022)'
    """
    out = []
    for name in names:
        hit = next((s for s in sources if str(s.get("path", "")).endswith("/" + name.lstrip("/"))
                    or str(s.get("path", "")) == name), None)
        label = _label_of(hit) if hit else name
        if label not in out:
            out.append(label)
    return "; ".join(out)


def prepare(nb, stem: str, *, as_of: str, source_line: str, with_code: bool = False,
            sources: list[dict] | None = None, pages: set[str] | frozenset = frozenset(),
            view_kinds: dict[str, str] | None = None) -> Page:
    """A copy of ``nb`` for a shared page: the reader's view (unless ``with_code``), figures as one
    component each, links made for the site (``pages``: the stems of the site's pages), downloads and
    their links beside each table and chart, a source line under each chart, a note with each widget view
    for when scripts cannot run (``view_kinds``: model id -> "map" or "view"). ``nb`` is not changed.

    A chart whose output's metadata names its files (``iccwc.chart.sources``, written by
    :func:`iccwc.views.charts.base.show` after ``cite``) gets a line naming those sources only
    (looked up in ``sources``, the data's source records); any other chart gets ``source_line``."""
    out = copy.copy(nb)
    out.cells = []
    downloads: list[Download] = []
    heading = ""
    n_tables = n_charts = 0
    date = slug(as_of) if as_of else "unknown-date"
    def chart_name(kind: str = "", what: str = "chart") -> str:
        """The current chart's download name, without extension: <stem>.chart-<n>-<heading>[kind].as-of-<date>."""
        return f"{stem}.chart-{n_charts}-{slug(heading or what)}{kind}.as-of-{date}"

    pages = set(pages)
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags or (not with_code and tags & DROPPED):
            continue
        if cell.cell_type == "markdown":
            found = _HEADING.findall(cell.source)
            if found:
                heading = re.sub(r"[*_`]", "", found[-1])
            if not with_code:
                cell = copy.copy(cell)
                cell.source = site_links(cell.source, pages)
            out.cells.append(cell)
            continue
        if cell.cell_type != "code":
            if with_code:
                out.cells.append(cell)
            continue
        c = copy.copy(cell)
        c.metadata = copy.copy(cell.metadata)
        outputs = cell.get("outputs", [])
        if not with_code:
            outputs = [o for o in outputs if keep_output(cell, o)]
        new_outputs = []
        for o in outputs:
            o = copy.deepcopy(o) if o.get("output_type") != "stream" else o
            data = o.get("data", {})
            if WIDGET_VIEW in data:
                # An explorer's static form (text/html beside its widget view, for code hosts): the page
                # draws the widget view, so one copy of each chart and table (and no second download).
                data.pop("text/html", None)
                kind = (view_kinds or {}).get(data[WIDGET_VIEW].get("model_id", ""), "view")
                o.setdefault("metadata", {})
                o["metadata"]["iccwc"] = {**o["metadata"].get("iccwc", {}),
                                          "fallback": "map" if kind == "map" else "interactive view"}
            if "text/markdown" in data and not with_code:
                md = data["text/markdown"]
                data["text/markdown"] = site_links("".join(md) if isinstance(md, list) else md, pages)
            if not with_code and any(m in data for m in _RICH):
                data.pop("text/plain", None)          # the rich form is shown; the repr never
            if vega_page.VEGALITE in data:
                # An interactive chart: compiled to Vega, drawn by the page's own script with its controls,
                # its picture shown until then; its rows as CSV, the picture as SVG, a PNG of what it shows.
                spec = data.pop(vega_page.VEGALITE)
                svg = data.pop(vega_page.SVG, None)
                svg = "".join(svg) if isinstance(svg, list) else svg
                data.pop("text/plain", None)
                n_charts += 1
                name = chart_name()
                downloads.append(Download(name + ".svg", (svg or "").encode("utf-8"), "chart", heading))
                table = vega_page.rows(spec)
                csv_name = None
                if len(table) > 1:
                    csv_name = chart_name(".rows") + ".csv"
                    downloads.append(Download(csv_name, table_csv(table).encode("utf-8"), "table", heading))
                names = vega_page.meta(spec).get("sources") or []
                data["text/html"] = vega_page.fragment(
                    spec, svg, name=name, csv_name=csv_name, n_rows=max(len(table) - 1, 0),
                    source_line=cited_line(names, sources or []) if names else source_line)
                new_outputs.append(o)
                continue
            image = next((m for m in ("image/png", "image/jpeg") if m in data), None)
            if image and "text/html" not in data:
                # An image output becomes an <img> with alt text (the section heading), a source line
                # and a download of the file itself (nbconvert would give it "No description ...").
                import base64
                raw = data.pop(image)
                raw = "".join(raw) if isinstance(raw, list) else raw
                n_charts += 1
                ext = "png" if image == "image/png" else "jpg"
                name = f"{chart_name(what='image')}.{ext}"
                downloads.append(Download(name, base64.b64decode(raw), "chart", heading))
                alt = html.escape(f"Chart: {heading}" if heading else "Chart", quote=True)
                data["text/html"] = (f'<img src="data:{image};base64,{raw.strip()}" alt="{alt}" style="max-width:100%">'
                                     f'<p class="iccwc-source">Source: {html.escape(source_line)}. Download this '
                                     f'image: {_links([(name, ext.upper())])}</p>')
                new_outputs.append(o)
                continue
            if "text/html" in data:
                frag = data["text/html"]
                frag = "".join(frag) if isinstance(frag, list) else frag
                extra = []
                rows = view_record(o).get("table", {}).get("rows") or []    # the rows the view recorded
                if len(rows) >= 2:
                    n_tables += 1
                    name = f"{stem}.table-{n_tables}-{slug(heading or 'table')}.as-of-{date}.csv"
                    downloads.append(Download(name, table_csv(rows).encode("utf-8"), "table", heading))
                    extra.append(f'<p class="iccwc-downloads">Download this table: '
                                 f'{_links([(name, f"CSV ({len(rows) - 1} rows)")])}</p>')
                charts = []
                names = view_record(o).get("chart", {}).get("sources") or []   # the chart's own files
                for m in _SVG.finditer(frag):
                    n_charts += 1
                    name = chart_name()
                    downloads.append(Download(name + ".svg", m.group(0).encode("utf-8"), "chart", heading))
                    charts.append((name, cited_line(names, sources or []) if names else source_line))
                if charts:
                    label = html.escape(f"Chart: {heading}" if heading else "Chart", quote=True)
                    frag = re.sub(r"<svg\b", f'<svg role="img" aria-label="{label}"', frag)
                    for name, line in charts:
                        extra.append(
                            f'<p class="iccwc-source">Source: {html.escape(line)}. '
                            f'Download this chart: {_links([(name + ".svg", "SVG")])} '
                            f'<a class="iccwc-download iccwc-png" href="{html.escape(name, quote=True)}.svg" '
                            f'data-png="{html.escape(name, quote=True)}.png">PNG</a></p>')
                data["text/html"] = frag + "".join(extra)
            new_outputs.append(o)
        c.outputs = new_outputs
        if with_code or new_outputs:
            out.cells.append(c)
    if not with_code:
        out.cells = group_figures(out.cells)
    return Page(out, downloads)


def view_kinds(widget_state: dict | None, shown: set[str]) -> dict[str, str]:
    """model id -> "map" when the view is (or contains) a leaflet map, else "view"."""
    state = (widget_state or {}).get("state") or {}
    kinds = {}
    for mid in shown:
        todo, seen, kind = [mid], set(), "view"
        while todo:
            m = todo.pop()
            if m in seen or m not in state:
                continue
            seen.add(m)
            if state[m].get("model_name") == "LeafletMapModel":
                kind = "map"
                break
            for v in (state[m].get("state", {}).get("children") or []):
                if isinstance(v, str) and v.startswith("IPY_MODEL_"):
                    todo.append(v[len("IPY_MODEL_"):])
        kinds[mid] = kind
    return kinds


#: Packages that check the notebooks and play no part in making a page's numbers: not listed on it.
TEST_TOOLS = frozenset({"nbval", "pytest", "playwright"})


def made(sources: list[dict], data_dates: str, versions: dict, generated: str, parameters: dict | None = None,
         nb=None) -> dict:
    """What the closing "How this was made" section of a page says (the site template draws it): the
    sources (title, issuer, date, sha256 of the file), the dates of the data, what the page is limited to
    (its parameters), the software, when it was made; ``heading``: whether the template gives the section
    its heading (False when the notebook has its own "How this was made" heading)."""
    own = nb is not None and any(c.cell_type == "markdown" and re.search(r"^#+\s+How this was made", c.source, re.M | re.I)
                                 for c in nb.cells)
    shown = {k: v for k, v in (parameters or {}).items() if k != "data_dir" and v not in (None, "", "latest")}
    return {"heading": not own,
            "sources": [{"title": s.get("title", "") or s.get("path", ""), "issuer": s.get("issuer", ""),
                         "issued": s.get("issued", ""), "sha256": str(s.get("sha256", ""))[:12]} for s in sources],
            "dates": data_dates, "limited_to": [f"{k.replace('_', ' ')}: {v}" for k, v in shown.items()],
            "software": [f"{k} {v}" for k, v in versions.items() if k not in TEST_TOOLS], "generated": generated}
