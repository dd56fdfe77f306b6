"""Every chart the notebooks draw keeps its words readable: no text runs off the figure, and no
label, value or total written on the plot sits under a legend.

(The totals after the bars of the Toolkit-by-continent chart once ran into its legend.)
"""
from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from notebook_charts import CHARTS

#: The charts checked here: those of tests/notebook_charts.py that have words on the plot or a legend.
NAMES = ["funnel", "stages by continent", "stages by document region", "toolkit by continent, totals",
         "toolkit by document region, totals", "recognition timeline", "reporting timeline", "cumulative",
         "by year", "by body", "by type", "themes", "partners", "activities, all regions",
         "activities, Asia (explorer)"]


@pytest.fixture(scope="module")
def data(chart_data):
    """The committed data (conftest.py's ``chart_data``): READ ONLY."""
    return chart_data


def _drawn_ticklabels(ax, which):
    """Tick labels matplotlib draws: those whose tick lies within the axis' view limits."""
    axis = getattr(ax, f"{which}axis")
    lo, hi = sorted(axis.get_view_interval())
    span = (hi - lo) * 1e-9
    return [label for loc, label in zip(axis.get_ticklocs(), axis.get_ticklabels()) if lo - span <= loc <= hi + span]


def _words(fig):
    """Every visible, non-empty text of the figure: titles, axis and tick labels, texts on the axes."""
    out = []
    for ax in fig.axes:
        # the project titles its axes on the left (ax._left_title); matplotlib offers no public artist for it
        texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts,
                 *_drawn_ticklabels(ax, "x"), *_drawn_ticklabels(ax, "y")]
        out += [t for t in texts if t.get_visible() and t.get_text().strip()]
    return out + [t for t in fig.texts if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("name", NAMES)
def test_words_stay_on_the_figure_and_clear_of_legends(data, name):
    fig = CHARTS[name](data)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()      # lays the figure out and places every text as a draw does, paints no pixel
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    legends = [*fig.legends, *[ax.get_legend() for ax in fig.axes if ax.get_legend()]]
    legend_boxes = [lg.get_window_extent(renderer) for lg in legends]
    words = _words(fig)
    assert words
    for t in words:
        box = t.get_window_extent(renderer)
        where = f"{name}: {t.get_text()!r}"
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, f"{where} runs off the figure sideways"
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, f"{where} runs off the figure vertically"
    plot_texts = [t for ax in fig.axes for t in ax.texts if t.get_visible() and t.get_text().strip()]
    for t in plot_texts:
        box = t.get_window_extent(renderer)
        for lb in legend_boxes:
            assert not box.overlaps(lb), f"{name}: {t.get_text()!r} sits under the legend"


#: Charts of every kind (bars with totals and a legend, a funnel, a timeline, an explorer's chart) checked by
#: make test-fast; make test checks every chart.
SAVED_FAST = ["funnel", "toolkit by continent, totals", "recognition timeline", "activities, Asia (explorer)"]


# why slow (all but SAVED_FAST): each chart is saved a second time the slow way (savefig: two draws), about
# 0.4 s a chart.
@pytest.mark.parametrize("name", [n if n in SAVED_FAST else pytest.param(n, marks=pytest.mark.slow) for n in NAMES])
def test_the_svg_is_what_savefig_writes_byte_for_byte(data, notebook_chart, name, monkeypatch):
    """charts.svg lays a figure out once and draws it once (charts.base._save_svg), where savefig with a
    layout engine draws it twice: the SVG is the same as savefig's, and the figure keeps its layout engine.
    (charts.svg of the chart: conftest.py's ``notebook_chart``, drawn once per test process.)"""
    from iccwc.views.charts import base as charts
    fast = notebook_chart(name)       # charts.svg(CHARTS[name](data)), drawn before the monkeypatch below
    assert fast.keeps_layout_engine
    monkeypatch.setattr(charts, "_save_svg",
                        lambda f, buf: f.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}))
    assert charts.svg(CHARTS[name](data)) == fast.svg
