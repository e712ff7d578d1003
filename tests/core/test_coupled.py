"""The recurrent and batch-norm layers (core.coupled) against the independent oracle
(tests/oracle_coupled.py): on random small networks, every loss, both activations of nn.RNN, targets
on the last step or on every step, every gradient agrees to 1e-9 of its paths' magnitude (Σ|product|,
the scale rounding is measured against), and with finite differences of the oracle's forward pass
alone; the catalogued slips' variants (BPTT truncated, μ and σ² as constants, the unbiased variance)
differ from the truth."""
from __future__ import annotations

import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from oracle_coupled import build_norm, build_sequence, finite_difference
from strategies_coupled import batches, sequences

from backprop_cli import load_spec

# COUPLED_EXAMPLES=400 for a longer search than the suite's
FAST = settings(max_examples=int(os.environ.get("COUPLED_EXAMPLES", 12)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _agree(spec: dict, graph) -> None:
    result = load_spec(text=json.dumps(spec)).compute()
    exact, scale = graph.gradients("L"), graph.gradients("L", absolute=True)
    # a saturated output costs the oracle's own loss digits: its σ(z) near 1 holds 1 − ŷ to one unit of
    # float64 near 1, so log(1 − ŷ) is off by up to ε/(1 − ŷ) ≤ ε·e^L (σ(12.1875): 2e-11 of 12.19)
    saturated = 1e-15 * math.exp(min(graph.value["L"], 700.0))
    assert result.loss == pytest.approx(graph.value["L"], rel=1e-12, abs=max(saturated, 1e-300))
    for name, _, gradient, _ in result.parameters():
        assert abs(gradient - exact[name]) <= 1e-9 * scale[name] + 1e-300, (name, gradient, exact[name])


@pytest.mark.slow
@FAST
@given(sequences())
def test_a_recurrent_networks_gradients_are_the_oracles(spec):
    _agree(spec, build_sequence(spec))


@pytest.mark.slow
@FAST
@given(batches())
def test_a_batch_norm_networks_gradients_are_the_oracles(spec):
    _agree(spec, build_norm(spec))


def test_finite_differences_of_the_oracles_forward_pass_agree_with_the_engine():
    spec = {"sequence": [[1, 0], [0.5, -1], [0.2, 0.3]], "targets": [[0.5], [0.1], [-0.2]],
            "loss": "squared_error", "layers": [
                {"type": "recurrent", "input_weights": [[0.1, -0.2], [0.3, 0.4]],
                 "recurrent_weights": [[0.5, -0.3], [0.2, 0.1]], "biases": [0.1, -0.1]},
                {"activation": "linear", "weights": [[0.7, -0.6]], "biases": [0.05]}]}
    result = load_spec(text=json.dumps(spec)).compute()
    assert result.gradient("wh112") == pytest.approx(finite_difference(spec, ("layers", 0, "recurrent_weights", 0,
                                                                              1)), rel=1e-7)
    assert result.gradient("wx121") == pytest.approx(finite_difference(spec, ("layers", 0, "input_weights", 1, 0)),
                                                     rel=1e-7)
    norm = {"inputs": [[1, 2], [0, 1], [2, -1]], "targets": [[1], [0], [1]], "loss": "squared_error", "layers": [
        {"activation": "linear", "weights": [[0.1, -0.2], [0.3, 0.4]]},
        {"type": "batchnorm", "gamma": [1.0, 0.5], "beta": [0.0, 0.1], "activation": "relu"},
        {"activation": "sigmoid", "weights": [[0.7, -0.6]]}]}
    result = load_spec(text=json.dumps(norm)).compute()
    assert result.gradient("w112") == pytest.approx(finite_difference(norm, ("layers", 0, "weights", 0, 1)), rel=1e-6)
    assert result.gradient("gamma22") == pytest.approx(finite_difference(norm, ("layers", 1, "gamma", 1)), rel=1e-7)


def test_the_slips_variants_are_what_they_say():
    """truncated BPTT keeps each step's own δ; μ, σ² as constants keeps the direct path only."""
    import numpy as np

    from backprop_cli.core.coupled import BatchNorm, Recurrent
    from backprop_cli.core.functions import activation

    rnn = Recurrent(np.array([[0.5, 0.3]]), np.array([0.1]), activation("tanh"), 1)
    x = np.array([[1.0], [2.0], [-1.0]])
    z, h = rnn.run(x)
    grad_h = np.array([[0.0], [0.0], [1.0]])  # the loss on the last step only
    full = rnn.backward(grad_h, z, h, x)
    cut = rnn.replace(slip="bptt_truncated").backward(grad_h, z, h, x)
    assert cut[3][:2].tolist() == [[0.0], [0.0]] and full[3][1, 0] != 0  # no δ flows back in time
    assert cut[3][2, 0] == full[3][2, 0]
    wrong = rnn.replace(slip="recurrent_factor_wrong_step").backward(grad_h, z, h, x)
    # step 2's total ∂L/∂h: from step 3 through W_h times tanh′ at step 2 (the wrong step), not step 3
    assert wrong[4][1, 0] == pytest.approx(1.0 * (1 - h[1, 0] ** 2) * 0.3, rel=1e-15)
    assert full[4][1, 0] == pytest.approx(1.0 * (1 - h[2, 0] ** 2) * 0.3, rel=1e-15)
    norm = BatchNorm(np.array([2.0]), np.array([0.0]))
    x = np.array([[1.0], [2.0], [4.0]])
    delta = np.array([[1.0], [0.0], [0.0]])
    direct = norm.replace(slip="batchnorm_mu_var_constant").backward(delta, x)[0]
    assert direct[1:].tolist() == [[0.0], [0.0]]  # another sample's input is not reached
    assert np.all(norm.backward(delta, x)[0][1:] != 0)
    assert norm.backward(delta, x)[0].sum() == pytest.approx(0.0, abs=1e-15)  # a shift of every x changes nothing
    unbiased = norm.replace(slip="unbiased_variance").statistics(x)[1]
    assert unbiased[0] == pytest.approx(7.0 / 3.0) and norm.statistics(x)[1][0] == pytest.approx(14.0 / 9.0)
