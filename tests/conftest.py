"""Shared fixtures. Paths come from iccwc.paths, never typed as strings."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iccwc import paths

SC66 = paths.RAW_DOCUMENTS / "cites-sc66-iccwc-information-2016-01.txt"
FIXTURES = Path(__file__).parent / "fixtures"


def copy_data(dest: Path) -> Path:
    """Copy data/ (raw, curated, processed, reference) to ``dest``; returns ``dest``."""
    for sub in ("raw", "curated", "processed", "reference"):
        src = paths.DATA / sub
        if src.exists():
            shutil.copytree(src, dest / sub)
    return dest


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ for tests that rebuild or break things."""
    return copy_data(tmp_path / "data")
