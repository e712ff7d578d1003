"""report.ci: JUnit XML (parsed back) and GitHub annotations, escaped as GitHub requires."""
from types import SimpleNamespace
from xml.etree import ElementTree as ET

from backprop_cli.report.ci import annotations, github_annotation, junit_xml, wrong_answer


def answer(text="dL/dw111", given=0.5, line=3, column=5):
    return SimpleNamespace(quantity=SimpleNamespace(text=text), given=given, line=line, column=column)


def outcome(ok, given=0.5, expected=0.25, diagnosis=None, **kw):
    return SimpleNamespace(ok=ok, answer=answer(given=given, **kw), expected=expected, diagnosis=diagnosis)


def report(path, outcomes):
    return SimpleNamespace(path=path, outcomes=outcomes, failed=sum(not o.ok for o in outcomes), refused=[])


def test_junit_xml_round_trip():
    reports = [report("alice/answers.yaml", [outcome(True), outcome(False, diagnosis="sign flipped")])]
    text = junit_xml(reports, [("bob/answers.yaml", ["bob:1:1: no such file", "second"])])
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuites")
    assert text.endswith("\n")
    root = ET.fromstring(text.split("\n", 1)[1])
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["alice/answers.yaml", "bob/answers.yaml"]
    assert (suites[0].get("tests"), suites[0].get("failures"), suites[0].get("errors")) == ("2", "1", "0")
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["dL/dw111 (line 3)"] * 2
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure.get("message") == "given 0.5, expected 0.25"
    assert failure.text == "given 0.5, expected 0.25: sign flipped"
    error = suites[1].find("testcase/error")
    assert (suites[1].get("errors"), error.get("message"), error.text) == \
        ("1", "invalid answers file or spec", "bob:1:1: no such file\nsecond")


def test_junit_xml_with_hostile_path_still_parses():
    path = "eve\x1b[2J\x00/answers.yaml"
    text = junit_xml([report(path, [outcome(False)])], [(path, ["x"])])
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.find("testsuite").get("name") == "eve\\x1b[2J\\x00/answers.yaml"


def test_junit_xml_empty():
    root = ET.fromstring(junit_xml([], []).split("\n", 1)[1])
    assert root.tag == "testsuites" and root.get("name") == "backprop check" and list(root) == []


def test_github_annotation_escapes():
    assert github_annotation("a.yaml", 3, 5, "msg") == "::error file=a.yaml,line=3,col=5::msg"
    assert github_annotation("a:b,c%.yaml", 1, 1, "50% off\r\nnext ##[x]") == \
        "::error file=a%3Ab%2Cc%25.yaml,line=1,col=1::50%25 off%0D%0Anext #%23[x]"


def test_annotation_is_one_line_whatever_the_message():
    line = github_annotation("p\n::error::x", 1, 1, "a\nb\r::warning::c")
    assert "\n" not in line and "\r" not in line
    assert line == "::error file=p%0A%3A%3Aerror%3A%3Ax,line=1,col=1::a%0Ab%0D::warning::c"


def test_wrong_answer_and_annotations():
    assert wrong_answer("a.yaml", answer(given=0.123456, line=7, column=9), 0.5, "off by one", 3) == \
        "::error file=a.yaml,line=7,col=9::dL/dw111: given 0.123, expected 0.5. off by one"
    reports = [report("a.yaml", [outcome(True), outcome(False, line=4)]), report("b.yaml", [outcome(False)])]
    assert annotations(reports, 4) == [
        "::error file=a.yaml,line=4,col=5::dL/dw111: given 0.5, expected 0.25",
        "::error file=b.yaml,line=3,col=5::dL/dw111: given 0.5, expected 0.25",
    ]


def test_a_key_holding_characters_xml_forbids_leaves_junit_well_formed(tmp_path):
    import xml.dom.minidom

    from conftest import SPECS, invoke

    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text('spec: net.yaml\nanswers:\n  "::warning::x\\uFFFEy\\uFFFF\\x1b[31m": 0.5\n',
                                     encoding="utf-8")
    invoke("check", tmp_path / "a.yaml", "--junit", tmp_path / "r.xml")
    xml.dom.minidom.parse(str(tmp_path / "r.xml"))  # parses: U+FFFE and U+FFFF were escaped
    assert "\ufffe" not in (tmp_path / "r.xml").read_text(encoding="utf-8")
