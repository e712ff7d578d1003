"""core.reach: which neurons and edges lie on a parameter's paths, against brute-force enumeration."""
import itertools

import numpy as np
import pytest
from oracle import enumerate_paths

from backprop_cli.core.reach import edges_on_paths, parameter_neurons, reached


def brute(sizes, acts, layer, neurons):
    """Activations and weight edges met by every path from L to z(layer)j, j in `neurons` (0-based)."""
    rng = np.random.default_rng(1)
    layers = [{"activation": act, "weights": rng.uniform(0.1, 1, (sizes[i + 1], sizes[i])).tolist(),
               "biases": [0.1] * sizes[i + 1]} for i, act in enumerate(acts)]
    x, y = [0.5] * sizes[0], [0.3] * sizes[-1]
    found, edges = {}, set()
    for j in neurons:
        for _, nodes in enumerate_paths(layers, x, y, "squared_error", layer, j + 1, None):
            previous_z = None
            for kind, p, n in nodes:
                if kind == "a":
                    found.setdefault(p, set()).add(n - 1)
                    if previous_z is not None:
                        edges.add((p + 1, previous_z, n - 1))
                else:
                    previous_z = n - 1
    return found, edges


@pytest.mark.parametrize("sizes,acts", [([2, 3, 2], ["tanh", "sigmoid"]), ([2, 3, 2], ["tanh", "softmax"]),
                                        ([2, 3, 4, 2], ["softmax", "tanh", "linear"]),
                                        ([1, 2, 3, 3], ["tanh", "softmax", "softmax"])])
def test_reached_and_edges_against_brute_force(sizes, acts):
    softmax = {p for p, act in enumerate(acts, start=1) if act == "softmax"}
    for layer in range(1, len(sizes)):
        for neurons in [[j] for j in range(sizes[layer])] + [list(range(sizes[layer]))]:
            found, edges = brute(sizes, acts, layer, neurons)
            got = reached(sizes, softmax, layer, neurons)
            assert set(got) == set(range(layer, len(sizes)))
            for p in range(layer, len(sizes)):
                assert got[p] == found[p], (layer, neurons, p)
            assert edges_on_paths(sizes, softmax, layer, neurons) == edges


def test_by_hand_and_parameter_neurons():
    assert reached([2, 3, 2], set(), 1, [1]) == {1: {1}, 2: {0, 1}}
    assert reached([2, 3, 2], {1}, 1, [1]) == {1: {0, 1, 2}, 2: {0, 1}}
    assert edges_on_paths([2, 3, 2], set(), 1, [2]) == {(2, 0, 2), (2, 1, 2)}
    assert edges_on_paths([2, 3, 2], set(), 2, [0]) == set()
    assert parameter_neurons([2, 3, 2], 1, 2) == [1]
    assert parameter_neurons([2, 3, 2], 1, None) == [0, 1, 2]
    assert list(itertools.chain(parameter_neurons([2, 3, 2], 2, None))) == [0, 1]
