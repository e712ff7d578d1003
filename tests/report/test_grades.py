"""report.grades: a class's text report, statistics, JSON object and gradebook CSV (read back)."""
import json

import pytest

from backprop_cli.report.grades import (
    MARKS,
    points,
    submissions_object,
    submissions_text,
    summary_text,
)
from backprop_cli.report.json import dumps

from ._course import class_run, plain


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return class_run(tmp_path_factory.mktemp("class"))


@pytest.mark.parametrize("value, text", [(2.0, "2"), (1.5, "1.5"), (0.0, "0"), (0.25, "0.25"), (1e6, "1e+06")])
def test_points(value, text):
    assert points(value) == text


def test_submissions_text(run):
    text = plain(submissions_text(run.graded, len(run.invalid), 4, quiet=False))
    lines = text.splitlines()
    assert lines[0] == "alice/answers.yaml  alice  score 5/5"
    assert lines[1].split() == ["line", "quantity", "given", "expected", "points"]
    assert lines[2].split() == ["3", "a12", "0.8022", "0.8022", "1/1", MARKS["right"]]
    assert "bob/answers.yaml  bob  score 2/5" in lines
    assert any(line.split()[-2:] == ["0/2", MARKS["not_answered"]] for line in lines)
    assert "  a12: no known mistake gives this value; `backprop trace` shows the steps. (right would be within " \
           "[0.8021, 0.8022])" in lines
    assert "  dL/dw212: not answered" in lines
    assert lines[-1] == "4 submissions: 2 graded: mean score 3.5/5, 2 invalid (see the messages above; scored 0)"


def test_submissions_text_quiet(run):
    assert plain(submissions_text(run.graded, 0, 4, quiet=True)).splitlines() == [
        "alice/answers.yaml: alice 5/5", "bob/answers.yaml: bob 2/5", "2 submissions: 2 graded: mean score 3.5/5"]
    assert plain(submissions_text([], 1, 4, quiet=True)).splitlines() == [
        "1 submission: 0 graded, 1 invalid (see the messages above; scored 0)"]


def test_summary_text(run):
    assert plain(summary_text(run.stats)).splitlines() == [
        "Per question", "  a12: 1/2 right (50%); 1 wrong", "  dL/dz21: 2/2 right (100%)",
        "  dL/dw212: 1/2 right (50%); 1 not answered"]
    rows = [{"quantity": "yhat1", "right": 0, "submissions": 4, "share_right": 0.0, "carried_forward": 1,
             "imprecise": 0, "wrong": 3, "not_answered": 0, "unreadable": 0,
             "diagnoses": [{"code": "sign_flipped", "count": 3, "text": "The sign is flipped."}]}]
    assert plain(summary_text(rows)).splitlines()[1:] == ["  ŷ1: 0/4 right (0%); 1 carried forward, 3 wrong",
                                                          "      3× sign_flipped: The sign is flipped."]


def test_submissions_object_reads_back(run):
    obj = json.loads(dumps(submissions_object(run.graded, run.invalid, run.stats)))
    alice, bob = obj["files"]
    assert (alice["student"], alice["score"], alice["max_score"]) == ("alice", 5.0, 5.0)
    assert [r["verdict"] for r in bob["results"]] == ["wrong", "right", "not_answered"]
    assert bob["results"][2]["given"] is None and bob["results"][2]["line"] is None
    assert bob["results"][0]["accepted"][0] < bob["results"][0]["expected"] < bob["results"][0]["accepted"][1]
    assert (obj["passed"], obj["failed"]) == (4, 2)  # every answer not right: the unanswered one too
    assert [i["path"] for i in obj["invalid"]] == ["=cmd/answers.yaml", "nobody/answers.yaml"]
    assert obj["summary"] == run.stats


@pytest.mark.parametrize("quiet", [False, True])
def test_a_class_report_printed_as_plain_text_is_what_rich_prints(run, quiet):
    # a pipe or a CI log: the report's Texts joined as they are (rich takes over a second to lay out a
    # class of a thousand), byte for byte what rich would print there
    import io

    from rich.console import Group

    from backprop_cli.report.text import make_console, plain_text

    report = Group(submissions_text(run.graded, len(run.invalid), 4, quiet=quiet), summary_text(run.stats))
    out = io.StringIO()
    console = make_console(file=out)
    shown = plain_text(console, report)
    console.print(report)
    assert shown is not None and shown == out.getvalue()
    assert plain_text(make_console(file=io.StringIO(), width=80), report) is None  # a width to wrap at: rich's
    from rich.table import Table

    assert plain_text(console, Group(report, Table("quantity"))) is None  # a table: rich lays it out
