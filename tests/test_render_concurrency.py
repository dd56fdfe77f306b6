"""Rendering notebooks in parallel threads (as `iccwc run` does) keeps every widget view.

nbconvert's HTMLExporter judges whether to keep a widget view by the widget state of the notebook
it is converting, held on the exporter itself; the pipeline shares one exporter between threads,
so conversions must not overlap (render._convert_lock). Without that, a notebook's maps vanished
from its HTML in about one run in two.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from iccwc.site import render

VIEW = 'script type="application/vnd.jupyter.widget-view+json"'


#: why: converts notebooks with nbconvert in threads (seconds); make test runs it, make test-fast does not
pytestmark = pytest.mark.slow


def notebook(with_widget: bool):
    nb = nbformat.v4.new_notebook()
    cells = []
    for _ in range(40):
        cell = nbformat.v4.new_code_cell("w")
        if with_widget:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/plain": "IntSlider(value=3)",
                render.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "m1"}})]
        cells += [cell, nbformat.v4.new_markdown_cell("text " * 200)]
    if with_widget:
        nb.metadata["widgets"] = {render.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
            "m1": {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
                   "model_module_version": "2.0.0", "state": {"value": 3}}}}}
    nb.cells = cells
    return nb


def test_parallel_conversions_keep_widget_views():
    jobs = [(i % 2 == 0) for i in range(12)]
    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda w: render.notebook_html(notebook(w), "t"), jobs))
    for with_widget, page in zip(jobs, pages):
        assert page.count(VIEW) == (40 if with_widget else 0)
