"""The matplotlib charts the notebooks draw, each as the notebooks make it from the committed data: one list
for the tests that check every chart (tests/test_chart_layout.py, tests/test_chart_tooltips.py) and those that
read one (tests/test_coverage_charts.py).

conftest.py's ``chart_data`` fixture loads :func:`load_chart_data` once per test process, and its
``notebook_chart`` fixture draws each chart with ``charts.svg`` once per test process (a chart takes 50-250 ms
to draw) for the tests that only read its SVG.
"""
from __future__ import annotations

import iccwc
from iccwc.analysis.toolkit_uptake import reach_series
from iccwc.data.load import load_toolkit_reach
from iccwc.views.charts import coverage as cc
from iccwc.views.charts import overview as oc
from iccwc.views.charts import recognition as rc
from iccwc.views.charts import toolkit as tc


def load_chart_data() -> dict:
    """The committed data the charts are drawn from, by name (the Toolkit: its latest snapshot)."""
    return {"toolkit": iccwc.load_toolkit(status_date="latest"), "recognitions": iccwc.load_recognitions(),
            "documents": iccwc.load_iccwc_documents(), "partners": iccwc.load_partner_presence(),
            "activities": iccwc.load_activities(), "reach": reach_series(load_toolkit_reach(), iccwc.load_toolkit())}


#: chart -> how the notebooks build it from :func:`load_chart_data`'s frames (the notebook it is in: 00-03)
CHARTS = {
    # 00
    "at a glance": lambda d: oc.at_a_glance(d["toolkit"], d["recognitions"], d["partners"]),
    "partner series": lambda d: oc.partner_series_chart(d["partners"]),
    # 01
    "funnel": lambda d: tc.funnel_figure(d["toolkit"]),
    "stages by continent": lambda d: tc.stage_by_region_figure(d["toolkit"], "region"),
    "stages by document region": lambda d: tc.stage_by_region_figure(d["toolkit"], "document_region"),
    "reach over time": lambda d: tc.reach_figure(d["reach"]),
    # 02
    "recognition timeline": lambda d: rc.recognition_timeline(d["recognitions"]),
    "reporting timeline": lambda d: rc.reporting_timeline(d["documents"]),
    "cumulative": lambda d: rc.cumulative_chart(d["recognitions"]),
    "by year": lambda d: rc.by_year_chart(d["recognitions"]),
    "by body": lambda d: rc.by_body_chart(d["recognitions"]),
    "by type": lambda d: rc.by_type_chart(d["recognitions"]),
    "themes": lambda d: rc.themes_chart(d["recognitions"]),
    # 03
    "partners": lambda d: cc.partner_chart(d["partners"]),
    "toolkit by document region, totals": lambda d: cc.toolkit_region_chart(d["toolkit"], "document_region"),
    "toolkit by continent, totals": lambda d: cc.toolkit_region_chart(d["toolkit"], "region"),
    "activities reach by region": lambda d: cc.reach_chart(d["activities"], "document_region"),
    "activities reach by type": lambda d: cc.reach_chart(d["activities"], "activity_type"),
    "activities, all regions": lambda d: cc.activities_chart(d["activities"]),
    "activities, Asia (explorer)": lambda d: cc.activities_chart(d["activities"], "Asia"),
    "activities per year": lambda d: cc.years_chart(d["activities"]),
}
