"""Names over a sequence (core.seqnames): wx/wh/b of a recurrent layer and w/b of a dense one in
canonical order, both spellings accepted, node quantities with their step (h11@0 the initial state),
and what is not a name of this network found as nothing."""
from __future__ import annotations

from backprop_cli import load_spec
from backprop_cli.core import seqnames

SPEC = """\
sequence: [[1, 0], [0.5, -1]]
target: [0.5]
loss: squared_error
layers:
  - type: recurrent
    input_weights: [[0.1, -0.2], [0.3, 0.4]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
  - activation: linear
    weights: [[0.7, -0.6]]
"""


def test_parameters_in_canonical_order_and_both_spellings():
    net = load_spec(text=SPEC).network
    names = [row[0] for row in seqnames.parameters(net)]
    assert names == ["wx111", "wx112", "wx121", "wx122", "wh111", "wh112", "wh121", "wh122", "b11", "b12",
                     "w211", "w212", "b21"]
    assert seqnames.find(net, "wh1_1_2") == seqnames.find(net, "wh112") == ("p", 5)


def test_nodes_carry_their_step():
    net = load_spec(text=SPEC).network
    assert seqnames.find(net, "h12@2") == ("a", 1, 1, 2)
    assert seqnames.find(net, "h11@0") == ("a", 1, 0, 0)  # the initial state
    assert seqnames.find(net, "z21@1") == ("z", 2, 0, 1)
    assert seqnames.find(net, "yhat1@2") == ("a", 2, 0, 2) and seqnames.find(net, "x2@1") == ("a", 0, 1, 1)
    assert seqnames.find(net, "L@2") == ("L", 2)
    for wrong in ("h11@3", "a11@1", "z11", "h31@1", "x3@1", "yhat1@0", "L@0"):
        assert seqnames.find(net, wrong) is None, wrong
    assert seqnames.node_name(net, "a", 1, 1, 2) == "h12@2" and seqnames.node_name(net, "a", 2, 0, 1) == "yhat1@1"
    assert "L@2" in seqnames.node_names(net) and "h12@1" in seqnames.node_names(net)
