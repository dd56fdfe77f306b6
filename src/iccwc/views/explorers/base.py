"""The one shape of an explorer: linked widgets a notebook shows and a test drives.

Every explorer (:func:`iccwc.views.explorers.toolkit.toolkit_explorer`,
:func:`iccwc.views.explorers.recognition.recognition_explorer`,
:func:`iccwc.views.explorers.coverage.coverage_explorer`) is an :class:`Explorer`:

* ``widget``: the whole ipywidgets box, to display (``explorer.widget`` as a cell's last line);
* ``controls``: a dict, control name -> control widget; set a control's ``value`` to change what
  is shown (what a reader does in Voila or JupyterLab, and what tests do);
* ``controls_box``: the box in ``widget`` where the controls are laid out;
* ``update()``: re-render every view (map, charts, tables) from the current control values; it is
  called once when the explorer is built and whenever a control changes.

The views an explorer shows are its other attributes (``map``, ``chart``, ``table``, ...). Charts
are set with :func:`iccwc.views.charts.base.widget`, so they are SVG in ``ipywidgets.HTML`` values
and the initial state shows in exported HTML without a kernel. The factories take the DataFrames
to explore and, for the map, an already-loaded ``world`` or a ``data_dir`` to read it from.
"""
from __future__ import annotations

import ipywidgets as w


class Explorer:
    widget: w.Box
    controls: dict[str, w.Widget]
    controls_box: w.Box

    def update(self, *_) -> None:
        """Re-render every view from the current control values."""
        raise NotImplementedError

    def _link(self, names=None, handler=None) -> None:
        """Call ``handler`` (default :meth:`update`) when the value of a control in ``names`` (default:
        all) changes."""
        for name in (self.controls if names is None else names):
            self.controls[name].observe(handler or self.update, names="value")
