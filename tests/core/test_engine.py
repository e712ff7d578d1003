"""core.engine: forward and backward passes against the plain-Python oracle (tests/oracle.py)."""
import math

import numpy as np
import pytest
from oracle import batch_loss as oracle_loss
from oracle import finite_difference
from oracle import forward as oracle_forward

from backprop_cli.core.engine import backward, batch_loss, forward, run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.network import Layer, Network
from backprop_cli.errors import NumericalError


def net(layers, loss, reduction="mean"):
    return Network([Layer(np.array(l["weights"], float), np.array(l["biases"], float),
                          activation(l["activation"], l.get("alpha"))) for l in layers], LOSSES[loss], reduction)


def check_fd(layers, inputs, targets, loss, reduction="mean", rel=1e-6, abs_=1e-8):
    result = run(net(layers, loss, reduction), np.array(inputs, float), np.array(targets, float))
    assert result.loss == pytest.approx(oracle_loss(layers, inputs, targets, loss, reduction), rel=1e-12)
    expected = finite_difference(layers, inputs, targets, loss, reduction)
    for (kind, l, j, k), value in expected.items():
        got = result.weight_grads[l][j - 1, k - 1] if kind == "w" else result.bias_grads[l][j - 1]
        assert got == pytest.approx(value, rel=rel, abs=abs_), (kind, l, j, k)
    return result, expected


HIDDEN = {"activation": "tanh", "weights": [[0.4, -0.6], [0.9, 0.2], [-0.3, 0.8]], "biases": [0.1, -0.2, 0.05]}


@pytest.mark.parametrize("target", [[0.5, 0.7], [0.2, 0.3, 0.5], [0.0, 1.5, 0.0], [0.25, 0.25, 0.25]])
def test_softmax_cross_entropy_with_targets_that_are_not_one_hot(target):
    n = len(target)
    out = {"activation": "softmax", "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9], [0.5, 0.1, -0.8]][:n],
           "biases": [0.1, -0.3, 0.2][:n]}
    layers = [HIDDEN, out]
    result, expected = check_fd(layers, [[0.3, -0.8]], [target], "cross_entropy")
    # the fused gradient ŷ − y (right only when Σy = 1) would be off here, unless Σy = 1
    yhat = result.a[2][0]
    wrong = (yhat - np.array(target)) * result.a[1][0][0]
    if not math.isclose(sum(target), 1.0):
        assert abs(wrong[0] - expected[("w", 2, 1, 1)]) > 1e-3
    # δ of the output: ∂L/∂z by finite differences of L = −Σ y log softmax(z)
    z = result.z[2][0]
    for m in range(n):
        def loss_at(v, m=m):
            zz = z.copy()
            zz[m] = v
            e = [math.exp(x) for x in zz]
            return -sum(t * math.log(x / sum(e)) for t, x in zip(target, e) if t)
        fd = (loss_at(z[m] + 1e-6) - loss_at(z[m] - 1e-6)) / 2e-6
        assert result.deltas[2][0, m] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_softmax_cross_entropy_batch_of_soft_targets_mean_and_sum():
    out = {"activation": "softmax", "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]], "biases": [0.1, -0.3]}
    for reduction in ("mean", "sum"):
        check_fd([HIDDEN, out], [[0.3, -0.8], [1.1, 0.4]], [[0.5, 0.7], [0.1, 0.2]], "cross_entropy", reduction)


def test_softmax_cross_entropy_exact_where_softmax_underflows():
    layers = [{"activation": "softmax", "weights": [[1.0], [-1.0]], "biases": [0.0, 0.0]}]
    result = run(net(layers, "cross_entropy"), np.array([[400.0]]), np.array([[0.0, 1.0]]))
    assert result.a[1][0, 1] == 0.0  # softmax underflows, log ŷ would be −inf
    assert result.loss == pytest.approx(800.0, rel=1e-12)
    assert result.weight_grads[1][1, 0] == pytest.approx(-400.0, rel=1e-12)


def test_sigmoid_binary_cross_entropy_fused_with_soft_targets():
    out = {"activation": "sigmoid", "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]], "biases": [0.1, -0.3]}
    check_fd([HIDDEN, out], [[0.3, -0.8], [-0.5, 0.9]], [[0.2, 0.9], [1.0, 0.0]], "binary_cross_entropy")
    # extreme z: exact loss where σ(z) rounds to 1
    layers = [{"activation": "sigmoid", "weights": [[1.0]], "biases": [0.0]}]
    result = run(net(layers, "binary_cross_entropy"), np.array([[50.0]]), np.array([[0.0]]))
    assert result.loss == pytest.approx(50.0 + math.log1p(math.exp(-50.0)), rel=1e-14)
    assert result.deltas[1][0, 0] == pytest.approx(1.0 / (1.0 + math.exp(-50.0)))


@pytest.mark.parametrize("loss,output", [("squared_error", "sigmoid"), ("half_squared_error", "linear"),
                                         ("mse", "tanh"), ("none", "leaky_relu"), ("cross_entropy", "sigmoid"),
                                         ("binary_cross_entropy", "softmax"), ("mse", "softmax")])
def test_other_losses_and_outputs_against_finite_differences(loss, output):
    hidden = dict(HIDDEN, activation="softmax")  # a softmax hidden layer couples the recursion
    out = {"activation": output, "alpha": 0.2, "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]],
           "biases": [0.1, -0.3]}
    check_fd([hidden, out], [[0.3, -0.8], [-0.5, 0.9]], [[0.2, 0.9], [0.7, 0.4]], loss, "sum")
    check_fd([HIDDEN, out], [[0.3, -0.8], [-0.5, 0.9], [0.1, 0.2]], [[0.2, 0.9], [0.7, 0.4], [0.5, 0.5]], loss)


def test_three_layers_relu_against_finite_differences():
    layers = [dict(HIDDEN, activation="relu"),
              {"activation": "leaky_relu", "alpha": 0.1, "weights": [[0.5, -0.4, 0.3], [-0.7, 0.2, 0.6]],
               "biases": [0.05, 0.3]},
              {"activation": "linear", "weights": [[1.2, -0.9]], "biases": [0.2]}]
    check_fd(layers, [[0.3, -0.8], [-0.5, 0.9]], [[0.2], [-0.4]], "squared_error")


def test_forward_matches_the_oracle():
    layers = [HIDDEN, {"activation": "sigmoid", "weights": [[0.7, -0.5, 0.3]], "biases": [0.1]}]
    z, a = forward(net(layers, "mse"), np.array([[0.3, -0.8]]))
    zs, acts = oracle_forward(layers, [0.3, -0.8])
    assert z[0] is None and a[0].tolist() == [[0.3, -0.8]]
    for l in (1, 2):
        assert z[l][0] == pytest.approx(zs[l - 1], rel=1e-14)
        assert a[l][0] == pytest.approx(acts[l], rel=1e-14)
    loss, zz = batch_loss(net(layers, "mse"), np.array([[0.3, -0.8], [1.0, 1.0]]), np.array([[0.5], [0.1]]))
    assert loss == pytest.approx(oracle_loss(layers, [[0.3, -0.8], [1.0, 1.0]], [[0.5], [0.1]], "mse"), rel=1e-13)
    loss_sum, _ = batch_loss(net(layers, "mse", "sum"), np.array([[0.3, -0.8], [1.0, 1.0]]), np.array([[0.5], [0.1]]))
    assert loss_sum == pytest.approx(2 * loss, rel=1e-14)
    assert len(zz) == 3


def test_hand_computed_single_neuron():
    # z = 0.5·2 + 0.25 = 1.25, ŷ = σ(1.25), L = (ŷ − 1)², ∂L/∂w = 2(ŷ − 1)·ŷ(1 − ŷ)·2
    layers = [{"activation": "sigmoid", "weights": [[0.5]], "biases": [0.25]}]
    result = run(net(layers, "squared_error"), np.array([[2.0]]), np.array([[1.0]]), 0.5)
    yhat = 1 / (1 + math.exp(-1.25))
    assert result.loss == pytest.approx((yhat - 1) ** 2, rel=1e-14)
    assert result.grad_a[1][0, 0] == pytest.approx(2 * (yhat - 1), rel=1e-14)
    assert result.weight_grads[1][0, 0] == pytest.approx(2 * (yhat - 1) * yhat * (1 - yhat) * 2, rel=1e-13)
    assert result.bias_grads[1][0] == pytest.approx(2 * (yhat - 1) * yhat * (1 - yhat), rel=1e-13)
    assert result.learning_rate == 0.5 and result.scale == 1.0
    assert result.grad_a[0] is None and result.deltas[0] is None


def cancelling_batch():
    """Three samples whose gradients are 0.1, 0.2 and −0.3 up to rounding: the batch's sum is 0."""
    layers = [{"activation": "tanh", "weights": [[0.6], [-0.4]], "biases": [0.1, 0.2]},
              {"activation": "linear", "weights": [[0.7, 0.3]], "biases": [0.05]}]
    yhat = oracle_forward(layers, [0.7])[1][-1][0]
    targets = [[yhat - 0.1], [yhat - 0.2], [yhat + 0.3]]
    return layers, targets, yhat


def test_batch_whose_per_sample_gradients_cancel_gives_exactly_zero():
    layers, targets, yhat = cancelling_batch()
    # plain float arithmetic leaves a rounding residue: the engine must not
    assert sum(yhat - t[0] for t in targets) != 0.0
    result = run(net(layers, "half_squared_error", "sum"), np.array([[0.7]] * 3), np.array(targets))
    for name in ("w111", "w121", "b11", "b12", "w211", "w212", "b21"):
        assert result.gradient(name) == 0.0, name
        assert result.cancelled(name), name
    # each sample on its own has a gradient that is not 0
    assert result.per_sample_gradient("b21").tolist() == pytest.approx([0.1, 0.2, -0.3], rel=1e-9)
    # and the mean reduction cancels as well
    mean = run(net(layers, "half_squared_error"), np.array([[0.7]] * 3), np.array(targets))
    assert mean.gradient("w111") == 0.0 and mean.cancelled("w111")


def test_a_gradient_that_only_nearly_cancels_is_kept():
    layers, targets, yhat = cancelling_batch()
    targets[2][0] += 1e-9
    result = run(net(layers, "half_squared_error", "sum"), np.array([[0.7]] * 3), np.array(targets))
    assert result.gradient("b21") == pytest.approx(-1e-9, rel=1e-5)
    assert not result.cancelled("b21")


def test_checked_refuses_overflow_unless_told_not_to():
    layers = [{"activation": "linear", "weights": [[1e200]], "biases": [0.0]}]
    network = net(layers, "squared_error")
    with pytest.raises(NumericalError):
        run(network, np.array([[1e200]]), np.array([[0.0]]))
    result = run(network, np.array([[1e200]]), np.array([[0.0]]), checked=False)
    assert math.isinf(result.loss)


def test_backward_uses_the_weights_it_is_given():
    layers = [HIDDEN, {"activation": "linear", "weights": [[0.7, -0.5, 0.3]], "biases": [0.1]}]
    network = net(layers, "half_squared_error")
    x, y = np.array([[0.3, -0.8]]), np.array([[0.5]])
    good = run(network, x, y)
    z, a = forward(network, x)
    other = [Layer(l.weights * 2.0, l.biases, l.activation) for l in network.layers]
    grad_a, deltas, wg, bg = backward(other, z, a, good.grad_a[2], good.deltas[2], 1.0)
    assert wg[2] == pytest.approx(good.weight_grads[2])  # the top layer does not use the weights
    assert grad_a[1] == pytest.approx(2.0 * good.grad_a[1])
    assert wg[1] == pytest.approx(2.0 * good.weight_grads[1])
    _, _, wg_half, bg_half = backward(network.layers, z, a, good.grad_a[2], good.deltas[2], 0.5)
    assert wg_half[1] == pytest.approx(0.5 * good.weight_grads[1]) and bg_half[2] == pytest.approx(0.5 * bg[2])


def test_run_is_silent_even_where_numpy_would_raise():
    # overflow, 0/0, division by 0 and underflow become inf/nan/0 for check_finite, never numpy errors
    layers = [{"activation": "sigmoid", "weights": [[1e200], [-1.0]], "biases": [0.0, 0.0]},
              {"activation": "softmax", "weights": [[1e200, 1.0], [1.0, 1.0]], "biases": [0.0, 0.0]}]
    with np.errstate(all="raise"):
        result = run(net(layers, "cross_entropy"), np.array([[1e200], [800.0]]), np.array([[0.5, 0.5], [1.0, 0.0]]),
                     checked=False)
        assert result.per_sample_loss.shape == (2,)
        with pytest.raises(NumericalError):  # not FloatingPointError
            run(net([{"activation": "linear", "weights": [[1e200]], "biases": [0.0]}], "squared_error"),
                np.array([[1e200]]), np.array([[0.0]]))
        # cross-entropy with a sigmoid output that reaches 0: division by 0 in ∂L/∂ŷ
        sig = [{"activation": "sigmoid", "weights": [[1.0]], "biases": [0.0]}]
        result = run(net(sig, "cross_entropy"), np.array([[-800.0]]), np.array([[1.0]]), checked=False)
        assert math.isinf(result.grad_a[1][0, 0])
        loss, _ = batch_loss(net(sig, "cross_entropy"), np.array([[-800.0]]), np.array([[1.0]]))
        assert math.isinf(loss)
        lin = [{"activation": "linear", "weights": [[1e200]], "biases": [0.0]}]
        loss, _ = batch_loss(net(lin, "mse"), np.array([[1e200]]), np.array([[0.5]]))
        assert math.isinf(loss)


def test_per_sample_losses_of_the_fused_outputs():
    for output, loss, targets in (("softmax", "cross_entropy", [[0.5, 0.7], [0.2, 0.1]]),
                                  ("sigmoid", "binary_cross_entropy", [[0.2, 0.9], [1.0, 0.0]])):
        out = {"activation": output, "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]], "biases": [0.1, -0.3]}
        inputs = [[0.3, -0.8], [-0.5, 0.9], [1.0, 0.1]]
        targets = targets + [[0.3, 0.3]]
        result = run(net([HIDDEN, out], loss), np.array(inputs), np.array(targets))
        assert result.per_sample_loss.shape == (3,)
        for s in range(3):
            assert result.per_sample_loss[s] == pytest.approx(
                oracle_loss([HIDDEN, out], [inputs[s]], [targets[s]], loss), rel=1e-12)


def test_defaults_and_list_lengths():
    layers = [HIDDEN, {"activation": "linear", "weights": [[0.7, -0.5, 0.3]], "biases": [0.1]}]
    result = run(net(layers, "mse"), np.array([[0.3, -0.8]]), np.array([[0.5]]))
    assert result.learning_rate == 0.1
    assert len(result.deltas) == len(result.grad_a) == len(result.weight_grads) == len(result.bias_grads) == 3
    assert len(result.z) == len(result.a) == 3


def test_a_batch_of_two_whose_gradients_cancel():
    # loss 'none', linear: ∂L/∂w = Σ g·x = 1·(0.1 + 0.2) − 1·0.3, rounding noise
    layers = [{"activation": "linear", "weights": [[1.0]], "biases": [0.0]}]
    result = run(net(layers, "none", "sum"), np.array([[0.1 + 0.2], [0.3]]), np.array([[1.0], [-1.0]]))
    assert (0.1 + 0.2) - 0.3 != 0.0
    assert result.gradient("w111") == 0.0 and result.cancelled("w111")
    assert result.gradient("b11") == 0.0 and result.cancelled("b11")
