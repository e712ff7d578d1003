"""What a student may see of a graded question, at the assignment's feedback level: `full` (the
expected value and the accepted interval too), `diagnosis` (the verdict and the diagnosis, never
the expected value), `verdict` (right or not) or `score` (the total only). Every report a student
may see (text, JUnit, annotations, the job summary, Gradescope) asks here; the instructor's own
files (the gradebook, JSON) always hold everything."""
from __future__ import annotations

from ..core.numbers import number
from ..errors import markdown_text, printable
from .derivation import far_wider


def shows_expected(level: str) -> bool:
    return level == "full"


def shows_diagnosis(level: str) -> bool:
    return level in ("full", "diagnosis")


def shows_questions(level: str) -> bool:
    return level != "score"


# verdicts said at every level that shows questions: they tell nothing of the expected value (an
# unreadable one comes with how to write it: `0,35` is `0.35`, whatever the answer)
PLAIN_VERDICTS = {"right": "right", "not_answered": "not answered", "unreadable": "unreadable"}


def verdict_text(r, level: str) -> str:
    """The verdict as a student may read it: named in full, or only right or not (or unreadable)."""
    if shows_diagnosis(level):
        return r.verdict.replace("_", " ")
    return PLAIN_VERDICTS.get(r.verdict, "not right")


def said_of(r, level: str) -> str:
    """The verdict as a student may read it, with how to write an unreadable value (at any level)."""
    if r.verdict == "unreadable" and r.diagnosis:
        return f"unreadable: {r.diagnosis}"
    return verdict_text(r, level)


def question_markdown(r, level: str, precision: int) -> str:
    """One question's feedback in Markdown: verdict, values, the interval, the diagnosis, as the
    level allows."""
    if r.verdict == "not_answered":
        return "Not answered."
    if r.verdict == "unreadable":  # a value that could not be read as a number: how to write it, at any level
        return f"Unreadable: {markdown_text(r.diagnosis or '')}"
    if not shows_diagnosis(level):
        return verdict_text(r, level).capitalize() + "."
    given = printable(r.answer.written or str(r.answer.given)).replace("`", "'")  # stays inside its code span
    if shows_expected(level):
        lines = [f"Given `{given}`, expected `{number(r.expected, precision)}`."]
        if r.verdict != "right" and r.accepted:
            vast = ", far wider than the expected value" if far_wider(r.accepted, r.expected) else ""
            lines.append(f"Accepted: from `{number(r.accepted[0], precision)}` to "
                         f"`{number(r.accepted[1], precision)}`{vast}.")
    else:
        lines = [f"Given `{given}`: {verdict_text(r, level)}."]
    if r.diagnosis:
        lines.append(markdown_text(r.diagnosis))
    return "\n\n".join(lines)
