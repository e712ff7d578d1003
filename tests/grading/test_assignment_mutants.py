"""grading.assignment, the cases the mutation run found untested: the diagnoser of a shared network
speaks the spec's own names, and a `personal:` without weights is refused where it stands."""
import pytest
from conftest import SPECS

from backprop_cli.core.names import notation
from backprop_cli.errors import SpecError
from backprop_cli.grading.assignment import load_assignment
from backprop_cli.grading.quantities import evaluate, parse_quantity


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_the_diagnoser_of_a_shared_network_uses_the_specs_names(course):
    (course / "a.yaml").write_text("spec: net.yaml\nquestions:\n  - {quantity: out_h1, points: 1}\n",
                                   encoding="utf-8")
    _, result, diagnoser = load_assignment("a.yaml").graded_on(None)
    names = notation("default", result.network.names)
    q = parse_quantity("out_h1", names)
    # Mazur's net_h1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775, what a student gives who forgets σ
    candidates = list(diagnoser.candidates(q, evaluate(result, q, names)))
    assert candidates[0][0] == pytest.approx(0.15 * 0.05 + 0.2 * 0.1 + 0.35)
    assert candidates[0][1] == "this is net_h1, the pre-activation; out_h1 is the activation"


def test_personal_without_weights_is_refused_at_personal(course):
    (course / "b.yaml").write_text("personal: {spec: net.yaml, seed: s}\nquestions:\n  - {quantity: out_h1}\n",
                                   encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_assignment("b.yaml")
    assert [(p.line, p.column, p.message, p.hint) for p in info.value.problems] == [
        (1, 11, "`personal:` needs `weights:`", "write `weights: {from: -1, to: 1, decimals: 1}`")]


def test_a_personal_assignments_questions_are_checked_on_its_spec(course):
    (course / "c.yaml").write_text("personal: {spec: net.yaml, seed: s, weights: {from: -1, to: 1, decimals: 1}}\n"
                                   "questions:\n  - {quantity: a19}\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_assignment("c.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.message) == (3, "the network has no a19")


def problems(text: str):
    with open("r.yaml", "w", encoding="utf-8") as handle:
        handle.write(text)
    try:
        load_assignment("r.yaml")
    except SpecError as exc:
        return [(p.message, p.hint) for p in exc.problems]
    return []


def weights(spec: str) -> str:
    return f"personal: {{spec: net.yaml, seed: s, weights: {spec}}}\nquestions:\n  - {{quantity: out_h1}}\n"


def test_a_range_may_hold_one_value(course):
    assert problems(weights("{from: 0.5, to: 0.5, decimals: 1}")) == []


def test_a_range_reaches_to_1e9_and_no_further(course):
    beyond = ("`weights:` reaches beyond ±1e9", "personal numbers a student works by hand are small: write a range "
                                               "such as from: -1, to: 1")
    assert problems(weights("{from: -1000000000, to: -999999990, decimals: 0}")) == []
    assert problems(weights("{from: 999999990, to: 1000000000, decimals: 0}")) == []
    assert problems(weights("{from: 999999990, to: 1000000000.5, decimals: 0}")) == [beyond]
    assert problems(weights("{from: -1000000000.5, to: 0, decimals: 0}")) == [beyond]


def test_a_range_without_a_grid_value(course):
    assert problems(weights("{from: 0.11, to: 0.19, decimals: 1}")) == [
        ("`weights:` holds no number with 1 decimals between 0.11 and 0.19", "widen the range, or allow more decimals")]


def test_a_range_of_exactly_a_billion_values_is_allowed(course):
    # 0.000 .. 999999.999 in steps of 0.001: 10^9 values
    assert problems(weights("{from: 0, to: 999999.999, decimals: 3}")) == []
    assert problems(weights("{from: 0, to: 1000000, decimals: 3}")) == [
        ("`weights:` spans 1,000,000,001 values", "fewer decimals, or a narrower range")]


def test_personal_must_be_a_mapping(course):
    said = problems("personal: 3\nquestions:\n  - {quantity: out_h1}\n")
    assert said[0] == ("`personal:` must be a mapping, not the number 3",
                       "write `spec:`, `seed:` and `weights: {from: -1, to: 1, decimals: 1}` under it")


def test_a_seed_that_is_no_text_and_a_range_that_is_no_mapping(course):
    said = problems('personal: {spec: net.yaml, seed: "", weights: 3}\nquestions:\n  - {quantity: out_h1}\n')
    assert said == [("`seed:` must be some text, e.g. hw3-2026", "the seed and a student's id fix that student's "
                                                                  "numbers"),
                    ("`weights:` is a range: from, to and decimals", "write `weights: {from: -1, to: 1, decimals: 1}`")]


def test_an_assignment_without_questions_is_refused_at_its_start(course):
    with open("q.yaml", "w", encoding="utf-8") as handle:
        handle.write("title: t\nspec: net.yaml\n")
    with pytest.raises(SpecError) as info:
        load_assignment("q.yaml")
    assert [(p.line, p.column, p.message) for p in info.value.problems] == [
        (1, 1, "`questions:` must list what is asked")]


def test_personal_without_a_spec_and_questions_that_list_nothing(course):
    said = problems("personal: {seed: s, weights: {from: -1, to: 1, decimals: 1}}\nquestions: []\n")
    assert said == [("`personal:` needs `spec:` (the shape, activations, loss, target and rate)",
                     "write `spec: net.yaml` under `personal:`"),
                    ("`questions:` must list what is asked",
                     "write `questions:` then lines such as `  - {quantity: dL/dw212, points: 2}`")]


def test_a_question_may_be_worth_no_points(course):
    (course / "z.yaml").write_text("spec: net.yaml\nquestions:\n  - {quantity: out_h1, points: 0}\n", encoding="utf-8")
    assert [q.points for q in load_assignment("z.yaml").questions] == [0.0]


def test_negative_points_are_refused(course):
    said = problems("spec: net.yaml\nquestions:\n  - {quantity: out_h1, points: -1}\n")
    assert said == [("points must be a number from 0 to 1,000,000", "e.g. `points: 2`")]


def test_a_range_end_within_a_millionth_of_a_grid_point_counts_as_on_it():
    from backprop_cli.grading.assignment import Range

    grid = Range(0.10000001, 0.5, 1)  # 0.10000001 is 0.1 to six decimals of a tenth
    assert grid.values() == 5 and grid.value(0) == 0.1


def test_every_question_is_checked_after_a_bad_one(course):
    said = problems("spec: net.yaml\nquestions:\n  - {quantity: out_h1, points: -1}\n  - {quantity: a19}\n")
    assert [message for message, _ in said] == ["points must be a number from 0 to 1,000,000", "the network has no a19"]


@pytest.mark.parametrize("count, refused", [(200, False), (201, True)])
def test_at_most_200_questions(course, count, refused):
    # without a network (no spec: given) the questions are only counted
    said = problems("questions:\n" + "".join(f"  - {{quantity: q{i}}}\n" for i in range(count)))
    assert said[0][0] == "give exactly one of `spec:`, `network:` (inline) and `personal:`"
    assert (f"{count} questions", "at most 200") in said if refused else len(said) == 1


def test_a_question_may_be_worth_the_most_points_and_no_more(course):
    top = "spec: net.yaml\nquestions:\n  - {quantity: out_h1, points: 1000000}\n"
    assert problems(top) == []
    said = problems("spec: net.yaml\nquestions:\n  - {quantity: out_h1, points: 1000000.5}\n")
    assert said == [("points must be a number from 0 to 1,000,000", "e.g. `points: 2`")]


@pytest.mark.parametrize("column", ["5", "''", "'   '", "[id]"])
def test_a_roster_id_that_names_no_column_is_refused(course, column):
    (course / "roster.csv").write_text("id\nalice\n", encoding="utf-8")
    said = problems(f"spec: net.yaml\nroster: roster.csv\nroster_id: {column}\nquestions:\n  - {{quantity: out_h1}}\n")
    assert ("`roster_id:` names the roster's column of ids", "e.g. `roster_id: SIS Login ID`") in said
