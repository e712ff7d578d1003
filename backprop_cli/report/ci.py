"""What CI systems read from `check`: JUnit XML, and GitHub Actions annotations at the answer's line."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from ..core.numbers import number
from ..errors import printable


def junit_xml(reports, invalid: list[tuple[str, list[str]]]) -> str:
    """JUnit XML for graded files and for files that could not be read. Every file name is made
    printable first: XML cannot hold control characters, and one student's folder name must not
    make the whole class's report unreadable."""
    suites = ET.Element("testsuites", name="backprop check")
    for report in reports:
        path = printable(report.path)
        suite = ET.SubElement(suites, "testsuite", name=path, tests=str(len(report.outcomes) + len(report.refused)),
                              failures=str(report.failed), errors="0")
        for o in report.outcomes:
            case = ET.SubElement(suite, "testcase", classname=path,
                                 name=f"{o.answer.quantity.text} (line {o.answer.line})")
            if not o.ok:
                message = f"given {number(o.answer.given, 10)}, expected {number(o.expected, 10)}"
                failure = ET.SubElement(case, "failure", message=message)
                failure.text = message + (f": {o.diagnosis}" if o.diagnosis else "")
        for r in report.refused:  # no grade: an unreadable value fails, an unknown quantity is skipped
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{printable(r.key)[:60]} (line {r.line})")
            ET.SubElement(case, "skipped" if r.verdict == "not_graded" else "failure",
                          message=printable(f"{r.verdict.replace('_', ' ')}: {r.hint}"))
    for raw_path, problems in invalid:
        path = printable(raw_path)
        suite = ET.SubElement(suites, "testsuite", name=path, tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", classname=path, name="answers file")
        error = ET.SubElement(case, "error", message="invalid answers file or spec")
        error.text = "\n".join(problems)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def github_annotation(path: str, line: int, column: int, message: str) -> str:
    """A GitHub Actions `::error` workflow command, escaped as GitHub requires."""
    def data(text: str) -> str:
        # `##[` would read as a legacy command anywhere; `%23` is shown as written, never obeyed
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace("##[", "#%23[")

    prop = data(path).replace(":", "%3A").replace(",", "%2C")
    return f"::error file={prop},line={line},col={column}::{data(message)}"


def wrong_answer(path: str, answer, expected: float, diagnosis: str | None, precision: int) -> str:
    """The annotation of one wrong answer, at its line in its file."""
    message = (f"{answer.quantity.text}: given {number(answer.given, precision)}, expected "
               f"{number(expected, precision)}" + (f". {diagnosis}" if diagnosis else ""))
    return github_annotation(path, answer.line, answer.column, message)


def annotations(reports, precision: int) -> list[str]:
    """One annotation per wrong answer, at its line in its file."""
    lines = [wrong_answer(report.path, o.answer, o.expected, o.diagnosis, precision)
             for report in reports for o in report.outcomes if not o.ok]
    return lines + [github_annotation(report.path, r.line, r.column, f"{printable(r.key)[:60]}: unreadable: {r.hint}")
                    for report in reports for r in report.refused if r.verdict == "unreadable"]
