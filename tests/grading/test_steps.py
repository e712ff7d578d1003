"""grading.steps: each quantity's own step redone from the values an answers file states, checked
against the same step done by hand on the tiny 2-2-1 network (tests/grading/_tiny.py)."""
import math

import pytest

from backprop_cli.grading.steps import key_of, own_step

from . import _tiny as t


def step_of(tmp_path, answers: dict, quantity: str):
    result, notation, read, _ = t.read(tmp_path, answers)
    stated = {key_of(a.quantity): a for a in read}
    target = next(a for a in read if a.quantity.text == quantity)
    return own_step(result, notation, target.quantity, stated), target, read


def test_z_is_recomputed_from_the_stated_activations_before_it(tmp_path):
    # a student's x2 taken as given: z11 = w111·x1 + w112·x2 + b11 with x2 = 0.6
    (value, used), _, read = step_of(tmp_path, {"x2": "0.6", "z11": "0.38"}, "z11")
    assert value == pytest.approx(t.W111 * t.X1 + t.W112 * 0.6 + t.B11, abs=1e-15)
    assert [a.quantity.text for a in used] == ["x2"]


def test_a_is_recomputed_from_its_stated_z(tmp_path):
    (value, used), _, _ = step_of(tmp_path, {"z11": "0.45", "a11": "0.61"}, "a11")
    assert value == pytest.approx(1 / (1 + math.exp(-0.45)), abs=1e-15)
    assert [a.quantity.text for a in used] == ["z11"]


def test_the_output_and_loss_from_stated_hidden_activations(tmp_path):
    (z21, used), _, _ = step_of(tmp_path, {"a11": "0.6", "a12": "0.62", "z21": "0.3"}, "z21")
    assert z21 == pytest.approx(t.W211 * 0.6 + t.W212 * 0.62 + t.B21, abs=1e-15)
    assert sorted(a.quantity.text for a in used) == ["a11", "a12"]
    # ŷ is the output's a: from its stated z (linear: the same number), not from the layer before
    (yhat, used), _, _ = step_of(tmp_path, {"a11": "0.6", "z21": "0.31", "yhat1": "0.3"}, "yhat1")
    assert yhat == pytest.approx(0.31, abs=1e-15) and [a.quantity.text for a in used] == ["z21"]
    (loss, _), _, _ = step_of(tmp_path, {"yhat1": "0.31", "loss": "0.47"}, "loss")
    assert loss == pytest.approx((0.31 - t.Y) ** 2, abs=1e-15)


def test_gradient_steps_backwards(tmp_path):
    # ∂L/∂ŷ from the stated ŷ: 2(ŷ − y)
    (value, _), _, _ = step_of(tmp_path, {"yhat1": "0.31", "dL/dyhat1": "-1.38"}, "dL/dyhat1")
    assert value == pytest.approx(2 * (0.31 - t.Y), abs=1e-15)
    # ∂L/∂a11 from the stated ∂L/∂z21: w211 · ∂L/∂z21
    (value, _), _, _ = step_of(tmp_path, {"dL/dz21": "-1.4", "dL/da11": "-0.98"}, "dL/da11")
    assert value == pytest.approx(t.W211 * -1.4, abs=1e-15)
    # ∂L/∂z11 from the stated ∂L/∂a11 and z11: ∂L/∂a11 · σ(z11)(1 − σ(z11))
    (value, used), _, _ = step_of(tmp_path, {"z11": "0.41", "dL/da11": "-0.97", "dL/dz11": "-0.23"}, "dL/dz11")
    s = 1 / (1 + math.exp(-0.41))
    assert value == pytest.approx(-0.97 * s * (1 - s), abs=1e-15)
    assert sorted(a.quantity.text for a in used) == ["dL/da11", "z11"]


def test_a_weights_gradient_is_its_delta_times_the_activation_it_multiplies(tmp_path):
    (value, used), _, _ = step_of(tmp_path, {"a11": "0.6", "dL/dz21": "-1.38", "dL/dw211": "-0.83"}, "dL/dw211")
    assert value == pytest.approx(-1.38 * 0.6, abs=1e-15)
    assert sorted(a.quantity.text for a in used) == ["a11", "dL/dz21"]
    # a bias: its delta alone
    (value, used), _, _ = step_of(tmp_path, {"dL/dz12": "0.16", "dL/db12": "0.16"}, "dL/db12")
    assert value == pytest.approx(0.16, abs=1e-15) and [a.quantity.text for a in used] == ["dL/dz12"]


def test_an_update_from_the_stated_gradient(tmp_path):
    (value, used), _, _ = step_of(tmp_path, {"dL/dw211": "-0.8", "w211_new": "1.1"}, "w211_new")
    assert value == pytest.approx(t.W211 - t.ETA * -0.8, abs=1e-15)
    assert [a.quantity.text for a in used] == ["dL/dw211"]


def test_unstated_inputs_of_a_step_come_from_the_true_pass(tmp_path):
    # ∂L/∂w211 with only a11 stated: the true ∂L/∂z21
    (value, _), _, _ = step_of(tmp_path, {"a11": "0.6", "dL/dw211": "-0.83"}, "dL/dw211")
    assert value == pytest.approx(t.D_YHAT * 0.6, abs=1e-12)


@pytest.mark.parametrize("answers, quantity", [
    ({"z11": "0.4"}, "z11"),  # nothing it is computed from is stated: the step gives the true value
    ({"dL/dw211": "-0.83", "z12": "0.5"}, "dL/dw211"),  # z12 is no input of this step
    ({"x1": "1.0"}, "x1"),  # an input is given, not computed
    ({"w211_new": "1.11"}, "w211_new"),  # no stated gradient to update with
])
def test_no_step_where_no_stated_value_feeds_it(tmp_path, answers, quantity):
    assert step_of(tmp_path, answers, quantity)[0] is None


def test_the_quantitys_own_stated_value_is_not_used_for_its_step(tmp_path):
    # a11 stated wrong; its own step is from the stated z11, never from itself
    (value, used), _, _ = step_of(tmp_path, {"z11": "0.4", "a11": "0.9"}, "a11")
    assert value == pytest.approx(t.A11, abs=1e-15) and [a.quantity.text for a in used] == ["z11"]
