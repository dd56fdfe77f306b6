"""Shared fixtures. Helpers that tests import are in tests/helpers.py, not here."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import copy_data


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ for tests that rebuild or break things."""
    return copy_data(tmp_path / "data")


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
