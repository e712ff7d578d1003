"""Published worked examples of backpropagation, typed in exactly as their authors print them (same
digits), graded by `backprop check`. A printed value that is right at its printed precision (the
correct method, every intermediate rounded as the value is written, reaches it) must be `right`
(or `imprecise` where a catalogued mistake really rounds to it too); the authors' own slips must
not be. Each example's spec reproduces the source's own correct numbers (`backprop grad`).

The first tests fail on the grader as it stands (found by typing the examples in); the rest pin
examples it judges as the rule requires.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from backprop_cli.cli import main


def check(tmp_path, spec: str, answers: str, name: str = "answers.yaml") -> dict:
    """`backprop check --format json` on `answers` (the lines under `answers:`) for `spec`:
    quantity -> its result."""
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    (tmp_path / name).write_text("spec: net.yaml\nanswers:\n" + answers, encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(tmp_path / name), "--format", "json"])
    assert out.exit_code in (0, 1), (out.exit_code, out.output)
    return {r["quantity"]: r for r in json.loads(out.stdout)["files"][0]["results"]}


def verdicts(results: dict) -> dict:
    return {q: r["verdict"] for q, r in results.items()}


# -- "Step-by-step Execution (Forward + Backward)" of softmax + categorical cross-entropy (GitHub
# MihirSaiDudekula/VIsem_Labs, file DLP2.md): one softmax layer, x = [1, 2],
# W (2 features -> 3 classes, written from-to) = [[0.2, -0.3, 0.5], [-0.5, 0.7, -0.2]], no bias,
# y = [0, 1, 0], learning rate 0.1. It prints logits [-0.8, 1.1, 0.1], y_pred [0.098, 0.659, 0.242],
# loss 0.417, grad [0.098, -0.341, 0.242], "W update" = X^T·grad = [[0.098, -0.341, 0.242],
# [0.196, -0.682, 0.484]] and ΔW = -0.1 · W update = [[-0.0098, 0.0341, -0.0242],
# [-0.0196, 0.0682, -0.0484]], every step rounded to 3 decimals as it goes.
VISEM = """\
input: [1.0, 2.0]
target: [0, 1, 0]
loss: cross_entropy
learning_rate: 0.1
layout: from_to
layers:
  - activation: softmax
    weights:
      - [0.2, -0.3, 0.5]
      - [-0.5, 0.7, -0.2]
    biases: none
"""
VISEM_PRINTED = """\
  z11: -0.8
  z12: 1.1
  z13: 0.1
  yhat1: 0.098
  yhat2: 0.659
  yhat3: 0.242
  loss: 0.417
  dL/dz11: 0.098
  dL/dz12: -0.341
  dL/dz13: 0.242
  dL/dw111: 0.098
  dL/dw121: -0.341
  dL/dw131: 0.242
  dL/dw112: 0.196
  dL/dw122: -0.682
  dL/dw132: 0.484
  Δw111: -0.0098
  Δw121: 0.0341
  Δw131: -0.0242
  Δw112: -0.0196
  Δw122: 0.0682
  Δw132: -0.0484
"""


def test_a_weight_change_rounded_as_you_go_is_right(tmp_path):
    # Δw132 = −η·x2·ŷ3 = −0.1 · 2 · 0.242433 = −0.0484866 (true, −0.0485 at 4 decimals). Written
    # −0.0484 (4 decimals, 3 significant digits): ŷ3 rounded to 3 significant digits is 0.242, so
    # ∂L/∂w132 = 0.484 and η·g = 0.0484: the correct method, rounded as the answer is written,
    # reaches it. The same step written as the updated weight, w132_new = −0.2484, is judged right;
    # Δw132 (judged on the true value alone, interval [−0.048537, −0.048437]) is judged wrong.
    results = check(tmp_path, VISEM, "  Δw132: -0.0484\n  w132_new: -0.2484\n")
    assert results["w132_new"]["verdict"] == "right"
    assert results["Δw132"]["verdict"] == "right", results["Δw132"]


def test_a_weight_change_on_the_files_own_right_gradient_is_right(tmp_path):
    # The page, as printed: ∂L/∂w111 = 0.098, ∂L/∂w112 = 0.196, ∂L/∂w132 = 0.484 are judged right
    # (true 0.0985659, 0.197132, 0.484866); its ΔW is exactly −0.1 times those stated, right values
    # (−0.0098, −0.0196, −0.0484), "a step done right on your own earlier, right answers is right
    # too". The grader judges all three `wrong` (true −0.0098566, −0.0197132, −0.0484866).
    results = check(tmp_path, VISEM, VISEM_PRINTED)
    for q in ("dL/dw111", "dL/dw112", "dL/dw132"):
        assert results[q]["verdict"] == "right", results[q]
    wrong = {q: results[q]["verdict"] for q in ("Δw111", "Δw112", "Δw132") if results[q]["verdict"] != "right"}
    assert not wrong, wrong


def test_the_softmax_regression_page_as_printed(tmp_path):
    # Everything else the page prints is right at 3 decimals when each step is rounded as it goes
    # (ŷ1 = 0.098 for the true 0.098566: with each e^z rounded to 3 significant digits,
    # 0.449 / (0.449 + 3.00 + 1.11) = 0.09849, which is 0.098).
    results = check(tmp_path, VISEM, VISEM_PRINTED)
    rest = {q: v for q, v in verdicts(results).items() if not q.startswith("Δ")}
    assert set(rest.values()) == {"right"}, rest
    for q in ("Δw121", "Δw131", "Δw122"):
        assert results[q]["verdict"] == "right", results[q]


# -- Alexander Schiendorfer, "A worked example of backpropagation" (blog post, 2020; GitHub
# Alexander-Schiendorfer/Alexander-Schiendorfer.github.io, _posts/2020-02-11-a-worked-example-of-backprop.md,
# and its notebook notebooks/backprop-example.ipynb): a 2-2-2
# sigmoid network without biases, W = [[6, -3], [-2, 5]] and V = [[1, -2], [0.25, 2]] (numpy, from-to),
# x = (3, 1), t = (1, 0), L = Σ(y − t)². Its Python session prints every value in full float64, and
# numpy's array prints to 8 significant digits: grad_Y_in = [[-0.1051877  0.02654905]] and
# grad_V = [[-0.10518769  0.02654905] [-0.00189193  0.00047752]].
SCHIENDORFER = """\
input: [3, 1]
target: [1, 0]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[6, -2], [-3, 5]]
    biases: none
  - activation: sigmoid
    weights: [[1, 0.25], [-2, 2]]
    biases: none
names: {w11: w111, w21: w112, w12: w121, w22: w122, v11: w211, v21: w212, v12: w221, v22: w222,
        h1_in: z11, h2_in: z12, h1_out: a11, h2_out: a12, y1_in: z21, y2_in: z22, y1_out: yhat1,
        y2_out: yhat2}
"""


def test_a_right_delta_is_no_copy_of_the_later_weight_gradient_built_on_it(tmp_path):
    # grad_y1_in = −0.10518770232556676 printed −0.1051877 (right at 7 decimals); grad_v11 =
    # grad_y1_in · h1_out (h1_out = 0.99999989) = −0.10518769048825163 printed −0.10518769. The δ is
    # judged `imprecise`, "a copy of dL/dv11", only because the file also states dL/dv11, the step
    # computed FROM it; alone it is right. The guide: a copy is of "an earlier step or one beside it
    # (a right ŷ2 is no copy of a later answer that repeats it)". Same for grad_y2_in = 0.02654905
    # beside grad_v12 = 0.02654905.
    alone = check(tmp_path, SCHIENDORFER, "  dL/dy1_in: -0.1051877\n  dL/dy2_in: 0.02654905\n", "alone.yaml")
    assert verdicts(alone) == {"dL/dy1_in": "right", "dL/dy2_in": "right"}
    both = check(tmp_path, SCHIENDORFER, "  dL/dy1_in: -0.1051877\n  dL/dy2_in: 0.02654905\n"
                 "  dL/dv11: -0.10518769\n  dL/dv12: 0.02654905\n", "both.yaml")
    assert both["dL/dv11"]["verdict"] == "right"
    assert both["dL/dy1_in"]["verdict"] == "right", both["dL/dy1_in"]
    assert both["dL/dy2_in"]["verdict"] == "right", both["dL/dy2_in"]


def test_schiendorfer_full_precision_session_as_printed(tmp_path):
    printed = """\
  h1_in: 16.0
  h1_out: 0.9999998874648379
  y1_out: 0.7319
  loss: 0.08699208259994781
  dL/dy1_out: -0.5361165732610222
  dL/dy2_out: 0.24606371182002887
  dL/dy1_in: -0.10518770232556676
  dL/dy2_in: 0.026549048699963138
  dL/dv21: -0.0018919280994576303
  dL/dv22: 0.0004775167642113309
  dL/dv11: -0.10518769048825163
  dL/dv12: 0.02654904571226164
  dL/dh1_out: -0.15828579972549303
  dL/dh2_out: 0.026801171818534586
  dL/dw11: -5.34381483665323e-08
  dL/dw12: 0.0014201436720081408
  dL/dw21: -1.7812716122177433e-08
  dL/dw22: 0.0004733812240027136
"""
    assert set(verdicts(check(tmp_path, SCHIENDORFER, printed)).values()) == {"right"}


@pytest.mark.slow
def test_schiendorfer_numpy_prints_and_prose(tmp_path):
    # numpy's 8-significant-digit prints (without the two δ of the test above), and the prose's
    # rounded values; "the 0.99 from h1_out" is the author's slip (h1_out = 0.99999989 is 1.00).
    printed = """\
  y1_out: 0.73194171
  y2_out: 0.12303186
  loss: 0.08699208
  dL/dv11: -0.10518769
  dL/dv21: -0.00189193
  dL/dv22: 0.00047752
  dL/dh1_out: -0.1582858
  dL/dh2_out: 0.02680117
  dL/dw11: -5.34381484e-08
  dL/dw12: 1.42014367e-03
  dL/dw21: -1.78127161e-08
  dL/dw22: 4.73381224e-04
"""
    assert set(verdicts(check(tmp_path, SCHIENDORFER, printed)).values()) == {"right"}
    prose = check(tmp_path, SCHIENDORFER, "  y1_out: 0.73\n  y2_out: 0.12\n  h2_out: 0.02\n  h1_out: 0.99\n",
                  "prose.yaml")
    assert verdicts(prose) == {"y1_out": "right", "y2_out": "right", "h2_out": "right", "h1_out": "wrong"}


def test_schiendorfer_batch_of_two_and_its_inconsistent_printed_update(tmp_path):
    # Both instances, gradients summed, alpha = 0.5. Printed: initial losses [[0.08699208]] and
    # [[0.33025203]], instance 2 "suggests" ∂L/∂V22 ≈ −0.025; the printed net.V after the update,
    # [[1.06837185 -2.01725687] [0.07134767 2.01595986]], is not what its own step gives (1.0525937,
    # −2.0132745, 0.1125751, 2.0122768); the outputs it prints after the update ([[0.74165987
    # 0.12162137]], [[0.52811432 0.88207988]]) are those of the right step. So the printed V is wrong.
    spec = SCHIENDORFER.replace("input: [3, 1]\ntarget: [1, 0]\n",
                                "inputs: [[3, 1], [-1, 4]]\ntargets: [[1, 0], [0, 1]]\nreduction: sum\n")
    results = check(tmp_path, spec, """\
  loss[1]: 0.08699208
  loss[2]: 0.33025203
  dL/dv22[2]: -0.025
  v11_new: 1.06837185
  v12_new: -2.01725687
  v21_new: 0.07134767
  v22_new: 2.01595986
""")
    assert verdicts(results) == {"loss[1]": "right", "loss[2]": "right", "dL/dv22[2]": "right",
                                 "v11_new": "wrong", "v12_new": "wrong", "v21_new": "wrong", "v22_new": "wrong"}


# -- Han & Kamber, "Data Mining: Concepts and Techniques", Example 9.1 / Figure 9.5 (the 3-2-1
# sigmoid network, X = (1, 0, 1), class 1, learning rate 0.9), as reproduced in "Appendix B: An Example
# of Back-propagation Algorithm" (Nov 2011; Nemotron-CC-Math copy on huggingface.co). The book's
# Err_j = O_j(1 − O_j)(T_j − O_j) is −∂E/∂I_j of E = ½(T − O)², so δ is typed with the sign flipped.
HAN_KAMBER = """\
input: [1, 0, 1]
target: [1]
loss: half_squared_error
learning_rate: 0.9
layers:
  - activation: sigmoid
    weights: [[0.2, 0.4, -0.5], [-0.3, 0.1, 0.2]]
    biases: [-0.4, 0.2]
  - activation: sigmoid
    weights: [[-0.3, -0.2]]
    biases: [0.1]
names: {w14: w111, w24: w112, w34: w113, w15: w121, w25: w122, w35: w123, w46: w211, w56: w212,
        w04: b11, w05: b12, w06: b21, I4: z11, I5: z12, I6: z21, O4: a11, O5: a12, O6: yhat1}
"""


def test_han_kamber_figure_9_5_as_printed(tmp_path):
    printed = """\
  I4: -0.7
  O4: 0.332
  I5: 0.1
  O5: 0.525
  I6: -0.105
  O6: 0.474
  dL/dI6: -0.1311
  dL/dI5: 0.0065
  dL/dI4: 0.0087
  w46_new: -0.261
  w56_new: -0.138
  w14_new: 0.192
  w15_new: -0.306
  w24_new: 0.4
  w25_new: 0.1
  w34_new: -0.508
  w35_new: 0.194
  w06_new: 0.218
  w05_new: 0.194
  w04_new: -0.408
"""
    # Err6 = 0.1311 is 0.474·0.526·0.526 (O6 to 3 decimals); the true −∂E/∂I6 is 0.131169 (0.1312)
    assert set(verdicts(check(tmp_path, HAN_KAMBER, printed)).values()) == {"right"}


# -- "Worked Backprop Example" (QuantLet, Neural Networks Introduction BSc lecture series, Joerg
# Osterrieder, https://github.com/QuantLet/neural-networks-introduction/tree/main/worked_backprop_example):
# x = 2 -> w1 = 0.5 -> σ -> w2 = 0.8 -> σ, L = (ŷ − y)², y = 1, η = 0.1, every value to 2 digits.
QUANTLET = """\
input: [2]
target: [1]
loss: squared_error
learning_rate: 0.1
layers:
  - activation: sigmoid
    weights: [[0.5]]
    biases: none
  - activation: sigmoid
    weights: [[0.8]]
    biases: none
names: {w1: w111, w2: w211, h: a11}
"""


def test_quantlet_worked_example_as_printed(tmp_path):
    printed = """\
  z11: 1
  h: 0.73
  z21: 0.58
  yhat1: 0.64
  loss: 0.13
  dL/dyhat1: -0.72
  dyhat1/dw2: 0.17
  dL/dw2: -0.12
  w2_new: 0.812
"""
    assert set(verdicts(check(tmp_path, QUANTLET, printed)).values()) == {"right"}


# -- Bindeshwar Singh Kushwaha, "Understanding Neural Networks: Softmax, Cross-Entropy, and
# Backpropagation" (PostNetwork Academy, https://www.postnetwork.co/understanding-neural-networks-
# softmax-cross-entropy-and-backpropagation): 3-2-2, sigmoid hidden (one bias 0.5), softmax output
# (one bias 0.1), cross-entropy, y = [1, 0]. Its z(4) ≈ 0.185 is a slip (−0.1·0.426 + 0.2·0.5 + 0.1 =
# 0.157); its ŷ ≈ [0.561, 0.439] and L ≈ 0.579 follow from it.
POSTNETWORK = """\
input: [1, 2, -1]
target: [1, 0]
loss: cross_entropy
layers:
  - activation: sigmoid
    weights: [[0.2, -0.3, 0.4], [-0.5, 0.1, 0.2]]
    biases: {shared: 0.5}
  - activation: softmax
    weights: [[0.3, 0.4], [-0.1, 0.2]]
    biases: {shared: 0.1}
"""


def test_postnetwork_softmax_example_its_slip_and_what_follows(tmp_path):
    printed = """\
  z11: -0.3
  z12: 0
  a11: 0.426
  a12: 0.5
  z21: 0.428
  z22: 0.185
  yhat1: 0.561
  yhat2: 0.439
  loss: 0.579
"""
    results = check(tmp_path, POSTNETWORK, printed)
    got = verdicts(results)
    # z12 = −0.5 + 0.2 − 0.2 + 0.5 is 0; numpy 2 sums it to exactly 0 (a written 0 is right), numpy 1.24
    # to 5.6e-17, and a written 0 is then imprecise: a forward sum zero only up to rounding is not made
    # 0 as a gradient's is (left open: the engine's zero rule covers the backward pass)
    assert got.pop("z12") == ("right" if results["z12"]["expected"] == 0 else "imprecise")
    assert got == {"z11": "right", "a11": "right", "a12": "right", "z21": "right", "z22": "wrong",
                   "yhat1": "carried_forward", "yhat2": "carried_forward", "loss": "carried_forward"}
    assert [d["code"] for d in results["z22"]["diagnoses"]] == ["arithmetic"]


# -- "Understanding Backpropagation: Step-by-Step Gradient Derivation in a Tiny Neural Network"
# (sreekanth9999/Interview_Prep, simple_nn_calculation.md): x = 1, ReLU hidden (w1 = 0.5), sigmoid
# output (w2 = 0.5), binary cross-entropy, y = 0, η = 0.1. It takes ∂L/∂a2 = a2 − y (which is ∂L/∂z2)
# and then multiplies by σ′ again, so every gradient after the forward pass is a quarter of the truth.
SREEKANTH = """\
input: [1.0]
target: [0.0]
loss: binary_cross_entropy
learning_rate: 0.1
layers:
  - activation: relu
    weights: [[0.5]]
    biases: none
  - activation: sigmoid
    weights: [[0.5]]
    biases: none
names: {w1: w111, w2: w211, z_1: z11, a_1: a11, z_2: z21, a_2: yhat1}
"""


def test_interview_prep_tiny_network_right_and_wrong_values(tmp_path):
    printed = """\
  z_1: 0.5
  a_1: 0.5
  z_2: 0.25
  a_2: 0.562
  dL/da_2: 0.562
  da_2/dz_2: 0.246
  dL/dz_2: 0.138
  dL/dw2: 0.069
  dL/da_1: 0.069
  da_1/dz_1: 1
  dL/dz_1: 0.069
  dL/dw1: 0.069
  w2_new: 0.4931
  w1_new: 0.4931
"""
    got = verdicts(check(tmp_path, SREEKANTH, printed))
    right = {"z_1", "a_1", "z_2", "a_2", "da_2/dz_2", "da_1/dz_1"}
    assert {q for q, v in got.items() if v == "right"} == right, got
    # its ∂L/∂a2 is ∂L/∂z2 (z and a swapped, a named mistake: see the test below); every step after it
    # is done right on the page's own wrong values, so each is carried forward
    assert got["dL/da_2"] == "wrong"
    assert all(v == "carried_forward" for q, v in got.items() if q not in right | {"dL/da_2"}), got


# -- "2.12. Numerical example Forward and Back pass" (Deep Learning with Python, pythonandml dlbook,
# https://pythonandml.github.io/dlbook/content/multilayer_perceptrons/
# numerical_example_forward_backward_propagation.html): 3-2-2
# sigmoid, x = [1, 4, 5], y = [0.1, 0.05], W1, W2 from-to, biases 0.5, J with dJ/da2 = a2 − y, η = 0.01.
DLBOOK = """\
input: [1, 4, 5]
target: [0.1, 0.05]
loss: half_squared_error
learning_rate: 0.01
layout: from_to
layers:
  - activation: sigmoid
    weights: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
    biases: [0.5, 0.5]
  - activation: sigmoid
    weights: [[0.7, 0.8], [0.9, 0.1]]
    biases: [0.5, 0.5]
"""


@pytest.mark.slow
def test_dlbook_numerical_example_as_printed(tmp_path):
    printed = """\
  z11: 4.3
  z12: 5.3
  a11: 0.9866
  a12: 0.9950
  z21: 2.086
  z22: 1.389
  yhat1: 0.8896
  yhat2: 0.8004
  dL/dyhat1: 0.7896
  dL/dyhat2: 0.7504
  dyhat1/dz21: 0.0983
  dyhat2/dz22: 0.1598
  dL/dz21: 0.0776
  dL/dz22: 0.1199
  da11/dz11: 0.0132
  da12/dz12: 0.0049
  dL/dw211: 0.0765
  dL/dw221: 0.1183
  dL/dw212: 0.0772
  dL/dw222: 0.1193
  dL/db21: 0.0775
  dL/db22: 0.1199
  w111_new: 0.09998
  w121_new: 0.1999
  w112_new: 0.29992
  w122_new: 0.39998
  w113_new: 0.4999
  w123_new: 0.59998
  w211_new: 0.6992
  w221_new: 0.7988
  w212_new: 0.89923
  w222_new: 0.0988
  b11_new: 0.49998
  b12_new: 0.499995
  b21_new: 0.49922
  b22_new: 0.49880
"""
    got = verdicts(check(tmp_path, DLBOOK, printed))
    # W1[0][1] = 0.2 − 0.01·0.0004 = 0.199996 printed 0.1999, and b1[1] printed 0.499995 for 0.499996:
    # the page's slips. Everything else it prints is right at its precision (∂J/∂b2 = 0.0775 too:
    # 0.7896 · 0.8896(1 − 0.8896) = 0.07755).
    assert {q for q, v in got.items() if v != "right"} == {"w121_new", "b12_new"}, got
    assert got["w121_new"] == got["b12_new"] == "wrong"


def test_a_local_derivative_on_the_files_own_rounded_output_is_right(tmp_path):
    # Not a printed value, but the page's own rounding: with its printed ŷ1 = 0.8896 (right), the
    # student's σ′ = ŷ1(1 − ŷ1) = 0.8896 · 0.1104 = 0.09821, written 0.0982 (true 0.0982500, which
    # is 0.0983). The guide names σ′ among the intermediates rounded as you go, and the grader
    # itself accepts ∂J/∂b2 = 0.0775 (= 0.7896 · 0.09821) through that very σ′; but the partial
    # dŷ1/dz21 (a "more" quantity, like Δw) is judged on its true value alone: `wrong`.
    results = check(tmp_path, DLBOOK, "  yhat1: 0.8896\n  dyhat1/dz21: 0.0982\n  dL/dz21: 0.0775\n")
    assert results["yhat1"]["verdict"] == results["dL/dz21"]["verdict"] == "right"
    assert results["dyhat1/dz21"]["verdict"] == "right", results["dyhat1/dz21"]


def test_dlbook_first_layer_gradients_at_4_decimals_cannot_be_told_from_mistakes(tmp_path):
    # δ1 = [0.002, 0.0004] and ∂J/∂W1 = [[0.002, 0.0004], [0.0079, 0.0016], [0.0099, 0.002]] are right
    # at 4 decimals, but with η = 0.01 the weights already updated (and, at 3 decimals, the matrix read
    # the other way) give the same digits: imprecise, which the rule allows. Never wrong.
    got = verdicts(check(tmp_path, DLBOOK, """\
  dL/dz11: 0.002
  dL/dz12: 0.0004
  dL/dw111: 0.002
  dL/dw121: 0.0004
  dL/dw112: 0.0079
  dL/dw122: 0.0016
  dL/dw113: 0.0099
  dL/dw123: 0.002
  dL/db11: 0.002
  dL/db12: 0.0004
"""))
    assert set(got.values()) == {"imprecise"}, got


# -- "Backpropagation Manual Calculation" (fiqlab, https://fiqlab.vercel.app/blog/backpropagation-
# manual-calculation): Mazur's network cut to one output, every value to 5 decimals as it goes.
def test_fiqlab_forward_pass_to_5_decimals(tmp_path):
    spec = """\
input: [0.05, 0.10]
target: [0.01]
loss: half_squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.15, 0.20], [0.25, 0.30]]
    biases: {shared: 0.35}
  - activation: sigmoid
    weights: [[0.40, 0.45]]
    biases: {shared: 0.60}
names: {net_h1: z11, net_h2: z12, out_h1: a11, out_h2: a12, net_o1: z21, out_o1: yhat1}
"""
    printed = """\
  net_h1: 0.3775
  out_h1: 0.59327
  net_h2: 0.3925
  out_h2: 0.59688
  net_o1: 1.10591
  out_o1: 0.75137
"""
    assert set(verdicts(check(tmp_path, spec, printed)).values()) == {"right"}


def test_the_outputs_delta_written_for_its_activations_gradient_is_named(tmp_path):
    # The page's slip above: ∂L/∂a2 taken as a2 − y = 0.562, which is ∂L/∂z2 under binary
    # cross-entropy (the output's ∂L/∂a is ŷ's, −y/ŷ + (1 − y)/(1 − ŷ) = 2.28): named as the swap of
    # z and a, as for a hidden unit, not only as an arithmetic slip
    results = check(tmp_path, SREEKANTH, "  a_2: 0.562\n  dL/da_2: 0.562\n")
    assert results["a_2"]["verdict"] == "right"
    assert results["dL/da_2"]["verdict"] == "wrong"
    assert [d["code"] for d in results["dL/da_2"]["diagnoses"]] == ["pre_activation_for_activation"]
    assert "∂L/∂z_2, not ∂L/∂a_2" in results["dL/da_2"]["diagnosis"]
