"""core.reach against brute force: every path from L down to z(layer)j enumerated edge by edge
on small networks (a softmax layer couples its neurons), and the edges and neurons they cross."""
import itertools

import pytest

from backprop_cli.core.reach import edges_on_paths, parameter_neurons, reached


def brute_force(sizes, softmax, layer, neuron):
    """Walk every path L → a(depth)i → z(depth)m → a(depth−1)k → … → z(layer)neuron."""
    depth = len(sizes) - 1
    edges, activations = set(), {}

    def down(p, a_index, trail_edges, trail_nodes):
        # at a(p)a_index: step to the z(p)m it depends on
        for m in (range(sizes[p]) if p in softmax else [a_index]):
            nodes = trail_nodes + [(p, a_index)]
            if p == layer:
                if m == neuron:
                    edges.update(trail_edges)
                    for q, i in nodes:
                        activations.setdefault(q, set()).add(i)
                continue
            for k in range(sizes[p - 1]):  # z(p)m depends on every a(p−1)k through w(p)mk
                down(p - 1, k, trail_edges + [(p, m, k)], nodes)

    for i in range(sizes[depth]):
        down(depth, i, [], [])
    return edges, activations


CASES = [([2, 3, 2], set()), ([2, 3, 2], {2}), ([3, 2, 3, 2], {2}), ([2, 2, 3, 2], {1, 3}), ([1, 2, 2, 2, 1], set())]


@pytest.mark.parametrize(("sizes", "softmax"), CASES)
def test_edges_and_neurons_are_those_of_every_path(sizes, softmax):
    depth = len(sizes) - 1
    for layer, neuron in itertools.chain.from_iterable(((l, j) for j in range(sizes[l])) for l in range(1, depth + 1)):
        edges, activations = brute_force(sizes, softmax, layer, neuron)
        assert edges_on_paths(sizes, softmax, layer, [neuron]) == edges
        assert reached(sizes, softmax, layer, [neuron]) == activations


def test_a_shared_bias_feeds_its_whole_layer():
    assert parameter_neurons([2, 3, 1], 1, None) == [0, 1, 2]
    assert parameter_neurons([2, 3, 1], 1, 2) == [1]
    assert reached([2, 3, 1], set(), 1, [0, 1, 2])[1] == {0, 1, 2}
