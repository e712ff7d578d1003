"""Findings of a review of 149dd7a..HEAD (softmax Jacobian rounded as you go; a = z made on the
file's own values): each test fails on HEAD and passes on 149dd7a."""
from tests.grading.test_judging import _grade_on

# softmax + cross-entropy whose true class is unlikely (ŷ1 = 0.00105): ∂L/∂ŷ1 = −1/ŷ1 ≈ −950 multiplies
# a full half unit of every Jacobian entry in _jacobian_rounding
UNLIKELY = """\
input: [1.0, -1.0]
target: [1, 0]
loss: cross_entropy
learning_rate: 0.5
layers:
  - activation: tanh
    weights: [[0.9, -0.8], [-0.7, 0.6]]
    biases: [0.1, -0.1]
  - activation: softmax
    weights: [[{w}, 1.2], [{v}, -1.2]]
    biases: [0, 0]
"""


def test_softmax_cross_paths_missing_is_not_right_through_the_jacobians_rounding(tmp_path):
    # ∂L/∂w111 = 0.517249; the cross paths left out give 0.258624 (half of it). Written 0.260 (3 significant
    # digits, rounded as the student went) it is judged right: accepted [0.1995, 0.8377] (149dd7a: wrong,
    # softmax_cross_paths_missing named)
    by = _grade_on(tmp_path, UNLIKELY.format(w=-2.5, v=2.5), {"dL/dw111": "0.260"})
    assert by["dL/dw111"].verdict != "right", by["dL/dw111"].diagnosis


def test_a_ten_percent_slip_through_softmax_is_not_right(tmp_path):
    # ŷ1 = 0.00693: ∂L/∂z21 = ŷ1 − 1 = −0.993072; −0.900 (3 significant digits) is judged right, accepted
    # [−1.0904, −0.8981] (149dd7a: [−1.0169, −0.9716], wrong); the same for ∂L/∂w111's matrix_transposed 0.2777
    by = _grade_on(tmp_path, UNLIKELY.format(w=-1.5, v=1.5), {"dL/dz21": "-0.900"})
    assert by["dL/dz21"].verdict == "wrong"
    by = _grade_on(tmp_path, UNLIKELY.format(w=-1.5, v=1.5), {"dL/dw111": "0.277"})
    assert by["dL/dw111"].verdict == "wrong"


SIGMOID_3 = """\
input: [-0.4, 1, -1.3]
target: [0, 1]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.5, 0.3, 0.88], [-0.9, 1, -0.46], [0.1, -0.5, -0.71]]
    biases: [-0.3, 0.17, -0.5]
  - activation: sigmoid
    weights: [[-0.89, -0.6, 0.3], [0.7, 0, 0.1]]
    biases: [0.3, -0.1]
"""


def test_a_made_up_hidden_value_buys_no_loss_credit_through_a_eq_z_on_the_others(tmp_path):
    # a11 = 0.90 is made up (z11 = −1.34, a11 = 0.2069; no slip, no known mistake: 'no known mistake or slip
    # explains' it); ŷ built on it and on a12 = z12, a13 = z13 is named activation_not_applied (the pass pins
    # the made-up a11), and the loss on that ŷ is carried_forward (149dd7a: ŷ follows from a11, loss refused)
    by = _grade_on(tmp_path, SIGMOID_3, {"a11": "0.90", "yhat1": "0.14", "yhat2": "0.63", "loss": "0.16"})
    assert by["a11"].verdict == "wrong" and not by["a11"].diagnoses
    assert by["loss"].verdict != "carried_forward", by["loss"].diagnosis


def test_made_up_outputs_buy_no_credit_through_the_wider_softmax_interval(tmp_path):
    # every stated value made up (a11, a13, ŷ); δ2 done right on the made-up ŷ is 0.43 for 0.403: 149dd7a
    # refuses the steps after it; HEAD's wider coarse softmax interval makes δ21 'imprecise'
    # (rounded_too_coarsely), which counts as a cause, so ∂L/∂w212 = 0.21 on it is carried_forward
    spec = """\
input: [0.8, 0.6]
target: [0.1, 1.0]
loss: squared_error
learning_rate: 0.5
layers:
  - activation: sigmoid
    weights: [[0.02, 0.99], [-0.37, 0.55], [0.29, 0.99]]
    biases: [-0.22, -0.09, 0.44]
  - activation: softmax
    weights: [[1.02, 0.04, 0.25], [0.19, -0.11, -0.89]]
    biases: [-0.06, -0.36]
"""
    by = _grade_on(tmp_path, spec, {"a11": "0.71", "a13": "0.20", "yhat1": "0.48", "yhat2": "0.52",
                                    "dL/dz21": "0.43", "dL/dz22": "-0.43", "dL/dw212": "0.21"})
    assert by["dL/dw212"].verdict != "carried_forward", by["dL/dw212"].diagnosis
