"""The engine against independent oracles: finite differences of a plain-Python forward pass,
and the true values of the PadhAI notes' worked example."""

import numpy as np
import pytest
from conftest import OUTPUT_FOR_LOSS, SPECS, as_network, random_layers, stable_seed, targets_for
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracle import batch_loss, finite_difference, forward

from backprop_cli.core.engine import run
from backprop_cli.core.functions import ACTIVATIONS, LOSSES


def assert_matches_finite_differences(layers, inputs, targets, loss, reduction="mean"):
    result = run(as_network(layers, loss, reduction), np.array(inputs, float), np.array(targets, float))
    assert result.loss == pytest.approx(batch_loss(layers, inputs, targets, loss, reduction), rel=1e-12, abs=1e-14)
    for (kind, l, j, k), expected in finite_difference(layers, inputs, targets, loss, reduction).items():
        got = result.weight_grads[l][j - 1, k - 1] if kind == "w" else result.bias_grads[l][j - 1]
        assert got == pytest.approx(expected, rel=1e-5, abs=1e-7), (kind, l, j, k)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
def test_every_activation_and_loss_against_finite_differences(loss, hidden):
    rng = np.random.default_rng(stable_seed(loss, hidden))
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
@pytest.mark.slow
def test_random_networks_against_finite_differences(seed, sizes, hidden, loss, samples, reduction):
    rng = np.random.default_rng(seed)
    output = OUTPUT_FOR_LOSS[loss][seed % len(OUTPUT_FOR_LOSS[loss])]
    if output == "softmax" and sizes[-1] == 1 and loss == "binary_cross_entropy":
        output = "sigmoid"  # a one-neuron softmax is always 1: log(1 − ŷ) is truly −inf
    layers = random_layers(rng, sizes, hidden, output)
    inputs = rng.uniform(-1, 1, (samples, sizes[0])).tolist()
    # keep clear of relu's kink, where finite differences are not a derivative
    zs = [forward(layers, x)[0] for x in inputs]
    assume(not any(abs(z) < 1e-4 for sample in zs for layer in sample for z in layer))
    assert_matches_finite_differences(layers, inputs, targets_for(rng, loss, samples, sizes[-1]), loss, reduction)


def test_padhai_notes_true_values():
    from backprop_cli import compute, load_spec

    result = compute(load_spec(SPECS / "padhai-4-4-2.yaml"))
    assert result.z[1][0] == pytest.approx([2.9, 1.4, 2.1, 2.3], abs=1e-12)  # the notes' own numbers
    assert result.a[2][0] == pytest.approx([0.77, 0.23], abs=5e-3)  # the notes print two decimals
    layers = [{"activation": layer.activation.name, "weights": layer.weights.tolist(), "biases": layer.biases.tolist()}
              for layer in result.network.layers]
    assert result.a[2][0] == pytest.approx(forward(layers, [2, 5, 3, 3])[1][-1], rel=1e-12)  # the oracle's
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


def test_per_sample_gradients_against_finite_differences_of_each_sample():
    rng = np.random.default_rng(3)
    layers = random_layers(rng, [2, 3, 1], "tanh", "sigmoid")
    inputs, targets = rng.uniform(-1, 1, (4, 2)).tolist(), rng.uniform(0, 1, (4, 1)).tolist()
    result = run(as_network(layers, "squared_error"), np.array(inputs), np.array(targets))
    for s in range(4):
        alone = finite_difference(layers, inputs[s:s + 1], targets[s:s + 1], "squared_error")
        for name, key in (("w111", ("w", 1, 1, 1)), ("w211", ("w", 2, 1, 1)), ("b12", ("b", 1, 2, None))):
            assert result.per_sample_gradient(name)[s] == pytest.approx(alone[key], rel=1e-6, abs=1e-9)


def test_formulas_are_kept_beside_their_functions():
    assert ACTIVATIONS["sigmoid"].derivative_formula.format(a="a13", z="z13") == "a13(1 − a13)"
    assert LOSSES["squared_error"].derivative_formula.format(yhat="ŷ1", y="y1", n=2) == "2(ŷ1 − y1)"
    assert ACTIVATIONS["softmax"].cross_formula.format(ai="ŷ1", am="ŷ2") == "−ŷ1·ŷ2"
