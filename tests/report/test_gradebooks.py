"""report.gradebooks: one row per roster student, submitted or not, in the formats LMSs import;
the files are written as Canvas and Moodle document their imports, and read back."""
import csv
import io
from types import SimpleNamespace

import pytest

from backprop_cli.grading.roster import load_roster
from backprop_cli.report.gradebooks import _cell, gradebook_csv

from ._course import class_run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return class_run(tmp_path_factory.mktemp("class"))


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("text, cell", [("=cmd", "'=cmd"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"),
                                        ("\tx", "\\x09x"), ("\rx", "\\x0dx"), ("alice", "alice"), ("", ""),
                                        ("a\r=cmd|' -C calc'!A0", "a\\x0d=cmd|' -C calc'!A0")])
def test_cell_defuses_formulas(text, cell):
    assert _cell(text) == cell


def test_without_a_roster_one_row_per_submission(run):
    rows = read(gradebook_csv(run.assignment, run.graded, run.invalid_students))
    assert rows == [["student", "score", "max_score", "status", "a12", "dL/dz21", "dL/dw212"],
                    ["alice", "5.0", "5.0", "graded", "1.0", "2.0", "2.0"],
                    ["bob", "2.0", "5.0", "graded", "0.0", "2.0", "0.0"],
                    ["'=cmd", "0.0", "5.0", "invalid", "0.0", "0.0", "0.0"],
                    ["nobody", "0.0", "5.0", "invalid", "0.0", "0.0", "0.0"]]
    for row in rows[1:]:
        assert float(row[1]) == sum(map(float, row[4:]))  # the score is the sum of the points


# A Canvas gradebook export, as Canvas writes one (Grades > Export): the five student columns, the
# assignments, a "Points Possible" row, and a test student
CANVAS_EXPORT = """Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (1001),Current Score
    Points Possible,,,,,10,
"Ng, Carol",4417,S0003,carol,CS 101 A,9,90
"Lee, Alice",4415,S0001,alice,CS 101 A,8,80
"Bo, Bob",4416,S0002,bob,CS 101 B,,0
"""


def with_roster(run, tmp_path, text, column=None):
    (tmp_path / "canvas.csv").write_text(text, encoding="utf-8")
    return SimpleNamespace(title=run.assignment.title, questions=run.assignment.questions,
                           max_score=run.assignment.max_score, roster=load_roster(str(tmp_path / "canvas.csv"), column))


def test_a_roster_gives_every_student_a_row_in_its_order_the_missing_at_0(run, tmp_path):
    assignment = with_roster(run, tmp_path, CANVAS_EXPORT, "SIS Login ID")
    rows = read(gradebook_csv(assignment, run.graded, run.invalid_students))
    assert [row[:4] for row in rows[1:]] == [["carol", "0.0", "5.0", "no submission"],
                                             ["alice", "5.0", "5.0", "graded"],
                                             ["bob", "2.0", "5.0", "graded"]]  # =cmd, nobody: not on the roster


def test_canvas_keeps_the_exports_columns_and_adds_the_assignment(run, tmp_path):
    assignment = with_roster(run, tmp_path, CANVAS_EXPORT, "SIS Login ID")
    rows = read(gradebook_csv(assignment, run.graded, run.invalid_students, "canvas"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "HW | 3 <b>"]
    assert rows[1:] == [["Ng, Carol", "4417", "S0003", "carol", "CS 101 A", "0.0"],
                        ["Lee, Alice", "4415", "S0001", "alice", "CS 101 A", "5.0"],
                        ["Bo, Bob", "4416", "S0002", "bob", "CS 101 B", "2.0"]]


def test_moodle_writes_the_identifier_and_one_grade_column(run, tmp_path):
    moodle = "First name,Last name,Username,Email address\nAlice,Lee,alice,alice@uni.edu\nBob,Bo,bob,bob@uni.edu\n"
    assignment = with_roster(run, tmp_path, moodle, "Username")
    rows = read(gradebook_csv(assignment, run.graded, run.invalid_students, "moodle"))
    assert rows == [["Username", "HW | 3 <b>"], ["alice", "5.0"], ["bob", "2.0"]]


def test_canvas_without_a_canvas_export_is_a_usage_error_not_a_crash(run, tmp_path):
    from backprop_cli.errors import UsageError

    with pytest.raises(UsageError, match="writes back a Canvas gradebook export"):
        gradebook_csv(run.assignment, run.graded, run.invalid_students, "canvas")  # no roster at all
    plain = with_roster(run, tmp_path, "id\nalice\nbob\n")
    with pytest.raises(UsageError, match="writes back a Canvas gradebook export"):
        gradebook_csv(plain, run.graded, run.invalid_students, "canvas")
