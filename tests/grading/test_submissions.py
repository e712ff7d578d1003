"""grading.submissions: a class graded against an assignment on the tiny 2-2-1 network
(tests/grading/_tiny.py): points per question, carried-forward credit, questions left empty,
answers not asked, who answers, and the class summary."""
import math
import os

import pytest

from backprop_cli.grading.assignment import load_assignment
from backprop_cli.grading.submissions import class_summary, grade_class, student_of

from . import _tiny as t

ASSIGNMENT = ("title: HW\nspec: net.yaml\ncarried_forward: {credit}\nquestions:\n  - {{quantity: a11, points: 1}}\n"
              "  - {{quantity: dL/dw211, points: 2}}\n  - {{quantity: w211_new, points: 3}}\n")


@pytest.fixture
def course(tmp_path):
    t.folder(tmp_path)

    def make(credit="half"):
        (tmp_path / "hw.yaml").write_text(ASSIGNMENT.format(credit=credit), encoding="utf-8")
        return load_assignment(str(tmp_path / "hw.yaml"))

    return make


def hand_in(tmp_path, student: str, answers: dict, extra: str = "") -> str:
    (tmp_path / student).mkdir(exist_ok=True)
    path = tmp_path / student / "answers.yaml"
    body = "".join(f"  {k}: {v}\n" for k, v in answers.items())
    path.write_text(f"student: {student}\nspec: net.yaml\n{extra}answers:\n{body}", encoding="utf-8")
    return str(path)


RIGHT = {"a11": t.f(t.A11, 4), "dL/dw211": t.f(t.G["w211"], 4), "w211_new": t.f(t.NEW["w211"], 4)}


def test_points_for_right_wrong_and_carried_forward(tmp_path, course):
    assignment = course("half")
    paths = [hand_in(tmp_path, "ana", RIGHT),
             hand_in(tmp_path, "bo", {"a11": "0.4000", "dL/dw211": t.f(t.D_YHAT * 0.4, 4), "w211_new": "0.7"})]
    graded, invalid, _ = grade_class(assignment, paths, None)
    assert invalid == []
    ana, bo = graded
    assert (ana.student, ana.score, ana.max_score) == ("ana", 6.0, 6.0)
    assert [r.verdict for r in bo.results] == ["wrong", "carried_forward", "wrong"]
    assert [r.points for r in bo.results] == [0.0, 1.0, 0.0]  # half of 2 for the carried step
    # 0.7 (1 significant digit) on bo's own gradient is also near a slip of its step: both are said
    assert bo.results[2].diagnosis.startswith("This is the value before the update: w ← w − η·∂L/∂w was not "
                                              "applied. Or an arithmetic slip: your own earlier answers")
    assert bo.results[0].expected == pytest.approx(t.A11, rel=1e-12)


@pytest.mark.parametrize("credit, points", [("full", 2.0), ("none", 0.0)])
def test_the_carried_forward_credit_is_the_assignments(tmp_path, course, credit, points):
    path = hand_in(tmp_path, "bo", {"a11": "0.4000", "dL/dw211": t.f(t.D_YHAT * 0.4, 4)})
    (bo,), _, _ = grade_class(course(credit), [path], None)
    assert bo.results[1].verdict == "carried_forward" and bo.results[1].points == points


def test_empty_and_unasked_answers(tmp_path, course):
    path = hand_in(tmp_path, "cy", {"a11": "", "dL/dw211": t.f(t.G["w211"], 4), "z12": "0.5000"})
    (cy,), _, _ = grade_class(course(), [path], None)
    assert [r.verdict for r in cy.results] == ["not_answered", "right", "not_answered"]
    assert cy.score == 2.0 and cy.not_graded == ["z12"]



def test_a_question_answered_twice_with_the_very_key_grades_the_first_and_the_rest_of_the_file(tmp_path, course):
    # YAML holds one value a key: the repeated line is no reason to refuse the file (section 5: one
    # answer, one verdict); the first answer is graded, as for a11 beside a1_1, the second is not
    (tmp_path / "di").mkdir()
    path = tmp_path / "di" / "answers.yaml"
    path.write_text(f"spec: net.yaml\nanswers:\n  a11: 0.9\n  dL/dw211: {RIGHT['dL/dw211']}\n  a11: {RIGHT['a11']}\n",
                    encoding="utf-8")
    (di,), invalid, _ = grade_class(course(), [str(path)], None)
    assert invalid == []
    assert [r.verdict for r in di.results] == ["wrong", "right", "not_answered"]  # the first a11, 0.9, is graded
    assert di.not_graded == [] and di.score == 2.0  # (it is no question not asked: a note says why it is not)
    assert di.notes == ["line 5: a11 is answered already, on line 3: only that answer is graded"]


def test_a_handouts_blanks_answered_on_lines_added_below_are_graded(tmp_path, course):
    # the handout's empty keys kept, the answers appended under them: an empty first value gives way
    (tmp_path / "ed").mkdir()
    path = tmp_path / "ed" / "answers.yaml"
    path.write_text("spec: net.yaml\nanswers:\n  a11:\n  dL/dw211:\n  w211_new:\n# mine\n"
                    f"  a11: {RIGHT['a11']}\n  dL/dw211: {RIGHT['dL/dw211']}\n", encoding="utf-8")
    (ed,), invalid, _ = grade_class(course(), [str(path)], None)
    assert [r.verdict for r in ed.results] == ["right", "right", "not_answered"] and ed.score == 3.0
    assert [r.answer.line for r in ed.results[:2]] == [7, 8] and ed.not_graded == [] and ed.notes == []


def test_an_unreadable_value_answers_its_question_however_the_quantity_is_spelt(tmp_path, course):
    # `a1_1` and `"dL/dw211 "` name the questions a11 and dL/dw211: their values, unreadable, are those
    # questions' verdicts with the hint, not "not answered" beside a list of names not graded
    (tmp_path / "fay").mkdir()
    path = tmp_path / "fay" / "answers.yaml"
    path.write_text('spec: net.yaml\nanswers:\n  a1_1: 0,5987\n  "dL/dw211 ": 1,2\n', encoding="utf-8")
    (fay,), invalid, _ = grade_class(course(), [str(path)], None)
    assert [r.verdict for r in fay.results] == ["unreadable", "unreadable", "not_answered"]
    assert fay.results[0].diagnosis == "not a number: '0,5987'; write 0.5987: a point marks decimals"
    assert fay.not_graded == [] and fay.notes == []


def test_a_second_answer_to_a_question_in_an_assignment_is_told_so_not_listed_as_not_asked(tmp_path, course):
    (tmp_path / "gus").mkdir()
    path = tmp_path / "gus" / "answers.yaml"
    path.write_text("spec: net.yaml\nanswers:\n  bogus: 1\n  bogus: 2\n  dL/dw211: 0.1\n  dL/dw211: 0.2\n",
                    encoding="utf-8")
    (gus,), invalid, _ = grade_class(course(), [str(path)], None)
    assert gus.not_graded == ["bogus"]  # once: its repeat is no second quantity
    assert gus.notes == ["line 6: dL/dw211 is answered already, on line 5: only that answer is graded"]

def test_invented_intermediate_values_buy_no_carried_credit(tmp_path, course):
    # a11 is asked; z11 is not: a step on an unasked wrong z11 is not built on
    path = hand_in(tmp_path, "di", {"z11": "0.5000", "a11": t.f(1 / (1 + math.exp(-0.5)), 4)})
    (di,), _, _ = grade_class(course(), [path], None)
    assert di.results[0].verdict == "wrong" and di.not_graded == ["z11"]


def test_who_answers(tmp_path, course):
    assert student_of(str(tmp_path / "eve" / "answers.yaml"), None) == "eve"
    assert student_of(str(tmp_path / "eve" / "answers.yaml"), "fay") == "fay"
    path = hand_in(tmp_path, "eve", RIGHT)
    (tmp_path / "eve" / "answers.yaml").write_text(
        (tmp_path / "eve" / "answers.yaml").read_text().replace("student: eve", "student: mallory"))
    (eve,), _, _ = grade_class(course(), [path], None)
    assert eve.student == "eve"
    assert eve.notes == ["its `student:` line says 'mallory', but it is graded as eve"]


def test_a_second_file_for_one_student_is_refused_and_the_rest_graded(tmp_path, course):
    first = hand_in(tmp_path, "gil", RIGHT)
    (tmp_path / "gil" / "again.yaml").write_text((tmp_path / "gil" / "answers.yaml").read_text())
    broken = hand_in(tmp_path, "hal", {"nonsense": "1"})  # an unknown quantity: not graded, the file is
    (tmp_path / "ida").mkdir()
    (tmp_path / "ida" / "answers.yaml").write_text("[1, 2]\n")  # not a mapping at all: invalid
    invalid_file = str(tmp_path / "ida" / "answers.yaml")
    graded, invalid, _ = grade_class(course(), [first, str(tmp_path / "gil" / "again.yaml"), broken, invalid_file],
                                  None)
    assert [s.student for s in graded] == ["gil", "hal"] and graded[1].not_graded == ["nonsense"]
    assert [p for p, _ in invalid] == [str(tmp_path / "gil" / "again.yaml"), invalid_file]
    assert f"gil is graded already (from {first})" in str(invalid[0][1])


def test_class_summary_shares_and_diagnoses(tmp_path, course):
    assignment = course()
    paths = [hand_in(tmp_path, "ana", RIGHT), hand_in(tmp_path, "bo", {**RIGHT, "w211_new": "0.7000"}),
             hand_in(tmp_path, "cy", {**RIGHT, "w211_new": "0.7000"})]
    graded, _, _ = grade_class(assignment, paths, None)
    rows = class_summary(assignment, graded)
    assert [(r["quantity"], r["right"], r["submissions"]) for r in rows] == [("a11", 3, 3), ("dL/dw211", 3, 3),
                                                                             ("w211_new", 1, 3)]
    assert rows[2]["share_right"] == pytest.approx(1 / 3)
    assert (rows[2]["wrong"], rows[2]["carried_forward"], rows[2]["not_answered"]) == (2, 0, 0)
    assert rows[2]["diagnoses"] == [{"code": "update_missing", "count": 2, "text": "this is the value before the "
                                     "update: w ← w − η·∂L/∂w was not applied"}]


@pytest.mark.slow
def test_a_large_class_graded_on_every_core_is_graded_alike_and_in_order(tmp_path, course, monkeypatch):
    import backprop_cli.grading.submissions as S

    paths = []
    for i in range(8):
        answers = dict(RIGHT) if i % 3 else {"a11": "0.9", "dL/dw211": t.f(t.G["w211"] / 2, 4)}
        paths.append(hand_in(tmp_path, f"s{i}", answers))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "answers.yaml").write_text("answers: [1, 2\n", encoding="utf-8")  # not YAML
    paths[3:3] = [str(tmp_path / "bad" / "answers.yaml"), paths[1]]  # an invalid file, a second hand-in

    def summary(run):
        graded, invalid, _ = run
        return ([(s.student, [(r.verdict, r.points, r.diagnosis) for r in s.results]) for s in graded],
                [(path, [str(p) for p in error.problems]) for path, error in invalid])

    monkeypatch.setattr(S, "PARALLEL_FROM", 10**9)
    one_by_one = summary(grade_class(course(), paths, None))
    monkeypatch.setattr(S, "PARALLEL_FROM", 2)
    grade_one = S._grade_one

    def marked(*args):  # which process graded it
        outcome = grade_one(*args)
        if isinstance(outcome, S.Submission):
            outcome.notes.append(f"pid {os.getpid()}")
        return outcome

    monkeypatch.setattr(S, "_grade_one", marked)
    run = grade_class(course(), paths, None)
    assert any(f"pid {os.getpid()}" not in s.notes for s in run[0])  # graded by the workers
    forked = summary(run)
    assert forked == one_by_one
    assert [student for student, _ in forked[0]] == [f"s{i}" for i in range(8)]
    assert [path for path, _ in forked[1]] == [paths[3], paths[4]]  # the invalid file, then the second hand-in


def test_the_summary_gives_a_sentence_only_where_most_answers_share_it(tmp_path, course):
    from types import SimpleNamespace

    def graded(text):
        result = SimpleNamespace(verdict="wrong", diagnoses=[{"code": "copy_of_other_answer", "text": text}])
        return SimpleNamespace(results=[result])

    assignment = SimpleNamespace(questions=[SimpleNamespace(quantity="a12", points=1.0)])
    alike = class_summary(assignment, [graded("a copy of z11 (line 3)")] * 2 + [graded("a copy of z11 (line 5)")])
    assert alike[0]["diagnoses"] == [{"code": "copy_of_other_answer", "count": 3, "text": "a copy of z11 (line 3)"}]
    apart = class_summary(assignment, [graded(f"a copy of z11 (line {n})") for n in range(3)])
    assert apart[0]["diagnoses"] == [{"code": "copy_of_other_answer", "count": 3, "text": ""}]  # no one's line
