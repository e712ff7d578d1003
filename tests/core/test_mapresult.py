"""A pass over feature maps answered by name: gradients, per-sample shares, updates, frozen parameters."""

import numpy as np
import pytest

from backprop_cli import load_spec
from backprop_cli.core.gradcheck import gradcheck_maps
from backprop_cli.errors import UsageError
from core.test_mapnet import random_map_spec, to_yaml


def _result(seed=3, dims=2, samples=3, extra=""):
    spec, inputs, targets = random_map_spec(seed, dims, samples, "squared_error", hidden="tanh")
    text = to_yaml(spec, inputs, targets)
    return load_spec(text=text[:-1] + extra + "}").compute()


def test_per_sample_gradients_reduce_to_the_gradient():
    result = _result()
    for name in result.traced_names():
        total = result.per_sample_gradient(name).sum() * result.scale
        assert total == pytest.approx(result.gradient(name), rel=1e-12, abs=1e-15)


def test_an_update_moves_every_parameter_but_the_frozen():
    result = _result(extra=', "frozen": ["w1_1_1_1_1", "b1_1"], "learning_rate": 0.5')
    for name, value, gradient, after in result.parameters():
        expected = value if name in ("w1_1_1_1_1", "b1_1") else value - 0.5 * gradient
        assert after == expected, name


def test_an_unknown_parameter_is_a_usage_error_naming_each_layer():
    with pytest.raises(UsageError, match=r"no parameter w9_1_1_1_1 \(layer 1 \(conv2d\): w1_1_1_1_1\.\."):
        _result().gradient("w9_1_1_1_1")


@pytest.mark.parametrize("dims", [1, 2])
def test_gradcheck_agrees_on_random_networks(dims):
    checks = gradcheck_maps(_result(seed=11, dims=dims))
    assert checks and all(c.status == "ok" for c in checks)


def test_forward_values_by_name_in_a_batch():
    result = _result(samples=2)
    assert isinstance(result.forward["x_1_1"] if "x_1_1" in result.forward else result.forward["x_1_1_1"], np.ndarray)
    assert result.forward["L"] == result.loss


def test_a_parameters_uses_and_receptive_field():
    text = ("input: [1, 2, 3]\ntarget: [1]\nloss: squared_error\nlayers:\n"
            "  - {type: conv1d, weights: [[[1, 2]], [[0, 1]]], padding: 1, biases: [0, 1]}\n"
            "  - {activation: linear, weights: [[1, 1, 1, 1, 1, 1, 1, 1]], biases: {shared: 0}}\n")
    result = load_spec(text=text).compute()
    # out length 4: the first kernel value reads x at p − 1 (padding at p = 1)
    assert result.parameter_uses("w1_1_1_1") == [(0, -1), (1, 0), (2, 1), (3, 2)]
    assert result.parameter_uses("b1_2") == [(4, None), (5, None), (6, None), (7, None)]
    assert result.parameter_uses("b2") == [(0, None)]
    assert result.receptive_field("w1_2_1_2") == {(1, 4), (1, 5), (1, 6), (1, 7), (0, 0), (0, 1), (0, 2)}
    assert result.gradient("b2") == pytest.approx(result.per_sample_gradient("b2")[0])


@pytest.mark.slow
def test_a_notebook_shows_the_explorers_view_or_the_plain_repr():
    import backprop_cli  # registers the notebook's viewers

    view = backprop_cli.compute(backprop_cli.load_example("cnn-4x4"))._repr_html_()
    assert 'data-param="w1_2_1_1_2"' in view and 'data-role="derivation"' in view and "<html" not in view
    side = 70
    image = "[" + ", ".join(["[" + ", ".join(["1"] * side) + "]"] * side) + "]"
    big = load_spec(text=f"input: {image}\ntarget: [1]\nloss: squared_error\nlayers:\n"
                         f"  - {{type: maxpool2d, size: 2}}\n"
                         f"  - {{activation: linear, weights: [[{', '.join(['0.1'] * 35 * 35)}]]}}\n").compute()
    assert big._repr_html_() is None and repr(big).startswith("<MapResult")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_flat_vectors_are_every_value_and_gradient_in_canonical_order(seed):
    """What a training log's row holds (core.training.Epoch), as core.packing gives it for a dense network."""
    result = _result(seed=seed, extra=', "frozen": ["w1_1_1_1_1"]')
    values, gradients = result.flat()
    names = result.traced_names()
    assert values.tolist() == [result.value(n) for n in names]
    assert gradients.tolist() == [result.gradient(n) for n in names]
