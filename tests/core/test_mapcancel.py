"""Zero up to rounding over feature maps: a gradient within 1e-12 of its largest path product is
exactly 0 (and said to cancel); a gradient that is merely small is kept."""

import numpy as np
import pytest

from backprop_cli import load_spec
from backprop_cli.core.mapcancel import path_sums
from backprop_cli.core.mapnet import run

CANCELS = """input: [0.1, 0.2, -0.3]
loss: none
layers:
  - {type: conv1d, weights: [[[1]]], biases: [0]}
  - {activation: linear, weights: [[1, 1, 1]]}
"""


def test_a_kernel_weight_whose_positions_cancel_is_exactly_zero():
    spec = load_spec(text=CANCELS)
    raw = run(spec.network, spec.inputs, spec.targets, exact_zeros=False)
    # the arithmetic leaves a residue (5.6e-17 or 2.8e-17, as numpy's version orders the sum)
    assert 0 < abs(raw.gradient("w1_1_1_1")) < 1e-15
    result = spec.compute()
    assert result.gradient("w1_1_1_1") == 0.0 and result.cancelled("w1_1_1_1")
    assert result.updated("w1_1_1_1") == 1.0  # the update sees the exact 0 too
    assert not result.cancelled("b1_1") and result.gradient("b1_1") == 3.0
    # Σ|product| over the paths: |0.1| + |0.2| + |−0.3|
    assert path_sums(result)[0][1].reshape(-1)[0] == pytest.approx(0.6)


def test_a_small_gradient_that_is_no_rounding_is_kept():
    result = load_spec(text=CANCELS.replace("-0.3", "-0.3000000001")).compute()
    assert result.gradient("w1_1_1_1") == pytest.approx(-1e-10, rel=1e-5)
    assert not result.cancelled("w1_1_1_1")


def test_an_inputs_gradient_whose_paths_cancel_is_exactly_zero():
    text = ("input: [1]\nloss: none\nlayers:\n  - {type: conv1d, weights: [[[0.1]], [[0.2]], [[-0.3]]]}\n"
            "  - {activation: linear, weights: [[1, 1, 1]]}\n")
    result = load_spec(text=text).compute()
    raw = run(result.network, result.a[0], result.targets, exact_zeros=False).input_gradient()
    assert raw[0, 0] != 0 and result.input_gradient()[0, 0] == 0.0
    assert result.input_rows() == [("x_1", 1.0, 0.0)]


def test_a_dead_path_is_no_cancellation():
    text = CANCELS.replace("[[[1]]], biases: [0]", "[[[1]]], biases: [-5], activation: relu")
    result = load_spec(text=text).compute()
    assert result.gradient("w1_1_1_1") == 0.0 and not result.cancelled("w1_1_1_1")


def test_a_batch_of_softmax_jacobians_is_each_samples_own():
    # oracle: core.functions' jacobian of one sample at a time (itself checked against finite differences)
    from backprop_cli.core.functions import activation
    from backprop_cli.core.mapcancel import _softmax_jacobians

    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, (5, 4))
    softmax = activation("softmax")
    a = softmax.forward(z)
    expected = np.stack([np.abs(softmax.jacobian(z[s], a[s])) for s in range(5)])
    assert np.array_equal(_softmax_jacobians(a), expected)
