"""grading.personal, the cases the mutation run found untested: a handout's every part (default
title, a batch, `loss: none`, layer comments, shared and kept biases, frozen and own names), the
draw count for a layer wider than its input, good_problem's kink and saturation checks, and
drawing a class ahead in worker processes."""
import os

import pytest

from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading import personal as P
from backprop_cli.grading.assignment import load_assignment

from . import _tiny as t

BATCH_NONE = """\
inputs:
  - [1.0]
  - [0.5]
output_gradient: [2.0]
loss: none
learning_rate: 0.5
layers:
  - activation: tanh
    weights: [[0.4], [0.3], [0.2]]
    biases: [0.1, -0.1, 0.0]
  - activation: linear
    weights: [[0.7, -0.5, 0.1]]
    biases: {shared: 0.2}
frozen: [w111, w211]
names:
  f: L
  u: x1
"""


def assignment(tmp_path, spec: str, ranges: str, questions: str = "  - {quantity: 'a12[1]'}\n", title: str = ""):
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(f"{title}personal: {{spec: net.yaml, seed: s, {ranges}}}\nquestions:\n{questions}",
                                     encoding="utf-8")
    return load_assignment(str(tmp_path / "a.yaml"))


WEIGHTS = "weights: {from: -1, to: 1, decimals: 1}"
BIASES = "biases: {from: -0.5, to: 0.5, decimals: 1}"


def test_a_batch_handout_with_loss_none_shared_bias_frozen_and_names(tmp_path):
    a = assignment(tmp_path, BATCH_NONE, f"{WEIGHTS}, {BIASES}")
    text, spec = P.personal_handout(a, "bob")
    lines = text.splitlines()
    assert lines[:5] == ["# assignment: the network of bob (numbers of your own: work them out yourself)",
                         'name: "assignment (bob)"', "inputs:", "  - [1.0]", "  - [0.5]"]
    assert lines[5:10] == ["output_gradient: [2.0]", "loss: none", "reduction: mean", "learning_rate: 0.5", "layers:"]
    assert lines[10:12] == ["  - activation: tanh    # layer 1", "    weights:    # row j = weights INTO neuron j"]
    assert "  - activation: linear    # layer 2" in lines
    shared = [line for line in lines if line.startswith("    biases: {shared: ")]
    assert len(shared) == 1 and float(shared[0][len("    biases: {shared: "):-1]) == spec.layers[1].biases[0]
    # the output's own name f for L is the default for loss none, and not written; u for x1 is
    assert lines[-3:] == ["frozen: [w111, w211]", "names:", "  u: x1"]
    assert spec.document.file == "net.yaml of bob"
    # three biases drawn for three neurons fed by one input: one draw per bias, none short
    assert len(spec.layers[0].biases) == 3 and all(-0.5 <= b <= 0.5 for b in spec.layers[0].biases)


def test_a_handout_keeps_the_base_biases_when_none_are_drawn(tmp_path):
    a = assignment(tmp_path, BATCH_NONE, WEIGHTS)
    text, _ = P.personal_handout(a, "bob")
    assert "    biases: [0.1, -0.1, 0.0]" in text.splitlines()
    assert "    biases: {shared: 0.2}" in text.splitlines()


SINGLE = t.SPEC.replace("target: [1.0]", "target: [0.25]") + "names:\n  E: L\n"  # _tiny's, one output of 0.25


def test_a_single_sample_handout_with_a_loss_name_and_a_title(tmp_path):
    a = assignment(tmp_path, SINGLE, WEIGHTS, questions="  - {quantity: a12}\n", title='title: "HW"\n')
    text, _ = P.personal_handout(a, "amy")
    lines = text.splitlines()
    assert lines[:4] == ["# HW: the network of amy (numbers of your own: work them out yourself)", 'name: "HW (amy)"',
                         "input: [1.0, 0.5]", "target: [0.25]"]
    assert lines[-2:] == ["names:", "  E: L"]
    assert P.blank_answers(a, "amy").splitlines()[0] == "# HW: fill in each value (a number), keep the names as " \
                                                        "they are"


def test_blank_answers_without_a_title(tmp_path):
    a = assignment(tmp_path, SINGLE, WEIGHTS, questions="  - {quantity: a12}\n")
    assert P.blank_answers(a, "amy") == ("# assignment: fill in each value (a number), keep the names as they are\n"
                                         'student: "amy"\nspec: net.yaml\nanswers:\n  a12:\n')


def one_unit(activation: str, weight: float) -> str:
    return (f"input: [1.0]\ntarget: [0.0]\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
            f"  - activation: {activation}\n    weights: [[{weight}]]\n    biases: [0.0]\n"
            "  - activation: linear\n    weights: [[1.0]]\n    biases: [0.5]\n")


@pytest.mark.parametrize("activation, bad, good", [
    ("relu", 0.02, 0.5),  # z = 0.02 lies within 0.05 of relu's kink
    ("leaky_relu", -0.03, 0.5),
    ("tanh", 4.5, 1.0),  # |z| > 4: saturated
    ("sigmoid", -4.5, 1.0),
])
def test_good_problem_refuses_a_kink_or_a_saturated_unit(tmp_path, activation, bad, good):
    for weight, ok in ((bad, False), (good, True)):
        a = assignment(tmp_path, one_unit(activation, weight), WEIGHTS, questions="  - {quantity: yhat1}\n")
        assert (P.good_problem(a, a.personal.spec) is not None) is ok, (activation, weight)


@pytest.mark.parametrize("inputs, weights", [
    ("[1e300]", "[[1e300], [0.5]]"),  # z11 overflows to inf
    ("[1e300, 1e300]", "[[1e300, -1e300], [1e300, 1e300]]"),  # z11 = inf − inf: nan; z12 = inf
])
def test_a_draw_that_overflows_is_refused_without_a_warning(tmp_path, inputs, weights):
    import warnings

    spec = (f"input: {inputs}\ntarget: [0.0]\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
            f"  - activation: sigmoid\n    weights: {weights}\n    biases: [0.0, 0.0]\n"
            "  - activation: linear\n    weights: [[1.0, 1.0]]\n    biases: [0.5]\n")
    from backprop_cli.errors import NumericalError

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:  # some numpy versions already overflow to nan in the base spec's own pass: refused there
            a = assignment(tmp_path, spec, WEIGHTS, questions="  - {quantity: yhat1}\n")
        except NumericalError:
            return
        assert P.good_problem(a, a.personal.spec) is None  # |z| > 4, or not finite: no good problem


def test_a_layer_wider_than_its_input_gets_a_draw_for_every_bias(tmp_path):
    spec = ("input: [1.0]\ntarget: [0.0, 0.0, 0.0]\nloss: squared_error\nlearning_rate: 0.5\nlayers:\n"
            "  - activation: linear\n    weights: [[0.5], [0.4], [0.3]]\n    biases: [0.0, 0.0, 0.0]\n")
    a = assignment(tmp_path, spec, f"{WEIGHTS}, {BIASES}", questions="  - {quantity: yhat1}\n")
    samples, [(weights, biases)] = P.draw_numbers(a, "bob", 0)
    assert samples == [[1.0]] and len(weights) == 3 and len(biases) == 3
    # 3 weights, then 3 biases: draws 1..3 and 4..6 of the stream, each on its grid
    stream = P.draws("s", "bob", 0, 6)
    assert [row[0] for row in weights] == [round((-10 + d % 21) / 10, 1) + 0.0 for d in stream[:3]]
    assert biases == [round((-5 + d % 11) / 10, 1) + 0.0 for d in stream[3:]]


def test_a_single_sample_circuit_handout_gives_its_output_gradient(tmp_path):
    spec = ("input: [1.0]\noutput_gradient: [2.0, -1.0]\nloss: none\nlearning_rate: 0.5\nlayers:\n"
            "  - activation: linear\n    weights: [[0.5], [0.4]]\n    biases: [0.0, 0.0]\nnames:\n  u: x1\n")
    a = assignment(tmp_path, spec, WEIGHTS, questions="  - {quantity: yhat1}\n")
    text, _ = P.personal_handout(a, "bob")
    assert text.splitlines()[2:4] == ["input: [1.0]", "output_gradient: [2.0, -1.0]"]


CLASS = [f"s{i:02d}" for i in range(P.PARALLEL_FROM)]


@pytest.fixture
def small(tmp_path):
    return assignment(tmp_path, one_unit("sigmoid", 0.5) + "names:\n  u: x1\n  h: a11\n", f"{WEIGHTS}, {BIASES}",
                      questions="  - {quantity: yhat1}\n")


@pytest.mark.slow
def test_a_class_of_fifty_is_drawn_ahead_as_one_at_a_time(small, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    P.prepare(small, CLASS)
    prepared = small.__dict__["_prepared"]
    assert sorted(prepared) == CLASS
    for student in ("s00", "s17", "s49"):
        assert prepared[student] == P.personal_numbers(small, student)
    spec, result, diagnoser = small.graded_on("s17")  # the prepared numbers, and the spec's names
    assert "s17" not in prepared
    assert diagnoser.notation == make_notation(small.notation, result.network.names)
    assert dict(diagnoser.notation.course) == {"x1": "u", "a11": "h"}  # the spec's own names
    assert spec.inputs.tolist() == [P.personal_numbers(small, "s17")[0][0]]


@pytest.mark.parametrize("cores, students", [(2, CLASS[:-1]), (1, CLASS), (None, CLASS)])
def test_a_small_class_or_one_core_is_drawn_one_by_one(small, monkeypatch, cores, students):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    P.prepare(small, students)
    assert "_prepared" not in small.__dict__


def test_a_student_with_no_good_problem_is_left_to_be_drawn_and_reported_one_by_one(small, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    drawn = P.personal_numbers

    def none_for_s17(assignment, student, *rest):
        if student == "s17":
            raise P.SpecError([P.Problem("hw.yaml", 1, 1, "no good problem", "")])
        return drawn(assignment, student, *rest)

    monkeypatch.setattr(P, "personal_numbers", none_for_s17)
    P.prepare(small, CLASS)
    assert sorted(small.__dict__["_prepared"]) == [s for s in CLASS if s != "s17"]


def test_a_draw_whose_value_after_updates_is_nearly_0_is_no_good_problem(tmp_path, monkeypatch):
    # ŷ = w·1 + b, L = ŷ², η = 0.1: w ← w − 0.2·(w + b) and b likewise, twice. From w = 0.24, b = 0.5:
    # 0.24 − 0.148 = 0.092, b 0.352; then 0.092 − 0.0888 = 0.0032, within NEAR of 0 (a right answer and
    # a trivial 0 could not be told apart); from w = 0.3: 0.3 − 0.16 = 0.14, 0.14 − 0.096 = 0.044, fine
    from backprop_cli.grading.assignment import load_assignment
    from backprop_cli.grading.personal import NEAR, good_problem
    from backprop_cli.spec.reader import load_spec

    monkeypatch.chdir(tmp_path)
    net = ("input: [1.0]\ntarget: [0.0]\nloss: squared_error\nlearning_rate: 0.1\n"
           "layers:\n  - activation: linear\n    weights: [[{w}]]\n    biases: [0.5]\n")
    (tmp_path / "hw.yaml").write_text("spec: a.yaml\nquestions:\n  - {quantity: w111_after2}\n  - {quantity: loss}\n",
                                      encoding="utf-8")
    (tmp_path / "a.yaml").write_text(net.format(w=0.3), encoding="utf-8")
    assignment = load_assignment("hw.yaml")
    assert 0.0032 <= NEAR < 0.044
    assert good_problem(assignment, load_spec(text=net.format(w=0.3))) is not None
    assert good_problem(assignment, load_spec(text=net.format(w=0.24))) is None
