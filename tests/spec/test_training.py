"""spec.training: optimizer:, optimizer_state: and l2: read against the network; the state
written as the spec's text reads back exactly (the located problems: tests/test_optimizers.py)."""
import numpy as np

from backprop_cli import load_spec
from backprop_cli.spec.training import state_text

NET = ("input: [1, 2]\ntarget: [0]\nloss: mse\nlayers:\n  - activation: tanh\n    weights: [[0.5, -0.5]]\n"
       "    biases: 0.1\nnames: {theta: w112}\nfrozen: [b11]\n")


def test_defaults_are_pytorchs_and_settings_replace_them():
    spec = load_spec(text=NET + "optimizer: adam\n")
    assert spec.network.optimizer.settings == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert spec.network.state is None and spec.network.l2 == 0.0
    spec = load_spec(text=NET + "optimizer: {name: rmsprop, alpha: 0.9}\nl2: 0.5\n")
    assert spec.network.optimizer.settings == {"alpha": 0.9, "eps": 1e-8} and spec.network.l2 == 0.5
    assert load_spec(text=NET).network.optimizer.name == "sgd"


def test_state_by_course_or_canonical_name_missing_ones_zero():
    spec = load_spec(text=NET + "optimizer: momentum\noptimizer_state: {step: 3, theta: {velocity: 0.25}}\n")
    assert spec.network.state.step == 3 and spec.network.state.arrays["velocity"].tolist() == [0, 0.25, 0]
    spec = load_spec(text=NET + "optimizer: momentum\noptimizer_state: {step: 3, w1_1_2: {velocity: 0.25}}\n")
    assert spec.network.state.arrays["velocity"].tolist() == [0, 0.25, 0]


def test_state_text_reads_back_exactly_under_the_courses_names():
    spec = load_spec(text=NET + "optimizer: adam\n")
    state = spec.compute().stepped_state()
    state.arrays["m"][:] = [0.1, 1 / 3, 0.0]  # b11 is frozen: not written
    text = state_text(spec.network, state, "\n")
    assert "theta: {m: 0.3333333333333333, v: " in text and "b11" not in text
    again = load_spec(text=NET + "optimizer: adam\n" + text).network.state
    assert again.step == 1 and np.array_equal(again.arrays["m"], [0.1, 1 / 3, 0.0])
    assert np.array_equal(again.arrays["v"][:2], state.arrays["v"][:2])
