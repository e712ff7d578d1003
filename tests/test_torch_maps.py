"""Networks over feature maps (contract section 9) against PyTorch itself: random conv1d/conv2d
(stride, padding, channels), max and average pooling, a dense output after the flattening, every
loss, batches averaged or summed; loss and every gradient as torch.nn.functional computed them in
float64 (tests/corpus/torch/maps.json, written by tests/torch_fixtures.py where torch is
installed), agreeing to 1e-9 relative."""
import json
from pathlib import Path

import pytest

from backprop_cli.spec.reader import load_spec

CASES = json.loads((Path(__file__).parent / "corpus" / "torch" / "maps.json").read_text(encoding="utf-8"))["cases"]


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


@pytest.mark.parametrize("case", CASES, ids=[f"net{i}" for i in range(len(CASES))])
def test_loss_and_every_gradient_agree_with_pytorch(case):
    result = load_spec(text=json.dumps(case["spec"])).compute()
    assert close(result.loss, case["loss"]), (result.loss, case["loss"])
    theirs = case["gradients"]
    assert sorted(result.network.parameter_names()) == sorted(theirs)  # every parameter, by section 9's name
    wrong = {name: (result.gradient(name), g) for name, g in theirs.items() if not close(result.gradient(name), g)}
    assert wrong == {}
