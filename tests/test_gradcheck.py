"""gradcheck: agrees on correct gradients, catches a wrong derivative, reports relu kinks."""
import json

import numpy as np
import pytest
from conftest import EXAMPLES, as_network, invoke, random_layers, targets_for
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_cli.core import functions
from backprop_cli.core.engine import run
from backprop_cli.core.gradcheck import gradcheck

KINK = "input: [0]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: relu\n    weights: [[1]]\n" \
       "  - activation: linear\n    weights: [[2]]\n"


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_passes(example):
    result = invoke("gradcheck", "--example", example, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["passed"] and all(p["status"] == "ok" for p in data["parameters"])
    assert all(p["error"] < 1e-6 for p in data["parameters"])


def test_a_wrong_derivative_is_caught_with_exit_1(monkeypatch):
    wrong = functions.ACTIVATIONS["sigmoid"].replace(derivative=lambda z, a: a * (1.0 - a) * 1.01)
    monkeypatch.setitem(functions.ACTIVATIONS, "sigmoid", wrong)
    result = invoke("gradcheck", "--example", "padhai-4-4-2")
    assert result.exit_code == 1
    assert "✗ fail" in result.output and "15 over tolerance" in result.output


def test_a_relu_kink_is_reported_not_failed():
    result = invoke("gradcheck", "-", "--format", "json", input=KINK)
    assert result.exit_code == 0
    statuses = {p["name"]: p["status"] for p in json.loads(result.output)["parameters"]}
    assert statuses["b11"] == "kink" and statuses["w211"] == "ok"


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
       hidden=st.sampled_from(sorted(functions.ACTIVATIONS)), loss=st.sampled_from(["squared_error", "mse"]))
@pytest.mark.slow
def test_random_networks_never_fail(seed, sizes, hidden, loss):
    rng = np.random.default_rng(seed)
    layers = random_layers(rng, sizes, hidden, "linear")
    inputs, targets = rng.uniform(-1, 1, (2, sizes[0])), np.array(targets_for(rng, loss, 2, sizes[-1]))
    result = run(as_network(layers, loss), inputs, targets)
    assert all(c.status != "fail" for c in gradcheck(result)), [c for c in gradcheck(result) if c.status == "fail"]


def test_a_small_gradient_is_judged_against_what_the_difference_can_resolve():
    # a 1-1-1-1 leaky relu chain (hypothesis found it): ∂L/∂b11 = −4.16e-5, its central difference
    # off by 4.4e-11, float64's own noise in (L(b + eps) − L(b − eps)) / 2eps: no failure
    rng = np.random.default_rng(5654)
    layers = random_layers(rng, [1, 1, 1, 1], "leaky_relu", "linear")
    inputs, targets = rng.uniform(-1, 1, (2, 1)), np.array(targets_for(rng, "squared_error", 2, 1))
    checks = {c.name: c for c in gradcheck(run(as_network(layers, "squared_error"), inputs, targets))}
    assert checks["b11"].status == "ok" and abs(checks["b11"].backprop - checks["b11"].numeric) < 1e-10
