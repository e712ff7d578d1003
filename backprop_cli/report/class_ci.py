"""What graders read from `check --assignment`: Gradescope's results.json for one submission, JUnit
with one testcase per question, GitHub Actions annotations and the run's Markdown step summary."""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from ..errors import markdown_text, printable
from .ci import github_annotation, wrong_answer
from .feedback import question_markdown, said_of, shows_diagnosis, shows_expected, shows_questions, verdict_text
from .grades import points


def gradescope_json(assignment, submission, problems: list[str] | None, precision: int = 6, level: str = "full",
                    stranger=None) -> str:
    """Gradescope's results.json: the score and one test per question, said as the feedback level
    allows (at `score`, the tests are hidden: the student sees the total); for a submission that
    could not be read, or whose student is not on the roster, score 0 and a test saying why (a
    results.json is always written, always valid)."""
    visibility = "visible" if shows_questions(level) else "hidden"
    if submission is None:
        if stranger is not None:
            name, why = "student", (f"{markdown_text(stranger.said(shows_expected(level)))}; nothing was graded. "
                                    "Ask your instructor.")
        else:
            name = "answers file"
            why = "The answers file could not be graded:\n\n" + "\n".join(
                f"- `{printable(p.replace(chr(10), ' — ')).replace('`', chr(39))}`"
                for p in problems or ["the answers file could not be read"])
        tests = [{"name": name, "number": "0", "score": 0.0, "max_score": assignment.max_score,
                  "status": "failed", "output": why, "output_format": "md", "visibility": "visible"}]
        return json.dumps({"score": 0.0, "output": "Your submission could not be graded; see the test below.",
                           "output_format": "md", "visibility": "visible", "tests": tests},
                          indent=2, ensure_ascii=False) + "\n"
    tests = [{"name": printable(r.question.quantity), "number": str(i), "score": r.points,
              "max_score": r.question.points, "status": "passed" if r.verdict == "right" else "failed",
              "output": question_markdown(r, level, precision), "output_format": "md", "visibility": visibility}
             for i, r in enumerate(submission.results, start=1)]
    notes = [f"Not graded (not asked): {markdown_text(', '.join(submission.not_graded))}."] \
        if submission.not_graded else []
    notes += [f"Note: {markdown_text(n)}." for n in submission.notes]
    return json.dumps({"score": submission.score, "output": "\n\n".join(notes) or
                       f"Score {points(submission.score)}/{points(submission.max_score)}.",
                       "output_format": "md", "visibility": "visible", "tests": tests},
                      indent=2, ensure_ascii=False) + "\n"


def junit_questions(graded, invalid, level: str = "full", strangers=()) -> str:
    """JUnit XML: a testsuite per submission, a testcase per question (at `score`, one for the
    total), a failure unless right, said as the feedback level allows."""
    suites = ET.Element("testsuites", name="backprop check --assignment")
    for s in graded:
        if not shows_questions(level):
            suite = ET.SubElement(suites, "testsuite", name=printable(s.student), tests="1",
                                  failures=str(int(s.score < s.max_score)), errors="0")
            case = ET.SubElement(suite, "testcase", classname=printable(s.student),
                                 name=f"score ({points(s.score)}/{points(s.max_score)})")
            if s.score < s.max_score:
                ET.SubElement(case, "failure", message="not every answer is right")
            continue
        wrong = sum(r.verdict != "right" for r in s.results)
        suite = ET.SubElement(suites, "testsuite", name=printable(s.student), tests=str(len(s.results)),
                              failures=str(wrong), errors="0")
        for r in s.results:
            earned = f"{points(r.points)}/{points(r.question.points)}"
            case = ET.SubElement(suite, "testcase", classname=printable(s.student),
                                 name=f"{printable(r.question.quantity)} ({earned})")
            if r.verdict != "right":
                failure = ET.SubElement(case, "failure", message=verdict_text(r, level))
                failure.text = question_markdown(r, level, 10)
    for stranger in strangers:
        suite = ET.SubElement(suites, "testsuite", name=printable(stranger.path), tests="1", failures="1", errors="0")
        case = ET.SubElement(suite, "testcase", classname=printable(stranger.path), name="student")
        ET.SubElement(case, "failure", message="not on the roster").text = stranger.said(shows_expected(level))
    for path, problems in invalid:
        suite = ET.SubElement(suites, "testsuite", name=printable(path), tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", classname=printable(path), name="answers file")
        ET.SubElement(case, "error", message="invalid answers file").text = "\n".join(problems)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def annotations(graded, precision: int, level: str = "full", strangers=()) -> list[str]:
    """A GitHub Actions error at the line of each answer not right (none at `score`: which ones
    are wrong is more than the total), and at the top of a file whose student is not on the roster."""
    lines = [github_annotation(s.path, 1, 1, s.said(shows_expected(level))) for s in strangers]
    if not shows_questions(level):
        return lines
    for s in graded:
        for r in s.results:
            if r.verdict in ("right", "not_answered"):
                continue
            if r.answer is None:  # unreadable: at its line, with how to write it
                lines.append(github_annotation(s.path, r.refused.line, r.refused.column,
                                               f"{printable(r.question.quantity)}: {printable(said_of(r, level))}"))
                continue
            if shows_expected(level):
                lines.append(wrong_answer(s.path, r.answer, r.expected, r.diagnosis, precision))
            else:
                said = f"{r.answer.quantity.text}: {verdict_text(r, level)}"
                if shows_diagnosis(level) and r.diagnosis:
                    said += f". {r.diagnosis}"
                lines.append(github_annotation(s.path, r.answer.line, r.answer.column, said))
    return lines


def step_summary(assignment, graded, invalid: int, summary, level: str = "full", strangers=()) -> str:
    """The run in Markdown for GitHub's job summary: scores, then per question the share right
    and (at `full` and `diagnosis`) the most frequent diagnosis."""
    title = markdown_text(assignment.title or "assignment")
    lines = [f"### {title}", "", "| student | score |", "|---|---:|"]
    lines += [f"| {markdown_text(s.student)} | {points(s.score)}/{points(s.max_score)} |" for s in graded]
    if invalid:
        lines.append(f"| *{invalid} invalid* | 0/{points(assignment.max_score)} |")
    lines += [f"| {markdown_text(s.student)} (*not on the roster*) | 0/{points(assignment.max_score)} |"
              for s in strangers]
    if not shows_questions(level):
        return "\n".join(lines) + "\n"
    if not shows_diagnosis(level):  # right or not: the share right, and no verdict finer than that
        lines += ["", "| question | right |", "|---|---:|"]
        lines += [f"| {markdown_text(row['quantity'])} | {row['share_right']:.0%} |" for row in summary]
        return "\n".join(lines) + "\n"
    lines += ["", "| question | right | carried forward | not answered | most frequent diagnosis |",
              "|---|---:|---:|---:|---|"]
    for row in summary:
        top = row["diagnoses"][0] if row["diagnoses"] else None
        said = f"{top['count']}× {markdown_text(top['text'] or top['code'])}" if top else ""
        lines.append(f"| {markdown_text(row['quantity'])} | {row['share_right']:.0%} | {row['carried_forward']} | "
                     f"{row['not_answered']} | {said} |")
    return "\n".join(lines) + "\n"
