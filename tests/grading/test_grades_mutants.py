"""grading.grades, the cases a mutation run found untested: a plain check pays no point for a
carried-forward step, an interval with an infinite end is not reported, where a file that could not
be graded points, and the note of an answer written with fewer digits than the assignment asks."""
import math
from pathlib import Path

from backprop_cli.errors import GradingBug, NumericalError
from backprop_cli.grading.grades import Grader, accepted_interval, could_not_grade, fewer_digits_than_asked
from backprop_cli.grading.judging import Judgement

from . import _tiny as t
from .test_stated import Stated


def test_a_plain_check_pays_no_point_for_a_carried_forward_step(tmp_path):
    report = Grader().grade_file(t.answers_file(tmp_path, {"a11": "0.4000", "dL/dw211": t.f(t.D_YHAT * 0.4, 4)}))
    by = {o.answer.quantity.text: o for o in report.outcomes}
    assert by["dL/dw211"].verdict == "carried_forward" and by["dL/dw211"].points == 0.0


def test_an_interval_with_an_infinite_end_is_not_reported():
    assert accepted_interval(Judgement("right", 0.25, 0.5)) == (0.25, 0.5)
    for low, high in ((-math.inf, 0.5), (0.25, math.inf), (math.nan, 0.5)):
        assert accepted_interval(Judgement("wrong", low, high)) is None


def test_a_file_that_could_not_be_graded_is_reported_on_its_first_line():
    limit = could_not_grade("a.yaml", RecursionError())
    bug = could_not_grade("a.yaml", KeyError("x"))
    assert isinstance(bug, GradingBug) and not isinstance(limit, GradingBug)
    assert [(p.file, p.line, p.column) for p in limit.problems + bug.problems] == [("a.yaml", 1, 1)] * 2


def test_a_network_that_overflows_is_invalid_on_its_first_line(monkeypatch):
    grader = Grader()

    def overflows(path):
        raise NumericalError("the loss of sample 1 is inf")

    monkeypatch.setattr(grader, "grade_file", overflows)
    reports, ((path, error),) = grader.grade_files(["a.yaml"])
    assert reports == [] and [(p.line, p.column, p.message) for p in error.problems] == \
        [(1, 1, "the loss of sample 1 is inf")]


def test_fewer_decimals_or_significant_digits_than_asked_are_imprecise():
    reached = Judgement("right", 12.4, 12.6)
    # 12.5: 1 decimal and 3 significant digits (the truth 12.5123)
    assert fewer_digits_than_asked(reached, Stated("12.5"), 12.5123, ("significant", 3)) is reached
    one = fewer_digits_than_asked(reached, Stated("12.5"), 12.5123, ("decimals", 2))
    assert one.verdict == "imprecise" and one.note == "the assignment asks for 2 decimals; this is written with 1"
    one = fewer_digits_than_asked(reached, Stated("12"), 12.01, ("decimals", 1))
    assert one.note == "the assignment asks for 1 decimal; this is written with 0"
    two = fewer_digits_than_asked(reached, Stated("0.5"), 0.5123, ("significant", 2))
    assert two.note == "the assignment asks for 2 significant digits; this is written with 1"
    assert two.codes == [{"code": "fewer_digits_than_asked", "text": two.note}] and (two.low, two.high) == (12.4, 12.6)
    assert fewer_digits_than_asked(reached, Stated("0.5"), 0.5, ("significant", 2)) is reached  # exact


def test_a_plain_check_lists_the_spec_and_the_matrix_files_it_read(tmp_path):
    # what no output of the command may be written over
    (tmp_path / "w.csv").write_text("0.5, -0.3\n")
    (tmp_path / "net.yaml").write_text("input: [1.0, 2.0]\ntarget: [0.5]\nloss: squared_error\nlayers:\n"
                                       "  - activation: linear\n    weights: {file: w.csv}\n    biases: [0.1]\n")
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n  z11: -0.0\n")
    report = Grader().grade_file(str(tmp_path / "answers.yaml"))
    assert [Path(p).resolve() for p in report.inputs] == [tmp_path / "net.yaml", tmp_path / "w.csv"]


def test_a_plain_check_makes_every_answer_a_question_of_one_point(tmp_path):
    # a right a11 earns its one point, a wrong ∂L/∂w211 (twice the truth) none; each is worth 1
    report = Grader().grade_file(t.answers_file(tmp_path, {"a11": t.f(t.A11, 4), "dL/dw211": t.f(2 * t.G["w211"], 4)}))
    by = {o.answer.quantity.text: o for o in report.outcomes}
    assert by["a11"].verdict == "right" and by["dL/dw211"].verdict == "wrong"
    assert [o.question.points for o in report.outcomes] == [1.0, 1.0]
    assert by["a11"].points == 1.0 and by["dL/dw211"].points == 0.0
