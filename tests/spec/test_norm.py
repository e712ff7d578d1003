"""Batch norm in a spec (spec.norm): gamma, beta and eps read with PyTorch's defaults, and every
mistaken or hostile spec refused with exit 2, located, with a hint; never a traceback."""
from __future__ import annotations

import pytest
from conftest import invoke

from backprop_cli import load_spec


def test_defaults_are_pytorchs():
    spec = load_spec(text="inputs: [[1, 2], [3, 5]]\ntargets: [[1], [2]]\nloss: mse\nlayers:\n  - type: batchnorm\n"
                          "  - activation: linear\n    weights: [[1, 1]]\n")
    norm = spec.network.layers[0]
    assert norm.weights.tolist() == [1.0, 1.0] and norm.biases.tolist() == [0.0, 0.0]
    assert norm.eps == 1e-5 and norm.activation.name == "linear" and norm.slip is None
    assert [row[0] for row in spec.compute().parameters()] == ["gamma11", "gamma12", "beta11", "beta12", "w211",
                                                               "w212", "b21"]


HOSTILE = [
    ("input: [1, 2]\ntarget: [1]\nloss: mse\nlayers:\n  - type: batchnorm\n  - activation: linear\n"
     "    weights: [[1, 1]]\n", "normalises over a batch, but the spec has 1 sample"),
    ("inputs: [[1, 2], [3, 4]]\ntargets: [[1], [2]]\nloss: mse\nlayers:\n  - type: batchnorm\n    gamma: [1, 2, 3]\n"
     "    eps: -1\n  - activation: linear\n    weights: [[1, 1]]\n", "net.yaml:6:12: layer 1 normalises 2 features"),
    ("inputs: [[1, 2], [3, 4]]\ntargets: [[1], [2]]\nloss: mse\nlayers:\n  - type: batchnorm\n    eps: -1\n"
     "  - activation: linear\n    weights: [[1, 1]]\n", "net.yaml:6:10: 'eps' must be 0 or above"),
    ("inputs: [[1, 2], [3, 4]]\ntargets: [[1], [2]]\nloss: mse\nlayers:\n  - type: batchnorm\n"
     "    activation: softmax\n  - activation: linear\n    weights: [[1, 1]]\n", "softmax couples a whole layer"),
    ("inputs: [[1, 2], [3, 4]]\ntargets: [[1], [2]]\nloss: mse\nl2: 0.1\nlayers:\n  - type: batchnorm\n"
     "  - activation: linear\n    weights: [[1, 1]]\n",
     "net.yaml:4:5: `l2:` is not taken here: a network with batch-norm layers trains by plain gradient descent"),
    ("inputs: [[1, 2], [3, 4]]\ntargets: [[1], [2]]\nloss: mse\nlayers:\n  - type: batchnorm\n    gama: 1\n"
     "  - activation: linear\n    weights: [[1, 1]]\n", "unknown key 'gama'"),
    ("input: [[1, 2], [0, 1]]\ntarget: [1]\nloss: mse\nlayers:\n  - type: conv1d\n    weights: [[[1]]]\n"
     "  - type: batchnorm\n  - activation: linear\n    weights: [[1, 1]]\n",
     "but this network's values are feature maps"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_bad_specs_are_refused_located_with_exit_2(tmp_path, text, message):
    path = tmp_path / "net.yaml"
    path.write_text(text)
    result = invoke("grad", path, expect=2)
    assert message in result.stderr and "hint:" in result.stderr and "Traceback" not in result.stderr
