"""report.class_ci: Gradescope's results.json, JUnit per question, annotations and the step summary."""
import json
from xml.etree import ElementTree as ET

import pytest

from backprop_cli.report.class_ci import annotations, gradescope_json, junit_questions, step_summary

from ._course import class_run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return class_run(tmp_path_factory.mktemp("class"))


def test_gradescope_of_a_submission(run):
    bob = run.graded[1]
    obj = json.loads(gradescope_json(run.assignment, bob, None, 4))
    assert obj["score"] == 2.0 and obj["output"] == "Score 2/5." and obj["output_format"] == "md"
    assert [(t["name"], t["number"], t["score"], t["max_score"], t["status"]) for t in obj["tests"]] == [
        ("a12", "1", 0.0, 1.0, "failed"), ("dL/dz21", "2", 2.0, 2.0, "passed"), ("dL/dw212", "3", 0.0, 2.0, "failed")]
    assert obj["tests"][0]["output"].startswith("Given `1.8022`, expected `0.8022`.\n\nAccepted: from `0.8021` to "
                                                "`0.8022`.")
    assert obj["tests"][2]["output"] == "Not answered."


def test_gradescope_of_an_unreadable_file(run):
    obj = json.loads(gradescope_json(run.assignment, None, ["a.yaml:1:1: bad `x`\n  hint: h"]))
    assert obj["score"] == 0.0 and obj["tests"][0]["max_score"] == 5.0 and obj["tests"][0]["status"] == "failed"
    assert obj["tests"][0]["output"] == "The answers file could not be graded:\n\n- `a.yaml:1:1: bad 'x' —   hint: h`"
    default = json.loads(gradescope_json(run.assignment, None, None))
    assert "the answers file could not be read" in default["tests"][0]["output"]


def test_junit_questions(run):
    root = ET.fromstring(junit_questions(run.graded, run.invalid).split("\n", 1)[1])
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("alice", "3", "0", "0"), ("bob", "3", "2", "0"), ("=cmd/answers.yaml", "1", "0", "1"),
        ("nobody/answers.yaml", "1", "0", "1")]
    bob = suites[1].findall("testcase")
    assert [c.get("name") for c in bob] == ["a12 (0/1)", "dL/dz21 (2/2)", "dL/dw212 (0/2)"]
    assert [c.find("failure").get("message") if c.find("failure") is not None else None for c in bob] == [
        "wrong", None, "not answered"]


def test_annotations_only_for_answered_wrong(run):
    lines = annotations(run.graded, 4)
    assert lines == ["::error file=bob/answers.yaml,line=3,col=3::a12: given 1.802, expected 0.8022"]


def test_step_summary_escapes_table_cells(run):
    text = step_summary(run.assignment, run.graded, len(run.invalid), run.stats)
    assert text.splitlines() == [
        "### HW \\| 3 &lt;b&gt;", "", "| student | score |", "|---|---:|", "| alice | 5/5 |", "| bob | 2/5 |",
        "| *2 invalid* | 0/5 |", "", "| question | right | carried forward | not answered | most frequent diagnosis |",
        "|---|---:|---:|---:|---|", "| a12 | 50% | 0 | 0 |  |", "| dL/dz21 | 100% | 0 | 0 |  |",
        "| dL/dw212 | 50% | 0 | 1 |  |"]
