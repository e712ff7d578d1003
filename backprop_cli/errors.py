"""Errors that travel up to the command line and become exit codes there, and how user text is
made safe to print inside them."""
from __future__ import annotations

import re
from dataclasses import dataclass

# every control character, line breaks included: user text is always printed on one line
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")  # \ufffe, \uffff: XML 1.0 forbids them
QUOTE_LIMIT = 60  # characters of a file's contents a message may quote


def printable(text: str) -> str:
    """User text made safe for a terminal and a CI log: control characters (escape sequences, line
    breaks) shown as \\xNN, and never read as a workflow command (a leading `::`, or `##[`)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # a non-UTF-8 file name's bytes
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("##[", "#\\x23[")
    return "\\x3a" + text[1:] if text.startswith("::") else text


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters of user text, printable, for a message that quotes a file."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located where the user can find it."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{printable(self.file)}:{self.line}:{self.column}: {printable(self.message)}"
        if self.hint:
            text += f"\n  hint: {printable(self.hint)}"
        return text


class BackpropError(Exception):
    """Base class of the errors a user can cause (exit status 2)."""


class SpecError(BackpropError):
    """An invalid spec or answers file; holds every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(BackpropError):
    """A bad option or name given on the command line."""


class NumericalError(BackpropError):
    """A computation that would give inf or nan; the message says where."""
