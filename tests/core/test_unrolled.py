"""The coupled computation as a graph of named scalar nodes (core.unrolled): its path counts are the
independent oracle's and brute-force enumeration's, its sums over paths are the engine's gradients,
and a hostile unrolling is refused from its shapes before any edge is built."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from oracle_coupled import build_norm, build_sequence
from strategies_coupled import batches, sequences

from backprop_cli import load_spec
from backprop_cli.core.unrolled import MAX_EDGES, edge_count, graph_of
from backprop_cli.errors import UsageError


@settings(max_examples=6, deadline=None)
@given(sequences())
def test_a_recurrent_weights_path_count_is_the_oracles_and_brute_force(spec):
    result = load_spec(text=json.dumps(spec)).compute()
    graph = build_sequence(spec)
    counts = graph.count("L")
    for name in ("wh111", "wx111", "b11"):
        traced = result.trace(name, max_paths=3)
        assert traced.path_count == counts[name]
        assert traced.path_count == len(graph.enumerate("L", name))
        assert sum(position[2] for position in traced.positions) == traced.path_count


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(batches())
def test_a_batch_norm_inputs_path_count_is_brute_forces(spec):
    result = load_spec(text=json.dumps(spec)).compute()
    graph = build_norm(spec)
    for name in ("w111", "gamma21", "beta21"):
        assert result.trace(name, max_paths=2).path_count == len(graph.enumerate("L", name)) == graph.count("L")[name]



@settings(max_examples=6, deadline=None)
@given(sequences())
def test_the_graphs_sums_over_paths_are_the_engines_gradients(spec):
    result = load_spec(text=json.dumps(spec)).compute()
    graph = graph_of(result)
    counts, adjoints = graph.counts(), graph.adjoints()
    for name, _, gradient, _ in result.parameters():
        node = graph.ids[name]
        assert counts[node] == len(graph.enumerate(node))
        assert adjoints[node] == pytest.approx(gradient, rel=1e-9, abs=1e-12)


def test_the_best_paths_are_the_largest_of_all_listed():
    spec = {"sequence": [[1, 0], [0.5, -1], [0.2, 0.3]], "targets": [[0.5], [0.1], [-0.2]], "loss": "squared_error",
            "layers": [{"type": "recurrent", "input_weights": [[0.1, -0.2], [0.3, 0.4]],
                        "recurrent_weights": [[0.5, -0.3], [0.2, 0.1]], "biases": [0.1, -0.1]},
                       {"activation": "linear", "weights": [[0.7, -0.6]], "biases": [0.05]}]}
    graph = graph_of(load_spec(text=json.dumps(spec)).compute())
    target = graph.ids["wh112"]
    products = []
    for nodes in graph.enumerate(target):
        product = 1.0
        for upper, lower in zip(nodes, nodes[1:]):
            product *= next(v for child, v, _ in graph.edges[upper] if child == lower)
        products.append(abs(product))
    best = [abs(p) for p, _, _, _ in graph.best(3)[target]]
    assert best == pytest.approx(sorted(products, reverse=True)[:3], rel=1e-15)


def test_an_unrolling_too_large_is_refused_from_its_shapes():
    units = 40
    spec = {"sequence": [[0.1]] * 500, "target": [1], "loss": "mse", "layers": [
        {"type": "recurrent", "input_weights": [[1]] * units, "recurrent_weights": [[0.01] * units] * units},
        {"activation": "linear", "weights": [[1] * units]}]}
    result = load_spec(text=json.dumps(spec)).compute()
    assert edge_count(result) > MAX_EDGES
    with pytest.raises(UsageError, match="too many to trace path by path"):
        graph_of(result)


@pytest.mark.slow
def test_a_k_best_search_too_wide_is_refused_before_it_runs():
    units = 12
    spec = {"sequence": [[0.1]] * 60, "targets": [[0.1]] * 60, "loss": "mse", "layers": [
        {"type": "recurrent", "input_weights": [[0.5]] * units, "recurrent_weights": [[0.01] * units] * units},
        {"activation": "linear", "weights": [[1] * units]}]}
    graph = graph_of(load_spec(text=json.dumps(spec)).compute())
    with pytest.raises(UsageError, match="ask for fewer with --max-paths"):
        graph.best(5_000)
    assert graph.best(2) is graph.best(2)  # one search for every trace that asks
