"""Section 9's names: conv weights, biases, feature maps, input pixels, in 1-D and 2-D."""

import pytest

from backprop_cli import load_spec
from backprop_cli.core import mapnames

TWO_D = """
input: [[[1, 2, 0], [0, 1, 3], [2, 1, 1]], [[0, 0, 1], [1, 0, 0], [0, 1, 0]]]
target: [1]
loss: squared_error
layers:
  - type: conv2d
    weights: [[[[1, 0], [0, -1]], [[0.5, 0], [0, 0.5]]]]
    activation: relu
  - type: avgpool2d
    size: 2
  - activation: linear
    weights: [[0.5]]
"""
ONE_D = """
input: [1, 2, 0, 1, 3]
target: [1]
loss: squared_error
layers:
  - type: conv1d
    weights: [[[1, -1]]]
    biases: [0.5]
  - type: maxpool1d
    size: 2
  - activation: linear
    weights: [[1, 1]]
"""


def test_two_dimensional_names_follow_section_9():
    network = load_spec(text=TWO_D).network
    assert [row[0] for row in mapnames.parameters(network)] == [
        "w1_1_1_1_1", "w1_1_1_1_2", "w1_1_1_2_1", "w1_1_1_2_2", "w1_1_2_1_1", "w1_1_2_1_2", "w1_1_2_2_1",
        "w1_1_2_2_2", "b1_1", "w311", "b31"]
    assert mapnames.node_name(network, "a", 0, 0) == "x_1_1_1"  # several channels: the channel first
    assert mapnames.node_name(network, "a", 0, 9 + 5) == "x_2_2_3"
    assert mapnames.node_name(network, "z", 1, 3) == "z1_1_2_2" and mapnames.node_name(network, "a", 2, 0) == "a2_1_1_1"
    assert mapnames.node_name(network, "z", 3, 0) == "z31" and mapnames.node_name(network, "a", 3, 0) == "yhat1"


def test_one_dimensional_names_and_one_channel():
    network = load_spec(text=ONE_D).network
    assert [row[0] for row in mapnames.parameters(network)] == ["w1_1_1_1", "w1_1_1_2", "b1_1", "w311", "w312", "b31"]
    assert mapnames.node_name(network, "a", 0, 4) == "x_5"  # one channel: x_{pos}
    assert mapnames.node_name(network, "z", 1, 3) == "z1_1_4" and mapnames.node_name(network, "a", 2, 1) == "a2_1_2"


@pytest.mark.parametrize("written, meant", [("w1_1_2_2_2", ("p", 7)), ("w11222", ("p", 7)), ("w3_1_1", ("p", 9)),
                                            ("w311", ("p", 9)), ("b1_1", ("p", 8)), ("b11", ("p", 8)),
                                            ("z1_1_2_2", ("z", 1, 3)), ("x_2_2_3", ("a", 0, 14)),
                                            ("yhat1", ("a", 3, 0)), ("a3_1", ("a", 3, 0)), ("w1_1_3_1_1", None),
                                            ("z2_1_1_1", None), ("x_3_1_1", None), ("z1_1_3_3", None),
                                            ("z11122", None)])
def test_every_spelling_of_a_name_is_found(written, meant):
    assert mapnames.find(load_spec(text=TWO_D).network, written) == meant


def test_a_courses_own_names_are_found_and_shown():
    network = load_spec(text=TWO_D + "names:\n  K: w1_1_1_1_1\n  net: z1_1_1_1\n").network
    assert mapnames.find(network, "K") == ("p", 0) and mapnames.find(network, "net") == ("z", 1, 0)
    assert mapnames.shown(network, "w1_1_1_1_1") == "K"
    assert "layer 2 (avgpool2d): no parameters" in mapnames.describe(network)
