"""Shared fixtures. Helpers that tests import are in tests/helpers.py, not here."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from helpers import add_snapshot_2016, copy_data


# The garbage collector in a test process (each xdist worker is one). Importing the test modules (pandas,
# matplotlib, ipywidgets, the package) leaves ~350,000 objects that live as long as the process; with the
# default thresholds a worker of `make test-fast` spent ~7 CPU-s of its ~55 in collections that found next
# to nothing: 15 full ones while the test modules were imported (up to 0.2 s each), then full ones walking
# those modules again and again until an explorer's build froze them (quiet_collections). So: no
# collections while the test modules are imported; what is alive then is frozen (gc.freeze, as the
# explorers do in a kernel); young garbage is collected every 50,000 allocations instead of 700. Measured:
# 2-3 CPU-s of collections per worker, collection 2 s shorter. Nothing the tests assert depends on when
# garbage is collected (the gc test unfreezes first).
@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.set_threshold(50_000, 10, 10)
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
