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
