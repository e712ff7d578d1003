"""A pass through batch norm (core.normresult): μ, σ² and x̂ by name, a bias just before batch norm
whose paths cancel made exactly 0 (and said to cancel), and Σ|product| bounding every gradient."""
from __future__ import annotations

import pytest

from backprop_cli import load_spec
from backprop_cli.core.normresult import path_sums
from backprop_cli.core.unrolled import graph_of

SPEC = """\
inputs: [[1, 2], [0, 1], [2, -1], [0.5, 0.5]]
targets: [[1], [0], [1], [0]]
loss: squared_error
layers:
  - activation: linear
    weights: [[0.1, -0.2], [0.3, 0.4]]
    biases: [0.3, -0.1]
  - type: batchnorm
    gamma: [1.0, 0.5]
    beta: [0, 0.1]
    activation: tanh
  - activation: sigmoid
    weights: [[0.7, -0.6]]
"""


def test_mu_var_and_xhat_by_name():
    result = load_spec(text=SPEC).compute()
    x = result.a[1][:, 0]
    mu = x.mean()
    assert result.forward["mu21"] == pytest.approx(mu, abs=1e-15)
    assert result.forward["var21"] == pytest.approx(((x - mu) ** 2).mean(), rel=1e-14)  # biased
    assert result.forward["xhat21"] == pytest.approx((x - mu) / (((x - mu) ** 2).mean() + 1e-5) ** 0.5, rel=1e-14)


def test_a_bias_before_batch_norm_cancels_to_exactly_0():
    result = load_spec(text=SPEC).compute()
    for name in ("b11", "b12"):
        assert result.gradient(name) == 0.0 and result.cancelled(name)
        assert result.updated(name) == result.value(name)
    assert not result.cancelled("w111") and result.gradient("w111") != 0


def test_path_sums_bound_every_gradient_by_the_graphs_absolute_sums():
    result = load_spec(text=SPEC).compute()
    weights, biases = path_sums(result)
    graph = graph_of(result)
    absolute = [0.0] * len(graph.names)
    absolute[0] = 1.0
    for node in graph.order():
        for child, value, _ in graph.edges[node]:
            absolute[child] += absolute[node] * abs(value)
    assert weights[1][0, 0] == pytest.approx(absolute[graph.ids["w111"]], rel=1e-12)
    assert biases[2][1] == pytest.approx(absolute[graph.ids["beta22"]], rel=1e-12)
    assert weights[2][0] == pytest.approx(absolute[graph.ids["gamma21"]], rel=1e-12)
