"""grading.training_quantities: Δw, the optimiser's state, values after K updates and ∂X/∂Y, in
key and check, against the independent oracles (tests/optim_oracle.py's torch.optim steps;
core.partials is tested against finite differences in tests/core/test_partials.py); Mazur's
error after 10,000 rounds as his post prints it; what check refuses, and how."""
import json

import numpy as np
import pytest
import yaml
from conftest import invoke, random_layers, stable_seed, targets_for
from optim_oracle import parameters, tool_state
from optim_oracle import train as oracle_train

from backprop_cli import load_example, load_spec
from backprop_cli.core.names import notation as make_notation
from backprop_cli.grading.quantities import QuantityError, check_quantity, evaluate, parse_quantity


def problem(optimizer):
    rng = np.random.default_rng(stable_seed("training quantities", optimizer))
    layers = random_layers(rng, [2, 2, 2], "tanh", "sigmoid")
    inputs, targets = rng.uniform(-1, 1, (2, 2)).tolist(), targets_for(rng, "mse", 2, 2)
    text = yaml.safe_dump({"inputs": inputs, "targets": targets, "loss": "mse", "learning_rate": 0.05,
                           "optimizer": optimizer, "layers": [{k: l[k] for k in ("activation", "weights", "biases")}
                                                              for l in layers]}, default_flow_style=None)
    return layers, inputs, targets, text


def value(result, text):
    n = make_notation("default", result.network.names)
    q = parse_quantity(text, n)
    check_quantity(result, q, n)
    return evaluate(result, q, n)


@pytest.mark.parametrize("optimizer", ["momentum", "rmsprop", "adam"])
def test_against_the_oracle(optimizer):
    layers, inputs, targets, text = problem(optimizer)
    result = load_spec(text=text).compute()
    once, states, _ = oracle_train(layers, inputs, targets, "mse", "mean", optimizer, {}, 0.05, 1)
    thrice, _, losses = oracle_train(layers, inputs, targets, "mse", "mean", optimizer, {}, 0.05, 3)
    for p in parameters(layers):
        kind, l, j, k = p
        name = f"{kind}{l}{j}{k or ''}"
        before = layers[l - 1]["weights"][j - 1][k - 1] if kind == "w" else layers[l - 1]["biases"][j - 1]
        after = once[l - 1]["weights"][j - 1][k - 1] if kind == "w" else once[l - 1]["biases"][j - 1]
        later = thrice[l - 1]["weights"][j - 1][k - 1] if kind == "w" else thrice[l - 1]["biases"][j - 1]
        assert value(result, f"Δ{name}") == pytest.approx(after - before, rel=1e-10, abs=1e-15)
        assert value(result, f"delta_{name}") == value(result, f"Δ{name}")
        for key, expected in tool_state(optimizer, states[p]).items():
            assert value(result, f"{key}_{name}") == pytest.approx(expected, rel=1e-10, abs=1e-300)
        assert value(result, f"{name}_after3") == pytest.approx(later, rel=1e-10)
        assert value(result, f"{name}_after1") == value(result, f"{name}_new")
    assert value(result, "loss_after3") == pytest.approx(losses[3], rel=1e-10)
    assert value(result, "loss_after0") == result.loss


@pytest.mark.slow
def test_mazurs_error_after_10000_rounds_as_printed():
    # Mazur, "A Step by Step Backpropagation Example": "After repeating this process 10,000 times,
    # ... the error plummets to 0.0000351085". His 10,000th round computes that error in its
    # forward pass, before its own update: the loss after 9,999 updates.
    result = load_example("mazur-2-2-2").compute()
    assert round(value(result, "E_total_after9999"), 10) == 0.0000351085
    assert value(result, "loss_after10000") < value(result, "loss_after9999")


def test_partials_in_key_and_check(tmp_path, monkeypatch):
    _, _, _, text = problem("sgd")
    (tmp_path / "net.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    asked = ["dyhat1/dz21[1]", "dz21/da12[2]", "∂yhat2/∂z11[1]", "da11/dw111[2]", "dyhat1/dx2[1]", "Δw111",
             "w212_after2", "loss_after2"]
    key = invoke("key", "net.yaml", *[a for q in asked for a in ("--quantity", q)], "--decimals", "5", expect=0).stdout
    (tmp_path / "key.yaml").write_text(key)
    data = json.loads(invoke("check", "key.yaml", "--format", "json").stdout)
    assert data["passed"] == len(asked) and data["failed"] == 0, data
    result = load_spec(tmp_path / "net.yaml").compute()
    w = result.network.layers[1].weights[0, 1]
    assert value(result, "dz21/da12[2]") == w  # local: the weight itself
    wrong = key.replace(f"dz21/da12[2]: {w:.5f}", f"dz21/da12[2]: {w + 0.1:.5f}")
    (tmp_path / "wrong.yaml").write_text(wrong)
    by = {r["quantity"]: r for r in json.loads(invoke("check", "wrong.yaml", "--format", "json").stdout)["files"][0]
          ["results"]}
    assert by["dz21/da12[2]"]["verdict"] == "wrong" and by["dyhat1/dz21[1]"]["verdict"] == "right"


@pytest.mark.parametrize("text, message", [
    ("m_w111", "sgd keeps no m"),
    ("w111_after999999", "more than a check works out"),
    ("dyhat1/dz21", "the spec is a batch of 2 samples"),
    ("dyhat1/dz21[3]", "there is no sample 3"),
    ("dz31/dz21[1]", "no z31"),
    ("Δw311", "no parameter w311"),
])
def test_what_is_refused(text, message):
    _, _, _, spec = problem("sgd")
    result = load_spec(text=spec).compute()
    with pytest.raises(QuantityError, match=message):
        value(result, text)


def test_an_unknown_one_in_an_answers_file_is_not_graded_with_a_hint(tmp_path):
    _, _, _, spec = problem("adam")
    (tmp_path / "net.yaml").write_text(spec)
    (tmp_path / "a.yaml").write_text("spec: net.yaml\nanswers:\n  velocity_w111: 0.1\n  w111_after2000000: 1\n")
    data = json.loads(invoke("check", tmp_path / "a.yaml", "--format", "json").stdout)
    verdicts = {r["quantity"]: r["verdict"] for r in data["files"][0]["results"]}
    assert verdicts == {"velocity_w111": "not_graded", "w111_after2000000": "not_graded"}


@pytest.mark.parametrize("text", ["z21_after3", "a11_after2", "yhat1_after2", "q9_after2", "delta_z21", "Δa11",
                                  "Δq9", "velocity_z21", "m_a11", "v_q9"])
def test_only_a_weight_or_a_bias_has_a_value_after_updates_a_change_or_a_state(text):
    from backprop_cli.grading.quantities import QuantityError, parse_quantity

    with pytest.raises(QuantityError, match="unknown quantity"):
        parse_quantity(text)


def test_a_weight_after_updates_its_change_and_its_state_are_read():
    from backprop_cli.grading.quantities import parse_quantity

    got = {text: (q.kind, str(q.name)) for text in ("w212_after3", "w212_after1", "b21_after2", "loss_after3",
                                                    "delta_w212", "Δb21", "velocity_w212", "m_b21")
           for q in [parse_quantity(text)]}
    assert got == {"w212_after3": ("after:3", "w212"), "w212_after1": ("updated", "w212"),
                   "b21_after2": ("after:2", "b21"), "loss_after3": ("after:3", "L"), "delta_w212": ("delta", "w212"),
                   "Δb21": ("delta", "b21"), "velocity_w212": ("state:velocity", "w212"), "m_b21": ("state:m", "b21")}


def test_a_state_the_optimiser_does_not_keep_is_refused_and_the_others_are_checked_as_they_are():
    from backprop_cli.grading.quantities import QuantityError, check_quantity, parse_quantity

    def computed(optimizer):
        return load_spec(text=yaml.safe_dump({
            "input": [0.05, 0.1], "target": [0.5], "loss": "squared_error", "learning_rate": 0.1,
            "optimizer": optimizer, "layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2]], "biases": [0.35]}]},
            default_flow_style=None)).compute()

    r, names = computed({"name": "momentum", "beta": 0.9}), make_notation("default")
    for text in ("w111_after2", "loss_after3", "Δw111", "delta_b11", "velocity_w111"):
        check_quantity(r, parse_quantity(text), names)  # no error
    with pytest.raises(QuantityError, match=r"momentum keeps no m \(it keeps velocity_w111\)"):
        check_quantity(r, parse_quantity("m_w111"), names)
    with pytest.raises(QuantityError, match=r"sgd keeps no velocity \(it keeps nothing\)"):
        check_quantity(computed("sgd"), parse_quantity("velocity_w111"), names)
