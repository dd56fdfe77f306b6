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
                     f"({len(self.problems)} in all)")
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


class UnknownName(LookupError):
    """A name (of a country, ...) asked for that the data do not know; ``suggestions`` are the closest
    names they hold (may be empty)."""

    def __init__(self, name: str, suggestions: list[str], kind: str = "name", hint: str | None = None):
        self.name = name
        self.suggestions = list(suggestions)
        msg = f"unknown {kind} {name!r}"
        if self.suggestions:
            msg += ": did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        else:
            msg += ": no similar name in the data"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)

    def __str__(self) -> str:         # LookupError/KeyError would print the message in quotes
        return self.args[0]


# --------------------------------------------------------------------------- exit codes, defined once

#: The command line's exit codes (``iccwc --help`` lists them; tests/test_cli_errors.py checks them).
EXIT_OK = 0
EXIT_INTERNAL = 1          #: an unexpected error (a bug): one message, the traceback saved to a file
EXIT_DATA = 2              #: the input data were rejected (DataError): every problem listed, nothing written
EXIT_NOTEBOOK = 3          #: a notebook failed during `iccwc run` or `iccwc update`: no report written
EXIT_FILESYSTEM = 4        #: a file-system error (disk full, no permission): nothing half-written
EXIT_USAGE = 64            #: a bad command or argument (sysexits EX_USAGE): nothing done
EXIT_INTERRUPTED = 130     #: stopped with Ctrl-C

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_INTERNAL: "unexpected error (a bug): the traceback is saved to a file the message names",
    EXIT_DATA: "the input data were rejected: every problem is listed; nothing was written",
    EXIT_NOTEBOOK: "a notebook failed (iccwc run, iccwc update): no report and no notebook was written",
    EXIT_FILESYSTEM: "a file-system error (disk full, permissions): nothing was half-written",
    EXIT_USAGE: "a bad command or argument: nothing was done",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}


class UsageError(Exception):
    """A bad command-line argument, found before any work is done. ``.problems`` lists them.

    Each problem's ``file`` is the argument (``--jobs``), ``found`` what was given; ``hint``
    says what to do.
    """

    def __init__(self, problems: list[Problem] | Problem, hint: str = ""):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.hint = hint
        super().__init__("\n".join(f"  - {p}" for p in self.problems) + (f"\n  What to do: {hint}" if hint else ""))
