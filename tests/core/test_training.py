"""core.training: gradient descent for epochs, until a loss, interrupted; against a hand-run loop."""
import math

import numpy as np
import pytest

from backprop_cli.core.engine import run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.network import Layer, Network
from backprop_cli.core.training import Run, stepped, train
from backprop_cli.errors import NumericalError


def one_neuron(w=0.5, b=0.0, frozen=frozenset()):
    return Network([Layer(np.array([[w]]), np.array([b]), activation("linear"))], LOSSES["half_squared_error"],
                   frozen=frozen)


X, Y = np.array([[1.0], [2.0]]), np.array([[2.0], [4.0]])


def hand_losses(w, b, rate, epochs):
    """Gradient descent on L = mean ½(w x + b − y)², written out."""
    losses = []
    for _ in range(epochs + 1):
        errors = [w * x + b - y for x, y in ((1.0, 2.0), (2.0, 4.0))]
        losses.append(sum(e * e / 2 for e in errors) / 2)
        gw = sum(e * x for e, x in zip(errors, (1.0, 2.0))) / 2
        gb = sum(errors) / 2
        w, b = w - rate * gw, b - rate * gb
    return losses, w, b


def test_epochs_against_a_hand_run_loop():
    seen = []
    out = train(one_neuron(), X, Y, 0.1, 5, on_epoch=lambda result, epoch: seen.append((epoch, result.loss)))
    expected, w, b = hand_losses(0.5, 0.0, 0.1, 5)
    assert out.losses == pytest.approx(expected, rel=1e-12)
    assert out.epochs == 5 and out.stopped == "epochs" and out.learning_rate == 0.1
    assert [e for e, _ in seen] == [1, 2, 3, 4, 5]
    assert [l for _, l in seen] == pytest.approx(expected[:5], rel=1e-12)
    trained = out.result.network.layers[0]
    assert trained.weights[0, 0] == pytest.approx(hand_losses(0.5, 0.0, 0.1, 4)[1], rel=1e-12)
    assert out.result.loss == out.losses[-1]


def test_until_loss_stops_early_and_zero_epochs():
    out = train(one_neuron(), X, Y, 0.1, 100, until_loss=0.05)
    expected, *_ = hand_losses(0.5, 0.0, 0.1, 100)
    first = next(i for i, loss in enumerate(expected) if loss < 0.05)
    assert out.stopped == "until-loss" and out.epochs == first
    assert out.losses[-1] < 0.05 <= out.losses[-2]
    out = train(one_neuron(), X, Y, 0.1, 0)
    assert out.epochs == 0 and out.stopped == "epochs" and len(out.losses) == 1
    # reached on the very last epoch: still "until-loss"
    out = train(one_neuron(), X, Y, 0.1, first, until_loss=0.05)
    assert out.stopped == "until-loss" and out.epochs == first
    out = train(one_neuron(), X, Y, 0.1, first - 1, until_loss=0.05)
    assert out.stopped == "epochs"
    # already below: no update at all
    out = train(one_neuron(w=2.0), X, Y, 0.1, 10, until_loss=0.5)
    assert out.epochs == 0 and out.stopped == "until-loss"


def test_interrupted_keeps_the_last_whole_epoch():
    def stop(result, epoch):
        if epoch == 3:
            raise KeyboardInterrupt
    out = train(one_neuron(), X, Y, 0.1, 10, on_epoch=stop)
    assert out.stopped == "interrupted" and out.epochs == 2


def test_divergence_is_reported():
    with pytest.raises(NumericalError, match=r"training diverged at epoch \d+ \(learning rate 1e\+154\): .*"
                                             "try a smaller learning rate"):
        train(one_neuron(), X, Y, 1e154, 50)


def test_stepped_layers_keep_activation_and_frozen():
    net = one_neuron(frozen=frozenset({"b11"}))
    result = run(net, X, Y, 0.1)
    (layer,) = stepped(result)
    errors = [0.5 * 1 - 2, 0.5 * 2 - 4]
    assert layer.weights[0, 0] == pytest.approx(0.5 - 0.1 * (errors[0] * 1 + errors[1] * 2) / 2)
    assert layer.biases.tolist() == [0.0]
    assert layer.activation is net.layers[0].activation
    out = train(net, X, Y, 0.1, 3)
    assert out.result.network.layers[0].biases.tolist() == [0.0] and out.result.network.frozen == net.frozen


def test_run_defaults():
    r = Run(0.5)
    assert r.epochs == 0 and r.losses == [] and r.stopped == "epochs" and r.result is None
    r.losses.extend([1.0, 0.5])
    assert r.epochs == 1
    assert not math.isnan(train(one_neuron(), X, Y, 0.1, 1).losses[-1])


def test_the_learning_rate_is_used_for_every_epoch():
    out = train(one_neuron(), X, Y, 0.05, 3)
    expected, *_ = hand_losses(0.5, 0.0, 0.05, 3)
    assert out.losses == pytest.approx(expected, rel=1e-12)
    assert out.result.learning_rate == 0.05
    zero = train(one_neuron(), X, Y, 0.05, 0)
    assert zero.result is not None and zero.result.learning_rate == 0.05 and zero.result.loss == expected[0]


def test_until_loss_is_strictly_below():
    # the first loss is exactly (1.5² + 3²)/4 = 2.8125: not below 2.8125
    out = train(one_neuron(), X, Y, 0.1, 0, until_loss=2.8125)
    assert out.losses == [2.8125] and out.stopped == "epochs"
    out = train(one_neuron(), X, Y, 0.1, 1, until_loss=2.8125)
    assert out.epochs == 1 and out.stopped == "until-loss"


def test_divergence_message_ends_with_the_hint():
    with pytest.raises(NumericalError, match=r"; try a smaller learning rate$"):
        train(one_neuron(), X, Y, 1e154, 50)


# --- several learning rates side by side in one pass ---------------------------------------------

def _state_rows(run_):
    state = run_.result.network.state
    return state.step, {k: v.tolist() for k, v in state.arrays.items()}


@pytest.mark.parametrize("optimizer", ["sgd", "nesterov", "rmsprop", "adam"])
@pytest.mark.parametrize("seed", range(3))
def test_rates_side_by_side_are_each_rate_alone_to_every_digit(optimizer, seed):
    from conftest import as_network, random_layers

    from backprop_cli.core.training import train_rates
    from backprop_cli.core.update import Optimizer

    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(2, 5)))]
    loss = ["mse", "cross_entropy"][seed % 2]
    network = as_network(random_layers(rng, sizes, "tanh", "softmax" if loss == "cross_entropy" else "sigmoid"), loss,
                         "mean" if seed != 1 else "sum")
    network = network.replace(optimizer=Optimizer(optimizer), l2=0.01 * seed,
                              frozen=frozenset({"w111"}) if seed == 2 else frozenset())
    samples = int(rng.integers(1, 4))
    inputs = rng.uniform(-1, 1, (samples, sizes[0]))
    targets = np.eye(sizes[-1])[rng.integers(0, sizes[-1], samples)] if loss == "cross_entropy" else \
        rng.uniform(0, 1, (samples, sizes[-1]))
    rates = [0.03, 0.3, 0.1]
    seen = []
    together = train_rates(network, inputs, targets, rates, 12, on_epoch=lambda r, s, e: seen.append((r, e, s.loss)))
    for rate, side in zip(rates, together):
        alone = train(network, inputs, targets, rate, 12)
        assert side.losses == alone.losses and side.learning_rate == rate  # bit for bit
        assert [p for _, p, _, _ in side.result.parameters()] == [p for _, p, _, _ in alone.result.parameters()]
        assert _state_rows(side) == _state_rows(alone)
        assert [loss for r, _, loss in seen if r == rate] == alone.losses[:12]


def test_a_rate_below_until_loss_stops_while_the_others_go_on():
    from backprop_cli.core.training import train_rates

    slow, fast = train_rates(one_neuron(), X, Y, [0.01, 0.1], 100, until_loss=0.05)
    assert fast.stopped == "until-loss" and fast.losses == train(one_neuron(), X, Y, 0.1, 100, until_loss=0.05).losses
    assert slow.losses == train(one_neuron(), X, Y, 0.01, 100, until_loss=0.05).losses
    assert fast.epochs < slow.epochs


def test_one_rate_diverging_is_reported_for_that_rate():
    from backprop_cli.core.training import train_rates

    with pytest.raises(NumericalError, match=r"training diverged at epoch \d+ \(learning rate 1e\+154\)"):
        train_rates(one_neuron(), X, Y, [0.1, 1e154], 50)


def test_ctrl_c_stops_every_rate_at_the_last_whole_epoch():
    from backprop_cli.core.training import train_rates

    def stop(rate, state, epoch):
        if epoch == 3 and rate == 0.2:
            raise KeyboardInterrupt
    runs = train_rates(one_neuron(), X, Y, [0.1, 0.2], 10, on_epoch=stop)
    assert [r.stopped for r in runs] == ["interrupted", "interrupted"] and [r.epochs for r in runs] == [2, 2]
    assert runs[1].losses == train(one_neuron(), X, Y, 0.2, 2).losses
