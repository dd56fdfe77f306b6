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


@dataclass
class Inputs:
    """Everything a rebuild reads, located under one data root."""
    layout: dict[str, Path]
    documents: list[Path] = field(default_factory=list)

    @classmethod
    def find(cls, data_dir=None) -> "Inputs":
        lay = paths.layout(data_dir)
        docs = sorted(lay["raw_documents"].glob("*.txt"))
        return cls(lay, docs)

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
        out = set(self.documents)
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
