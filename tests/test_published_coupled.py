"""Published worked examples of backpropagation through time and of batch normalisation, typed in
as their authors set them up: every number they print is checked against the tool's true value at
the precision printed, and where a printed number is not the true one the slip is named.

BPTT:
- "Backpropagation Through Time (BPTT) - Complete Walkthrough" (PracHub): x = (1, 2), h0 = 0,
  W_x = 0.5, W_h = 0.1, b = 0, W_y = 2, targets (1, 2), L = Σ ½(y − target)². Slip: tanh(1.04621)
  printed 0.7790 (true 0.78033), and the numbers after it follow from it; and L1 = ½(0.9242 − 1)²
  printed 0.00288 (true 0.00287, a slip of its own).
- "Backpropagation on RNN" (a numpy notebook, thsis/INFOSYS on GitHub): two tanh units, input
  weights (2, 1), recurrent [[1, 2], [3, 4]], output weights (2, 4), x = (0.2, 0.3, 0.4), target 7.
  Its forward pass is right to every digit printed; its gradient takes (y − ŷ) for (ŷ − y) and one
  path only (the input weight's use at step 1), so it has the wrong sign and a ninth of the size.
- The RNN problem of "Deep-Learning-Tutorial" (AyanPaul2210 on GitHub): x = (0.7, 0.5, 0.2), h0 =
  0.1, W_xh = 0.9, W_hh = 0.5, b = 0.3. Slip: h2 and h3 truncated, not rounded (0.809 for 0.80983,
  0.708 for 0.70887).
Batch norm (training mode, forward):
- "Batch Normalization" (AmanAI Lab code lab): batch_norm([1, 2, 3, 4]) = ±1.34164, ±0.44721.
- "Batch Normalization Forward" (GraduateML): X = [[1, 2], [3, 4], [5, 6]], eps 0: ±1.22474, 0.
- "Implement Batch Normalization" (TensorGym exercise 9): its expected outputs (−1, 0, 1 for the
  column 1, 3, 5; 1.0911, −0.8729, −0.2182 for 10, 4, 6) divide by the unbiased variance (torch.var's
  default, which its own note mentions), where batch norm in training mode uses the biased one: the
  catalogued slip `unbiased_variance` (core.slips), which reproduces them.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import invoke

from backprop_cli import load_spec
from backprop_cli.core.coupled import BatchNorm

PRACHUB = """\
sequence: [[1.0], [2.0]]
targets: [[1.0], [2.0]]
loss: half_squared_error
learning_rate: 0.1
layers:
  - type: recurrent
    input_weights: [[0.5]]
    recurrent_weights: [[0.1]]
    biases: none
  - activation: linear
    weights: [[2.0]]
    biases: none
"""


def rounds_to(true: float, printed: str) -> bool:
    """Whether the true value rounds to the number as printed (at its decimals)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return round(true, decimals) == float(printed)


def test_the_prachub_walkthrough_is_right_up_to_tanh_of_1_04621():
    result = load_spec(text=PRACHUB).compute()
    f = result.forward
    assert rounds_to(f["h11@1"], "0.4621") and rounds_to(f["yhat1@1"], "0.9242")
    assert rounds_to(f["z11@2"], "1.04621")  # the argument is right ...
    assert f["h11@2"] == pytest.approx(math.tanh(1.0 + 0.1 * math.tanh(0.5)), rel=1e-15)
    assert not rounds_to(f["h11@2"], "0.7790") and rounds_to(f["h11@2"], "0.7803")  # ... its tanh is not
    # the numbers that follow from the slip, each against its true value
    printed = {"yhat1@2": ("1.558", "1.561"), "L@1": ("0.00288", "0.00287"), "L@2": ("0.0978", "0.0965"),
               "L": ("0.1007", "0.0994")}
    for name, (theirs, true) in printed.items():
        assert rounds_to(f[name], true), name
        assert rounds_to(f[name], theirs) == (theirs == true), name
    delta2 = result.deltas[1][1, 0]  # ∂L/∂a2 in the walkthrough's notation: δ of the unit at step 2
    assert rounds_to(result.grad_a[2][1, 0], "-0.439") and not rounds_to(result.grad_a[2][1, 0], "-0.442")
    assert rounds_to(result.grad_a[1][1, 0], "-0.8787")  # printed -0.884
    assert rounds_to(1 - f["h11@2"] ** 2, "0.3911")  # printed 0.3931
    assert rounds_to(delta2, "-0.3436")  # printed -0.3475
    # step 2's parts of the shared weights' gradients, as the walkthrough groups them
    assert rounds_to(result.step_gradient("wx111")[1], "-0.687")  # printed -0.695
    assert rounds_to(result.step_gradient("wh111")[1], "-0.1588")  # printed -0.1606
    traced = result.trace("wh111", max_paths=4)
    steps = {int(node.rpartition("@")[2]): total for node, _, _, total in traced.positions}
    assert steps[2] == pytest.approx(result.step_gradient("wh111")[1], rel=1e-12)
    assert steps[1] == 0.0  # h0 = 0: step 1's use of W_h multiplies 0
    assert traced.path_count == 3  # L@2 → h2 → W_h (step 2), and L@1 → h1, L@2 → h2 → h1 (step 1)


THSIS = """\
sequence: [[0.2], [0.3], [0.4]]
target: [7]
loss: half_squared_error
layers:
  - type: recurrent
    input_weights: [[2.0], [1.0]]
    recurrent_weights: [[1.0, 2.0], [3.0, 4.0]]
    biases: none
  - activation: linear
    weights: [[2.0, 4.0]]
    biases: none
"""


def test_the_numpy_notebooks_forward_pass_is_right_and_its_one_path_gradient_is_not():
    result = load_spec(text=THSIS).compute()
    f = result.forward
    printed = {"h11@1": "0.37994896", "h12@1": "0.19737532", "h11@2": "0.87975882", "h12@2": "0.97711011",
               "h11@3": "0.9986059", "h12@3": "0.99999815", "yhat1@3": "5.99720442"}
    for name, value in printed.items():
        assert rounds_to(f[name], value), name
    theirs = {"wx111": 0.00034735, "wx121": 0.00272708}
    for name, value in theirs.items():
        true = result.gradient(name)
        assert true < 0 < value  # (y − ŷ) for (ŷ − y): the sign flipped
        assert abs(value) != pytest.approx(abs(true), rel=0.1)  # and not the size either: one path of several
    assert result.trace("wx111", max_paths=1).path_count == 7  # paths the notebook's one stands for


AYAN = """\
sequence: [[0.7], [0.5], [0.2]]
target: [0]
loss: half_squared_error
layers:
  - type: recurrent
    input_weights: [[0.9]]
    recurrent_weights: [[0.5]]
    biases: [0.3]
    initial_state: [0.1]
"""


def test_the_tutorials_hidden_states_are_truncated_not_rounded():
    f = load_spec(text=AYAN).compute().forward
    assert rounds_to(f["z11@1"], "0.98") and rounds_to(f["yhat1@1"], "0.753")
    assert not rounds_to(f["yhat1@2"], "0.809") and math.floor(f["yhat1@2"] * 1000) / 1000 == 0.809
    assert not rounds_to(f["yhat1@3"], "0.708") and math.floor(f["yhat1@3"] * 1000) / 1000 == 0.708


def _normalised(inputs: list, eps: float) -> dict:
    """The forward values of one batch-norm layer (γ = 1, β = 0) over `inputs`."""
    features = len(inputs[0])
    text = (f"inputs: {inputs}\ntargets: {[[0.0] * features for _ in inputs]}\nloss: half_squared_error\n"
            f"layers:\n  - type: batchnorm\n    eps: {eps!r}\n")
    return load_spec(text=text).compute().forward


def test_the_code_labs_batch_norm_of_1_2_3_4():
    f = _normalised([[1.0], [2.0], [3.0], [4.0]], 1e-5)
    assert f["mu11"] == 2.5 and f["var11"] == 1.25  # the biased variance
    for value, printed in zip(f["xhat11"], ("-1.34164", "-0.44721", "0.44721", "1.34164")):
        assert rounds_to(value, printed)


def test_graduatemls_batch_norm_forward():
    f = _normalised([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], 0.0)
    for name in ("xhat11", "xhat12"):
        for value, printed in zip(f[name], ("-1.22474", "0", "1.22474")):
            assert rounds_to(value, printed)


def test_tensorgyms_expected_outputs_use_the_unbiased_variance():
    # −1, 0, 1 read at the 4 decimals of its other example (whole numbers round anything near them)
    for inputs, printed in (([[1.0], [3.0], [5.0]], ("-1.0000", "0.0000", "1.0000")),
                            ([[10.0], [4.0], [6.0]], ("1.0911", "-0.8729", "-0.2182"))):
        true = _normalised(inputs, 1e-5)["xhat11"]
        assert not all(rounds_to(v, p) for v, p in zip(true, printed))  # training mode's biased σ²
        slipped = BatchNorm(np.ones(1), np.zeros(1), eps=1e-5, slip="unbiased_variance")
        _, _, unbiased = slipped.statistics(np.array(inputs))
        assert all(rounds_to(v, p) for v, p in zip(unbiased[:, 0], printed))  # the slip reproduces them


def test_check_names_the_walkthroughs_slip_and_carries_the_numbers_after_it_forward(tmp_path):
    # the walkthrough's own numbers as an answers file: tanh(1.04621) = 0.7790 is an arithmetic slip
    # (its input is stated right), and every number computed from it after is its step done right
    (tmp_path / "net.yaml").write_text(PRACHUB, encoding="utf-8")
    printed = {"h11@1": "0.4621", "yhat1@1": "0.9242", "z11@2": "1.04621", "h11@2": "0.7790", "yhat1@2": "1.558",
               "L@2": "0.0978", "L": "0.1007", "dL/dh11@2": "-0.884"}
    (tmp_path / "answers.yaml").write_text("spec: net.yaml\nanswers:\n" + "".join(
        f"  {name}: {value}\n" for name, value in printed.items()), encoding="utf-8")
    results = json.loads(invoke("check", tmp_path / "answers.yaml", "--format", "json", expect=1).stdout)
    verdicts = {r["quantity"]: (r["verdict"], [d["code"] for d in r["diagnoses"]])
                for r in results["files"][0]["results"]}
    assert verdicts["h11@2"] == ("wrong", ["arithmetic"])
    assert all(verdicts[name][0] == "right" for name in ("h11@1", "yhat1@1", "z11@2"))
    assert all(verdicts[name][0] == "carried_forward" for name in ("yhat1@2", "L@2", "L", "dL/dh11@2"))
