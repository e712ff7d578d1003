"""Contract section 9's layers against PyTorch itself, loss and every gradient agreeing to 1e-9
relative (as torch computed them in float64: tests/corpus/torch/*.json, written by
tests/torch_fixtures.py where torch is installed):
- over feature maps: random conv1d/conv2d (stride, padding, channels), max and average pooling, a
  dense output after the flattening, every loss, batches averaged or summed (torch.nn.functional);
- coupled rows: an Elman cell (tanh, relu; an initial state or none) over 2-4 steps with a dense
  readout, the loss on the last step or summed over the steps (nn.RNN); batch norm in training
  mode over 2-5 samples, first or after a dense layer, with its activation (functional.batch_norm)."""
import json
from pathlib import Path

import pytest

from backprop_cli.spec.reader import load_spec

TORCH = Path(__file__).parent / "corpus" / "torch"
CASES = json.loads((TORCH / "maps.json").read_text(encoding="utf-8"))["cases"]
COUPLED = json.loads((TORCH / "coupled.json").read_text(encoding="utf-8"))["cases"]


def close(ours: float, theirs: float) -> bool:
    return abs(ours - theirs) <= 1e-9 * max(abs(ours), abs(theirs)) + 1e-15


def test_the_fixtures_cover_every_kind_of_layer_and_loss():
    kinds = {layer.get("type", "dense") for case in CASES for layer in case["spec"]["layers"]}
    assert kinds == {"conv1d", "conv2d", "maxpool1d", "maxpool2d", "avgpool1d", "avgpool2d", "dense"}
    assert {case["spec"]["loss"] for case in CASES} == {"cross_entropy", "squared_error", "half_squared_error", "mse",
                                                          "binary_cross_entropy"}
    assert any("inputs" in case["spec"] for case in CASES) and any("input" in case["spec"] for case in CASES)
    assert any(layer.get("padding") for case in CASES for layer in case["spec"]["layers"])
    assert any(layer.get("stride", 1) > 1 for case in CASES for layer in case["spec"]["layers"] if "conv" in
               layer.get("type", ""))


def test_the_coupled_fixtures_cover_both_kinds_and_both_ways_of_a_sequences_loss():
    kinds = [tuple(layer.get("type", "dense") for layer in case["spec"]["layers"]) for case in COUPLED]
    assert {("recurrent", "dense"), ("batchnorm", "dense"), ("dense", "batchnorm", "dense")} <= set(kinds)
    cells = [case["spec"]["layers"][0] for case in COUPLED if "sequence" in case["spec"]]
    assert {cell["activation"] for cell in cells} == {"tanh", "relu"} and any("initial_state" in c for c in cells)
    assert {"target", "targets"} <= {key for case in COUPLED for key in case["spec"]}


@pytest.mark.parametrize("case", CASES + COUPLED, ids=[f"maps{i}" for i in range(len(CASES))] +
                         [f"coupled{i}" for i in range(len(COUPLED))])
def test_loss_and_every_gradient_agree_with_pytorch(case):
    result = load_spec(text=json.dumps(case["spec"])).compute()
    assert close(result.loss, case["loss"]), (result.loss, case["loss"])
    theirs = case["gradients"]
    assert sorted(result.network.parameter_names()) == sorted(theirs)  # every parameter, by section 9's name
    wrong = {name: (result.gradient(name), g) for name, g in theirs.items() if not close(result.gradient(name), g)}
    assert wrong == {}
