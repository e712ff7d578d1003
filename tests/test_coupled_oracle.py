"""Recurrent and batch-norm layers against the independent oracle (tests/oracle_coupled.py): on
random small networks, every loss, both activations of nn.RNN, targets on the last step or on every
step, every gradient agrees to 1e-9 of its paths' magnitude (Σ|product|, the scale rounding is
measured against), every path count with the oracle's count and with brute-force enumeration,
and the loss with finite differences of the oracle's forward pass alone."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_coupled import build_norm, build_sequence, finite_difference

from backprop_cli import load_spec

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
numbers = st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3))
LOSSES = ("squared_error", "half_squared_error", "mse", "cross_entropy", "binary_cross_entropy")


def matrix(draw, rows: int, cols: int) -> list:
    return [[draw(numbers) for _ in range(cols)] for _ in range(rows)]


def _output(draw, loss: str, width: int, outputs: int) -> dict:
    act = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(loss) or draw(
        st.sampled_from(["linear", "sigmoid", "tanh"]))
    return {"activation": act, "weights": matrix(draw, outputs, width),
            "biases": [draw(numbers) for _ in range(outputs)]}


def _target(draw, loss: str, outputs: int) -> list:
    if loss == "cross_entropy":
        hot = draw(st.integers(0, outputs - 1))
        return [1.0 if j == hot else 0.0 for j in range(outputs)]
    if loss == "binary_cross_entropy":
        return [draw(st.sampled_from([0.0, 1.0, 0.25])) for _ in range(outputs)]
    return [draw(numbers) for _ in range(outputs)]


@st.composite
def sequences(draw):
    loss = draw(st.sampled_from(LOSSES))
    inputs, units, steps = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    outputs = 2 if loss == "cross_entropy" else draw(st.integers(1, 2))
    rnn = {"type": "recurrent", "activation": draw(st.sampled_from(["tanh", "relu"])),
           "input_weights": matrix(draw, units, inputs), "recurrent_weights": matrix(draw, units, units),
           "biases": [draw(numbers) for _ in range(units)]}
    if draw(st.booleans()):
        rnn["initial_state"] = [draw(numbers) for _ in range(units)]
    spec = {"sequence": matrix(draw, steps, inputs), "loss": loss, "learning_rate": 0.1,
            "layers": [rnn, _output(draw, loss, units, outputs)]}
    if draw(st.booleans()):
        spec["targets"] = [_target(draw, loss, outputs) for _ in range(steps)]
    else:
        spec["target"] = _target(draw, loss, outputs)
    return spec


@st.composite
def batches(draw):
    loss = draw(st.sampled_from(LOSSES))
    n, inputs, hidden = draw(st.integers(2, 4)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    outputs = 2 if loss == "cross_entropy" else draw(st.integers(1, 2))
    norm = {"type": "batchnorm", "gamma": [draw(numbers) for _ in range(hidden)],
            "beta": [draw(numbers) for _ in range(hidden)], "activation": draw(st.sampled_from(["relu", "tanh",
                                                                                                "linear"]))}
    if draw(st.booleans()):
        norm["eps"] = draw(st.sampled_from([1e-5, 0.001, 0.1]))
    layers = [{"activation": "linear", "weights": matrix(draw, hidden, inputs)}, norm,
              _output(draw, loss, hidden, outputs)]
    return {"inputs": matrix(draw, n, inputs), "targets": [_target(draw, loss, outputs) for _ in range(n)],
            "loss": loss, "reduction": draw(st.sampled_from(["mean", "sum"])), "layers": layers}


def _agree(spec: dict, graph) -> None:
    result = load_spec(text=json.dumps(spec)).compute()
    exact, scale = graph.gradients("L"), graph.gradients("L", absolute=True)
    assert result.loss == pytest.approx(graph.value["L"], rel=1e-12, abs=1e-300)
    for name, _, gradient, _ in result.parameters():
        assert abs(gradient - exact[name]) <= 1e-9 * scale[name] + 1e-300, (name, gradient, exact[name])


@FAST
@given(sequences())
def test_a_recurrent_networks_gradients_are_the_oracles(spec):
    _agree(spec, build_sequence(spec))


@FAST
@given(batches())
def test_a_batch_norm_networks_gradients_are_the_oracles(spec):
    _agree(spec, build_norm(spec))


@settings(max_examples=6, deadline=None)
@given(sequences())
def test_a_recurrent_weights_path_count_is_the_oracles_and_brute_force(spec):
    result = load_spec(text=json.dumps(spec)).compute()
    graph = build_sequence(spec)
    counts = graph.count("L")
    for name in ("wh111", "wx111", "b11"):
        traced = result.trace(name, max_paths=3)
        assert traced.path_count == counts[name]
        assert traced.path_count == len(graph.enumerate("L", name))
        assert sum(position[2] for position in traced.positions) == traced.path_count


@settings(max_examples=6, deadline=None)
@given(batches())
def test_a_batch_norm_inputs_path_count_is_brute_forces(spec):
    result = load_spec(text=json.dumps(spec)).compute()
    graph = build_norm(spec)
    for name in ("w111", "gamma21", "beta21"):
        assert result.trace(name, max_paths=2).path_count == len(graph.enumerate("L", name)) == graph.count("L")[name]


def test_finite_differences_of_the_oracles_forward_pass_agree_with_the_engine():
    spec = {"sequence": [[1, 0], [0.5, -1], [0.2, 0.3]], "targets": [[0.5], [0.1], [-0.2]],
            "loss": "squared_error", "layers": [
                {"type": "recurrent", "input_weights": [[0.1, -0.2], [0.3, 0.4]],
                 "recurrent_weights": [[0.5, -0.3], [0.2, 0.1]], "biases": [0.1, -0.1]},
                {"activation": "linear", "weights": [[0.7, -0.6]], "biases": [0.05]}]}
    result = load_spec(text=json.dumps(spec)).compute()
    assert result.gradient("wh112") == pytest.approx(finite_difference(spec, ("layers", 0, "recurrent_weights", 0,
                                                                              1)), rel=1e-7)
    assert result.gradient("wx121") == pytest.approx(finite_difference(spec, ("layers", 0, "input_weights", 1, 0)),
                                                     rel=1e-7)
    norm = {"inputs": [[1, 2], [0, 1], [2, -1]], "targets": [[1], [0], [1]], "loss": "squared_error", "layers": [
        {"activation": "linear", "weights": [[0.1, -0.2], [0.3, 0.4]]},
        {"type": "batchnorm", "gamma": [1.0, 0.5], "beta": [0.0, 0.1], "activation": "relu"},
        {"activation": "sigmoid", "weights": [[0.7, -0.6]]}]}
    result = load_spec(text=json.dumps(norm)).compute()
    assert result.gradient("w112") == pytest.approx(finite_difference(norm, ("layers", 0, "weights", 0, 1)), rel=1e-6)
    assert result.gradient("gamma22") == pytest.approx(finite_difference(norm, ("layers", 1, "gamma", 1)), rel=1e-7)
