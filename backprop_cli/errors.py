"""Errors that travel up to the command line and become exit codes there, and how user text is
made safe to print inside them."""
from __future__ import annotations

from functools import cache

QUOTE_LIMIT = 60  # characters of a file's contents a message may quote


def printable(text: str) -> str:
    """User text made safe for a terminal and a CI log: control characters (escape sequences, line
    breaks) shown as \\xNN, and never read as a workflow command (a leading `::`, or `##[`)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # a non-UTF-8 file name's bytes
    text = _control().sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("##[", "#\\x23[")
    # the runner trims leading white space (U+00A0, U+3000 too) before it reads `::` as a command
    start = len(text) - len(text.lstrip())
    return text[:start] + "\\x3a" + text[start + 1:] if text.startswith("::", start) else text


_MARKDOWN = {char: "\\" + char for char in "\\`*_[]!|#@"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def markdown_text(text: str) -> str:
    """User text made safe inside Markdown (Gradescope's output, a job summary), printable first:
    no link (autolinks too), image, emphasis, table cell or HTML of a student's survives, shown as
    written."""
    return _autolink().sub(r"\1\\\2", printable(text).translate(str.maketrans(_MARKDOWN)))


@cache  # compiled on the first use, not at every start-up
def _autolink():
    import re

    # GFM links a bare www.x, https://x or mailto:x of its own (its extended autolinks; a@b.c loses its
    # @ above): the `.` or `:` that starts one, escaped, is plain text that shows the same
    return re.compile(r"(?i)(\bwww|\bhttps?|\bftp|\bmailto|\bxmpp)([.:])")


@cache  # compiled on the first message, not at every start-up
def _control():
    import re

    # every control character, line breaks included: user text is always printed on one line; the
    # bidirectional overrides and isolates too (a title that reads reversed, "Trojan Source"); and
    # U+FFFE, U+FFFF, which XML 1.0 forbids
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters of user text, printable, for a message that quotes a file."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Problem:
    """One thing wrong with an input file, located where the user can find it.

    Frozen, compared and hashed by its fields, as the dataclass it was; written out because a
    dataclass costs every start-up the compiling of its generated methods."""

    __match_args__ = ("file", "line", "column", "message", "hint")
    file: str
    line: int
    column: int
    message: str
    hint: str

    def __init__(self, file: str, line: int, column: int, message: str, hint: str = ""):
        self.__dict__.update(file=file, line=line, column=column, message=message, hint=hint)

    def _fields(self) -> tuple:
        return self.file, self.line, self.column, self.message, self.hint

    def replace(self, **changes) -> Problem:
        """A copy with some fields changed."""
        return Problem(**{**self.__dict__, **changes})

    def __setattr__(self, name: str, _value) -> None:
        from dataclasses import FrozenInstanceError  # only on this mistake: start-up is a feature

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other):
        return self._fields() == other._fields() if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"Problem(file={self.file!r}, line={self.line!r}, column={self.column!r}, "
                f"message={self.message!r}, hint={self.hint!r})")

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


class GradingBug(SpecError):
    """A submission whose grading hit a bug in backprop: reported in every output as an invalid
    file is, the others graded, and exit status 3 at the end of the run."""


class UsageError(BackpropError):
    """A bad option or name given on the command line."""


class NumericalError(BackpropError):
    """A computation that would give inf or nan; the message says where."""
