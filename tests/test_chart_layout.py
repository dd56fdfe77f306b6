"""Every chart the notebooks draw keeps its words readable: no text runs off the figure, and no
label, value or total written on the plot sits under a legend.

(The totals after the bars of the Toolkit-by-continent chart once ran into its legend.)
"""
from __future__ import annotations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import iccwc
from iccwc.views.charts import coverage as cc
from iccwc.views.charts import recognition as rc
from iccwc.views.charts import toolkit as tc

CHARTS = {
    "funnel": lambda d: tc.funnel_figure(d["toolkit"]),
    "stages by continent": lambda d: tc.stage_by_region_figure(d["toolkit"], "region"),
    "stages by document region": lambda d: tc.stage_by_region_figure(d["toolkit"], "document_region"),
    "toolkit by continent, totals": lambda d: cc.toolkit_region_chart(d["toolkit"], "region"),
    "toolkit by document region, totals": lambda d: cc.toolkit_region_chart(d["toolkit"], "document_region"),
    "recognition timeline": lambda d: rc.recognition_timeline(d["recognitions"]),
    "reporting timeline": lambda d: rc.reporting_timeline(d["documents"]),
    "cumulative": lambda d: rc.cumulative_chart(d["recognitions"]),
    "by year": lambda d: rc.by_year_chart(d["recognitions"]),
    "by body": lambda d: rc.by_body_chart(d["recognitions"]),
    "by type": lambda d: rc.by_type_chart(d["recognitions"]),
    "themes": lambda d: rc.themes_chart(d["recognitions"]),
    "partners": lambda d: cc.partner_chart(d["partners"]),
    "activities, all regions": lambda d: cc.activities_chart(d["activities"]),
    "activities, Asia": lambda d: cc.activities_chart(d["activities"], "Asia"),
}


@pytest.fixture(scope="module")
def data():
    return {"toolkit": iccwc.load_toolkit(), "recognitions": iccwc.load_recognitions(),
            "documents": iccwc.load_iccwc_documents(), "partners": iccwc.load_partner_presence(),
            "activities": iccwc.load_activities()}


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


@pytest.mark.parametrize("name", CHARTS)
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


@pytest.mark.parametrize("name", CHARTS)
def test_the_svg_is_what_savefig_writes_byte_for_byte(data, name, monkeypatch):
    """charts.svg lays a figure out once and draws it once (charts.base._save_svg), where savefig with a
    layout engine draws it twice: the SVG is the same as savefig's, and the figure keeps its layout engine."""
    from iccwc.views.charts import base as charts
    fast = charts.svg(fig := CHARTS[name](data))
    assert fig.get_layout_engine() is not None
    monkeypatch.setattr(charts, "_save_svg",
                        lambda f, buf: f.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}))
    assert charts.svg(CHARTS[name](data)) == fast
