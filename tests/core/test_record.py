"""core.record: copying the engine's records with fields changed."""
import numpy as np
import pytest

from backprop_cli import load_example
from backprop_cli.core.functions import ACTIVATIONS
from backprop_cli.core.network import Layer


def test_replace_builds_a_new_record_through_init_and_leaves_the_old_one():
    layer = Layer(np.eye(2), np.zeros(2), ACTIVATIONS["sigmoid"], "shared")
    copy = layer.replace(biases=np.ones(2))
    assert copy is not layer and copy.bias_style == "shared" and copy.weights is layer.weights
    assert copy.biases.tolist() == [1.0, 1.0] and layer.biases.tolist() == [0.0, 0.0]


def test_a_replaced_result_starts_without_the_cache_or_title_of_the_old_one():
    result = load_example("padhai-4-4-2").compute()
    result.parameters()  # fills the cache
    copy = result.replace(learning_rate=0.5)
    assert copy.title == "" and copy._cache == {} and copy.learning_rate == 0.5
    assert copy.z is result.z and result.learning_rate != 0.5


def test_an_unknown_field_is_refused_as_dataclasses_refuses_it():
    with pytest.raises(TypeError, match="no field 'weight'"):
        ACTIVATIONS["tanh"].replace(weight=1)
    with pytest.raises(Exception, match="cannot assign"):
        ACTIVATIONS["tanh"].name = "x"  # an activation stays immutable
