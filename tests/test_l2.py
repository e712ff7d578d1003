"""`l2: λ` (CONTRACT section 10): the loss gains (λ/2)·Σw² over the weights, not the biases; every
gradient of a weight gains λ·w, its own path L → w in trace; checked against the plain-Python
oracle's loss and its central finite differences."""
import json

import numpy as np
import pytest
import yaml
from conftest import invoke, random_layers, stable_seed, targets_for
from optim_oracle import loss_with_l2
from oracle import finite_difference

from backprop_cli import load_spec

LAMBDA = 0.3


def problem(seed):
    rng = np.random.default_rng(stable_seed("l2", seed))
    layers = random_layers(rng, [2, 3, 2], "tanh", "sigmoid")
    inputs = rng.uniform(-1, 1, (2, 2)).tolist()
    targets = targets_for(rng, "mse", 2, 2)
    text = yaml.safe_dump({"inputs": inputs, "targets": targets, "loss": "mse", "l2": LAMBDA,
                           "layers": [{"activation": l["activation"], "weights": l["weights"], "biases": l["biases"]}
                                      for l in layers]}, default_flow_style=None)
    return layers, inputs, targets, text


@pytest.mark.parametrize("seed", range(3))
def test_loss_and_gradients_against_the_oracle(seed):
    layers, inputs, targets, text = problem(seed)
    result = load_spec(text=text).compute()
    assert result.loss == pytest.approx(loss_with_l2(layers, inputs, targets, "mse", "mean", LAMBDA), rel=1e-13)
    terms = LAMBDA / 2 * sum(w * w for l in layers for row in l["weights"] for w in row)
    assert result.l2_term == pytest.approx(terms, rel=1e-13)
    data = finite_difference(layers, inputs, targets, "mse", "mean")
    for (kind, l, j, k), g in data.items():
        name = f"{kind}{l}{j}{k or ''}"
        extra = LAMBDA * layers[l - 1]["weights"][j - 1][k - 1] if kind == "w" else 0.0  # biases: none
        assert result.gradient(name) == pytest.approx(g + extra, rel=1e-6, abs=1e-9), name
    # per-sample gradients stay the samples' own (the L2 term is the batch's, not a sample's)
    assert result.per_sample_gradient("w111").mean() + LAMBDA * layers[0]["weights"][0][0] == \
        pytest.approx(result.gradient("w111"), rel=1e-12)


def test_trace_shows_the_direct_path_and_the_term(tmp_path):
    layers, inputs, targets, text = problem(0)
    (tmp_path / "net.yaml").write_text(text)
    data = json.loads(invoke("trace", tmp_path / "net.yaml", "--weight", "w212", "--weight", "b21",
                             "--max-paths", "100", "--format", "json", expect=0).stdout)
    w, b = data["parameters"]
    direct = [p for p in w["paths"] if p["nodes"] == ["L", "w212"]]
    assert len(direct) == 1 and w["path_count"] == 2 * 1 + 1  # each sample's one path, and L → w212
    assert direct[0]["factors"][0]["formula"] == "λ·w212"
    assert direct[0]["product"] == pytest.approx(LAMBDA * layers[1]["weights"][0][1], rel=1e-15)
    assert sum(p["product"] for p in w["paths"]) == pytest.approx(w["gradient"], rel=1e-12)
    assert not any(p["nodes"] == ["L", "b21"] for p in b["paths"])  # biases have no L2 term
    text_out = invoke("trace", tmp_path / "net.yaml", "--weight", "w212", expect=0).stdout
    assert "+ (λ/2)·Σw²" in text_out and "L → w212" in text_out and "the L2 term" in text_out
    grad = json.loads(invoke("grad", tmp_path / "net.yaml", "--format", "json", expect=0).stdout)
    assert grad["l2"] == LAMBDA and grad["loss"] == pytest.approx(
        loss_with_l2(layers, inputs, targets, "mse", "mean", LAMBDA), rel=1e-13)
    assert invoke("gradcheck", tmp_path / "net.yaml").exit_code == 0  # finite differences of L with its term
