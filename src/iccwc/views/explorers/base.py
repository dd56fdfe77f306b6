"""The one shape of an explorer: linked widgets a notebook shows and a test drives.

Every explorer (:func:`iccwc.views.explorers.toolkit.toolkit_explorer`,
:func:`iccwc.views.explorers.recognition.recognition_explorer`,
:func:`iccwc.views.explorers.coverage.coverage_explorer`) is an :class:`Explorer`:

* ``widget``: the whole box (an :class:`ExplorerBox`, made by :meth:`Explorer.view`), to display
  (``explorer.widget`` as a cell's last line);
* ``controls``: a dict, control name -> control widget; set a control's ``value`` to change what
  is shown (what a reader does in Voila or JupyterLab, and what tests do);
* ``controls_box``: the box in ``widget`` where the controls are laid out;
* ``note``: one line saying what the controls are set to and that they work with a kernel only;
* ``update()``: re-render every view (map, charts, tables) from the current control values; it is
  called once when the explorer is built and whenever a control changes;
* ``drawings(values)``: what ``update()`` keeps drawn per selection (:class:`Drawn`: the charts, and
  what else is slow to make), as a pure function of the data and the control values, so that a copy of
  the kernel can draw the selections one change away while the reader looks (``nearby()``,
  :mod:`iccwc.views.explorers.ahead`, started once a browser shows the explorer's map).

The views an explorer shows are its other attributes (``map``, ``chart``, ``table``, ...). Charts
are set with :func:`iccwc.views.charts.base.widget`, so they are SVG in ``ipywidgets.HTML`` values
and the initial state shows in exported HTML without a kernel. The factories take the DataFrames
to explore and, for the map, an already-loaded ``world`` or a ``data_dir`` to read it from.

**Where the controls work.** A control calls Python: in JupyterLab (``make lab``) and the app
(``make app``, Voila) it changes what is shown; in a shared page (``reports/``, the widgets drawn
from their saved state, no kernel) it would change its own text and nothing else. So the controls
box (and any panel that only asks for a choice, such as the Toolkit explorer's country panel before a
country is chosen) carries the CSS class :data:`KERNEL_ONLY` and the :attr:`~Explorer.note` the class
:data:`STATIC_ONLY` (and ``display: none`` in its layout): the shared page's stylesheet
(:mod:`iccwc.site.render`) hides the first and shows the second; JupyterLab and Voila, which
do not load that stylesheet, show the controls and not the note. The map's own zoom, popups and
layers control need no kernel and stay.

**Where the charts show.** Displayed, an :class:`ExplorerBox` gives the widget view and, beside it,
``text/html``: what the controls were set to, every text, chart (an SVG image) and table the
explorer shows, as they are (:meth:`Explorer.static_html`). JupyterLab and Voila render the widget
view (it ranks first) while the kernel holds its model; a code host, or a saved notebook opened
in JupyterLab before it runs (no model: JupyterLab falls back to the next form), shows the static
form instead of ``VBox(children=...)``. The shared page shows the widget view only
(:func:`iccwc.site.reader.prepare` drops the ``text/html`` beside it).
"""
from __future__ import annotations

import base64
import gc
import hashlib
import html as _html
import json
import re
from collections import OrderedDict

import ipyleaflet
import ipywidgets as w
import pandas as pd

from iccwc.views.charts import base as charts
from iccwc.views.maps import base as basemap

#: CSS class of what needs a kernel (the controls box): hidden in the shared page.
KERNEL_ONLY = "iccwc-kernel-only"
#: CSS class of what only the shared page shows (the note): hidden elsewhere by its layout.
STATIC_ONLY = "iccwc-static-only"
#: Where the controls work, as the note says it.
WHERE_LIVE = "they work in JupyterLab (<code>make lab</code>) or the app (<code>make app</code>), not in this page"


def control_text(control: w.Widget) -> str:
    """What one control is set to, as a reader would say it (plain text).

    >>> control_text(w.Dropdown(options=[("All continents", ""), ("Asia", "Asia")], description="Continent"))
    'Continent: All continents'
    >>> control_text(w.IntRangeSlider(value=(2011, 2019), min=2011, max=2019, description="Years"))
    'Years: 2011 to 2019'
    >>> control_text(w.Checkbox(value=False, description="only those naming the Analytic Toolkit"))
    'only those naming the Analytic Toolkit: no'
    """
    name = control.description or "filter"
    if isinstance(control, w.Checkbox):
        shown = "yes" if control.value else "no"
    elif hasattr(control, "label") and isinstance(getattr(control, "options", None), tuple):
        label = str(control.label if control.label is not None else "")
        shown = "none chosen" if not label or label.startswith("(") else label
    elif isinstance(control.value, (tuple, list)) and len(control.value) == 2:
        lo, hi = control.value
        shown = str(lo) if lo == hi else f"{lo} to {hi}"
    else:
        shown = str(control.value)
    return f"{name}: {shown}"


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _svg_img(m: re.Match) -> str:
    """An inline SVG as an ``<img>`` of the same chart (alt: its texts), as wide as its view box."""
    svg = m.group(0)
    texts = [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.strip()]
    alt = _html.escape(("Chart: " + "; ".join(_html.unescape(t) for t in texts))[:300], quote=True)
    box = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"', svg)
    px = round(float(box.group(1)) * 96 / 72) if box else 600      # matplotlib's view box is in points
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img class="iccwc-chart-img" alt="{alt}" width="{px}" '
            f'style="width:100%;max-width:{px}px;height:auto" src="data:image/svg+xml;base64,{data}">')


def _hidden(widget: w.Widget) -> bool:
    layout = getattr(widget, "layout", None)
    return bool(layout is not None and layout.display == "none")


#: How many drawings of one view an explorer keeps (:class:`Drawn`).
KEPT = 48
#: How many drawings made ahead (:mod:`iccwc.views.explorers.ahead`) one view holds until they are shown.
KEPT_AHEAD = 256


#: How many drawings all explorers of the process share (:meth:`Explorer.kept`).
KEPT_SHARED = 192
_SHARED: OrderedDict = OrderedDict()


def frames_key(*frames) -> str:
    """A digest of what DataFrames hold (columns, types, index and every value, in order), or other data
    as JSON (a map's world)."""
    h = hashlib.sha1()
    for df in frames:
        if not isinstance(df, pd.DataFrame):
            h.update(json.dumps(df, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8"))
            continue
        h.update(repr((list(df.columns), [str(t) for t in df.dtypes], len(df))).encode("utf-8"))
        h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    return h.hexdigest()


def _shared(key, make):
    """The drawing another explorer of the process made for ``key``, else ``make()`` (then kept for
    the others): the :data:`KEPT_SHARED` used last are kept."""
    hit = _SHARED.get(key)
    if hit is None:
        hit = make()
        _SHARED[key] = hit
        while len(_SHARED) > KEPT_SHARED:
            _SHARED.popitem(last=False)
    _SHARED.move_to_end(key)
    return hit


def forget_shared() -> None:
    """Empty the drawings explorers share (a kernel reused for the next notebook starts without them)."""
    _SHARED.clear()


def chart_value(fig) -> str:
    """What :func:`iccwc.views.charts.base.widget` sets a chart panel to: the figure's HTML, "" for None."""
    return "" if fig is None else charts.html(fig)


class Drawn:
    """The drawings of one view of an explorer, by what each was drawn from, so that going back to a
    selection shown before sets the same values again instead of drawing them anew.

    A key names what the view is drawn from (e.g. the rows shown and the status date). An explorer's
    data do not change once it is built, so a key always stands for the same drawing. :meth:`get`
    keeps any value (a chart's HTML: matplotlib draws one in 50-250 ms; an HTML summary; a map's
    view), :meth:`chart` and :meth:`value` set a widget to one, and :meth:`widgets` keeps the values a
    drawing left on some widgets' traits (a map's layer groups: the same layer widgets are shown
    again, none is made, and only the changed lists are sent to the page). The ``size`` keys used
    last are kept. :meth:`offer` holds a value drawn ahead (:mod:`iccwc.views.explorers.ahead`) until
    its key is asked for. What :meth:`Explorer.kept` asks for is also shared by the explorers of one
    process that show the same data (:meth:`Explorer.data_key`): a cell run again, or a second explorer
    on the same data, shows a chart another drew instead of drawing it (:data:`KEPT_SHARED` kept).
    """

    def __init__(self, size: int = KEPT):
        self.size = size
        self._kept: OrderedDict = OrderedDict()
        self._ahead: OrderedDict = OrderedDict()

    def _get(self, key):
        hit = self._kept.get(key)
        if hit is not None:
            self._kept.move_to_end(key)
        return hit

    def _put(self, key, value) -> None:
        self._kept[key] = value
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def keys(self) -> list:
        """The keys of the drawings held (kept or offered)."""
        return [*self._kept, *self._ahead]

    def offer(self, key, value) -> None:
        """Hold ``value``, drawn ahead for ``key``, until :meth:`get` asks for that key (the
        :data:`KEPT_AHEAD` offered last are held)."""
        if key in self._kept:
            return
        self._ahead[key] = value
        self._ahead.move_to_end(key)
        while len(self._ahead) > KEPT_AHEAD:
            self._ahead.popitem(last=False)

    def get(self, key, make):
        """The value kept for ``key``, else the one offered for it, else ``make()``; kept."""
        hit = self._get(key)
        if hit is None:
            hit = self._ahead.pop(key, None)
            if hit is None:
                hit = make()
            self._put(key, hit)
        return hit

    def value(self, into: w.Widget, key, make) -> None:
        """``into.value = make()``, or the value ``make()`` gave for ``key`` before."""
        into.value = self.get(key, make)

    def chart(self, into: w.HTML, key, make_figure) -> None:
        """``charts.widget(make_figure(), into=into)``, or the value that gave for ``key`` before."""
        into.value = self.get(key, lambda: chart_value(make_figure()))

    def widgets(self, key, draw, watched) -> None:
        """``draw()``, then keep for ``key`` the values of the traits ``watched()`` names ((widget,
        trait name) pairs); for a key drawn before, set those values again instead, unless
        ``watched()`` names other traits than then (the view gained a layer group since: drawn again)."""
        now = list(watched())
        hit = self._get(key)
        if hit is not None and len(hit) == len(now) and all(
                kept is widget and name == trait for (kept, name, _), (widget, trait) in zip(hit, now)):
            for widget, name, value in hit:
                setattr(widget, name, value)
            return
        draw()
        self._put(key, [(widget, name, getattr(widget, name)) for widget, name in watched()])


def rows_key(df: pd.DataFrame) -> tuple:
    """A key for what the rows of ``df`` hold, in their order (a hash of each row; not the index, which
    the selections renumber)."""
    return tuple(pd.util.hash_pandas_object(df, index=False).tolist())


def quiet_collections() -> None:
    """Collect garbage once, then leave every object alive now out of later collections (``gc.freeze``).

    A kernel that has imported pandas, matplotlib, ipywidgets and ipyleaflet and built an explorer
    holds about 190,000 objects the garbage collector tracks, and each full collection walks all of
    them, in the middle of whichever change it falls (measured in one process over 20 changes of two
    explorers: 262 collections took 249 ms in all, the longest 113 ms; with the objects frozen, 48 ms
    and 13 ms). The frozen objects are the libraries' and the data's, which live as long as the
    kernel: they are still freed when nothing refers to them; only a reference cycle among them, left
    behind later, would wait for ``gc.unfreeze()``. Called once per explorer, when it is built."""
    gc.collect()
    gc.freeze()


#: What an ipyleaflet map's page sets on the map once it draws it (its view's edges): a browser shows it.
_SHOWN = ("south", "north", "east", "west")


def _alternatives(control: w.Widget) -> list:
    """The other values of ``control``, nearest first (see :meth:`Explorer.nearby`)."""
    if isinstance(control, w.Checkbox):
        return [not control.value]
    if isinstance(control, (w.IntRangeSlider, w.FloatRangeSlider)):
        (lo, hi), step = control.value, control.step or 1
        out, k = [], 1
        while lo + k * step <= hi or lo - k * step >= control.min or hi + k * step <= control.max:
            d = k * step
            out += [v for v in [(lo + d, hi), (lo, hi - d), (lo - d, hi), (lo, hi + d)]
                    if control.min <= v[0] <= v[1] <= control.max]
            k += 1
        return out
    options = getattr(control, "options", None)
    if isinstance(options, tuple) and options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if control.value in values:
            i = values.index(control.value)
            return [values[(i + k) % len(values)] for k in range(1, len(values))]
    return []


class ExplorerBox(w.VBox):
    """An explorer's whole box. Displayed, it carries the widget view and a static ``text/html`` form
    of what it shows (see the module's docstring)."""

    def __init__(self, children, explorer: "Explorer", **kwargs):
        super().__init__(children, **kwargs)
        self._explorer = explorer

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = self._explorer.static_html()
        data["text/plain"] = self._explorer.static_text()
        return data


class Explorer:
    widget: w.Box
    controls: dict[str, w.Widget]
    controls_box: w.Box
    note: w.HTML

    #: Controls whose values draw no chart (nothing to draw ahead for them).
    DRAWS_NOTHING: tuple[str, ...] = ()
    #: The process drawing ahead for this explorer, once a browser shows it (:mod:`.ahead`).
    ahead = None

    def update(self, *_) -> None:
        """Re-render every view from the current control values."""
        raise NotImplementedError

    def values(self) -> dict:
        """Every control's value, by the control's name."""
        return {name: c.value for name, c in self.controls.items()}

    def drawings(self, values: dict) -> list[tuple[str, object, object]]:
        """What the explorer keeps in its :class:`Drawn` views for the selection ``values`` (as
        :meth:`values` gives them): (name of the Drawn attribute, key, a function making the value),
        in the order :meth:`update` shows them. A pure function of the data and ``values``: the
        process drawing ahead (:mod:`iccwc.views.explorers.ahead`) calls it for selections not shown."""
        return []

    def kept(self, name: str, key, make):
        """The value the :class:`Drawn` attribute ``name`` keeps for ``key`` (drawn ahead, or before),
        else the one another explorer of the same class on the same data drew for it, else ``make()``:
        what :meth:`update` shows for each of :meth:`drawings`."""
        if self.ahead is not None:
            for got_name, got_key, value in self.ahead.take():
                getattr(self, got_name).offer(got_key, value)
        return getattr(self, name).get(key, lambda: _shared((self.data_key(), name, key), make))

    #: The attributes holding the explorer's data: with the control values, all its drawings depend on.
    DATA: tuple[str, ...] = ()

    def data_key(self) -> tuple:
        """The explorer's class and a digest of its data (:data:`DATA`), computed once."""
        if "_data_key" not in self.__dict__:
            try:
                digest = frames_key(*(getattr(self, a) for a in self.DATA))
            except TypeError:             # a value pandas cannot hash (a list in a cell): shared with none
                digest = object()
            self._data_key = (type(self).__qualname__, digest)
        return self._data_key

    def nearby(self, changed: str | None = None) -> list[dict]:
        """The selections one change away from the current one, as :meth:`values` gives them, the likeliest
        first: every other value of the control ``changed`` (the one just changed: readers step through
        one control), then of each control in turn, the nearest values first (the next options of a
        list, a range's handles moved one step, then two...). Hidden controls, and those in
        :data:`DRAWS_NOTHING`, are left as they are."""
        now = self.values()
        names = [n for n, c in self.controls.items() if n not in self.DRAWS_NOTHING and not _hidden(c)]
        options = {n: _alternatives(self.controls[n]) for n in names}
        order = [(changed, v) for v in options.get(changed, [])]
        rest = [[(n, v) for v in options[n]] for n in names if n != changed]
        for i in range(max((len(r) for r in rest), default=0)):
            order += [r[i] for r in rest if i < len(r)]
        return [{**now, n: v} for n, v in order]

    def _link(self, names=None, handler=None) -> None:
        """Call ``handler`` (default :meth:`update`) when the value of a control in ``names`` (default:
        all) changes; then, if a process draws ahead, send it the selections now nearby (:meth:`nearby`)."""
        for name in (self.controls if names is None else names):
            self.controls[name].observe(handler or self.update, names="value")
            if name not in self.DRAWS_NOTHING:
                self.controls[name].observe(lambda change, name=name: self._wish(name), names="value")

    def _wish(self, changed: str | None = None) -> None:
        if self.ahead is not None:
            self.ahead.wish(self.nearby(changed))

    def draw_ahead(self):
        """Start drawing ahead (:func:`iccwc.views.explorers.ahead.start`) the selections nearby; done when a
        browser first shows the explorer's map. Returns the :class:`~iccwc.views.explorers.ahead.Ahead`
        (None where drawing ahead is off)."""
        from iccwc.views.explorers import ahead
        if self.ahead is None or not self.ahead.alive:
            self.ahead = ahead.start(self, self.nearby())
        return self.ahead

    def _shown_in_a_browser(self, change) -> None:
        """The map reported its view: a browser shows the explorer (not so in ``iccwc run`` or nbval)."""
        change["owner"].unobserve(self._shown_in_a_browser, names=list(_SHOWN))
        if self.drawings(self.values()):
            self.draw_ahead()

    # ---------------------------------------------------------------- the page without a kernel
    def view(self, children: list[w.Widget], **kwargs) -> ExplorerBox:
        """The explorer's whole box (``self.widget``) from ``children``, which hold ``controls_box``
        (directly): the box is marked :data:`KERNEL_ONLY` and the :attr:`note` goes right after it.
        Building the view is the explorer's last step before its first drawing, so it also calls
        :func:`quiet_collections` (once per explorer).
        ``kwargs`` go to the box (``layout=...``)."""
        if self.controls_box not in children:
            raise ValueError("an explorer's view must hold its controls box as a direct child")
        quiet_collections()
        shown_by = getattr(self, "map", None)
        if isinstance(shown_by, ipyleaflet.Map):
            shown_by.observe(self._shown_in_a_browser, names=list(_SHOWN))
        self.controls_box.add_class(KERNEL_ONLY)
        self.note = w.HTML(layout=w.Layout(display="none", width="100%"))
        self.note.add_class(STATIC_ONLY)
        i = list(children).index(self.controls_box)
        self._refresh_note()
        for control in self.controls.values():
            control.observe(self._refresh_note, names="value")
        return ExplorerBox([*children[:i + 1], self.note, *children[i + 1:]], self, **kwargs)

    def settings(self) -> list[str]:
        """What each control the reader can see is set to (:func:`control_text`), in order."""
        return [control_text(c) for c in self.controls.values() if not _hidden(c)]

    def note_text(self) -> str:
        """The note as plain text."""
        return re.sub(r"<[^>]+>", "", _html.unescape(self._note_html()))

    def static_text(self) -> str:
        """The first line of the static form, as plain text (the ``text/plain`` of a displayed explorer)."""
        return re.sub(r"<[^>]+>", "", _html.unescape(self._static_line()))

    def _static_line(self) -> str:
        names = ", ".join(_html.escape(c.description or "filter") for c in self.controls.values() if not _hidden(c))
        return (f"As the notebook last ran: {_html.escape('; '.join(self.settings()))}. Run the notebook in "
                f"JupyterLab (<code>make lab</code>) or the app (<code>make app</code>) to use the filters ({names}).")

    def _note_html(self) -> str:
        names = ", ".join(_html.escape(c.description or "filter") for c in self.controls.values() if not _hidden(c))
        return (f"Shown here: {_html.escape('; '.join(self.settings()))}. "
                f"The filters ({names}) need Python: {WHERE_LIVE}.")

    def _refresh_note(self, *_) -> None:
        self.note.value = f"<p class='iccwc-explorer-note' style='margin:2px 0 6px'>{self._note_html()}</p>"

    def static_html(self) -> str:
        """What the explorer shows, without widgets: a line saying what the controls are set to, then
        each text, chart and table in the order of the box, the controls left out; a map by its title,
        sources and where it can be seen (:meth:`iccwc.views.maps.base.Map.static_html`: it needs the
        widget view). Each chart is its SVG as an ``<img>`` (a data URI): a notebook
        that is not trusted yet (JupyterLab before it runs) strips inline ``<svg>`` but keeps images."""
        parts = [f"<p class='iccwc-explorer-note'>{self._static_line()}</p>"]

        def walk(widget):
            if widget is self.note or _hidden(widget) or KERNEL_ONLY in getattr(widget, "_dom_classes", ()):
                return
            if isinstance(widget, w.Box):
                for child in widget.children:
                    walk(child)
            elif isinstance(widget, w.HTML):
                if widget.value:
                    parts.append(f"<div>{_SVG.sub(_svg_img, widget.value)}</div>")
            elif isinstance(widget, basemap.Map):
                parts.append(widget.static_html())
        walk(self.widget)
        return "<div class='iccwc-explorer-static'>" + "".join(parts) + "</div>"
