"""core.packing: every parameter as one flat vector in canonical order, and back."""
import numpy as np

from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.names import parameter_names
from backprop_cli.core.network import Layer, Network
from backprop_cli.core.packing import Packing


def network(frozen=frozenset()):
    return Network([Layer(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, 0.5]), activation("tanh"), "shared"),
                    Layer(np.array([[5.0, 6.0]]), np.array([7.0]), activation("linear")),
                    Layer(np.array([[8.0]]), np.array([0.0]), activation("linear"), "none")],
                   LOSSES["mse"], frozen=frozen)


def test_the_vector_follows_the_canonical_names():
    net = network(frozenset({"w211", "b1"}))
    packing = Packing(net)
    assert packing.names == parameter_names(net.sizes, net.bias_styles)
    assert packing.values(net.layers).tolist() == [1, 2, 3, 4, 0.5, 5, 6, 7, 8]
    assert packing.size == 9 and packing.frozen.tolist() == [4, 5]
    assert packing.weights.tolist() == [True] * 4 + [False, True, True, False, True]
    assert packing.position("w", 2, 1, 2) == 6 and packing.position("b", 1, None, None) == 4


def test_gradients_sum_a_shared_bias_and_skip_none():
    packing = Packing(network())
    wg = [None, np.ones((2, 2)), np.full((1, 2), 2.0), np.full((1, 1), 3.0)]
    bg = [None, np.array([0.25, 0.5]), np.array([4.0]), np.array([9.0])]
    assert packing.gradients(wg, bg).tolist() == [1, 1, 1, 1, 0.75, 2, 2, 4, 3]
    # a frozen shared bias's gradient is its sum too (train's log shows it), not a stale entry
    frozen = Packing(network(frozenset({"b1"})))
    assert frozen.gradients(wg, bg, np.full(9, np.nan)).tolist() == [1, 1, 1, 1, 0.75, 2, 2, 4, 3]


def test_arrays_are_views_and_layers_are_copies():
    net = network()
    packing = Packing(net)
    flat = packing.values(net.layers)
    arrays = packing.arrays(flat)
    flat[0], flat[4] = -1.0, 9.0
    assert arrays[0][0][0, 0] == -1.0 and arrays[0][1].tolist() == [9.0, 9.0]  # views, the shared bias broadcast
    assert arrays[2][1].tolist() == [0.0]
    layers = packing.layers(net, flat)
    flat[0] = 100.0
    assert layers[0].weights[0, 0] == -1.0 and layers[0].bias_style == "shared"  # copies
    assert layers[0].biases.flags.writeable


def test_a_stack_of_parameter_vectors_is_seen_as_layers_row_by_row():
    network = Network([Layer(np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0]), activation("tanh")),
                       Layer(np.array([[9.0, 10.0]]), np.array([11.0]), activation("linear"), "shared")],
                      LOSSES["mse"])
    packing = Packing(network)
    rows = np.stack([packing.values(network.layers), -packing.values(network.layers)])
    (w1, b1), (w2, b2) = packing.stacked_arrays(rows)
    assert w1.shape == (2, 2, 3) and b1.shape == (2, 1, 2) and b2.shape == (2, 1, 1)
    assert np.shares_memory(w1, rows) and np.shares_memory(b1, rows)  # views: an update of `rows` is seen
    rows[1] *= 2
    assert w1[1].tolist() == (-2 * np.arange(6.0).reshape(2, 3)).tolist() and b2[1, 0, 0] == -22.0
    flat = packing.gradients([None, w1 * 0 + 1, w2 * 0 + 2], [None, b1[:, 0] + 0, np.full((2, 1), 3.0)],
                             np.empty((2, packing.size)))
    assert flat[:, :6].tolist() == [[1.0] * 6] * 2 and flat[:, -1].tolist() == [3.0, 3.0]
