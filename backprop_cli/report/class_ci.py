"""What graders read from `check --assignment`: Gradescope's results.json for one submission, JUnit
with one testcase per question, GitHub Actions annotations and the run's Markdown step summary."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from ..core.numbers import number
from ..errors import printable
from .ci import wrong_answer
from .grades import points


def _feedback(r, precision: int) -> str:
    """One question's feedback in Markdown: verdict, values, the interval, the diagnosis."""
    if r.verdict == "not_answered":
        return "Not answered."
    if r.answer is None:  # a value that could not be read as a number
        return f"Unreadable: {printable(r.diagnosis or '')}"
    given = printable(r.answer.written or str(r.answer.given)).replace("`", "'")  # stays inside its code span
    lines = [f"Given `{given}`, expected `{number(r.expected, precision)}`."]
    if r.verdict != "right" and r.accepted:
        lines.append(f"Accepted: from `{number(r.accepted[0], precision)}` to `{number(r.accepted[1], precision)}`.")
    if r.diagnosis:
        lines.append(printable(r.diagnosis))
    return "\n\n".join(lines)


def gradescope_json(assignment, submission, problems: list[str] | None, precision: int = 6) -> str:
    """Gradescope's results.json: the score and one test per question; for a submission that could
    not be read, score 0 and a test saying why (a results.json is always written, always valid)."""
    if submission is None:
        why = "\n".join(f"- `{printable(p.replace(chr(10), ' — ')).replace('`', chr(39))}`"
                        for p in problems or ["the answers file could not be read"])
        tests = [{"name": "answers file", "number": "0", "score": 0.0, "max_score": assignment.max_score,
                  "status": "failed", "output": "The answers file could not be graded:\n\n" + why,
                  "output_format": "md"}]
        return json.dumps({"score": 0.0, "output": "Your answers file could not be read; see the test below.",
                           "output_format": "md", "tests": tests}, indent=2, ensure_ascii=False) + "\n"
    tests = [{"name": printable(r.question.quantity), "number": str(i), "score": r.points,
              "max_score": r.question.points, "status": "passed" if r.verdict == "right" else "failed",
              "output": _feedback(r, precision), "output_format": "md"}
             for i, r in enumerate(submission.results, start=1)]
    notes = [f"Not graded (not asked): {printable(', '.join(submission.not_graded))}."] if submission.not_graded else []
    notes += [f"Note: {printable(n)}." for n in submission.notes]
    return json.dumps({"score": submission.score, "output": "\n\n".join(notes) or
                       f"Score {points(submission.score)}/{points(submission.max_score)}.",
                       "output_format": "md", "tests": tests}, indent=2, ensure_ascii=False) + "\n"


def junit_questions(graded, invalid) -> str:
    """JUnit XML: a testsuite per submission, a testcase per question, a failure unless right."""
    suites = ET.Element("testsuites", name="backprop check --assignment")
    for s in graded:
        wrong = sum(r.verdict != "right" for r in s.results)
        suite = ET.SubElement(suites, "testsuite", name=printable(s.student), tests=str(len(s.results)),
                              failures=str(wrong), errors="0")
        for r in s.results:
            earned = f"{points(r.points)}/{points(r.question.points)}"
            case = ET.SubElement(suite, "testcase", classname=printable(s.student),
                                 name=f"{printable(r.question.quantity)} ({earned})")
            if r.verdict != "right":
                failure = ET.SubElement(case, "failure", message=r.verdict.replace("_", " "))
                failure.text = _feedback(r, 10)
    for path, problems in invalid:
        suite = ET.SubElement(suites, "testsuite", name=printable(path), tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", classname=printable(path), name="answers file")
        ET.SubElement(case, "error", message="invalid answers file").text = "\n".join(problems)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def annotations(graded, precision: int) -> list[str]:
    """A GitHub Actions error at the line of each wrong answer."""
    return [wrong_answer(s.path, r.answer, r.expected, r.diagnosis, precision)
            for s in graded for r in s.results if r.answer is not None and r.verdict != "right"]


def step_summary(assignment, graded, invalid: int, summary) -> str:
    """The run in Markdown for GitHub's job summary: scores, then per question the share right."""
    def cell(text: str) -> str:
        return printable(text).replace("|", "\\|").replace("<", "&lt;")

    title = cell(assignment.title or "assignment")
    lines = [f"### {title}", "", "| student | score |", "|---|---:|"]
    lines += [f"| {cell(s.student)} | {points(s.score)}/{points(s.max_score)} |" for s in graded]
    if invalid:
        lines.append(f"| *{invalid} invalid* | 0/{points(assignment.max_score)} |")
    lines += ["", "| question | right | most frequent diagnosis |", "|---|---:|---|"]
    for row in summary:
        top = row["diagnoses"][0] if row["diagnoses"] else None
        lines.append(f"| {cell(row['quantity'])} | {row['share_right']:.0%} | "
                     + (f"{top['count']}× {cell(top['diagnosis'])}" if top else "") + " |")
    return "\n".join(lines) + "\n"
