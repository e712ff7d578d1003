"""Gradebooks a learning-management system imports: one row per roster student, submitted or not
(without a roster, one per submission). `generic`: student, score, max_score, status, then each
question's points; `canvas`: a Canvas gradebook export's own columns, then the score under the
assignment's title (Canvas adds or updates that assignment on upload); `moodle`: the roster's id
column, then the score under the title (Moodle's CSV grade import maps both)."""
from __future__ import annotations

import csv
import io

from ..core.numbers import exact
from ..errors import UsageError, printable

GRADED, INVALID, NO_SUBMISSION = "graded", "invalid", "no submission"


def gradebook_rows(assignment, graded, invalid_students) -> list[tuple[str, str, list[float]]]:
    """(student, status, points of each question) in the roster's order, every roster student
    once; without a roster, each submission in turn. A file that could not be read scores 0."""
    zeros = [0.0] * len(assignment.questions)
    rows = {s.student: (s.student, GRADED, [r.points for r in s.results]) for s in graded}
    for student, _ in invalid_students:
        rows.setdefault(student, (student, INVALID, zeros))
    roster = assignment.roster
    if roster is None:
        return list(rows.values())
    return [rows.get(student, (student, NO_SUBMISSION, zeros)) for student in roster.ids]


def gradebook_problem(assignment, fmt: str) -> str | None:
    """Why the gradebook `fmt` cannot be written for this assignment's roster, or None."""
    if fmt == "canvas" and not (assignment.roster is not None and assignment.roster.from_canvas):
        return ("--gradebook-format canvas writes back a Canvas gradebook export: give it as the roster (its "
                "columns Student, ID, SIS User ID, SIS Login ID and Section)")
    return None


def gradebook_csv(assignment, graded, invalid_students, fmt: str = "generic") -> str:
    """The gradebook in `fmt` (generic, canvas or moodle) as CSV text; UsageError where it cannot be."""
    problem = gradebook_problem(assignment, fmt)
    if problem:
        raise UsageError(problem)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = gradebook_rows(assignment, graded, invalid_students)
    title = assignment.title or "backprop"
    if fmt == "canvas":  # the roster is a Canvas export (the command checks): its rows, as Canvas wrote them
        columns = assignment.roster.CANVAS_COLUMNS
        writer.writerow(columns + (title,))
        for student, _, earned in rows:
            own = assignment.roster.rows[student]
            writer.writerow([_cell(own.get(column, "")) for column in columns] + [exact(sum(earned))])
    elif fmt == "moodle":
        writer.writerow([_cell(assignment.roster.id_column if assignment.roster else "student"), title])
        writer.writerows([_cell(student), exact(sum(earned))] for student, _, earned in rows)
    else:
        writer.writerow(["student", "score", "max_score", "status"] + [q.quantity for q in assignment.questions])
        writer.writerows([_cell(student), exact(sum(earned)), exact(assignment.max_score), status]
                         + [exact(p) for p in earned] for student, status, earned in rows)
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula: no line break or other control character
    (shown as \\xNN: a bare CR would start a new cell unquoted), and no formula's first character."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
