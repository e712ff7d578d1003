"""Reports of a class graded against an assignment: a table per submission with points and the
score, the class's statistics, and the gradebook a learning-management system imports."""
from __future__ import annotations

from typing import Any

from ..core.numbers import number
from ..errors import printable
from .derivation import accepted_text, cells, pretty
from .feedback import PLAIN_VERDICTS, said_of, shows_diagnosis, shows_expected, shows_questions
from .style import MARK_STYLES, MARKS, REFUSED_SHOWN


def points(value: float) -> str:
    """Points as a person writes them: 2, 1.5."""
    return f"{value:g}"


def submissions_text(graded, invalid: int, precision: int, quiet: bool, level: str = "full", strangers=()):
    """Each submission's table and score, said as the feedback level allows, then the total line
    (rich renderables). The tables are aligned by hand: a rich Table costs milliseconds, and a
    class has a thousand of them."""
    from rich.console import Group
    from rich.text import Text

    parts = [Text.assemble((printable(s.path), "bold"), "  ", (s.said(shows_expected(level)) + ": not graded",
                                                              "bold red")) for s in strangers]
    for s in graded:
        if quiet or not shows_questions(level):
            parts.append(Text(f"{printable(s.path)}: {printable(s.student)} {points(s.score)}/{points(s.max_score)}"))
            continue
        # one Text a submission: rich renders each object separately, and a class has thousands
        block = Text.assemble((printable(s.path), "bold"), f"  {printable(s.student)}  ",
                              (f"score {points(s.score)}/{points(s.max_score)}",
                               "green" if s.score == s.max_score else "red"))
        expected = shows_expected(level)
        rows = [("line", "quantity", "given") + (("expected",) if expected else ()) + ("points", "")]
        notes: list[tuple[str, str]] = []
        for r in s.results:
            given = printable(r.answer.written)[:24] if r.answer and r.answer.written else \
                number(r.answer.given, precision) if r.answer else ""
            rows.append((str(r.line or ""), pretty(r.question.quantity), given)
                        + ((number(r.expected, precision),) if expected else ())
                        + (f"{points(r.points)}/{points(r.question.points)}", r.verdict))
            if r.verdict in ("wrong", "carried_forward", "imprecise", "unreadable"):
                if shows_diagnosis(level):
                    accepted = accepted_text(r.accepted, precision, r.expected, r.verdict) if expected else ""
                    notes.append((f"  {pretty(r.question.quantity)}: " + (r.diagnosis or "no known mistake gives "
                                  "this value; `backprop trace` shows the steps.") + accepted, ""))
                else:
                    notes.append((f"  {pretty(r.question.quantity)}: {said_of(r, level)}", ""))
            elif r.verdict == "not_answered":
                notes.append((f"  {pretty(r.question.quantity)}: not answered", "dim"))
        columns = len(rows[0]) - 1
        widths = [max(cells(row[i]) for row in rows) for i in range(columns)]
        for n, row in enumerate(rows):
            gaps = [" " * (width - cells(cell)) for cell, width in zip(row, widths)]
            line = [(cell + gap if i == 1 else gap + cell) + "    " for i, (cell, gap) in enumerate(zip(row, gaps))]
            if n == 0:  # the header, each cell bold
                block.append("\n  ")
                for cell in line:
                    block.append(cell, style="bold")
            else:  # a row's plain cells in one piece: a class has thousands of rows
                block.append("\n  " + "".join(line))
                mark = row[-1] if shows_diagnosis(level) or row[-1] in PLAIN_VERDICTS else "wrong"
                block.append(MARKS.get(mark, "?"), style=MARK_STYLES.get(mark, "dim"))
        if s.not_graded:
            listed = ", ".join(s.not_graded[:REFUSED_SHOWN])
            more = len(s.not_graded) - REFUSED_SHOWN
            listed += f" and {more:,} more (--format json lists them)" if more > 0 else ""
            notes.append((f"  not graded (not asked): {printable(listed)}", "dim"))
        notes += [(f"  note: {printable(note)}", "yellow") for note in s.notes]
        for text, style in notes:
            block.append("\n" + text, style=style)
        parts += [block, Text("")]
    files = len(graded) + invalid + len(strangers)
    total = Text(f"{files} submission{'s' if files != 1 else ''}: {len(graded)} graded", style="bold")
    if graded:
        mean = sum(s.score for s in graded) / len(graded)
        total.append(f": mean score {mean:.3g}/{points(graded[0].max_score)}")
    if invalid:
        total.append(f", {invalid} invalid (see the messages above; scored 0)", style="bold red")
    if strangers:
        total.append(f", {len(strangers)} not on the roster (not graded)", style="bold red")
    return Group(*parts, total)


def summary_text(rows):
    """The class's statistics: per question, how many got each verdict and the most frequent
    diagnoses (the instructor's: --summary)."""
    from rich.console import Group
    from rich.text import Text

    parts = [Text("Per question", style="bold underline")]
    for row in rows:
        others = ", ".join(f"{row[v]} {v.replace('_', ' ')}" for v in
                           ("carried_forward", "imprecise", "wrong", "not_answered", "unreadable") if row[v])
        parts.append(Text(f"  {pretty(row['quantity'])}: {row['right']}/{row['submissions']} right "
                          f"({row['share_right']:.0%})" + (f"; {others}" if others else "")))
        parts += [Text(f"      {d['count']}× {d['code']}" + (f": {d['text']}" if d["text"] else ""), style="dim")
                  for d in row["diagnoses"]]
    return Group(*parts)


def submissions_object(graded, invalid, summary, strangers=(), level: str = "full") -> dict[str, Any]:
    """`check --assignment --format json`: `check`'s object with student, score, points, verdict."""
    files = []
    for s in graded:
        results = [{"quantity": r.question.quantity, "given": r.answer.given if r.answer else None,
                    "expected": r.expected, "ok": r.verdict == "right", "line": r.line,
                    "diagnosis": r.diagnosis, "diagnoses": r.diagnoses, "points": r.points,
                    "max_points": r.question.points,
                    "verdict": r.verdict, **({"accepted": list(r.accepted)} if r.accepted else {})}
                   for r in s.results]
        files.append({"path": s.path, "student": s.student, "status": "graded", "score": s.score,
                      "max_score": s.max_score, "results": results, "not_graded": s.not_graded, "notes": s.notes})
    passed = sum(r["ok"] for f in files for r in f["results"])
    failed = sum(not r["ok"] for f in files for r in f["results"])  # as a plain check counts: every one not right
    return {"files": files, "passed": passed, "failed": failed,
            "invalid": [{"path": path, "problems": problems} for path, problems in invalid],
            "not_on_roster": [{"path": s.path, "student": s.student, "nearest": s.nearest} for s in strangers],
            "feedback": level, "summary": summary}
