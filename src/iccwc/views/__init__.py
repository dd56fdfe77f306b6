"""What the notebooks show: charts, maps, tables and explorers, built from DataFrames.

One contract per kind of view:

* charts (:mod:`iccwc.views.charts`): every chart function takes DataFrames and returns a matplotlib
  Figure; :mod:`iccwc.views.charts.base` alone turns it into something shown (``charts.svg``,
  ``charts.show`` for a notebook cell, ``charts.widget`` for an explorer);
* maps (:mod:`iccwc.views.maps`): built with the map kit of :mod:`iccwc.views.maps.base` (offline
  world loaded once, one Web Mercator fit, one legend); they take an already-loaded ``world``, and
  the top-level map calls also a ``data_dir``;
* tables (:mod:`iccwc.views.tables`): DataFrames of text, or escaped HTML;
* explorers (:mod:`iccwc.views.explorers`): objects with ``widget``, ``controls`` (a dict) and
  ``update()`` (:mod:`iccwc.views.explorers.base`), made by ``toolkit_explorer``,
  ``recognition_explorer`` and ``coverage_explorer``.

Importing any of it never changes the user's session (no matplotlib backend or rcParams change).
"""

from pathlib import Path as _Path


def style_element(name: str, type_attr: bool = False) -> str:
    """The stylesheet ``views/css/<name>`` (package data) as a ``<style>`` element, for a view's HTML that
    must carry its own style (JupyterLab, widgets and shared pages alike): no CSS is written in Python."""
    css = (_Path(__file__).parent / "css" / name).read_text(encoding="utf-8")
    attr = ' type="text/css"' if type_attr else ""
    return f"<style{attr}>{css}</style>"
