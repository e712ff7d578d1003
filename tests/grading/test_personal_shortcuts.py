"""Drawing a personal problem takes shortcuts (grading.personal): a first layer saturated or kinked
is seen on the raw numbers of many attempts at once, an asked first-layer gradient that reads only 0
inputs is seen before the whole pass, a gradient within 2·NEAR of 0 under squared error is refused
before the catalogue finds its half, and the catalogue's mistaken passes are made in one order across the questions.
Each only saves time: with none of them, every student is handed the very same network."""
import numpy as np
import pytest

import backprop_cli.grading.diagnoses as D
import backprop_cli.grading.personal as P
from backprop_cli.grading.assignment import Range, load_assignment

NETWORKS = {
    # relu first: its kink (|z| < 0.05) refused on the raw numbers; whole-number inputs from 0
    "relu": ("input: [1, 2, 3]\ntarget: [0.5]\nloss: squared_error\nlearning_rate: 0.1\nlayers:\n"
             "  - activation: relu\n    weights: [[0.1, 0.2, 0.3], [0.3, -0.2, 0.1]]\n    biases: [0, 0]\n"
             "  - activation: sigmoid\n    weights: [[0.5, -0.5]]\n    biases: [0]\n",
             ["dL/dw111", "dL/db21", "w111_new"]),
    # a batch of tanh: per-sample first-layer gradients, a shared bias
    "tanh batch": ("inputs: [[1, 2], [0, 1]]\ntargets: [[1, 0], [0, 1]]\nloss: cross_entropy\nlearning_rate: 0.5\n"
                   "layers:\n  - activation: tanh\n    weights: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]\n"
                   "    biases: {shared: 0.1}\n  - activation: softmax\n"
                   "    weights: [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]\n    biases: [0, 0]\n",
                   ["dL/dw112[2]", "dL/dw121", "dL/dw212", "loss", "w112_new"]),
    # leaky relu, deeper, L2 (a gradient of 0 input is λ·w then, not 0: no shortcut)
    "leaky l2": ("input: [2, 0]\ntarget: [1]\nloss: squared_error\nlearning_rate: 0.1\nl2: 0.01\nlayers:\n"
                 "  - activation: {name: leaky_relu, alpha: 0.1}\n    weights: [[0.1, 0.2], [0.3, 0.4]]\n"
                 "    biases: [0, 0]\n  - activation: sigmoid\n    weights: [[0.1, 0.2], [0.3, 0.4]]\n"
                 "    biases: [0, 0]\n  - activation: linear\n    weights: [[0.1, 0.2]]\n    biases: [0]\n",
                 ["dL/dw112", "dL/dw211", "z21"]),
}


DRAWN = "  biases: {from: -0.5, to: 0.5, decimals: 1}\n  input: {from: 0, to: 3, decimals: 0}\n"


def an_assignment(tmp_path, name, drawn=DRAWN):
    spec, questions = NETWORKS[name]
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / "hw.yaml").write_text(
        "personal:\n  spec: net.yaml\n  seed: shortcuts\n  weights: {from: -1, to: 1, decimals: 1}\n" + drawn +
        "questions:\n" + "".join(f"  - {{quantity: '{q}', points: 1}}\n" for q in questions), encoding="utf-8")
    return load_assignment(str(tmp_path / "hw.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_the_shortcuts_hand_every_student_the_same_network(tmp_path, monkeypatch, name):
    assignment = an_assignment(tmp_path, name)
    taken = {"first layer": 0, "zeros": 0, "too near": 0}

    def counted(key, shortcut):
        def call(*args):
            found = shortcut(*args)
            taken[key] += int(np.sum(found))
            return found
        return call

    monkeypatch.setattr(P, "first_layers_refused", counted("first layer", P.first_layers_refused))
    monkeypatch.setattr(P, "reads_only_zeros", counted("zeros", P.reads_only_zeros))
    near, too_near = P.NEAR, P.too_near

    def halves_counted(q, expected, loss):  # refused by the lost factor 2's shortcut alone, counted
        found = too_near(q, expected, loss)
        taken["too near"] += found and abs(expected) > near
        return found

    monkeypatch.setattr(P, "too_near", halves_counted)
    students = [f"s{i:02d}" for i in range(15)]
    drawn = [repr(P.personal_numbers(assignment, s)) for s in students]
    assert taken["first layer"] > 0  # the shortcut is taken on these draws, so the comparison says something
    assert (taken["zeros"] > 0) == (name != "leaky l2")
    assert (taken["too near"] > 0) == (name != "tanh batch")  # squared error's networks: the halves' shortcut
    # without the shortcuts, and with the passes made in the opposite order: the same networks
    monkeypatch.setattr(P, "first_layers_refused", lambda _activation, samples, *_: np.zeros(len(samples), bool))
    monkeypatch.setattr(P, "reads_only_zeros", lambda *args: False)
    monkeypatch.setattr(P, "too_near", lambda _q, expected, _loss: abs(expected) <= near)  # the rule's own 0.005
    monkeypatch.setattr(D, "DRAWING_PASSES", tuple(reversed(D.DRAWING_PASSES)))
    assert [repr(P.personal_numbers(assignment, s)) for s in students] == drawn


def test_a_first_layer_is_refused_only_past_its_bounds(tmp_path):
    samples, biases = np.array([[[1.0, 0.0, 0.0]]]), np.zeros((1, 2))
    weights = np.array([[[0.04, 0.0, 0.0], [1.0, 0.0, 0.0]]])
    assert P.first_layers_refused("relu", samples, weights, biases).tolist() == [True]  # z11 = 0.04: within 0.05
    weights[0, 0, 0] = 0.05  # on the bound: not refused here (good_problem decides)
    assert P.first_layers_refused("relu", samples, weights, biases).tolist() == [False]
    assert P.first_layers_refused("linear", samples, weights, biases).tolist() == [False]  # no kink to fall in


@pytest.mark.slow
@pytest.mark.parametrize("drawn", [DRAWN, "", "  biases: {from: -0.5, to: 0.5, decimals: 1}\n",
                                   "  input: {from: -2, to: 3, decimals: 1}\n"])
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_the_screen_reads_each_attempts_first_layer_as_drawing_it_in_full_does(tmp_path, name, drawn):
    """The screen takes the first numbers of each attempt's hash and lays them on the grid at once:
    it lets through exactly the attempts whose first layer, drawn in full, is not refused."""
    assignment = an_assignment(tmp_path, name, drawn)
    base = assignment.personal.spec
    layer = base.network.layers[0]
    refused = 0
    for student in ("s01", "s02", "a much longer id ✓"):
        kept = []
        for attempt in range(100):
            samples, [(weights, biases), *_] = P.draw_numbers(assignment, student, attempt)
            bias = (layer.biases if biases is None else np.array(biases))[None]
            if not P.first_layers_refused(layer.activation.name, np.array([samples]), np.array([weights]), bias)[0]:
                kept.append(attempt)
        assert P.screened(assignment, student, range(100)) == kept
        refused += 100 - len(kept)
        assert P.screened(assignment, student, range(7, 23)) == [k for k in kept if 7 <= k < 23]
    assert refused < 300
    if name != "tanh batch" or "input" in drawn:  # (its own inputs, 0 to 2, cannot saturate a tanh)
        assert refused > 0  # some refused, some not: the comparison says something


def test_a_grid_is_laid_out_at_once_as_one_value_at_a_time_or_not_at_all():
    draws = np.array([0, 1, 7, 20, 21, 2**64 - 1, 12345678901234567], dtype=np.uint64)
    for drawn in (Range(-1.0, 1.0, 1), Range(0.0, 5.0, 0), Range(-0.5, 0.25, 6), Range(3.0, 3.0, 2)):
        assert drawn.grid(draws).tolist() == [drawn.value(int(n)) for n in draws]
    assert Range(1e10, 1e10 + 1, 6).grid(draws) is None  # 10^16 units from 0: past what float64 counts exactly


def test_an_assignment_whose_grid_float64_cannot_count_is_drawn_without_the_screen(tmp_path):
    assignment = an_assignment(tmp_path, "relu")
    assignment.personal.weights = Range(1e10, 1e10 + 1, 6)
    assert P.screened(assignment, "s01", range(5, 9)) == [5, 6, 7, 8]
