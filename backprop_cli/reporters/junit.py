"""`check --junit FILE`: JUnit XML, one testcase per answer, classname = the answers file."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from . import number


def junit_xml(reports, invalid: list[tuple[str, list[str]]]) -> str:
    """JUnit XML for graded files and for files that could not be read."""
    suites = ET.Element("testsuites", name="backprop check")
    for report in reports:
        suite = ET.SubElement(suites, "testsuite", name=report.path, tests=str(len(report.outcomes)),
                              failures=str(report.failed), errors="0")
        for o in report.outcomes:
            case = ET.SubElement(suite, "testcase", classname=report.path,
                                 name=f"{o.answer.quantity.text} (line {o.answer.line})")
            if not o.ok:
                message = f"given {number(o.answer.given, 10)}, expected {number(o.expected, 10)}"
                failure = ET.SubElement(case, "failure", message=message)
                failure.text = message + (f": {o.diagnosis}" if o.diagnosis else "")
    for path, problems in invalid:
        suite = ET.SubElement(suites, "testsuite", name=path, tests="1", failures="0", errors="1")
        case = ET.SubElement(suite, "testcase", classname=path, name="answers file")
        error = ET.SubElement(case, "error", message="invalid answers file or spec")
        error.text = "\n".join(problems)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
