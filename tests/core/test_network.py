"""core.network: sizes, bias styles and softmax layers."""
import numpy as np

from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.names import NO_NAMES
from backprop_cli.core.network import Layer, Network


def test_sizes_styles_and_softmax_layers():
    net = Network([Layer(np.zeros((4, 3)), np.zeros(4), activation("softmax"), "shared"),
                   Layer(np.zeros((2, 4)), np.zeros(2), activation("relu")),
                   Layer(np.zeros((5, 2)), np.zeros(5), activation("softmax"), "none")], LOSSES["mse"])
    assert net.sizes == [3, 4, 2, 5]
    assert net.bias_styles == ("shared", "each", "none")
    assert net.softmax_layers == {1, 3}
    assert net.reduction == "mean" and net.frozen == frozenset() and net.names is NO_NAMES and dict(net.names) == {}
    assert Layer(np.zeros((1, 1)), np.zeros(1), activation("linear")).bias_style == "each"
