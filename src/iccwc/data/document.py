"""The prose of a status document, normalised for checking quotes against it.

Markdown link syntax, emphasis and backslash escapes are dropped and white
space (line breaks included) is folded to single spaces, so a quote can span
lines. Every offset maps back to its line in the raw file for source references.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from iccwc.data.textio import read_text

# A target stops at the next "]" too, so a long line of "](" is read in linear time
# (the unbounded form took quadratic time; tests/test_bad_text_files.py checks it).
_LINK_TARGET = re.compile(r"\]\([^)\]]*\)")


def normalise(text: str) -> str:
    text = _LINK_TARGET.sub("", text)
    text = text.replace("[", "").replace("**", "").replace("*", "").replace("\\", "")
    return " ".join(text.split())


def occurrences(text: str, q: str) -> list[int]:
    """Every offset at which ``q`` (already normalised) starts in ``text``, overlaps included."""
    hits, start = [], 0
    while q and (i := text.find(q, start)) != -1:
        hits.append(i)
        start = i + 1
    return hits


@dataclass
class Document:
    path: Path
    text: str = field(repr=False)          # normalised, one string
    line_starts: list[int] = field(repr=False)

    @classmethod
    def read(cls, path: str | Path) -> "Document":
        path = Path(path)
        parts, starts, pos = [], [], 0
        for raw_line in read_text(path).split("\n"):
            norm = normalise(raw_line)
            starts.append(pos)
            if norm:
                parts.append(norm)
                pos += len(norm) + 1
        return cls(path, " ".join(parts), starts)

    def find_all(self, quote: str) -> list[int]:
        return occurrences(self.text, normalise(quote))

    def line_of(self, offset: int) -> int:
        """1-based line in the raw file of a normalised-text offset."""
        return bisect.bisect_right(self.line_starts, offset)
