"""Reports of a class graded against an assignment: a table per submission with points and the
score, the class's statistics, and the gradebook a learning-management system imports."""
from __future__ import annotations

import csv
import io
from typing import Any

from ..core.numbers import exact, number
from ..errors import printable
from .derivation import accepted_text, cells, pretty
from .style import MARK_STYLES, MARKS


def points(value: float) -> str:
    """Points as a person writes them: 2, 1.5."""
    return f"{value:g}"


def submissions_text(graded, invalid: int, precision: int, quiet: bool):
    """Each submission's table and score, then the total line (rich renderables). The tables are
    aligned by hand: a rich Table costs milliseconds, and a class has a thousand of them."""
    from rich.console import Group
    from rich.text import Text

    parts = []
    for s in graded:
        if quiet:
            parts.append(Text(f"{printable(s.path)}: {printable(s.student)} {points(s.score)}/{points(s.max_score)}"))
            continue
        # one Text a submission: rich renders each object separately, and a class has thousands
        block = Text.assemble((printable(s.path), "bold"), f"  {printable(s.student)}  ",
                              (f"score {points(s.score)}/{points(s.max_score)}",
                               "green" if s.score == s.max_score else "red"))
        rows = [("line", "quantity", "given", "expected", "points", "")]
        notes: list[tuple[str, str]] = []
        for r in s.results:
            given = printable(r.answer.written)[:24] if r.answer and r.answer.written else \
                number(r.answer.given, precision) if r.answer else ""
            rows.append((str(r.answer.line) if r.answer else "", pretty(r.question.quantity), given,
                         number(r.expected, precision), f"{points(r.points)}/{points(r.question.points)}",
                         r.verdict))
            if r.verdict in ("wrong", "carried_forward", "imprecise", "unreadable"):
                accepted = accepted_text(r.accepted, precision)
                notes.append((f"  {pretty(r.question.quantity)}: " + (r.diagnosis or "no known mistake gives this "
                              "value; `backprop trace` shows the steps.") + accepted, ""))
            elif r.verdict == "not_answered":
                notes.append((f"  {pretty(r.question.quantity)}: not answered", "dim"))
        widths = [max(cells(row[i]) for row in rows) for i in range(5)]
        for n, row in enumerate(rows):
            block.append("\n  ")
            for i, (cell, width) in enumerate(zip(row[:5], widths)):
                gap = " " * (width - cells(cell))
                block.append((cell + gap if i == 1 else gap + cell) + "    ", style="bold" if n == 0 else "")
            if n:
                block.append(MARKS.get(row[5], "?"), style=MARK_STYLES.get(row[5], "dim"))
        if s.not_graded:
            notes.append((f"  not graded (not asked): {printable(', '.join(s.not_graded))}", "dim"))
        notes += [(f"  note: {printable(note)}", "yellow") for note in s.notes]
        for text, style in notes:
            block.append("\n" + text, style=style)
        parts += [block, Text("")]
    files = len(graded) + invalid
    total = Text(f"{files} submission{'s' if files != 1 else ''}: {len(graded)} graded", style="bold")
    if graded:
        mean = sum(s.score for s in graded) / len(graded)
        total.append(f": mean score {mean:.3g}/{points(graded[0].max_score)}")
    if invalid:
        total.append(f", {invalid} invalid (see the messages above; scored 0)", style="bold red")
    return Group(*parts, total)


def summary_text(rows):
    """The class's statistics: per question, the share right and the most frequent diagnoses."""
    from rich.console import Group
    from rich.text import Text

    parts = [Text("Per question", style="bold underline")]
    for row in rows:
        parts.append(Text(f"  {pretty(row['quantity'])}: {row['right']}/{row['answered']} right "
                          f"({row['share_right']:.0%})"))
        parts += [Text(f"      {d['count']}× {d['diagnosis']}", style="dim") for d in row["diagnoses"]]
    return Group(*parts)


def submissions_object(graded, invalid, summary) -> dict[str, Any]:
    """`check --assignment --format json`: `check`'s object with student, score, points, verdict."""
    files = []
    for s in graded:
        results = [{"quantity": r.question.quantity, "given": r.answer.given if r.answer else None,
                    "expected": r.expected, "ok": r.verdict == "right", "line": r.answer.line if r.answer else None,
                    "diagnosis": r.diagnosis, "diagnoses": r.diagnoses, "points": r.points,
                    "max_points": r.question.points,
                    "verdict": r.verdict, **({"accepted": list(r.accepted)} if r.accepted else {})}
                   for r in s.results]
        files.append({"path": s.path, "student": s.student, "score": s.score, "max_score": s.max_score,
                      "results": results, "not_graded": s.not_graded, "notes": s.notes})
    passed = sum(r["ok"] for f in files for r in f["results"])
    failed = sum(r["verdict"] == "wrong" for f in files for r in f["results"])
    return {"files": files, "passed": passed, "failed": failed,
            "invalid": [{"path": path, "problems": problems} for path, problems in invalid], "summary": summary}


def gradebook_csv(assignment, graded, invalid) -> str:
    """One row per student: student, score, max_score, then the points of each question; an
    invalid submission scores 0 everywhere."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "score", "max_score"] + [q.quantity for q in assignment.questions])
    for s in graded:
        writer.writerow([_cell(s.student), exact(s.score), exact(s.max_score)] + [exact(r.points) for r in s.results])
    for student, _ in invalid:
        writer.writerow([_cell(student), "0.0", exact(assignment.max_score)] + ["0.0"] * len(assignment.questions))
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
