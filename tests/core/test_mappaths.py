"""Paths through convolution and pooling against brute-force enumeration on the oracle's graph
(tests/oracle_maps.py): exact counts, every path's nodes and product, the k best, and a shared
weight's gradient as the sum over its positions."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_maps import build

from backprop_cli import load_spec
from backprop_cli.core.mappaths import counts, trace_node, trace_parameter
from backprop_cli.core.names import notation
from core.test_mapnet import random_map_spec, to_yaml

DEFAULT = notation("default")


def _small(seed, dims, loss="cross_entropy", samples=1):
    spec, inputs, targets = random_map_spec(seed, dims, samples, loss, hidden="relu")
    result = load_spec(text=to_yaml(spec, inputs, targets)).compute()
    return spec, inputs, targets, result


@pytest.mark.slow
@pytest.mark.parametrize("dims", [1, 2])
@pytest.mark.parametrize("seed", range(5))
def test_counts_and_every_path_agree_with_brute_force(seed, dims):
    spec, inputs, targets, result = _small(seed, dims)
    graph = build(spec, inputs[0], targets[0])
    exact = graph.count("L")
    names = result.traced_names()
    for name in names[::max(1, len(names) // 24)]:  # two dozen spread over the network: every kind, quickly
        truth = graph.enumerate("L", name)
        assert exact[name] == len(truth)
        traced = trace_parameter(result, name, DEFAULT, max_paths=len(truth))
        assert traced.path_count == len(truth), name
        got = sorted((tuple(p.nodes), round(p.product, 12)) for p in traced.paths)
        assert got == sorted((tuple(nodes), round(product, 12)) for nodes, product in truth), name
        assert sum(p.product for p in traced.paths) == pytest.approx(traced.gradient, rel=1e-9, abs=1e-12)
        assert sum(row[2] for row in traced.positions) in (0, len(truth))  # dense parameters list none
        assert sum(row[3] for row in traced.positions) == pytest.approx(traced.gradient if traced.positions else 0)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_the_k_best_are_the_largest_of_all_paths(seed):
    spec, inputs, targets, result = _small(seed, 2)
    graph = build(spec, inputs[0], targets[0])
    for name in result.traced_names()[:6]:
        truth = sorted((abs(product) for _, product in graph.enumerate("L", name)), reverse=True)
        traced = trace_parameter(result, name, DEFAULT, max_paths=3)
        assert [abs(p.product) for p in traced.paths] == pytest.approx(truth[:3], rel=1e-12, abs=1e-15)
        assert traced.omitted_sum == pytest.approx(traced.gradient - sum(p.product for p in traced.paths), abs=1e-12)


@pytest.mark.slow
def test_node_quantities_have_their_paths_and_counts():
    spec, inputs, targets, result = _small(2, 2)
    graph = build(spec, inputs[0], targets[0])
    exact = graph.count("L")
    for name in [n for n in graph.order if n[0] in "xza"][:40]:
        truth = graph.enumerate("L", name)
        traced = trace_node(result, name, notation=DEFAULT, max_paths=max(len(truth), 1))
        assert traced.path_count == exact[name] == len(truth)
        assert sorted(round(p.product, 12) for p in traced.paths) == sorted(round(x, 12) for _, x in truth)


@pytest.mark.slow
def test_counts_are_exact_integers_beyond_float64():
    text = ("input: [" + ", ".join(["1"] * 8) + "]\ntarget: [1]\nloss: squared_error\nlayers:\n"
            + "  - {type: conv1d, weights: [[[1, 1]], [[1, 1]]]}\n"
            + "".join("  - {type: conv1d, weights: [[[1, 1], [1, 1]], [[1, 1], [1, 1]]], padding: 1}\n"
                      for _ in range(60))
            + "  - {activation: linear, weights: [[" + ", ".join(["0.01"] * 14 * 4) + "]]}\n").replace(
        "[[" + ", ".join(["0.01"] * 14 * 4), "[[" + ", ".join(["0.01"] * (2 * 67)))
    result = load_spec(text=text).compute()
    total = counts(result)[("a", 0)].sum()
    assert isinstance(total, int) and total > 2**64
    traced = trace_parameter(result, "w1_1_1_1", DEFAULT, max_paths=4)
    assert traced.path_count > 2**64 and len(traced.paths) == 4


@pytest.mark.slow
@pytest.mark.parametrize("dims", [1, 2])
def test_a_batch_has_every_samples_paths_and_their_sum_is_the_gradient(dims):
    spec, inputs, targets, result = _small(7, dims, loss="squared_error", samples=2)
    for name in result.traced_names():
        alone = sum(len(build(spec, x, y).enumerate("L", name)) for x, y in zip(inputs, targets))
        traced = trace_parameter(result, name, DEFAULT, max_paths=alone)
        assert traced.path_count == alone and len(traced.paths) == alone
        assert sum(p.product for p in traced.paths) == pytest.approx(traced.gradient, rel=1e-9, abs=1e-12)
        assert {p.sample for p in traced.paths} <= {1, 2} and traced.paths[0].factors[0].formula == "1/n"
        one = trace_parameter(result, name, DEFAULT, max_paths=alone, sample=2)
        assert one.gradient == pytest.approx(result.per_sample_gradient(name)[1], rel=1e-12, abs=1e-15)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), dims=st.sampled_from([1, 2]),
       loss=st.sampled_from(["cross_entropy", "squared_error", "none"]))
@pytest.mark.slow
def test_random_networks_counts_and_sums_against_brute_force(seed, dims, loss):
    spec, inputs, targets, result = _small(seed, dims, loss=loss)
    truth_targets = targets if loss != "none" else [targets[0]]
    graph = build(spec, inputs[0], truth_targets[0])
    exact = graph.count("L")
    for name in result.traced_names():
        traced = trace_parameter(result, name, DEFAULT, max_paths=5)
        assert traced.path_count == exact[name], name
        assert sum(p.product for p in traced.paths) + traced.omitted_sum == pytest.approx(traced.gradient, abs=1e-12)
