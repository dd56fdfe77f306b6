"""The raw source a curated row names, and its text, for checking the row's quote.

A curated row names its source in a ``source`` cell: a raw file's path under ``data/raw``
(``documents/cites-sc66-iccwc-information-2016-01.txt``, ``iccwc-website/news.json``,
``iccwc-website/pins.csv``) and, for the ICCWC website's news file, the news item's url in
``source_item`` (``/eng/news/pr/...``). Every source file must have its provenance record.

The text a quote is checked against: a status document's prose as :class:`Document` reads it;
a news item's title and body with the HTML stripped and entities decoded; any other file's text;
in each case with white space (line breaks included) folded to single spaces.

A news item's ``created`` field is the date of the website's import, not of the news: the
item's date is read from its text (the first "28 November 2011" in it) or else from its url
(``..._12092017``, ``/2011/20111128_...``); :func:`news_date` gives it, or None.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from iccwc.data.document import Document, normalise, occurrences
from iccwc.data.provenance import check as check_provenance
from iccwc.data.textio import read_text
from iccwc.errors import DataError, Problem

#: The ICCWC website's news items, as received (data/raw/iccwc-website/news.json).
NEWS_FILE = "iccwc-website/news.json"

_TAG = re.compile(r"<[^>]*>")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s*({_MONTHS})\s+((?:19|20)\d\d)\b")
_URL_DMY = re.compile(r"_(\d{2})(\d{2})((?:19|20)\d\d)$")
_URL_YMD = re.compile(r"/((?:19|20)\d\d)(\d{2})(\d{2})_")
_URL_DMY2 = re.compile(r"_(\d{2})(\d{2})(\d{2})$")          # ..._210716: 21 July 2016


_SPACE_BEFORE_MARK = re.compile(r" ([,.;:!?)])")


def strip_html(markup: str) -> str:
    """HTML -> plain text: tags dropped, entities decoded, white space folded. A tag becomes a space
    (words either side stay apart), but not before punctuation: ``<a>Lima Declaration</a>, which``
    reads "Lima Declaration, which", as printed."""
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(html.unescape(_TAG.sub(" ", markup or "")).split()))


def news_date(item: dict, text: str | None = None) -> date | None:
    """The date of a news item: its url's date (the day it was published), else the first 'D Month YYYY'
    of its text, else None. The text's first date is often an event's ("held 20- 22 July 2016"), so it
    is used only when the url has none."""
    url = (item.get("url") or "").split("?")[0].rstrip("/").removesuffix(".php").removesuffix(".shtml")
    for pattern, order, century in ((_URL_DMY, (3, 2, 1), 0), (_URL_YMD, (1, 2, 3), 0), (_URL_DMY2, (3, 2, 1), 2000)):
        m = pattern.search(url)
        if m:
            try:
                y, mo, d = (int(m.group(i)) for i in order)
                return date(y + century, mo, d)
            except ValueError:
                pass
    text = strip_html(item.get("body") or "") if text is None else text
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        try:
            return datetime.strptime(f"{m.group(1)} {m.group(2)} {m.group(3)}", "%d %B %Y").date()
        except ValueError:
            pass
    return None


@dataclass
class SourceText:
    """One source's text, normalised, and how to cite a place in it."""
    path: Path                         # the raw file
    name: str                          # as written in the ``source`` cell
    item: str = ""                     # a news item's url
    text: str = field(default="", repr=False)
    dated: date | None = None          # a news item's date
    document: Document | None = field(default=None, repr=False)

    def find_all(self, quote: str) -> list[int]:
        if self.document is not None:
            return self.document.find_all(quote)
        return occurrences(self.text, " ".join(quote.split()))

    def contains(self, words: str) -> bool:
        return bool(self.find_all(words))

    def cite(self, offset: int | None = None) -> str:
        """'file, line N' for a document; 'file, url (date)' for a news item; else the file."""
        if self.document is not None and offset is not None:
            return f"{self.path.name}, line {self.document.line_of(offset)}"
        if self.item:
            return f"{self.name}, {self.item}" + (f" ({self.dated.isoformat()})" if self.dated else "")
        return self.name


class Sources:
    """The raw sources of one data folder, read once each (``raw`` is ``layout['raw']``).

    ``default``: the source of rows whose ``source`` cell is empty (a curated file written before
    rows named their sources: the document ``curated.json`` names for it).
    """

    def __init__(self, raw: Path, default: SourceText | None = None):
        self.raw = Path(raw)
        self.default = default
        self._files: dict[str, object] = {}

    @classmethod
    def of_document(cls, doc: Document) -> "Sources":
        """Sources whose default (rows without a source) is ``doc``; named sources under its data folder."""
        raw = doc.path.resolve().parents[1]
        return cls(raw, default=cls._document_text(doc, doc.path.name))

    @staticmethod
    def _document_text(doc: Document, name: str) -> SourceText:
        return SourceText(doc.path, name, text=doc.text, document=doc)

    def _load(self, name: str):
        if name in self._files:
            return self._files[name]
        path = self.raw / name
        if ".." in Path(name).parts or Path(name).is_absolute() or not path.is_file():
            raise LookupError(f"a file under {self.raw} (a path such as {NEWS_FILE} or "
                              "documents/NAME.txt)")
        check_provenance(path)                    # DataError if its record is missing or wrong
        if path.suffix == ".json":
            try:
                items = json.loads(read_text(path))
            except json.JSONDecodeError as exc:
                raise DataError(Problem(str(path), exc.lineno, None, "valid JSON", exc.msg)) from None
            loaded = {it.get("url"): it for it in items if isinstance(it, dict)} if isinstance(items, list) else {}
        elif path.suffix in (".txt", ".md"):
            loaded = self._document_text(Document.read(path), name)
        else:
            loaded = SourceText(path, name, text=" ".join(read_text(path).split()))
        self._files[name] = loaded
        return loaded

    def get(self, name: str, item: str = "") -> SourceText:
        """The text of source ``name`` (and news item ``item``). Raises LookupError with what was
        expected, or DataError (the file's provenance)."""
        if not name:
            if self.default is None:
                raise LookupError("a source: a raw file's path under data/raw")
            return self.default
        loaded = self._load(name)
        if isinstance(loaded, SourceText):
            if item:
                raise LookupError(f"no source_item for {name} (only a news file's items are addressed by url)")
            return loaded
        if not item:
            raise LookupError(f"a news item's url in source_item (for {name})")
        it = loaded.get(item)
        if it is None:
            raise LookupError(f"the url of a news item in {name}")
        body = strip_html(it.get("body") or "")
        text = normalise(" ".join([strip_html(it.get("title") or ""), body]))
        return SourceText(self.raw / name, name, item, text, news_date(it, body))


def check_quote(src: SourceText, quote: str, problems, line: int, column: str = "quote") -> list[int]:
    """Check that ``quote`` occurs in ``src``; add a problem and return [] when it does not."""
    hits = src.find_all(quote) if quote else []
    if not hits:
        where = f"{src.name}, {src.item}" if src.item else src.name
        problems.add(line, column, f"a quote that occurs in its source ({where}; HTML stripped, "
                                   "white space folded)", quote or "empty")
    return hits
