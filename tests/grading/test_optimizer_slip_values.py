"""grading.optimizer_mistakes: the value each optimiser slip gives, recomputed here from the update
rules as docs/spec.md writes them (a state carried from an earlier step, a bias correction that
matters, an ε large enough to tell each slip apart), so that a slip computed wrongly is caught
however the rest of the grader treats it."""
import math

import pytest
import yaml

from backprop_cli.grading.optimizer_mistakes import optimizer_mistakes, state_mistakes
from backprop_cli.grading.quantities import parse_quantity
from backprop_cli.spec.reader import load_spec

W, RATE, G = 0.4, 0.1, 0.3  # w211 before the update, η, and the gradient the slips are made with
STATE = {"momentum": {"velocity": 0.2}, "nesterov": {"velocity": 0.2}, "adagrad": {"v": 0.5},
         "rmsprop": {"v": 0.5}, "adam": {"m": 0.05, "v": 0.02}}
SETTINGS = {"momentum": {"beta": 0.8}, "nesterov": {"beta": 0.8}, "adagrad": {"eps": 0.01},
            "rmsprop": {"alpha": 0.7, "eps": 0.01}, "adam": {"beta1": 0.8, "beta2": 0.9, "eps": 0.01}}


def result_of(name):
    spec = {"input": [0.05, 0.10], "target": [0.01, 0.99], "loss": "squared_error", "learning_rate": RATE,
            "optimizer": {"name": name, **SETTINGS[name]}, "optimizer_state": {"step": 2, "w211": STATE[name]},
            "layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35]},
                       {"activation": "sigmoid", "weights": [[W, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}]}
    return load_spec(text=yaml.safe_dump(spec, default_flow_style=None)).compute()


def by_hand(name):
    """code -> the new w211 each slip gives (the third update: t = 3)."""
    s, state = SETTINGS[name], STATE[name]
    slips = {"optimizer_ignored": W - RATE * G, "update_missing": W}
    if name in ("momentum", "nesterov"):
        velocity = s["beta"] * state["velocity"] + G
        averaged = s["beta"] * state["velocity"] + (1 - s["beta"]) * G
        if name == "momentum":
            step, slips["momentum_averaged"] = velocity, W - RATE * averaged
        else:
            step = G + s["beta"] * velocity
            slips["lookahead_missing"] = W - RATE * velocity
            slips["momentum_averaged"] = W - RATE * (G + s["beta"] * averaged)
    elif name in ("adagrad", "rmsprop"):
        v = state["v"] + G * G if name == "adagrad" else s["alpha"] * state["v"] + (1 - s["alpha"]) * G * G
        step = G / (math.sqrt(v) + s["eps"])
        slips["square_root_missing"] = W - RATE * G / (v + s["eps"])
        slips["epsilon_inside_root"] = W - RATE * G / math.sqrt(v + s["eps"])
    else:
        m = s["beta1"] * state["m"] + (1 - s["beta1"]) * G
        v = s["beta2"] * state["v"] + (1 - s["beta2"]) * G * G
        m_hat, v_hat = m / (1 - s["beta1"] ** 3), v / (1 - s["beta2"] ** 3)
        step = m_hat / (math.sqrt(v_hat) + s["eps"])
        slips["bias_correction_missing"] = W - RATE * m / (math.sqrt(v) + s["eps"])
        slips["moments_swapped"] = W - RATE * v_hat / (math.sqrt(m_hat) + s["eps"])
        slips["square_root_missing"] = W - RATE * m_hat / (v_hat + s["eps"])
        slips["epsilon_inside_root"] = W - RATE * m_hat / math.sqrt(v_hat + s["eps"])
    slips["update_sign"] = W + RATE * step
    return slips


@pytest.mark.parametrize("name", list(STATE))
def test_each_slip_gives_the_value_its_rule_gives(name):
    got = {code: value for value, _, code in optimizer_mistakes(result_of(name), "w211", G)}
    expected = by_hand(name)
    assert got.keys() == expected.keys()
    for code, value in expected.items():
        assert got[code] == pytest.approx(value, rel=1e-12, abs=1e-15), code


def test_the_averaged_velocity_is_the_velocitys_own_slip():
    r = result_of("momentum")
    ((value, _, code),) = state_mistakes(r, parse_quantity("velocity_w211"), G)
    assert code == "momentum_averaged" and value == pytest.approx(0.8 * 0.2 + 0.2 * G, rel=1e-12)


def test_a_slip_that_moves_the_update_by_next_to_nothing_is_not_offered():
    # ε = 1e-8 under the root or outside it: the two updates agree to about 1e-8 of the step, below
    # SLIGHT (made with the true gradient: the update done right is the one it is told from)
    r = load_spec(text=yaml.safe_dump({
        "input": [0.05, 0.1], "target": [0.5], "loss": "squared_error", "learning_rate": RATE,
        "optimizer": {"name": "adagrad", "eps": 1e-8}, "optimizer_state": {"step": 2, "w111": {"v": 0.5}},
        "layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2]], "biases": [0.35]}]},
        default_flow_style=None)).compute()
    codes = [code for _, _, code in optimizer_mistakes(r, "w111", r.gradient("w111"))]
    assert "epsilon_inside_root" not in codes and "square_root_missing" in codes


def test_a_slip_on_the_stated_gradient_is_told_from_the_update_done_right_with_that_gradient():
    # made with the gradient a file states (0.3, far from the true one): ε = 1e-8 under the root
    # moves AdaGrad's update with 0.3 by about 1e-8 of its step, so it is no slip to offer; the
    # root left out moves it by far more, so that one is
    r = load_spec(text=yaml.safe_dump({
        "input": [0.05, 0.1], "target": [0.5], "loss": "squared_error", "learning_rate": RATE,
        "optimizer": {"name": "adagrad", "eps": 1e-8}, "optimizer_state": {"step": 2, "w111": {"v": 0.5}},
        "layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2]], "biases": [0.35]}]},
        default_flow_style=None)).compute()
    assert abs(r.gradient("w111") - G) > 0.1
    v = 0.5 + G * G
    right = 0.15 - RATE * G / (math.sqrt(v) + 1e-8)  # the update done right with the stated 0.3
    inside = 0.15 - RATE * G / math.sqrt(v + 1e-8)
    assert 0 < abs(inside - right) < 1e-6 * abs(right - 0.15)  # SLIGHT of the step
    slips = {code: value for value, _, code in optimizer_mistakes(r, "w111", G)}
    assert "epsilon_inside_root" not in slips
    assert slips["square_root_missing"] == pytest.approx(0.15 - RATE * G / (v + 1e-8), rel=1e-12)
