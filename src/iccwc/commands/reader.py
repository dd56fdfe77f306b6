"""The reader's view of an executed notebook, and what a shared page carries besides it.

Policy staff read these pages in a browser, without Python. :func:`reader_notebook` keeps what is
meant for them and drops what is meant for the notebook's authors and tests, output by output:

=========================================================  ===========================================
kept                                                       dropped
=========================================================  ===========================================
Markdown cells; ``text/markdown`` outputs                  code (the page is rendered without inputs)
``text/html`` outputs (tables, charts), images             the parameters cell (tag ``parameters``)
widget views (maps, explorers), with a fallback note       outputs that are only ``text/plain``: reprs
printed text (``stdout``) of the other cells               of dicts and objects (``{'requests': 17...``)
                                                           ``stderr`` (warnings)
                                                           the printed sources (a cell calling
                                                           ``sources_text(``) and package versions
                                                           (``versions_text(``): both are in the
                                                           closing "How this was made" section
                                                           the printed self-checks of a cell whose
                                                           first line says it is tested in tests/
                                                           cells tagged ``remove-cell``,
                                                           ``remove-output`` or ``remove-input``
                                                           the printed text of a cell tagged
                                                           ``text-copy`` (a text twin, for nbval, of
                                                           a table or chart shown as HTML)
                                                           the ``text/html`` beside a widget view (an
                                                           explorer's static form, for code hosts):
                                                           the page draws the view
=========================================================  ===========================================

Test markers (``# NBVAL_IGNORE_OUTPUT``) and asserts are in code, so never shown.

Downloads: each HTML table in an output gets a CSV of its rows, and each chart (an inline SVG) an
SVG file and a PNG made in the browser from it; files are named
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
from html.parser import HTMLParser

import nbformat

from iccwc.commands import vega_page

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_TESTED = re.compile(r"tested in tests/", re.I)
#: The tag of a cell whose printed text is a plain-text copy, for the notebook's tests (nbval compares it),
#: of a table or chart another cell shows: the reader's view drops that printed text (its other outputs stay).
TEXT_COPY = "text-copy"
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.M)
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
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
    """Whether the reader's view shows this output of a code cell (see the module's table)."""
    src = cell.get("source", "")
    tags = set(cell.get("metadata", {}).get("tags", []))
    if tags & {"parameters", "remove-cell", "remove-output"}:
        return False
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") != "stdout":
            return False
        if TEXT_COPY in tags:
            return False
        first = src.lstrip().splitlines()[0] if src.strip() else ""
        return not ("sources_text(" in src or "versions_text(" in src or (first.startswith("#") and _TESTED.search(first)))
    if kind in ("display_data", "execute_result"):
        return any(m in output.get("data", {}) for m in _RICH)
    return False               # errors cannot reach here (a failing notebook is not rendered)


class _Rows(HTMLParser):
    """The rows of the first table in an HTML fragment: a list of lists of cell texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self._row, self._cell, self.depth, self.caption, self._in_caption = [], None, None, 0, "", False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self._row = []
        elif self.depth == 1 and tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif self.depth == 1 and tag == "caption":
            self._in_caption = True
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif self.depth == 1 and tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self.depth == 1 and tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += data


def table_rows(fragment: str) -> list[list[str]]:
    """The rows (header rows first, as in the table) of the first ``<table>`` in ``fragment``."""
    p = _Rows()
    p.feed(fragment)
    p.close()
    return p.rows


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


def _fallback(kind: str) -> str:
    what = "map" if kind == "map" else "interactive view"
    return (f'<p class="iccwc-fallback" role="note">This {what} needs JavaScript; open this page in a browser with '
            f'JavaScript on, with the <code>_static</code> folder beside it (no internet is needed).</p>')


def _links(items: list[tuple[str, str]]) -> str:
    return " ".join(f'<a class="iccwc-download" href="{html.escape(href, quote=True)}" download>{html.escape(text)}</a>'
                    for href, text in items)


_CITED = re.compile(r"""<div class='iccwc-chart' data-iccwc-sources='([^']*)'""")


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
            sources: list[dict] | None = None) -> Page:
    """A copy of ``nb`` for a shared page: the reader's view (unless ``with_code``), downloads and
    their links beside each table and chart, a source line under each chart. ``nb`` is not changed.

    A chart whose HTML names its files (``data-iccwc-sources``, written by
    :func:`iccwc.views.charts.base.html` after ``cite``) gets a line naming those sources only
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

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = _HEADING.findall(cell.source)
            if found:
                heading = re.sub(r"[*_`]", "", found[-1])
            out.cells.append(cell)
            continue
        if cell.cell_type != "code":
            if with_code:
                out.cells.append(cell)
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags or (not with_code and "parameters" in tags):
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
                for t in _TABLE.findall(frag):
                    rows = table_rows(t)
                    if len(rows) < 2:
                        continue
                    n_tables += 1
                    name = f"{stem}.table-{n_tables}-{slug(heading or 'table')}.as-of-{date}.csv"
                    downloads.append(Download(name, table_csv(rows).encode("utf-8"), "table", heading))
                    extra.append(f'<p class="iccwc-downloads">Download this table: '
                                 f'{_links([(name, f"CSV ({len(rows) - 1} rows)")])}</p>')
                charts = []
                for m in _SVG.finditer(frag):
                    n_charts += 1
                    name = chart_name()
                    downloads.append(Download(name + ".svg", m.group(0).encode("utf-8"), "chart", heading))
                    box = frag.rfind("<div class='iccwc-chart'", 0, m.start())   # this chart's own block
                    cited = _CITED.match(frag, box) if box >= 0 else None
                    names = [n for n in html.unescape(cited.group(1)).split("|") if n] if cited else []
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
    return Page(out, downloads)


_VIEW_SCRIPT = re.compile(r'(<script type="application/vnd\.jupyter\.widget-view\+json">\s*(\{.*?\})\s*</script>)', re.S)


def add_fallbacks(body: str, view_kinds: dict[str, str]) -> str:
    """After each saved widget view, a one-line note shown until the widget manager draws the view
    (CSS hides it once a rendered widget is its sibling): never blank space when scripts cannot run."""
    import json

    def note(m):
        try:
            mid = json.loads(m.group(2)).get("model_id", "")
        except ValueError:
            mid = ""
        return m.group(1) + _fallback(view_kinds.get(mid, "view"))
    return _VIEW_SCRIPT.sub(note, body)


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


def made_cell(sources: list[dict], status_dates: list[str], rows: dict, versions: dict, generated: str,
              command: str, parameters: dict | None = None):
    """The closing "How this was made" section, as a cell with one HTML output (escaped)."""
    e = html.escape
    src = "".join(f"<li>{e(s.get('title', ''))} ({e(s.get('issuer', ''))}, {e(s.get('issued', ''))}); file "
                  f"<code>{e(s.get('path', ''))}</code>, sha256 <code>{e(s.get('sha256', '')[:12])}</code>…</li>"
                  for s in sources)
    rows_t = ", ".join(f"{e(k)} {v}" for k, v in rows.items())
    vers = ", ".join(f"{e(k)} {e(v)}" for k, v in versions.items())
    params = ", ".join(f"{e(k)} = {e(repr(v))}" for k, v in (parameters or {}).items() if k != "data_dir")
    body = (f'<section class="iccwc-made"><h2 id="how-this-was-made">How this was made</h2>'
            f"<p>Every number on this page is computed from the sources below, by the project's notebooks "
            f"(<code>{e(command)}</code>, {e(generated)}). Where a source is silent, the data are empty, not guessed.</p>"
            f"<h3>Sources</h3><ul>{src}</ul>"
            f"<h3>Data version</h3><p>Toolkit status date(s): {e(', '.join(status_dates)) or 'none'}. "
            f"Rows: {rows_t}.</p>"
            + (f"<p>Parameters: {params}.</p>" if params else "")
            + f"<h3>Software</h3><p>{vers}.</p></section>")
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": body})]
    return cell
