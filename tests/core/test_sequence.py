"""A network over a sequence (core.sequence): the loss on the last step or summed over every step,
each step's part of a shared weight's gradient summing to it, the dense layers applied at every
step with the same weights, and the pass agreeing with finite differences of its own loss."""
from __future__ import annotations

import numpy as np
import pytest

from backprop_cli import load_spec
from backprop_cli.core.sequence import run, sequence_loss

BASE = """\
sequence: [[1, 0], [0.5, -1], [0.2, 0.3]]
{targets}
loss: squared_error
layers:
  - type: recurrent
    input_weights: [[0.1, -0.2], [0.3, 0.4]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
    biases: [0.1, -0.1]
  - activation: linear
    weights: [[0.7, -0.6]]
    biases: [0.05]
"""


def test_target_reads_the_last_step_and_targets_sum_every_step():
    last = load_spec(text=BASE.format(targets="target: [0.5]")).compute()
    every = load_spec(text=BASE.format(targets="targets: [[0.5], [0.1], [-0.2]]")).compute()
    yhat = every.a[2][:, 0]
    assert last.loss == pytest.approx((yhat[2] - 0.5) ** 2, rel=1e-15)
    assert every.loss == pytest.approx(sum((y - t) ** 2 for y, t in zip(yhat, (0.5, 0.1, -0.2))), rel=1e-15)
    assert last.grad_a[2][:2].tolist() == [[0.0], [0.0]]  # the steps the loss does not read


def test_each_steps_part_sums_to_the_gradient_and_the_dense_weights_are_shared():
    result = load_spec(text=BASE.format(targets="targets: [[0.5], [0.1], [-0.2]]")).compute()
    for name, _, gradient, _ in result.parameters():
        assert result.step_gradient(name).sum() == pytest.approx(gradient, rel=1e-12, abs=1e-15)
    h = result.a[1]
    assert result.z[2][:, 0] == pytest.approx(h @ np.array([0.7, -0.6]) + 0.05, rel=1e-15)


def test_gradients_agree_with_finite_differences_of_the_loss():
    spec = load_spec(text=BASE.format(targets="targets: [[0.5], [0.1], [-0.2]]"))
    net, x, y = spec.network, spec.inputs, spec.targets
    result = run(net, x, y)
    weights = net.layers[0].weights
    for j, k in np.ndindex(*weights.shape):
        original = weights[j, k]
        weights[j, k] = original + 1e-6
        up = sequence_loss(net, x, y)
        weights[j, k] = original - 1e-6
        down = sequence_loss(net, x, y)
        weights[j, k] = original
        assert result.weight_grads[1][j, k] == pytest.approx((up - down) / 2e-6, rel=1e-6, abs=1e-10)


def test_truncated_bptt_is_the_last_steps_own_path_only():
    spec = load_spec(text=BASE.format(targets="target: [0.5]"))
    full = run(spec.network, spec.inputs, spec.targets)
    layers = [spec.network.layers[0].replace(slip="bptt_truncated"), spec.network.layers[1]]
    cut = run(spec.network.replace(layers=layers), spec.inputs, spec.targets)
    assert cut.gradient("wx111") == pytest.approx(full.step_gradient("wx111")[2], rel=1e-15)
    assert cut.gradient("wx111") != full.gradient("wx111")


STACKED = """\
sequence: [[1, 0], [0.5, -1], [0.2, 0.3]]
targets: [[0.5], [0.1], [-0.2]]
loss: squared_error
layers:
  - activation: tanh
    weights: [[0.3, -0.1], [0.2, 0.5], [0.1, 0.1]]
  - type: recurrent
    input_weights: [[0.1, -0.2, 0.3], [0.3, 0.4, -0.1]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
    biases: [0.1, -0.1]
  - type: recurrent
    activation: relu
    input_weights: [[0.6, -0.2]]
    recurrent_weights: [[0.4]]
    biases: [0.2]
  - activation: linear
    weights: [[0.7]]
"""


def test_a_dense_layer_before_and_two_recurrent_layers_stacked_agree_with_finite_differences():
    spec = load_spec(text=STACKED)
    net, x, y = spec.network, spec.inputs, spec.targets
    result = run(net, x, y)
    for l, layer in enumerate(net.layers, start=1):
        for array, grads in ((layer.weights, result.weight_grads[l]), (layer.biases, result.bias_grads[l])):
            for index in np.ndindex(*array.shape):
                original = array[index]
                array[index] = original + 1e-6
                up = sequence_loss(net, x, y)
                array[index] = original - 1e-6
                down = sequence_loss(net, x, y)
                array[index] = original
                assert grads[index] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-9), (l, index)
    graph = result.unrolled()
    for name in ("wh211", "wh311", "wx211", "w111"):  # counted, against every path listed one by one
        assert result.trace(name, max_paths=1).path_count == len(graph.enumerate(graph.ids[name]))
