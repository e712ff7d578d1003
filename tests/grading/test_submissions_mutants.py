"""grading.submissions, the cases a mutation run found untested: a folder named the repository
prefix alone, what a stranger is told, a quantity parsed with no network at hand, where the
problems of a bad id and of a second file point, the "did you mean" note, and the class summary's
edges (no submissions, a sentence shared by exactly half, at most three codes)."""
from types import SimpleNamespace

from backprop_cli.core.names import notation
from backprop_cli.grading.submissions import Stranger, _parsed, class_summary, grade_class, student_of

from .test_submissions import RIGHT, course, hand_in

__all__ = ["course"]  # the fixture, shared with test_submissions


def test_a_folder_named_the_prefix_alone_is_its_own_student(tmp_path):
    assert student_of(str(tmp_path / "hw1-ana" / "answers.yaml"), None, "hw1-") == "ana"
    assert student_of(str(tmp_path / "hw1-" / "answers.yaml"), None, "hw1-") == "hw1-"  # never ""


def test_a_stranger_is_told_the_nearest_ids_by_default_and_none_when_there_are_none():
    assert Stranger("p", "alcie", ["alice"]).said() == "alcie is not on the roster (nearest on the roster: alice)"
    assert Stranger("p", "alcie", ["alice"]).said(nearest=False) == "alcie is not on the roster"
    assert Stranger("p", "zed", []).said() == "zed is not on the roster"


def test_a_quantity_is_parsed_with_no_network_at_hand():
    kind, name, sample = _parsed("dL/dw211", notation("default"))
    assert (kind, str(name), sample) == ("gradient", "w211", None)
    assert _parsed("not a quantity", notation("default")) is None


def test_a_bad_id_and_a_second_file_point_at_the_files_first_line(tmp_path, course):
    (tmp_path / "no id!").mkdir()
    (tmp_path / "no id!" / "answers.yaml").write_text("answers:\n  a11: 0.5\n")
    first = hand_in(tmp_path, "gil", RIGHT)
    (tmp_path / "gil" / "again.yaml").write_text((tmp_path / "gil" / "answers.yaml").read_text())
    _, invalid, _ = grade_class(course(), [str(tmp_path / "no id!" / "answers.yaml"), first,
                                           str(tmp_path / "gil" / "again.yaml")], None)
    assert [(p.line, p.column) for _, error in invalid for p in error.problems] == [(1, 1), (1, 1)]


def test_a_mistyped_question_left_unanswered_is_named(tmp_path, course):
    answers = {"a11": RIGHT["a11"], "dL/dw2l1": RIGHT["dL/dw211"]}  # an l for a 1: dL/dw211 unanswered
    (one,), _, _ = grade_class(course(), [hand_in(tmp_path, "jo", answers)], None)
    assert one.not_graded == ["dL/dw2l1"] and one.notes == ["dL/dw2l1 is not asked: did you mean dL/dw211?"]
    # answered, the question is never suggested for another name
    answers = {"a11": RIGHT["a11"], "dL/dw211": RIGHT["dL/dw211"], "dL/dw2l1": "0.1"}
    (two,), _, _ = grade_class(course(), [hand_in(tmp_path, "kim", answers)], None)
    assert two.not_graded == ["dL/dw2l1"] and two.notes == []


def graded(*codes_and_texts):
    results = [SimpleNamespace(verdict="wrong", diagnoses=[{"code": c, "text": t} for c, t in codes_and_texts])]
    return SimpleNamespace(results=results)


ONE_QUESTION = SimpleNamespace(questions=[SimpleNamespace(quantity="a12", points=1.0)])


def test_a_summary_of_no_submissions_has_no_share():
    (row,) = class_summary(ONE_QUESTION, [])
    assert row["submissions"] == 0 and row["share_right"] == 0.0 and row["diagnoses"] == []


def test_a_sentence_shared_by_exactly_half_is_given():
    rows = class_summary(ONE_QUESTION, [graded(("slip", "a")), graded(("slip", "a")), graded(("slip", "b")),
                                        graded(("slip", "c"))])
    assert rows[0]["diagnoses"] == [{"code": "slip", "count": 4, "text": "a"}]


def test_at_most_three_codes_are_summed_most_frequent_first():
    class_ = [graded(("a", "x"), ("b", "x"), ("c", "x"), ("d", "x")), graded(("b", "x"), ("c", "x"), ("d", "x")),
              graded(("c", "x"), ("d", "x")), graded(("d", "x"))]
    codes = [(d["code"], d["count"]) for d in class_summary(ONE_QUESTION, class_)[0]["diagnoses"]]
    assert codes == [("d", 4), ("c", 3), ("b", 2)]


def test_a_submission_that_cannot_be_worked_out_is_invalid_on_its_first_line(tmp_path, course, monkeypatch):
    # a network that overflows (NumericalError) or a quantity that names nothing (QuantityError) spoils
    # that file alone, reported on its first line with the error's own message
    from backprop_cli.errors import NumericalError
    from backprop_cli.grading import submissions
    from backprop_cli.grading.quantities import QuantityError

    errors = {"ana": NumericalError("the loss of sample 1 is inf"), "bo": QuantityError("no such quantity", "")}

    def fails(assignment, path, student, reader):
        raise errors[student_of(path, student)]

    monkeypatch.setattr(submissions, "grade_submission", fails)
    paths = [hand_in(tmp_path, who, RIGHT) for who in ("ana", "bo")]
    graded, invalid, strangers = grade_class(course(), paths, None)
    assert graded == [] and strangers == [] and [path for path, _ in invalid] == paths
    assert [[(p.file, p.line, p.column, p.message) for p in error.problems] for _, error in invalid] == \
        [[(paths[0], 1, 1, "the loss of sample 1 is inf")], [(paths[1], 1, 1, "no such quantity")]]
