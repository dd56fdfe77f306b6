"""Every path the project uses, defined once.

Notebooks, tests and the command line import these names; nobody writes
``"../data/..."``. The data root can be moved with the ``ICCWC_DATA_DIR``
environment variable (or the ``data_dir`` argument most functions take), so a
notebook can be rerun against another data folder.
"""
from __future__ import annotations

import os
from pathlib import Path

#: The repository root (this file lives in ``<root>/src/iccwc/paths.py``).
ROOT = Path(__file__).resolve().parents[2]


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data root: ``override``, else ``$ICCWC_DATA_DIR``, else ``<root>/data``."""
    if override is not None:
        return Path(override).resolve()
    env = os.environ.get("ICCWC_DATA_DIR")
    return Path(env).resolve() if env else ROOT / "data"


DATA = data_dir()
RAW = DATA / "raw"                       # sources as received: never written by code
RAW_DOCUMENTS = RAW / "documents"        # CITES/ICCWC documents (text), each with a provenance record
CURATED = DATA / "curated"               # hand-curated rows, each checked against a raw document
REFERENCE = DATA / "reference"           # small lookup files the libraries do not maintain (aliases)
PROCESSED = DATA / "processed"           # tidy, validated outputs of `iccwc rebuild` (committed)
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"               # rendered HTML (git-ignored, rebuilt)


def layout(data: str | os.PathLike | None = None) -> dict[str, Path]:
    """The data folders for a given data root (used when ``data_dir`` is overridden)."""
    d = data_dir(data)
    return {
        "data": d,
        "raw": d / "raw",
        "raw_documents": d / "raw" / "documents",
        "raw_activities": d / "raw" / "activities",
        "raw_natural_earth": d / "raw" / "natural-earth",
        "curated": d / "curated",
        "reference": d / "reference",
        "processed": d / "processed",
    }
