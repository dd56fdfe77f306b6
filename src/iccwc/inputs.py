"""What a rebuild reads (:class:`Inputs`) and its fingerprint, without importing pandas.

Kept apart from :mod:`iccwc.build` so that ``iccwc run`` can tell in a fraction of a
second that nothing changed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import paths


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

    def files(self) -> list[Path]:
        """Every input file, for fingerprints."""
        lay = self.layout
        out = list(self.documents)
        for folder in (lay["raw_documents"], lay["raw_activities"], lay["curated"]):
            if folder.exists():
                out += [p for p in sorted(folder.iterdir()) if p.is_file() and p not in out]
        ref = paths.REFERENCE
        out += sorted(ref.glob("*.csv"))
        return sorted(set(out))


def fingerprint(inputs: Inputs) -> str:
    """A hash of every input file's name and bytes, and of the package's source code."""
    h = hashlib.sha256()
    for p in inputs.files():
        h.update(str(p.name).encode() + b"\0" + p.read_bytes() + b"\0")
    for p in sorted(Path(__file__).parent.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()
