"""grading.step_mistakes: bias_not_summed (CONTRACT section 5's catalogue), a batch's bias
gradient given as one sample's δ alone, where ∂L/∂b sums δ over every sample (then × 1/n for a
mean); one sample's gradient in the other convention; σ′ written down on z. And the per-sample
values a batch's mean is built from, as a file states them. The batch is the tiny 2-2-1 network
(tests/grading/_tiny.py) with a second sample, worked here with the math module."""
import math

import pytest

from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading.diagnoses import Diagnoser
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.spec.reader import load_spec

from . import _tiny as t
from .test_published_as_printed import check

BATCH = t.SPEC.replace("name: tiny\ninput: [1.0, 0.5]\ntarget: [1.0]\n",
                       "inputs: [[1.0, 0.5], [0.2, -0.4]]\ntargets: [[1.0], [0.0]]\n")
SAMPLES = ((1.0, 0.5, 1.0), (0.2, -0.4, 0.0))


def by_hand(x1: float, x2: float, y: float) -> dict:
    """One sample's forward values and δs (the linear output's δ21 = 2(ŷ − y))."""
    sigmoid = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a11 = sigmoid(t.W111 * x1 + t.W112 * x2 + t.B11)
    a12 = sigmoid(t.W121 * x1 + t.W122 * x2 + t.B12)
    yhat = t.W211 * a11 + t.W212 * a12 + t.B21
    d21 = 2 * (yhat - y)
    return {"yhat": yhat, "d21": d21, "d11": d21 * t.W211 * a11 * (1 - a11)}


ONE, TWO = (by_hand(*sample) for sample in SAMPLES)
TRUE_B21 = (ONE["d21"] + TWO["d21"]) / 2  # ∂L/∂b21: the mean of the two samples' δ21


def codes(result: dict) -> set:
    return {d["code"] for d in result["diagnoses"]}


@pytest.mark.parametrize("written, sample", [
    (ONE["d21"] / 2, 1), (TWO["d21"] / 2, 2),  # one sample's share of the mean, alone
    (ONE["d21"], 1), (TWO["d21"], 2),  # one sample's δ as it is
])
def test_one_samples_delta_for_a_bias_gradient_is_named(tmp_path, written, sample):
    got = check(tmp_path, BATCH, f"  dL/db21: {written:.4f}\n")["dL/db21"]
    assert got["verdict"] == "wrong" and "bias_not_summed" in codes(got), got
    assert f"sample {sample}'s" in got["diagnosis"]


def test_the_mean_of_the_samples_deltas_is_right(tmp_path):
    assert check(tmp_path, BATCH, f"  dL/db21: {TRUE_B21:.4f}\n")["dL/db21"]["verdict"] == "right"


def test_named_on_the_files_own_rounded_outputs_and_with_a_flipped_sign(tmp_path):
    # ŷ1[1] stated to 3 decimals, and δ21[1]/2 worked from it: the first sample alone, on the file's values
    yhat = round(ONE["yhat"], 3)
    got = check(tmp_path, BATCH, f"  yhat1[1]: {yhat:.3f}\n  dL/db21: {(yhat - 1.0):.3f}\n")["dL/db21"]
    # (with two samples, δ21[1] with the factor 2 lost is the same number: both are said, nothing else)
    assert got["diagnoses"][0]["code"] == "bias_not_summed", got
    assert codes(got) == {"bias_not_summed", "bias_not_summed+factor_2_lost"}, got
    flipped = check(tmp_path, BATCH, f"  dL/db21: {-ONE['d21'] / 2:.4f}\n", "flipped.yaml")["dL/db21"]
    assert codes(flipped) == {"bias_not_summed+sign_flipped"}, flipped


def test_a_hidden_bias_not_summed_after_a_derivative_left_out_is_a_pair(tmp_path):
    # δ11 of the first sample with the sigmoid's slope left out (×1 for a(1 − a)), its 1/n share alone
    yhat, a11 = ONE["yhat"], 1 / (1 + math.exp(-(t.W111 + t.W112 * 0.5 + t.B11)))
    flat = 2 * (yhat - 1.0) * t.W211 / 2
    got = check(tmp_path, BATCH, f"  dL/db11: {flat:.4f}\n")["dL/db11"]
    assert "activation_derivative_missing+bias_not_summed" in codes(got), got
    assert abs(flat - ONE["d11"] / 2 / (a11 * (1 - a11))) < 1e-12  # the same value, worked the other way


def test_never_offered_while_drawing_a_personal_problem(tmp_path):
    # a mistake catalogued after personal problems were drawn must never change which network a student gets
    (tmp_path / "net.yaml").write_text(BATCH, encoding="utf-8")
    result = load_spec(tmp_path / "net.yaml").compute()
    diagnoser = Diagnoser(result, make_notation("default", result.network.names))
    q = parse_quantity("dL/db21", diagnoser.notation)
    drawn = [c for c in diagnoser.candidates(q, TRUE_B21, drawing=True) if len(c) > 2]
    graded = list(diagnoser.candidates(q, TRUE_B21))
    assert not any("bias_not_summed" in c[2] for c in drawn)
    assert any(c[2] == "bias_not_summed" for c in graded)


def test_a_sigmoids_slope_written_down_on_z_is_named_and_the_delta_on_it_carried(tmp_path):
    # the tiny network's z12 = 0.5: σ′ on z is 0.5·(1 − 0.5) = 0.25, where a12(1 − a12) = 0.2350 belongs;
    # ∂L/∂z12 = ∂L/∂a12 · 0.25 on the student's own σ′ is carried forward
    slope = t.Z12 * (1 - t.Z12)
    assert abs(slope - 0.25) < 1e-12 and abs(t.A12 * (1 - t.A12) - 0.2350) < 1e-4
    got = check(tmp_path, t.SPEC, f"  z12: 0.5000\n  dL/da12: {t.D_A12:.4f}\n  da12/dz12: {slope:.4f}\n"
                f"  dL/dz12: {float(f'{t.D_A12:.4f}') * slope:.4f}\n")
    assert got["da12/dz12"]["verdict"] == "wrong" and codes(got["da12/dz12"]) == {"derivative_on_z"}, got["da12/dz12"]
    assert got["dL/dz12"]["verdict"] == "carried_forward", got["dL/dz12"]
    # never offered while drawing (a catalogue entry after personal problems were drawn)
    (tmp_path / "net.yaml").write_text(t.SPEC, encoding="utf-8")
    result = load_spec(tmp_path / "net.yaml").compute()
    diagnoser = Diagnoser(result, make_notation("default", result.network.names))
    q = parse_quantity("da12/dz12", diagnoser.notation)
    assert list(diagnoser.candidates(q, 0.235, drawing=True)) == []
    assert [c[2] for c in diagnoser.candidates(q, 0.235)] == ["derivative_on_z"]


def _sample(x1: float, x2: float, y: float) -> dict:
    """One sample of the tiny batch by hand: ŷ, its loss and its own ∂L_s/∂w211 = 2(ŷ − y)·a11."""
    a11 = 1 / (1 + math.exp(-(t.W111 * x1 + t.W112 * x2 + t.B11)))
    yhat = by_hand(x1, x2, y)["yhat"]
    return {"yhat": yhat, "loss": (yhat - y) ** 2, "w211": 2 * (yhat - y) * a11}


S1, S2 = (_sample(*sample) for sample in SAMPLES)


def test_a_batchs_mean_of_the_files_own_per_sample_values_is_carried_forward(tmp_path):
    # loss[2] written 5% off (a slip on the stated ŷ1[2]); the loss, the mean of the stated loss[1]
    # and loss[2], is that step done right on them: carried forward
    loss_2 = f"{S2['loss'] * 1.05:.4f}"
    mean = (float(f"{S1['loss']:.4f}") + float(loss_2)) / 2
    got = check(tmp_path, BATCH, f"  yhat1[2]: {S2['yhat']:.4f}\n  loss[1]: {S1['loss']:.4f}\n  loss[2]: {loss_2}\n"
                f"  loss: {mean:.4f}\n")
    assert codes(got["loss[2]"]) == {"arithmetic"}
    assert got["loss"]["verdict"] == "carried_forward" and "loss[2] = " in got["loss"]["diagnosis"], got["loss"]
    # ∂L/∂w211[2] with its sign flipped (a named mistake), then the batch's mean of the stated per-sample
    # gradients, and the update on it (η = 0.5): both carried forward
    g1, g2 = f"{S1['w211']:.4f}", f"{-S2['w211']:.4f}"
    g = (float(g1) + float(g2)) / 2
    got = check(tmp_path, BATCH, f"  dL/dw211[1]: {g1}\n  dL/dw211[2]: {g2}\n  dL/dw211: {g:.5f}\n"
                f"  w211_new: {t.W211 - 0.5 * float(f'{g:.5f}'):.5f}\n", "flipped.yaml")
    assert "sign_flipped" in codes(got["dL/dw211[2]"])
    assert got["dL/dw211"]["verdict"] == "carried_forward" and got["w211_new"]["verdict"] == "carried_forward"
    # right per-sample gradients, their mean written 5% off: a slip in that step, the update on it carried
    right = (S1["w211"] + S2["w211"]) / 2
    slipped = f"{right * 1.05:.5f}"
    got = check(tmp_path, BATCH, f"  dL/dw211[1]: {S1['w211']:.5f}\n  dL/dw211[2]: {S2['w211']:.5f}\n"
                f"  dL/dw211: {slipped}\n  w211_new: {t.W211 - 0.5 * float(slipped):.6f}\n", "slip.yaml")
    assert codes(got["dL/dw211"]) == {"arithmetic"} and got["w211_new"]["verdict"] == "carried_forward"
    # the true mean beside them stays right
    got = check(tmp_path, BATCH, f"  dL/dw211[1]: {S1['w211']:.5f}\n  dL/dw211[2]: {S2['w211']:.5f}\n"
                f"  dL/dw211: {right:.5f}\n", "right.yaml")
    assert {r["verdict"] for r in got.values()} == {"right"}


def test_one_samples_gradient_with_the_wrong_share_of_the_mean_is_named(tmp_path):
    # dL/dw211[2] is sample 2's own gradient (2(ŷ − y)·a11, no 1/n); a node's dL/dz21[2] is its share
    # of L (with the 1/n). Each written the other way is named batch_not_averaged, saying which is which
    got = check(tmp_path, BATCH, f"  dL/dw211[2]: {S2['w211'] / 2:.4f}\n  dL/dz21[2]: {TWO['d21']:.4f}\n")
    # (with two samples, the share is half: the factor 2 lost gives it too, and is said beside it)
    assert "batch_not_averaged" in codes(got["dL/dw211[2]"]) and "share" in got["dL/dw211[2]"]["diagnosis"]
    assert "batch_not_averaged" in codes(got["dL/dz21[2]"]) and "own gradient" in got["dL/dz21[2]"]["diagnosis"]
    right = check(tmp_path, BATCH, f"  dL/dw211[2]: {S2['w211']:.4f}\n  dL/dz21[2]: {TWO['d21'] / 2:.4f}\n", "r.yaml")
    assert {r["verdict"] for r in right.values()} == {"right"}


def test_per_sample_values_beyond_float64_are_wrong_and_never_warned_of(tmp_path):
    # stated losses and per-sample gradients of ±1e308 add up past float64 in the mean: a wide
    # interval, every answer judged, no warning (pytest turns RuntimeWarnings into errors)
    huge = "".join(f"  {q}[{s}]: {sign}1e308\n" for q, sign in (("loss", ""), ("dL/dw211", ""), ("dL/db21", "-"))
                   for s in (1, 2))
    got = check(tmp_path, BATCH, huge + "  loss: 1e308\n  dL/dw211: 1e308\n  dL/db21: -1e308\n")
    assert {r["verdict"] for r in got.values()} == {"wrong"} and len(got) == 9


def test_half_squared_errors_loss_without_its_half_is_named_and_the_mean_on_it_carried(tmp_path):
    # "Backpropagation Explained"'s batch of three (specs/batch-average.yaml), by hand: L_s = ½(ŷ_s − y_s)².
    # loss[2] written (ŷ2 − y2)², the ½ left out: named; the batch's loss, the mean of the stated ones,
    # carried forward on it
    from conftest import SPECS

    sigmoid = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    w1, b1, w2, b2 = [[0.5, -0.4], [0.9, 1.0], [-0.7, 0.3]], [0.1, -0.2, 0.0], [1.2, -0.8, 0.6], 0.05
    losses = []
    for x, y in (((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), 0.0)):
        hidden = [sigmoid(sum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(w1, b1)]
        losses.append(0.5 * (sigmoid(sum(w * a for w, a in zip(w2, hidden)) + b2) - y) ** 2)
    written = [f"{losses[0]:.4f}", f"{2 * losses[1]:.4f}", f"{losses[2]:.4f}"]
    mean = sum(float(v) for v in written) / 3
    got = check(tmp_path, (SPECS / "batch-average.yaml").read_text(encoding="utf-8"),
                "".join(f"  loss[{s}]: {v}\n" for s, v in enumerate(written, start=1)) + f"  loss: {mean:.4f}\n")
    assert [got[f"loss[{s}]"]["verdict"] for s in (1, 3)] == ["right", "right"]
    assert codes(got["loss[2]"]) == {"factor_2_added"}, got["loss[2]"]
    assert got["loss"]["verdict"] == "carried_forward", got["loss"]
