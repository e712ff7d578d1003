"""grading.assignment: assignment files read and validated with located problems; the grid of
personal numbers; which network a student is graded on."""
import math

import pytest
from conftest import SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core.names import notation
from backprop_cli.errors import SpecError
from backprop_cli.grading.answers import Tolerance
from backprop_cli.grading.assignment import (
    CARRIED_FORWARD,
    Assignment,
    Question,
    Range,
    load_assignment,
)
from backprop_cli.grading.roster import STUDENT_ID

QUESTIONS = "questions:\n  - {quantity: a12, points: 1}\n  - {quantity: dL/dz21, points: 2}\n"
PERSONAL = "personal: {spec: net.yaml, seed: s, weights: {from: -1, to: 1, decimals: 1}}\n"


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.yaml").write_text((SPECS / "padhai-4-4-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "e.yaml").write_text((SPECS / "cs231n-circuit.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def load(text) -> Assignment:
    with open("a.yaml", "w", encoding="utf-8") as handle:
        handle.write(text)
    return load_assignment("a.yaml")


def refusal(text) -> str:
    with pytest.raises(SpecError) as info:
        load(text)
    return str(info.value)


def test_a_shared_network(course):
    a = load("title: HW 3\nspec: net.yaml\ntolerance: {abs: 0.01}\ncarried_forward: full\n" + QUESTIONS)
    assert (a.title, a.notation, a.carried_forward, a.tolerance) == ("HW 3", "default", "full", Tolerance(0.01, None))
    assert a.questions == [Question("a12", 1.0, 6), Question("dL/dz21", 2.0, 7)]
    assert a.max_score == 3.0 and a.personal is None and a.spec.sizes == [4, 4, 2]
    spec, result = a.network_for("anyone")
    assert spec is a.spec and a.network_for(None)[1] is result  # worked out once
    asked = a.asked(notation("default"))
    assert [q.text for q in asked] == ["a12", "dL/dz21"] and a.asked(notation("default")) is asked  # parsed once


def test_defaults_and_inline_network(course):
    inline = "network:\n" + "".join("  " + line + "\n" for line in (course / "net.yaml").read_text().splitlines())
    a = load(inline + "questions:\n  - {quantity: loss}\n")
    assert (a.title, a.carried_forward, a.questions[0].points) == ("", "half", 1.0)
    assert a.spec.sizes == [4, 4, 2]


def test_padhai_notation(course):
    a = load("spec: net.yaml\nnotation: padhai\n" + QUESTIONS.replace("a12", "h12").replace("z21", "a21"))
    assert a.notation == "padhai" and [q.quantity for q in a.questions] == ["h12", "dL/da21"]
    assert "a.yaml:5:16: 'z21' is not a node name in the padhai notation" in \
        refusal("spec: net.yaml\nnotation: padhai\n" + QUESTIONS.replace("a12", "h12"))


def test_unknown_notation_is_located(course):
    assert refusal("spec: net.yaml\nnotation: greek\n" + QUESTIONS).startswith(
        "a.yaml:2:11: unknown notation 'greek'")


@pytest.mark.parametrize("text, message", [
    ("[1]\n", "a.yaml:1:1: an assignment is a mapping of keys, not a list\n"
              "  hint: write `title:`, `spec:` (or `personal:`) and `questions:`"),
    ("spec: net.yaml\n" + PERSONAL + QUESTIONS, "a.yaml:1:1: give exactly one of `spec:`, `network:` (inline) and "
                                               "`personal:`"),
    (QUESTIONS, "a.yaml:1:1: give exactly one of `spec:`, `network:` (inline) and `personal:`"),
    ("spec: net.yaml\ncarried_forward: some\n" + QUESTIONS, "a.yaml:2:18: unknown carried_forward 'some'\n"
                                                            "  hint: write full, half or none"),
    ("spec: net.yaml\ntolerance: 3\n" + QUESTIONS, "a.yaml:2:12: a tolerance is {abs: NUMBER} or {rel: NUMBER}"),
    ("spec: net.yaml\ntitel: x\n" + QUESTIONS, "a.yaml:2:1: unknown key 'titel'\n  hint: did you mean 'title'?"),
    ("spec: net.yaml\nquestions: []\n", "a.yaml:2:12: `questions:` must list what is asked"),
    ("spec: net.yaml\n", "a.yaml:1:1: `questions:` must list what is asked"),
    ("spec: net.yaml\nquestions:\n  - 3\n", "a.yaml:3:5: a question is {quantity: Q, points: P}\n"
                                         "  hint: e.g. `- {quantity: a12, points: 1}`"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a12, points: -1}\n",
     "a.yaml:3:29: points must be a number from 0 to 1,000,000"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a12, points: .inf}\n",
     "a.yaml:3:29: points must be a number from 0 to 1,000,000"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a12, points: 1e308}\n",  # the class's sums stay finite
     "a.yaml:3:29: points must be a number from 0 to 1,000,000"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a19}\n", "a.yaml:3:16: the network has no a19\n"
                                                         "  hint: layer 0 (input): 4 neurons, layer 1: 4 neurons"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a12}\n  - {quantity: a1_2}\n",
     "a.yaml:4:16: a1_2 is asked twice\n  hint: ask each quantity once"),
    ("spec: net.yaml\nquestions:\n  - {quantity: a11, pts: 1}\n", "a.yaml:3:21: unknown key 'pts'"),
    ("spec: 3\n" + QUESTIONS, "a.yaml:1:7: `spec:` must be a file name\n  hint: write `spec: net.yaml`"),
    ("spec: nope.yaml\n" + QUESTIONS, "nope.yaml:1:1: no such file"),
    ("spec: e.yaml\n" + QUESTIONS, "a.yaml:1:7: an assignment's network must be a network, not an expression"),
    ("personal: 3\n" + QUESTIONS, "a.yaml:1:11: `personal:` must be a mapping, not the number 3"),
    ("personal: {spec: net.yaml, seed: s, weights: {from: 1, to: 0, decimals: 1}}\n" + QUESTIONS,
     "a.yaml:1:46: `weights:` needs numbers from ≤ to, and 0 to 6 decimals"),
    ("personal: {spec: net.yaml, seed: s, weights: {from: 0, to: 1, decimals: 7}}\n" + QUESTIONS,
     "a.yaml:1:46: `weights:` needs numbers from ≤ to, and 0 to 6 decimals"),
    ("personal: {spec: net.yaml, seed: '', weights: {from: 0, to: 1, decimals: 1}}\n" + QUESTIONS,
     "a.yaml:1:34: `seed:` must be some text, e.g. hw3-2026"),
    ("personal: {spec: net.yaml, seed: s, weights: {from: 0, to: 1, decimals: 1}, biases: [1]}\n" + QUESTIONS,
     "a.yaml:1:85: `biases:` is a range: from, to and decimals"),
    ("personal: {spec: net.yaml, seed: s, weights: {from: 0, to: 1e9, decimals: 6}}\n" + QUESTIONS,
     "a.yaml:1:46: `weights:` spans 1,000,000,000,000,001 values\n  hint: fewer decimals, or a narrower range"),
    ("personal: {seed: s}\n" + QUESTIONS, "a.yaml:1:11: `personal:` needs `spec:` (the shape, activations, loss, "
                                          "target and rate)"),
    ("personal: {spec: net.yaml, seed: 5, weights: {from: -1, to: 1, decimals: 1}, extra: 1}\n" + QUESTIONS,
     "a.yaml:1:78: unknown key 'extra'\n  hint: known: spec, seed, weights, biases, input"),
    ("network:\n  input: [1]\n  target: [1]\n  loss: mse\n  layers:\n    - activation: linear\n      weights: [[1]]\n"
     "      biases: [foo]\nquestions:\n  - {quantity: a11}\n", "a.yaml:8:16: expected a number, got 'foo'"),
])
def test_refusals(course, text, message):
    assert message in refusal(text)


def test_missing_assignment_file(course):
    with pytest.raises(SpecError, match=r"^none\.yaml:1:1: no such file\n  hint: give the path of an assignment file"):
        load_assignment("none.yaml")


def test_personal_assignment_needs_a_student(course):
    a = load(PERSONAL + QUESTIONS)
    with pytest.raises(SpecError) as info:
        a.network_for(None)
    assert str(info.value) == ("a.yaml:1:1: this assignment gives every student their own network, and no student "
                               "was named\n  hint: give --student ID, or grade answers files kept in a folder named "
                               "after the student")
    alice, _ = a.network_for("alice")
    assert alice is a.network_for("alice")[0]  # remembered
    grid = {round(v * 10) / 10 for v in alice.layers[0].weights.ravel()}
    assert all(-1 <= v <= 1 for v in grid)
    assert alice.layers[0].weights.tolist() != a.personal.spec.layers[0].weights.tolist()


def test_range_grid():
    r = Range(-1, 1, 1)
    assert r.values() == 21
    assert [r.value(i) for i in (0, 1, 10, 20, 21, 22)] == [-1.0, -0.9, 0.0, 1.0, -1.0, -0.9]
    assert str(Range(-0.5, 0.5, 1).value(5)) == "0.0"  # never -0.0


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.integers(-50, 50), st.integers(0, 100), st.integers(1, 3), st.integers(0, 2 ** 64 - 1))
def test_range_values_stay_on_the_grid(low, width, decimals, draw):
    r = Range(low / 10, (low + width) / 10, decimals)  # ends on the grid
    value = r.value(draw)
    assert r.low - 1e-9 <= value <= r.high + 1e-9
    assert math.isclose(value * 10 ** decimals, round(value * 10 ** decimals), abs_tol=1e-6)


def test_range_values_stay_within_from_and_to():
    r = Range(0.3, 0.9, 0)
    assert all(0.3 <= r.value(i) <= 0.9 for i in range(r.values()))


def test_constants():
    assert CARRIED_FORWARD == {"full": 1.0, "half": 0.5, "none": 0.0}
    for good in ["alice", "a.b_c@d-e", "A" * 64, "0", "john+cs101"]:  # + : an e-mail local part (Gradescope)
        assert STUDENT_ID.fullmatch(good)
    for bad in ["", ".hidden", "-rf", "+1", "a/b", "..", "A" * 65, "a b", "é"]:
        assert not STUDENT_ID.fullmatch(bad)
