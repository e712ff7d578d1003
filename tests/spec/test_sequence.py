"""A spec over a sequence (spec.sequence): `sequence:` with `target:` or `targets:`, a recurrent
layer's keys read into nn.RNN's weights, and every mistaken or hostile spec refused with exit 2,
located (file, line, column), what was expected and a hint; never a traceback."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import invoke

from backprop_cli import load_spec

GOOD = """\
sequence: [[1, 0], [0.5, -1]]
target: [0.5]
loss: squared_error
layers:
  - type: recurrent
    input_weights: [[0.1, -0.2], [0.3, 0.4]]
    recurrent_weights: [[0.5, -0.3], [0.2, 0.1]]
    biases: [0.1, -0.1]
    initial_state: [0.2, -0.2]
    activation: relu
  - activation: linear
    weights: [[0.7, -0.6]]
"""


def test_a_recurrent_layer_is_read_as_nn_rnn_writes_it():
    spec = load_spec(text=GOOD)
    layer = spec.network.layers[0]
    assert layer.input_weights.tolist() == [[0.1, -0.2], [0.3, 0.4]]
    assert layer.recurrent_weights.tolist() == [[0.5, -0.3], [0.2, 0.1]]
    assert layer.initial_state.tolist() == [0.2, -0.2] and layer.activation.name == "relu"
    assert spec.inputs.shape == (2, 2) and spec.network.steps == 2 and not spec.network.every_step
    assert np.array_equal(spec.targets, [[0.5], [0.5]])  # `target:` is the last step's: the loss reads only it


HOSTILE = [
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n    input_weights: [[1]]\n"
     "    recurrent_weights: [[1, 2]]\n", "net.yaml:7:24: the recurrent weights of layer 1 are 1×2"),
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n    input_weights: [[1]]\n"
     "    recurrent_weights: [[1]]\n    activation: sigmoid\n", "net.yaml:8:17: a recurrent layer's activation"),
    ("sequence: [[1], [2]]\ntargets: [[1]]\nloss: mse\nlayers:\n  - type: recurrent\n    input_weights: [[1]]\n"
     "    recurrent_weights: [[1]]\n", "net.yaml:2:10: 'targets' has 1 row, but the sequence has 2 steps"),
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurent\n",
     "did you mean 'recurrent'?"),
    ("sequence: [[1], [2]]\ninput: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n"
     "    input_weights: [[1]]\n    recurrent_weights: [[1]]\n", "net.yaml:2:1: 'input' and 'sequence' are both given"),
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n    input_weights: [[1, 2]]\n"
     "    recurrent_weights: [[1]]\n", "net.yaml:6:20: the input weights of layer 1 have 2 columns"),
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n    input_weights: [[1]]\n"
     "    recurrent_weights: [[1]]\n    initial_state: [0, 0]\n", "net.yaml:8:20: the initial state of layer 1 has"),
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n    input_weights: [[1]]\n",
     "layer 1 (recurrent) has no 'recurrent_weights'"),
    ("sequence: [[[1], [2]], [[1], [2]]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n"
     "    input_weights: [[1]]\n    recurrent_weights: [[1]]\n", "net.yaml:1:1: 'sequence' holds lists of vectors"),
    ("sequence: [[1], [2]]\ntargets: [[1], [2]]\nreduction: mean\nloss: mse\nlayers:\n  - type: recurrent\n"
     "    input_weights: [[1]]\n    recurrent_weights: [[1]]\n", "net.yaml:3:12: over a sequence the steps' losses"),
    ("sequence: " + str([[0.5]] * 1001) + "\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n"
     "    input_weights: [[1]]\n    recurrent_weights: [[1]]\n", "has 1,001 steps"),
    ("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\noptimizer: adam\nlayers:\n  - type: recurrent\n"
     "    input_weights: [[1]]\n    recurrent_weights: [[1]]\n",
     "net.yaml:4:12: `optimizer: adam` is not taken here: a network over a sequence trains by plain gradient"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_bad_specs_are_refused_located_with_exit_2(tmp_path, text, message):
    path = tmp_path / "net.yaml"
    path.write_text(text)
    result = invoke("grad", path, expect=2)
    assert message in result.stderr and "hint:" in result.stderr and "Traceback" not in result.stderr


def test_too_many_units_are_refused_where_the_weights_are_named(tmp_path):
    np.save(tmp_path / "wh.npy", np.zeros((257, 257)))
    np.save(tmp_path / "wx.npy", np.ones((257, 1)))
    path = tmp_path / "net.yaml"
    path.write_text("sequence: [[1], [2]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: recurrent\n"
                    "    input_weights: {file: wx.npy}\n    recurrent_weights: {file: wh.npy}\n")
    result = invoke("grad", path, expect=2)
    assert "net.yaml:7:24: layer 1 has 257 units" in result.stderr and "at most 256" in result.stderr
