"""One optimiser update worked in intervals (grading.optimizer_reach), as a student who rounds every
step as the answer is reaches it: against an independent one-parameter update written here with
floats (PyTorch's definitions). The interval holds the true value, is no wider than a few of the
answer's roundings, and holds none of the optimiser mistakes' values where the digits tell them apart."""
import math

import pytest

import backprop_cli as bp
from backprop_cli.core.names import notation
from backprop_cli.grading.intervals import Reach
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.grading.rule import precision_of

# one linear unit, ŷ = 0.5·1 = 0.5, y = 0.42: ∂L/∂w111 = 2(ŷ − y) = 0.16 exactly; η = 0.5
SPEC = """\
input: [1.0]
target: [0.42]
loss: squared_error
learning_rate: 0.5
optimizer: {optimizer}
layers:
  - {{activation: linear, weights: [[0.5]], biases: none}}
"""
G, W, RATE = 0.16, 0.5, 0.5
SETTINGS = {"momentum": {"beta": 0.9}, "nesterov": {"beta": 0.9}, "adagrad": {"eps": 1e-10},
            "rmsprop": {"alpha": 0.99, "eps": 1e-8}, "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}}


def by_hand(name: str) -> dict:
    """The first update from a zero state: the state after it, Δw and the new value."""
    s, g = SETTINGS[name], G
    if name in ("momentum", "nesterov"):
        velocity = g
        step = RATE * (g + s["beta"] * velocity if name == "nesterov" else velocity)
        state = {"velocity": velocity}
    elif name in ("adagrad", "rmsprop"):
        v = g * g if name == "adagrad" else (1 - s["alpha"]) * g * g
        step, state = RATE * g / (math.sqrt(v) + s["eps"]), {"v": v}
    else:
        m, v = (1 - s["beta1"]) * g, (1 - s["beta2"]) * g * g
        step = RATE * (m / (1 - s["beta1"])) / (math.sqrt(v / (1 - s["beta2"])) + s["eps"])
        state = {"m": m, "v": v}
    return {**{f"{k}_w111": value for k, value in state.items()}, "Δw111": -step, "w111_new": W - step}


def interval(tmp_path, optimizer: str, quantity: str, written: str):
    (tmp_path / "net.yaml").write_text(SPEC.format(optimizer=f"{{name: {optimizer}}}"), encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    names = notation("default", result.network.names)
    return Reach(result, names, precision_of(written)).interval(parse_quantity(quantity, names))


@pytest.mark.parametrize("optimizer", sorted(SETTINGS))
@pytest.mark.parametrize("decimals", [3, 4, 5])
def test_every_quantity_of_the_update_holds_its_truth_within_a_few_roundings(tmp_path, optimizer, decimals):
    for quantity, truth in by_hand(optimizer).items():
        written = f"{truth:.{decimals}f}"
        low, high = interval(tmp_path, optimizer, quantity, written)
        half = precision_of(written).half_unit
        assert low <= truth <= high, (quantity, truth, low, high)
        assert high - low <= 4 * half, (quantity, low, high, half)  # a few roundings, never a blanket widening


def test_the_state_from_a_gradient_rounded_as_one_goes(tmp_path):
    # momentum's velocity after one update is g itself: the student's g to 2 significant digits, 0.16,
    # is the velocity to any digits; Adam's m = 0.1·g = 0.016
    assert interval(tmp_path, "momentum", "velocity_w111", "0.16") == (pytest.approx(G), pytest.approx(G))
    low, high = interval(tmp_path, "adam", "m_w111", "0.0160")
    assert low <= 0.016 <= high and high - low < 1e-5


def test_the_change_is_the_negative_step_and_the_new_value_the_old_less_it(tmp_path):
    for optimizer in SETTINGS:
        d_low, d_high = interval(tmp_path, optimizer, "Δw111", "0.0000")
        n_low, n_high = interval(tmp_path, optimizer, "w111_new", "0.0000")
        assert d_high < 0 and n_low == pytest.approx(W + d_low) and n_high == pytest.approx(W + d_high)


def test_the_interval_operations_on_intervals_of_either_sign():
    from backprop_cli.grading.optimizer_reach import WHOLE, _add, _divide, _scale, _sqrt, _square

    assert _scale(2.0, (-1.0, 3.0)) == (-2.0, 6.0) and _scale(-2.0, (-1.0, 3.0)) == (-6.0, 2.0)
    assert _add((-1.0, 2.0), (10.0, 20.0)) == (9.0, 22.0)
    assert _square((-2.0, 3.0)) == (0.0, 9.0) and _square((-3.0, -2.0)) == (4.0, 9.0)
    assert _square((2.0, 3.0)) == (4.0, 9.0) and _square((0.5, 3.0)) == (0.25, 9.0)
    assert _sqrt((4.0, 9.0)) == (2.0, 3.0) and _sqrt((-1.0, 4.0)) == (0.0, 2.0)
    assert _divide((-1.0, 2.0), (4.0, 8.0)) == (-0.25, 0.5) and _divide((1.0, 2.0), (-1.0, 1.0)) == WHOLE
    assert _divide((1.0, 2.0), (0.0, 1.0)) == WHOLE
    assert (-math.inf, math.inf) == WHOLE


def test_adam_later_in_training_reads_its_state_and_step_count(tmp_path):
    # the spec's state after one update (t = 1, m = 0.016, v = 2.56e-5 from g = 0.16 at w = 0.5), and
    # the weight after it; the second update's m, v, m̂ = m/(1 − β1²), v̂ = v/(1 − β2²) and step
    w1 = W - RATE * 1.0  # Adam's first step is η·sign(g) (to 1e-8)
    g = 2 * (w1 - 0.42)
    m, v = 0.9 * 0.016 + 0.1 * g, 0.999 * 2.56e-5 + 0.001 * g * g
    step = RATE * (m / (1 - 0.9 ** 2)) / (math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8)
    spec = SPEC.format(optimizer="{name: adam}").replace("[[0.5]]", f"[[{w1!r}]]") + \
        "optimizer_state:\n  step: 1\n  w111: {m: 0.016, v: 2.56e-05}\n"
    (tmp_path / "net.yaml").write_text(spec, encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    names = notation("default", result.network.names)
    for quantity, truth in (("m_w111", m), ("v_w111", v), ("Δw111", -step), ("w111_new", w1 - step)):
        written = f"{truth:.5e}"  # 6 significant digits, and so every intermediate
        low, high = Reach(result, names, precision_of(written)).interval(parse_quantity(quantity, names))
        assert low <= truth <= high and high - low <= 1e-5 * abs(truth), (quantity, low, high)


def test_a_new_value_from_the_change_the_file_states(tmp_path):
    # w + Δw, the stated Δw standing for what rounds to it
    from backprop_cli.grading.optimizer_reach import optimizer_reach

    (tmp_path / "net.yaml").write_text(SPEC.format(optimizer="{name: momentum}"), encoding="utf-8")
    result = bp.load_spec(tmp_path / "net.yaml").compute()
    names = notation("default", result.network.names)
    q = parse_quantity("w111_new", names)
    stated = {("delta", q.name, None): (-0.0815, -0.0805)}
    assert optimizer_reach(result, q, (G, G), precision_of("0.000"), stated) == (W - 0.0815, W - 0.0805)


def test_the_interval_helpers_of_an_update_worked_step_by_step():
    from backprop_cli.grading.optimizer_reach import WHOLE, _divide, _scale, _sqrt, _square

    assert _scale(2.0, (1.0, 3.0)) == (2.0, 6.0) and _scale(-2.0, (1.0, 3.0)) == (-6.0, -2.0)
    assert _square((-1.0, 3.0)) == (0.0, 9.0) and _square((-3.0, -2.0)) == (4.0, 9.0)
    assert _sqrt((-0.25, 4.0)) == (0.0, 2.0)  # a rounded v a hair below 0 is 0
    # a denominator holding 1 is an ordinary one; only one holding 0 leaves any step possible
    assert _divide((1.0, 2.0), (0.5, 1.5)) == (1.0 / 1.5, 4.0) and _divide((1.0, 2.0), (-0.5, 1.5)) == WHOLE
    assert _divide((1.0, 2.0), (0.0, 1.5)) == WHOLE
