"""What a rebuild reads (:class:`Inputs`) and its fingerprint, without importing pandas.

Kept apart from :mod:`iccwc.data.build` so that ``iccwc run`` can tell in a fraction of a
second that nothing changed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from iccwc import paths

#: The country polygons as received (npm world-atlas 2.0.2), in data/raw/natural-earth/.
TOPOJSON_FILE = "world-atlas-2.0.2-countries-110m.json"
#: The ICCWC website's data files (its map of activities, pins.csv), as received, in data/raw/iccwc-website/.
WEBSITE_FOLDER = "iccwc-website"


#: What data/raw/documents/ may hold: status documents, status files (a Toolkit table or list as
#: CSV or xlsx, read by :func:`iccwc.data.toolkit.parse_status_file`) and their provenance records.
DOCUMENT_SUFFIXES = (".txt",)
STATUS_FILE_SUFFIXES = (".csv", ".xlsx")
RECORD_SUFFIX = ".provenance.json"


@dataclass
class Inputs:
    """Everything a rebuild reads, located under one data root.

    ``documents``: the status documents (*.txt); ``status_files``: the Toolkit status files (*.csv,
    *.xlsx); ``refused``: any other file in data/raw/documents/ (the rebuild names it and stops: a
    file there is never ignored in silence)."""
    layout: dict[str, Path]
    documents: list[Path] = field(default_factory=list)
    status_files: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)

    @classmethod
    def find(cls, data_dir=None) -> "Inputs":
        lay = paths.layout(data_dir)
        folder = lay["raw_documents"]
        found = sorted(p for p in folder.iterdir() if not p.is_dir()) if folder.is_dir() else []
        docs, status, refused = [], [], []
        for p in found:
            name = p.name.lower()
            if name.endswith(RECORD_SUFFIX):
                continue
            (docs if name.endswith(DOCUMENT_SUFFIXES) else status if name.endswith(STATUS_FILE_SUFFIXES)
             else refused).append(p)
        return cls(lay, docs, status, refused)

    @property
    def status_sources(self) -> list[Path]:
        """Every file a Toolkit status is read from: the documents, then the status files."""
        return [*self.documents, *self.status_files]

    @property
    def website_folder(self) -> Path:
        """The ICCWC website's files (read by :mod:`iccwc.data.website`)."""
        return self.layout["raw"] / WEBSITE_FOLDER

    @property
    def topojson(self) -> Path:
        """The country polygons (TopoJSON) this data root's rebuild converts."""
        return self.layout["raw_natural_earth"] / TOPOJSON_FILE

    def files(self) -> list[Path]:
        """Every input file, for fingerprints."""
        lay = self.layout
        out = set(self.documents) | set(self.status_files)
        for folder in (lay["raw_documents"], lay["raw_activities"], lay["raw_natural_earth"], self.website_folder,
                       lay["curated"]):
            if folder.exists():
                out.update(p for p in folder.iterdir() if p.is_file())
        out.update(lay["reference"].glob("*.csv"))
        return sorted(out)


def fingerprint(inputs: Inputs) -> str:
    """A hash of every input file's name and sha256, and of the package's source code.

    Each file is hashed in a stream (:func:`iccwc.data.provenance.sha256_of`: memory flat whatever
    its size); an input that is a link, a device such as ``/dev/zero`` or over the size limit is a
    DataError before a byte is read.
    """
    from iccwc.data.provenance import sha256_of
    h = hashlib.sha256()
    for p in inputs.files():
        h.update(str(p.name).encode() + b"\0" + sha256_of(p).encode() + b"\0")
    package = Path(__file__).resolve().parents[1]
    for p in sorted(package.rglob("*.py")):
        h.update(p.relative_to(package).as_posix().encode() + b"\0" + sha256_of(p, None).encode())
    return h.hexdigest()
