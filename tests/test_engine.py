"""The engine against independent oracles: finite differences of a plain-Python forward pass,
and the true values of seed 002's worked example."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_cli.engine import Layer, Network, run
from backprop_cli.functions import ACTIVATIONS, LOSSES, activation
from oracle import batch_loss, finite_difference, forward

OUTPUT_FOR_LOSS = {
    "squared_error": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],
    "half_squared_error": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],
    "mse": ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"],
    "cross_entropy": ["softmax", "sigmoid"],
    "binary_cross_entropy": ["sigmoid", "softmax"],
}


def as_network(layers: list[dict], loss: str, reduction: str = "mean") -> Network:
    return Network([Layer(np.array(l["weights"], float), np.array(l["biases"], float),
                          activation(l["activation"], l.get("alpha"))) for l in layers],
                   LOSSES[loss], reduction)


def random_layers(rng, sizes, hidden, output):
    layers = []
    for i in range(1, len(sizes)):
        act = hidden if i < len(sizes) - 1 else output
        layers.append({"activation": act, "alpha": 0.1,
                       "weights": rng.uniform(-1, 1, (sizes[i], sizes[i - 1])).tolist(),
                       "biases": rng.uniform(-0.5, 0.5, sizes[i]).tolist()})
    return layers


def targets_for(rng, loss, samples, width):
    if loss == "cross_entropy":
        return np.eye(width)[rng.integers(0, width, samples)].tolist()
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, (samples, width)).tolist()
    return rng.uniform(-1, 1, (samples, width)).tolist()


def assert_matches_finite_differences(layers, inputs, targets, loss, reduction="mean"):
    result = run(as_network(layers, loss, reduction), np.array(inputs, float), np.array(targets, float))
    assert result.loss == pytest.approx(batch_loss(layers, inputs, targets, loss, reduction), rel=1e-12, abs=1e-14)
    for (kind, l, j, k), expected in finite_difference(layers, inputs, targets, loss, reduction).items():
        got = result.weight_grads[l][j - 1, k - 1] if kind == "w" else result.bias_grads[l][j - 1]
        assert got == pytest.approx(expected, rel=1e-5, abs=1e-7), (kind, l, j, k)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
def test_every_activation_and_loss_against_finite_differences(loss, hidden):
    rng = np.random.default_rng(hash((loss, hidden)) % 2**32)
    for output in OUTPUT_FOR_LOSS[loss]:
        layers = random_layers(rng, [3, 4, 3], hidden, output)
        inputs = rng.uniform(-1, 1, (2, 3)).tolist()
        assert_matches_finite_differences(layers, inputs, targets_for(rng, loss, 2, 3), loss)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
       hidden=st.sampled_from(sorted(ACTIVATIONS)),
       loss=st.sampled_from(sorted(LOSSES)),
       samples=st.integers(1, 3),
       reduction=st.sampled_from(["mean", "sum"]))
def test_random_networks_against_finite_differences(seed, sizes, hidden, loss, samples, reduction):
    rng = np.random.default_rng(seed)
    output = OUTPUT_FOR_LOSS[loss][seed % len(OUTPUT_FOR_LOSS[loss])]
    if output == "softmax" and sizes[-1] == 1 and loss == "binary_cross_entropy":
        output = "sigmoid"  # a one-neuron softmax is always 1: log(1 − ŷ) is truly −inf
    layers = random_layers(rng, sizes, hidden, output)
    inputs = rng.uniform(-1, 1, (samples, sizes[0])).tolist()
    # keep clear of relu's kink, where finite differences are not a derivative
    zs = [forward(layers, x)[0] for x in inputs]
    if any(abs(z) < 1e-4 for sample in zs for layer in sample for z in layer):
        return
    assert_matches_finite_differences(layers, inputs, targets_for(rng, loss, samples, sizes[-1]), loss, reduction)


def test_seed_002_true_values():
    from backprop_cli import compute, load_spec
    from conftest import SPECS

    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    assert result.z[1][0] == pytest.approx([2.9, 1.4, 2.1, 2.3], abs=1e-12)
    assert result.a[2][0] == pytest.approx([0.77, 0.23], abs=5e-3)
    assert result.gradient("w212") == pytest.approx(-0.1303767, abs=5e-8)
    assert result.gradient("w131") == pytest.approx(0.0031594, abs=5e-8)
    assert result.updated("w212") == pytest.approx(0.93038, abs=5e-6)
    assert result.gradient("w2_1_2") == result.gradient("w212")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softmax"])
def test_activations_stable_at_large_z(name):
    z = np.array([[1000.0, -1000.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        a = ACTIVATIONS[name].forward(z)
    assert np.all(np.isfinite(a))
    assert a[0, 0] == pytest.approx(1.0) and a[0, 1] == pytest.approx(0.0 if name != "tanh" else -1.0)


def test_cross_entropy_exact_when_softmax_underflows():
    layers = [{"activation": "softmax", "weights": [[1.0], [-1.0]], "biases": [0.0, 0.0]}]
    result = run(as_network(layers, "cross_entropy"), np.array([[400.0]]), np.array([[0.0, 1.0]]))
    assert result.a[-1][0, 1] == 0.0  # ŷ2 underflows ...
    assert result.loss == pytest.approx(800.0)  # ... yet −log ŷ2 = 800 exactly via log-softmax
    assert result.gradient("w121") == pytest.approx(-400.0)


def test_binary_cross_entropy_exact_when_sigmoid_saturates():
    layers = [{"activation": "sigmoid", "weights": [[1.0]], "biases": [0.0]}]
    result = run(as_network(layers, "binary_cross_entropy"), np.array([[-1000.0]]), np.array([[1.0]]))
    assert result.loss == pytest.approx(1000.0)
    assert result.gradient("w111") == pytest.approx(1000.0)


def test_cross_entropy_on_a_zero_probability_without_softmax_is_refused():
    from backprop_cli.errors import NumericalError

    layers = [{"activation": "sigmoid", "weights": [[1.0]], "biases": [0.0]}]
    with pytest.raises(NumericalError, match="loss of sample 1 is inf"):
        run(as_network(layers, "cross_entropy"), np.array([[-1000.0]]), np.array([[1.0]]))


def test_relu_derivative_is_zero_at_zero():
    layers = [{"activation": "relu", "weights": [[1.0]], "biases": [0.0]}]
    result = run(as_network(layers, "squared_error"), np.array([[0.0]]), np.array([[1.0]]))
    assert result.bias_grads[1][0] == 0.0


def test_per_sample_gradients_average_to_the_gradient():
    rng = np.random.default_rng(3)
    layers = random_layers(rng, [2, 3, 1], "tanh", "sigmoid")
    network = as_network(layers, "squared_error")
    result = run(network, rng.uniform(-1, 1, (4, 2)), rng.uniform(0, 1, (4, 1)))
    for name in ("w111", "w211", "b12"):
        assert result.per_sample_gradient(name).mean() == pytest.approx(result.gradient(name), rel=1e-12)


def test_formulas_are_kept_beside_their_functions():
    assert ACTIVATIONS["sigmoid"].derivative_formula.format(a="a13", z="z13") == "a13(1 − a13)"
    assert LOSSES["squared_error"].derivative_formula.format(yhat="ŷ1", y="y1", n=2) == "2(ŷ1 − y1)"
    assert ACTIVATIONS["softmax"].cross_formula.format(ai="ŷ1", am="ŷ2") == "−ŷ1·ŷ2"
