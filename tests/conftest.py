"""Shared fixtures. Helpers that tests import are in tests/helpers.py, not here."""
from __future__ import annotations

import gc
from pathlib import Path
from typing import NamedTuple

import pytest

from helpers import FIXTURES, add_snapshot_2016, copy_data


# The garbage collector in a test process (each xdist worker is one). Importing the test modules (pandas,
# matplotlib, ipywidgets, the package) leaves ~350,000 objects that live as long as the process; with the
# default thresholds a worker of `make test-fast` spent ~7 CPU-s of its ~55 in collections that found next
# to nothing: 15 full ones while the test modules were imported (up to 0.2 s each), then full ones walking
# those modules again and again until an explorer's build froze them (quiet_collections). So: no
# collections while the test modules are imported; what is alive then is frozen (gc.freeze, as the
# explorers do in a kernel); young garbage is collected every 50,000 allocations instead of 700, and the
# oldest generation only when an explorer is built (quiet_collections) or a test asks: thresholds
# (50_000, 20, 1000). Measured: 2-3 CPU-s of collections per worker, collection 2 s shorter; the
# oldest generation's automatic collections then took 1.5 of the 3.7 s the serial run spent collecting,
# and 2.2 s with them left out. Nothing the tests assert depends on when garbage is collected (the gc
# test unfreezes first).
@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.set_threshold(50_000, 20, 1000)
        gc.enable()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ for tests that rebuild or break things."""
    return copy_data(tmp_path / "data")


@pytest.fixture(scope="session")
def data_2016(tmp_path_factory) -> Path:
    """A copy of data/ with the FICTIONAL 2016 status document (tests/fixtures/snapshot-2016) beside SC66,
    rebuilt: two Toolkit snapshots. Made once per test process and shared: READ ONLY (a test that changes
    its data uses ``data_copy``)."""
    data = copy_data(tmp_path_factory.mktemp("data-2016") / "data")
    add_snapshot_2016(data)
    from iccwc.data.build import rebuild
    rebuild(data, log=lambda *_: None)
    return data


@pytest.fixture(scope="session")
def data_status_list(tmp_path_factory) -> Path:
    """A copy of data/ with the FICTIONAL status list of 31 March 2017 (tests/fixtures/status-files: four
    countries, a Toolkit year, no steps) beside SC66, rebuilt: the list is the latest snapshot. Made once per
    test process and shared: READ ONLY (a test that changes its data uses ``data_copy``)."""
    import shutil
    data = copy_data(tmp_path_factory.mktemp("data-status-list") / "data")
    for f in (FIXTURES / "status-files").glob("fictional-toolkit-list-2017-03.*"):
        shutil.copy(f, data / "raw" / "documents" / f.name)
    from iccwc.data.build import rebuild
    rebuild(data, log=lambda *_: None)
    return data


@pytest.fixture(scope="module")
def sc66():
    """The Toolkit table as of SC66 (9 November 2015), the numbers the document states."""
    import iccwc
    return iccwc.load_toolkit(status_date="2015-11-09")


@pytest.fixture(scope="module")
def rec():
    """The recognitions (Part 2)."""
    import iccwc
    return iccwc.load_recognitions()


@pytest.fixture(scope="session")
def chart_data() -> dict:
    """The committed data the notebooks' charts are drawn from (tests/notebook_charts.py), loaded once per test
    process and shared: READ ONLY."""
    from notebook_charts import load_chart_data
    return load_chart_data()


class DrawnChart(NamedTuple):
    svg: str                     # charts.svg of the figure
    keeps_layout_engine: bool    # the figure still had its layout engine after charts.svg


@pytest.fixture(scope="session")
def notebook_chart(chart_data):
    """``notebook_chart(name)``: the chart ``name`` of tests/notebook_charts.py drawn from ``chart_data`` with
    ``charts.svg`` (a :class:`DrawnChart`), once per test process (a chart takes 50-250 ms to draw) for the
    tests that only read its SVG (test_chart_layout.py, test_chart_tooltips.py, test_coverage_charts.py)."""
    from notebook_charts import CHARTS
    from iccwc.views.charts import base as charts
    drawn: dict[str, DrawnChart] = {}
    own_save = charts._save_svg          # test_chart_layout.py monkeypatches it (after reading its drawing)

    def get(name: str) -> DrawnChart:
        if name not in drawn:
            assert charts._save_svg is own_save, "notebook_chart draws with charts.svg's own _save_svg only"
            fig = CHARTS[name](chart_data)
            svg = charts.svg(fig)
            drawn[name] = DrawnChart(svg, fig.get_layout_engine() is not None)
        return drawn[name]
    return get
