"""Errors about data that a user can act on.

Every problem names the file, the line or row, the column and what was
expected; a file's problems are collected and reported together.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None          # 1-based line in a text file, or 1-based data row in a CSV (header = row 0)
    column: str | None
    expected: str
    found: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        msg = f"{where}: expected {self.expected}"
        if self.found is not None:
            shown = self.found if len(self.found) <= 80 else self.found[:77] + "..."
            msg += f", found {shown!r}"
        return msg


#: A message lists at most this many problems (a file of 100,000 bad rows must not flood the
#: terminal); ``DataError.problems`` always holds all of them.
MAX_LISTED = 200


class DataError(ValueError):
    """One or more problems with input data. ``.problems`` lists them all."""

    def __init__(self, problems: list[Problem] | Problem, summary: str | None = None):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        head = summary or f"{len(self.problems)} problem(s) in the input data"
        shown = self.problems[:MAX_LISTED]
        body = "\n".join(f"  - {p}" for p in shown)
        if len(self.problems) > len(shown):
            body += (f"\n  ... and {len(self.problems) - len(shown)} more problem(s) of the same file(s) "
                     f"({len(self.problems)} in all; every one is in DataError.problems)")
        super().__init__(f"{head}:\n{body}")


class ProblemList:
    """Collects problems while a file is read, then raises them together."""

    def __init__(self, file: str | Path):
        self.file = str(file)
        self.items: list[Problem] = []

    def add(self, line, column, expected, found=None) -> None:
        self.items.append(Problem(self.file, line, column, expected, found))

    def raise_if_any(self, summary: str | None = None) -> None:
        if self.items:
            raise DataError(self.items, summary)

    def __bool__(self) -> bool:
        return bool(self.items)
