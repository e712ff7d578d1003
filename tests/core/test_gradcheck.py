"""core.gradcheck: backprop against central differences; kinks reported, not failed."""
import numpy as np
import pytest
from oracle import finite_difference

from backprop_cli.core import functions
from backprop_cli.core.engine import run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.gradcheck import KINKED, Check, gradcheck
from backprop_cli.core.network import Layer, Network

LAYERS = [{"activation": "tanh", "weights": [[0.4, -0.6], [0.9, 0.2]], "biases": [0.1, -0.2]},
          {"activation": "sigmoid", "weights": [[0.7, -0.5]], "biases": [0.1]}]


def make(layers, loss="squared_error", styles=None):
    styles = styles or ["each"] * len(layers)
    return Network([Layer(np.array(l["weights"], float), np.array(l["biases"], float), activation(l["activation"]), s)
                    for l, s in zip(layers, styles)], LOSSES[loss])


def test_every_parameter_ok_with_the_oracle_s_numbers():
    network = make(LAYERS)
    before = [l.weights.copy() for l in network.layers]
    result = run(network, np.array([[0.3, -0.8], [1.0, 0.2]]), np.array([[0.2], [0.9]]))
    checks = gradcheck(result)
    assert [c.name for c in checks] == ["w111", "w112", "w121", "w122", "b11", "b12", "w211", "w212", "b21"]
    fd = finite_difference(LAYERS, [[0.3, -0.8], [1.0, 0.2]], [[0.2], [0.9]], "squared_error")
    for check, expected in zip(checks, fd.values()):
        assert check.status == "ok" and check.error <= 1e-6
        assert check.numeric == pytest.approx(expected, rel=1e-7)
        assert check.backprop == result.gradient(check.name)
        assert check.error == pytest.approx(abs(check.backprop - check.numeric) /
                                            max(abs(check.backprop), abs(check.numeric)), abs=1e-15)
    # the parameters are put back as they were
    assert all(np.array_equal(b, l.weights) for b, l in zip(before, network.layers))


def test_a_wrong_gradient_fails(monkeypatch):
    result = run(make(LAYERS), np.array([[0.3, -0.8]]), np.array([[0.2]]))
    result.weight_grads[1][0, 1] *= 1.01
    checks = {c.name: c for c in gradcheck(result)}
    assert checks["w112"].status == "fail" and checks["w112"].error == pytest.approx(0.01 / 1.01, rel=1e-4)
    assert checks["w111"].status == "ok"
    # a tolerance loose enough lets it pass; a stricter eps still agrees elsewhere
    assert {c.name: c.status for c in gradcheck(result, tol=0.02)}["w112"] == "ok"
    assert {c.name: c.status for c in gradcheck(result, eps=1e-5)}["w111"] == "ok"


def test_a_gradient_zero_up_to_rounding_is_judged_against_the_scale():
    # a zero weight into a linear output whose input is 0: gradient exactly 0, FD exactly 0
    layers = [{"activation": "linear", "weights": [[0.5, 0.0]], "biases": [0.0]}]
    result = run(make(layers), np.array([[1.0, 0.0]]), np.array([[0.2]]))
    checks = {c.name: c for c in gradcheck(result)}
    assert checks["w112"].backprop == 0.0 and checks["w112"].status == "ok"
    # error denominator floored at 1e-3 × the largest gradient: an error of 1e-12 there is ok
    result.weight_grads[1][0, 1] = 1e-12
    checks = {c.name: c for c in gradcheck(result)}
    assert checks["w112"].status == "ok" and checks["w112"].error == pytest.approx(1e-12 / (1e-3 * 0.6), rel=1e-3)
    result.weight_grads[1][0, 1] = 1e-6
    assert {c.name: c for c in gradcheck(result)}["w112"].status == "fail"


def test_relu_kink_is_reported_not_failed():
    assert KINKED == ("relu", "leaky_relu")
    for act in ("relu", "leaky_relu"):
        layers = [{"activation": act, "weights": [[1.0]], "biases": [-1.0]},
                  {"activation": "linear", "weights": [[2.0]], "biases": [0.0]}]
        # z11 = 0 exactly: a nudge of w111 or b11 crosses the kink
        result = run(make(layers), np.array([[1.0]]), np.array([[1.0]]))
        status = {c.name: c.status for c in gradcheck(result)}
        assert status["w111"] == "kink" and status["b11"] == "kink"
        assert status["w211"] == "ok" and status["b21"] == "ok"
    layers = [{"activation": "relu", "weights": [[1.0]], "biases": [0.5]},
              {"activation": "linear", "weights": [[2.0]], "biases": [0.0]}]
    result = run(make(layers), np.array([[1.0]]), np.array([[1.0]]))
    assert {c.status for c in gradcheck(result)} == {"ok"}


def test_a_wrong_kink_free_derivative_is_caught(monkeypatch):
    wrong = functions.Activation("tanh", "tanh(z)", "1", np.tanh, lambda _z, a: 1.0 - a)
    layers = [Layer(np.array([[0.4, -0.6]]), np.array([0.1]), wrong),
              Layer(np.array([[0.7]]), np.array([0.1]), activation("linear"))]
    result = run(Network(layers, LOSSES["mse"]), np.array([[0.3, -0.8]]), np.array([[0.2]]))
    assert {c.status for c in gradcheck(result)} == {"ok", "fail"}


def test_shared_bias_moves_together():
    layers = [{"activation": "tanh", "weights": [[0.4, -0.6], [0.9, 0.2]], "biases": [0.1, 0.1]},
              {"activation": "sigmoid", "weights": [[0.7, -0.5]], "biases": [0.1]}]
    network = make(layers, styles=["shared", "each"])
    result = run(network, np.array([[0.3, -0.8]]), np.array([[0.2]]))
    checks = {c.name: c for c in gradcheck(result)}
    oracle_layers = [dict(layers[0], bias_style="shared"), layers[1]]
    fd = finite_difference(oracle_layers, [[0.3, -0.8]], [[0.2]], "squared_error")
    assert checks["b1"].status == "ok"
    assert checks["b1"].numeric == pytest.approx(fd[("b", 1, None, None)], rel=1e-7)
    assert network.layers[0].biases.tolist() == [0.1, 0.1]
    assert isinstance(checks["b1"], Check)


def test_relative_error_uses_the_larger_of_both_gradients():
    result = run(make(LAYERS), np.array([[0.3, -0.8]]), np.array([[0.2]]))
    result.weight_grads[1][0, 0] = 0.0  # backprop says 0, finite differences do not
    check = next(c for c in gradcheck(result) if c.name == "w111")
    assert check.status == "fail" and check.error == pytest.approx(1.0, rel=1e-9)
