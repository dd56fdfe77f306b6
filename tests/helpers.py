"""Shared test helpers (import them: ``from helpers import copy_data``); fixtures live in conftest.py.

Paths come from iccwc.paths, never typed as strings.
"""
from __future__ import annotations

import shutil
from pathlib import Path

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


def add_snapshot_2016(data_dir: Path) -> Path:
    """Put the FICTIONAL second status document (tests/fixtures/snapshot-2016, with its provenance
    record) into ``data_dir``/raw/documents, as a user adding a newer document would; returns the document."""
    docs = Path(data_dir) / "raw" / "documents"
    for f in (FIXTURES / "snapshot-2016").iterdir():
        shutil.copy(f, docs / f.name)
    return docs / "fictional-toolkit-status-2016-06.txt"
