"""grading.optimizer_mistakes, and checking answers about a spec with an optimiser or L2: the
true values (from tests/optim_oracle.py) are right at every precision; each optimiser slip,
computed here by hand from the oracle's state, is named by its code; L2 is part of the gradient."""
import json

import pytest
import yaml
from conftest import invoke
from optim_oracle import gradient, torch_step

LAYERS = [{"activation": "sigmoid", "weights": [[0.15, 0.20], [0.25, 0.30]], "biases": [0.35, 0.35]},
          {"activation": "sigmoid", "weights": [[0.40, 0.45], [0.50, 0.55]], "biases": [0.60, 0.60]}]
X, Y, RATE = [[0.05, 0.10]], [[0.01, 0.99]], 0.1


def write(tmp_path, optimizer, answers, state=None, l2=0.0):
    spec = {"inputs": X, "targets": Y, "loss": "half_squared_error", "learning_rate": RATE, "optimizer": optimizer,
            "layers": LAYERS, "l2": l2}
    if state:
        spec["optimizer_state"] = state
    (tmp_path / "net.yaml").write_text(yaml.safe_dump(spec, default_flow_style=None))
    lines = "".join(f"  {k}: {v}\n" for k, v in answers.items())
    (tmp_path / "answers.yaml").write_text(f"spec: net.yaml\nanswers:\n{lines}")
    result = invoke("check", tmp_path / "answers.yaml", "--format", "json")
    return {r["quantity"]: r for r in json.loads(result.stdout)["files"][0]["results"]}


def adam_slips(w, g, m0, v0, t, b1=0.9, b2=0.999, eps=1e-8):
    """Adam's update and its slips, by hand."""
    m, v = b1 * m0 + (1 - b1) * g, b2 * v0 + (1 - b2) * g * g
    mh, vh = m / (1 - b1 ** t), v / (1 - b2 ** t)
    return {"right": w - RATE * mh / (vh ** 0.5 + eps), "bias_correction_missing": w - RATE * m / (v ** 0.5 + eps),
            "square_root_missing": w - RATE * mh / (vh + eps), "moments_swapped": w - RATE * vh / (mh ** 0.5 + eps),
            "optimizer_ignored": w - RATE * g}


@pytest.mark.parametrize("code", ["bias_correction_missing", "square_root_missing", "moments_swapped",
                                  "optimizer_ignored"])
def test_adam_slips_are_named(tmp_path, code):
    g = gradient(LAYERS, X, Y, "half_squared_error", "mean", 0.0)[("w", 2, 1, 1)]
    state = {"step": 2, "w211": {"m": 0.02, "v": 3e-5}}  # the third update: the bias correction matters
    values = adam_slips(0.40, g, 0.02, 3e-5, 3)
    assert abs(values[code] - values["right"]) > 1e-3
    by = write(tmp_path, "adam", {"w211_new": f"{values[code]:.6f}"}, state)
    result = by["w211_new"]
    assert result["verdict"] == "wrong" and code in [d["code"] for d in result["diagnoses"]], result
    right = write(tmp_path, "adam", {"w211_new": f"{values['right']:.6f}"}, state)["w211_new"]
    assert right["verdict"] == "right", right


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["momentum", "nesterov", "adagrad", "rmsprop", "adam"])
@pytest.mark.parametrize("decimals", [2, 4, 6])
def test_the_key_of_an_optimisers_spec_passes_check(tmp_path, monkeypatch, optimizer, decimals):
    write(tmp_path, optimizer, {"loss": 0}, l2=0.01)
    monkeypatch.chdir(tmp_path)  # the key names the spec as given: relative, as check wants it
    key = invoke("key", "net.yaml", "--decimals", decimals, expect=0).stdout
    (tmp_path / "key.yaml").write_text(key)
    data = json.loads(invoke("check", tmp_path / "key.yaml", "--format", "json").stdout)
    assert data["failed"] == 0 and data["passed"] > 20, data
    g = gradient(LAYERS, X, Y, "half_squared_error", "mean", 0.01)[("w", 2, 1, 1)]
    expected = torch_step(optimizer, {}, LAYERS[1]["weights"][0][0], g, {}, 1, RATE)
    written = yaml.safe_load(key)["answers"]["w211_new"]
    assert written == pytest.approx(expected, abs=0.5 * 10 ** -decimals)


def test_l2_is_part_of_the_gradient_and_the_loss(tmp_path):
    grads = gradient(LAYERS, X, Y, "half_squared_error", "mean", 0.1)
    plain = gradient(LAYERS, X, Y, "half_squared_error", "mean", 0.0)
    by = write(tmp_path, "sgd", {"dL/dw211": f"{grads[('w', 2, 1, 1)]:.6f}", "dL/dw111": f"{plain[('w', 1, 1, 1)]:.6f}",
                                 "dL/db21": f"{grads[('b', 2, 1, None)]:.6f}"}, l2=0.1)
    assert by["dL/dw211"]["verdict"] == "right" and by["dL/db21"]["verdict"] == "right"
    assert by["dL/dw111"]["verdict"] != "right"  # the L2 term's λ·w left out
