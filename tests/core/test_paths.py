"""core.paths: path counts and k-best paths against brute-force enumeration (tests/oracle.py)."""
import itertools

import numpy as np
import pytest
from oracle import enumerate_paths

from backprop_cli.core.engine import run
from backprop_cli.core.functions import LOSSES, activation
from backprop_cli.core.names import notation
from backprop_cli.core.network import Layer, Network
from backprop_cli.core.paths import (
    Factor,
    ParameterTrace,
    Path,
    best_paths,
    count_paths,
    jacobians,
    locate_node,
    split_sample,
    trace_node,
    trace_parameter,
)

DEFAULT = notation("default")


def make(layers, loss, reduction="mean"):
    return Network([Layer(np.array(l["weights"], float), np.array(l["biases"], float),
                          activation(l["activation"], l.get("alpha"))) for l in layers], LOSSES[loss], reduction)


def random_layers(seed, sizes, acts):
    rng = np.random.default_rng(seed)
    return [{"activation": act, "weights": rng.uniform(-1, 1, (sizes[i + 1], sizes[i])).tolist(),
             "biases": rng.uniform(-0.5, 0.5, sizes[i + 1]).tolist()} for i, act in enumerate(acts)]


NETS = [([2, 3, 2], ["tanh", "softmax"], "cross_entropy"),
        ([3, 2, 3, 2], ["softmax", "sigmoid", "linear"], "squared_error"),
        ([2, 2, 2, 3], ["tanh", "softmax", "softmax"], "mse"),
        ([1, 2, 1], ["leaky_relu", "sigmoid"], "binary_cross_entropy")]


@pytest.mark.parametrize("case", range(len(NETS)))
def test_counts_and_every_path_against_brute_force(case):
    sizes, acts, loss = NETS[case]
    layers = random_layers(case, sizes, acts)
    x = np.random.default_rng(case + 10).uniform(-1, 1, sizes[0]).tolist()
    y = [0.3] * sizes[-1] if loss != "cross_entropy" else [0.0, 1.0]
    result = run(make(layers, loss), np.array([x]), np.array([y]))
    softmax = {p for p, act in enumerate(acts, start=1) if act == "softmax"}
    for layer in range(1, len(sizes)):
        for j, k in itertools.product(range(1, sizes[layer] + 1), range(1, sizes[layer - 1] + 1)):
            brute = enumerate_paths(layers, x, y, loss, layer, j, k)
            assert count_paths(sizes, softmax, layer, j) == len(brute)
            trace = trace_parameter(result, f"w{layer}{j}{k}", DEFAULT, 1000)
            assert trace.path_count == len(brute) == len(trace.paths)
            assert [p.product for p in trace.paths] == pytest.approx(
                sorted((p for p, _ in brute), key=lambda v: -abs(v)), rel=1e-9, abs=1e-15)
            assert sum(p.product for p in trace.paths) == pytest.approx(trace.gradient, rel=1e-9, abs=1e-14)
            assert trace.omitted_sum == 0.0
            for path in trace.paths:
                product = 1.0
                for factor in path.factors:
                    product *= factor.value
                assert product == path.product
            # the k best are the k largest of all
            top = trace_parameter(result, f"w{layer}{j}{k}", DEFAULT, 2)
            assert [p.product for p in top.paths] == pytest.approx([p.product for p in trace.paths[:2]])
            assert top.omitted_sum == pytest.approx(trace.gradient - sum(p.product for p in trace.paths[:2]))


def test_count_paths_by_hand():
    assert count_paths([3, 4, 2], set(), 2, 1) == 1
    assert count_paths([3, 4, 2], set(), 1, 3) == 2
    assert count_paths([3, 4, 2], {2}, 2, 1) == 2
    assert count_paths([3, 4, 2], {2}, 1, 1) == 2 * 2  # (ŷi, z2m) pairs
    assert count_paths([3, 4, 5, 2], {1, 3}, 1, 1) == (2 * 2) * 5 * 4
    assert count_paths([3, 4, 5, 2], set(), 1, 4) == 2 * 5


def test_factors_of_a_chain_are_spelt_out():
    layers = [{"activation": "sigmoid", "weights": [[0.5]], "biases": [0.1]},
              {"activation": "sigmoid", "weights": [[-0.8]], "biases": [0.2]}]
    result = run(make(layers, "squared_error"), np.array([[1.5]]), np.array([[1.0]]), 0.5)
    trace = trace_parameter(result, "w111", DEFAULT, 8)
    (path,) = trace.paths
    assert path.nodes == ["L", "yhat1", "z21", "a11", "z11", "w111"]
    assert [f.symbol for f in path.factors] == ["∂L/∂yhat1", "∂yhat1/∂z21", "∂z21/∂a11", "∂a11/∂z11", "∂z11/∂w111"]
    assert [f.formula for f in path.factors] == ["2(yhat1 − y1)", "yhat1(1 − yhat1)", "w211", "a11(1 − a11)", "x1"]
    a1, y2 = result.a[1][0, 0], result.a[2][0, 0]
    assert [f.value for f in path.factors] == pytest.approx([2 * (y2 - 1), y2 * (1 - y2), -0.8, a1 * (1 - a1), 1.5])
    assert path.sample is None
    assert trace.name == "w111" and trace.value == 0.5 and trace.learning_rate == 0.5 and trace.layer == 1
    assert trace.updated == pytest.approx(0.5 - 0.5 * trace.gradient) and not trace.frozen and not trace.node
    assert trace.per_sample == [] and not trace.cancelled
    bias = trace_parameter(result, "b21", notation("padhai"), 8)
    assert bias.paths[0].nodes == ["L", "yhat1", "a21", "b21"]
    assert bias.paths[0].factors[-1] == Factor("∂a21/∂b21", "1", 1.0)
    assert bias.layer == 2


def test_batch_paths_carry_the_mean_factor():
    layers = [{"activation": "linear", "weights": [[2.0]], "biases": [0.0]}]
    for reduction, formula, weight in (("mean", "1/n", 0.5), ("sum", "1", 1.0)):
        result = run(make(layers, "half_squared_error", reduction), np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
        trace = trace_parameter(result, "w111", DEFAULT, 8)
        assert trace.path_count == 2
        first = trace.paths[0]  # sample 2: (6 − 1)·3 = 15 is the larger
        assert first.sample == 2 and first.nodes == ["L", "L[2]", "yhat1[2]", "z11[2]", "w111"]
        assert first.factors[0] == Factor("∂L/∂L[2]", formula, weight)
        assert first.factors[1].symbol == "∂L[2]/∂yhat1[2]" and first.factors[1].formula == "yhat1[2] − y1[2]"
        assert first.product == pytest.approx(weight * 15.0)
        assert trace.per_sample == [(1, 2.0), (2, 15.0)]
        assert trace.gradient == pytest.approx(weight * 17.0)
        one = trace_parameter(result, "w111", DEFAULT, 8, sample=1)
        assert one.gradient == 2.0 and one.path_count == 1 and one.paths[0].sample is None and one.per_sample == []
        assert one.paths[0].nodes == ["L", "yhat1", "z11", "w111"]


def test_softmax_cross_factor_formula():
    layers = [{"activation": "softmax", "weights": [[0.5], [-0.5]], "biases": [0.0, 0.0]}]
    result = run(make(layers, "cross_entropy"), np.array([[1.0]]), np.array([[0.0, 1.0]]))
    trace = trace_parameter(result, "w111", DEFAULT, 8)
    assert trace.path_count == 2
    formulas = {p.factors[1].formula for p in trace.paths}
    assert formulas == {"yhat1(1 − yhat1)", "−yhat2·yhat1"}
    # the path through ŷ1 has ∂L/∂ŷ1 = 0 (y1 = 0): grouped as one zero line
    kept, groups = trace.grouped()
    assert len(kept) == 1 and kept[0].nodes[1] == "yhat2"
    assert len(groups) == 1 and groups[0].count == 1 and groups[0].factor.symbol == "∂L/∂yhat1"


def test_grouped_collects_paths_by_their_first_zero_factor():
    zero = Factor("∂a/∂z[1]", "0", 0.0)
    paths = [Path(["L"], [Factor("x", "1", 1.0), zero], 0.0), Path(["L"], [zero], 0.0),
             Path(["L"], [Factor("∂a/∂z[2]", "0", 0.0)], 0.0), Path(["L"], [Factor("w", "w", 2.0)], 2.0)]
    trace = ParameterTrace("w", 0, 0, 0, 0.1, 4, paths, 0.0)
    kept, groups = trace.grouped()
    assert kept == [paths[3]]
    assert [(g.factor, g.count) for g in groups] == [(zero, 3)]


def test_split_sample():
    assert split_sample("x1[2]", None) == ("x1", 2)
    assert split_sample(" z13[10] ", 4) == ("z13", 10)
    assert split_sample("z13", 3) == ("z13", 3)
    assert split_sample("z13", None) == ("z13", 1)


def two_layer_result(samples=1):
    layers = [{"activation": "tanh", "weights": [[0.4, -0.6], [0.9, 0.2], [-0.3, 0.8]], "biases": [0.1, -0.2, 0.05]},
              {"activation": "sigmoid", "weights": [[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]], "biases": [0.1, -0.3]}]
    x = [[0.3, -0.8], [1.0, 0.5]][:samples]
    y = [[0.2, 0.9], [0.6, 0.1]][:samples]
    return layers, x, y, run(make(layers, "squared_error"), np.array(x), np.array(y))


def test_locate_node():
    *_, result = two_layer_result()
    assert locate_node(result, "z13", DEFAULT) == ("z", 1, 3)
    assert locate_node(result, "a12", DEFAULT) == ("a", 1, 2)
    assert locate_node(result, "x2", DEFAULT) == ("a", 0, 2)
    assert locate_node(result, "yhat1", DEFAULT) == ("a", 2, 1)
    padhai = notation("padhai")
    assert locate_node(result, "a13", padhai) == ("z", 1, 3) and locate_node(result, "h21", padhai) == ("a", 2, 1)
    assert locate_node(result, "out", notation("default", {"a11": "out"})) == ("a", 1, 1)
    with pytest.raises(ValueError, match=r"'w111' is not a node of the network: write x\{k\}, z\{layer\}\{neuron\}, "
                                         r"a\{layer\}\{neuron\} or yhat\{j\} \(default notation\)"):
        locate_node(result, "w111", DEFAULT)
    with pytest.raises(ValueError, match=r"the network has no z14: layer 0 \(input\): 2 neurons, layer 1: 3 neurons, "
                                         r"layer 2: 2 neurons"):
        locate_node(result, "z14", DEFAULT)
    for bad in ("z31", "x3", "yhat3", "a31"):
        with pytest.raises(ValueError, match="the network has no"):
            locate_node(result, bad, DEFAULT)
    layers = [{"activation": "linear", "weights": [[1.0]], "biases": [0.0]}]
    one = run(make(layers, "mse"), np.array([[1.0]]), np.array([[0.0]]))
    with pytest.raises(ValueError, match=r"layer 0 \(input\): 1 neuron, layer 1: 1 neuron$"):
        locate_node(one, "z12", DEFAULT)


def brute_node_paths(layers, x, y, loss, what, layer, neuron):
    """Products of the paths to z(layer)neuron or a(layer)neuron, by enumeration of the weight paths:
    a path to z(l)j is one to w(l)jk with its last factor (a(l−1)k) dropped."""
    if what == "z":
        return [p / 1.0 for p, _ in enumerate_paths(layers, x, y, loss, layer, neuron, None)]
    found = []
    for m in range(len(layers[layer]["weights"])):
        for p, _ in enumerate_paths(layers, x, y, loss, layer + 1, m + 1, None):
            found.append(p * layers[layer]["weights"][m][neuron - 1])
    return found


def test_trace_node_against_brute_force():
    layers, x, y, result = two_layer_result()
    for name, what, layer, neuron in (("z12", "z", 1, 2), ("a13", "a", 1, 3), ("x2", "a", 0, 2), ("z21", "z", 2, 1)):
        trace = trace_node(result, name, notation=DEFAULT, max_paths=100)
        brute = brute_node_paths(layers, x[0], y[0], "squared_error", what, layer, neuron)
        assert trace.path_count == len(brute) == len(trace.paths)
        assert sorted(p.product for p in trace.paths) == pytest.approx(sorted(brute), rel=1e-9)
        assert trace.gradient == pytest.approx(sum(brute), rel=1e-9)
        assert trace.node and trace.omitted_sum == 0.0 and trace.layer == layer and trace.name == name
        assert trace.updated == trace.value
    trace = trace_node(result, "yhat2", notation=DEFAULT, max_paths=5)
    assert trace.path_count == 1 and trace.paths[0].nodes == ["L", "yhat2"]
    assert trace.paths[0].factors[0].formula == "2(yhat2 − y2)"
    assert trace.value == pytest.approx(result.a[2][0, 1]) and trace.gradient == pytest.approx(result.grad_a[2][0, 1])
    assert trace_node(result, "a11", notation=DEFAULT, max_paths=1).omitted_sum == pytest.approx(
        result.grad_a[1][0, 0] - trace_node(result, "a11", notation=DEFAULT, max_paths=1).paths[0].product)
    top = trace_node(result, "x1", notation=DEFAULT, max_paths=2)
    assert len(top.paths) == 2 and top.path_count == 6
    assert top.paths[0].nodes[-2:] == [top.paths[0].nodes[-2], "x1"]


def test_trace_node_of_a_batch_sample():
    layers, x, y, result = two_layer_result(samples=2)
    trace = trace_node(result, "z11", 2, notation=DEFAULT, max_paths=10)
    assert trace.name == "z11[2]"
    brute = brute_node_paths(layers, x[1], y[1], "squared_error", "z", 1, 1)
    assert trace.gradient == pytest.approx(0.5 * sum(brute), rel=1e-9)
    assert trace.value == pytest.approx(result.z[1][1, 0])
    assert trace.paths[0].nodes[:2] == ["L", "L[2]"]
    trace = trace_node(result, "x1", 1, notation=DEFAULT, max_paths=10)
    brute = brute_node_paths(layers, x[0], y[0], "squared_error", "a", 0, 1)
    assert trace.gradient == pytest.approx(0.5 * sum(brute), rel=1e-9)


def test_best_paths_stop_at_an_activation():
    *_, result = two_layer_result()
    found = best_paths(result, 1, 2, 10, 0, jacobians(result, 0), stop="a")
    assert len(found) == 2
    products = sorted(p for p, _, _ in found)
    g = result.grad_a[2][0] * result.a[2][0] * (1 - result.a[2][0])
    w = np.array([[0.7, -0.5, 0.3], [-0.2, 0.6, 0.9]])
    assert products == pytest.approx(sorted([g[0] * w[0, 1], g[1] * w[1, 1]]))
    for _, acts, pres in found:
        assert acts[-1] == 1 and len(acts) == 2 and len(pres) == 1
    found = best_paths(result, 1, 2, 0, 0, jacobians(result, 0))  # k is at least 1
    assert len(found) == 1


def test_repr_and_html(monkeypatch):
    from backprop_cli.core import computation

    path = Path(["L", "yhat1", "z11", "w111"], [Factor("a", "1", 2.0), Factor("b", "1", -0.25)], -0.5)
    assert repr(path) == "<Path L → yhat1 → z11 → w111: 2 factors, product -0.5>"
    trace = ParameterTrace("w111", 0.5, -0.125, 0.6, 0.1, 3, [path], 0.0)
    assert repr(trace) == "<ParameterTrace w111: gradient -0.125, 3 paths (1 shown)>"
    trace = ParameterTrace("w111", 0.5, 1234567.0, 0.6, 0.1, 1, [path], 0.0)
    assert repr(trace) == "<ParameterTrace w111: gradient 1.23457e+06, 1 path (all shown)>"
    trace = ParameterTrace("b1", 0.5, 2.0, 0.6, 0.1, 12345, [path] * 12345, 0.0)
    assert repr(trace) == "<ParameterTrace b1: gradient 2, 12,345 paths (all shown)>"
    assert path.kind == "path" and trace.kind == "trace"
    monkeypatch.setitem(computation.VIEWERS, "path", lambda p: f"<p>{len(p.nodes)}</p>")
    monkeypatch.setitem(computation.VIEWERS, "trace", lambda t: f"<p>{t.name}</p>")
    assert path._repr_html_() == "<p>4</p>" and trace._repr_html_() == "<p>b1</p>"


def oracle_node_name(node, depth):
    kind, p, n = node
    if kind == "z":
        return f"z{p}{n}"
    return f"yhat{n}" if p == depth else f"x{n}" if p == 0 else f"a{p}{n}"


@pytest.mark.parametrize("case", range(len(NETS)))
def test_every_path_s_nodes_and_factor_symbols_against_brute_force(case):
    sizes, acts, loss = NETS[case]
    layers = random_layers(case, sizes, acts)
    x = np.random.default_rng(case + 10).uniform(-1, 1, sizes[0]).tolist()
    y = [0.3] * sizes[-1] if loss != "cross_entropy" else [0.0, 1.0]
    result = run(make(layers, loss), np.array([x]), np.array([y]))
    depth = len(sizes) - 1
    for layer in range(1, len(sizes)):
        name = f"w{layer}{sizes[layer]}{sizes[layer - 1]}"
        brute = enumerate_paths(layers, x, y, loss, layer, sizes[layer], sizes[layer - 1])
        expected = sorted(["L"] + [oracle_node_name(n, depth) for n in nodes] + [name] for _, nodes in brute)
        trace = trace_parameter(result, name, DEFAULT, 1000)
        assert sorted(p.nodes for p in trace.paths) == expected
        for path in trace.paths:
            for factor, (upper, lower) in zip(path.factors, zip(path.nodes, path.nodes[1:])):
                assert factor.symbol == f"∂{upper}/∂{lower}"
                if upper.startswith("z") and lower.startswith("a"):  # ∂z(p)m/∂a(p−1)i = w(p)mi
                    assert factor.formula == f"w{upper[1:]}{lower[2:]}"


def softmax_hidden_result():
    layers = random_layers(7, [2, 3, 2], ["softmax", "tanh"])
    x, y = [0.4, -0.7], [0.1, 0.6]
    return layers, x, y, run(make(layers, "mse"), np.array([x]), np.array([y]))


def test_nodes_of_a_softmax_layer_against_brute_force():
    layers, x, y, result = softmax_hidden_result()
    for name, what, layer, neuron in (("z12", "z", 1, 2), ("a12", "a", 1, 2), ("x1", "a", 0, 1)):
        trace = trace_node(result, name, notation=DEFAULT, max_paths=100)
        if what == "z":
            brute = [p for p, _ in enumerate_paths(layers, x, y, "mse", layer, neuron, None)]
        else:
            brute = [p * layers[layer]["weights"][m][neuron - 1]
                     for m in range(len(layers[layer]["weights"]))
                     for p, _ in enumerate_paths(layers, x, y, "mse", layer + 1, m + 1, None)]
        assert trace.path_count == len(brute) == len(trace.paths), name
        assert trace.gradient == pytest.approx(sum(brute), rel=1e-9)
        # the paths come largest |product| first
        expected = sorted((abs(v) for v in brute), reverse=True)
        assert [abs(p.product) for p in trace.paths] == pytest.approx(expected, rel=1e-12)
        assert [abs(p.product) for p in trace.paths] == sorted((abs(p.product) for p in trace.paths), reverse=True)
    assert trace_node(result, "z12", notation=DEFAULT, max_paths=100).path_count == 2 * 3


def test_a_path_to_an_activation_is_spelt_out():
    layers = [{"activation": "tanh", "weights": [[0.5], [0.4]], "biases": [0.1, 0.2]},
              {"activation": "sigmoid", "weights": [[-0.8, 0.3], [0.6, 0.9]], "biases": [0.2, 0.0]}]
    result = run(make(layers, "mse"), np.array([[1.5]]), np.array([[1.0, 0.0]]), 0.5)
    trace = trace_node(result, "a12", notation=DEFAULT, max_paths=8)
    assert trace.name == "a12" and trace.learning_rate == 0.5 and trace.cancelled is False and trace.layer == 1
    path = next(p for p in trace.paths if p.nodes[1] == "yhat2")
    assert path.nodes == ["L", "yhat2", "z22", "a12"]
    assert [(f.symbol, f.formula) for f in path.factors] == [
        ("∂L/∂yhat2", "(2/2)(yhat2 − y2)"), ("∂yhat2/∂z22", "yhat2(1 − yhat2)"), ("∂z22/∂a12", "w222")]
    assert path.factors[2].value == 0.9
    out = trace_node(result, "yhat1", notation=DEFAULT, max_paths=8)
    assert out.name == "yhat1" and out.paths[0].factors[0].formula == "(2/2)(yhat1 − y1)"
    w = trace_parameter(result, "w111", DEFAULT, 8)
    assert w.cancelled is False and w.frozen is False
    assert {p.factors[0].formula for p in w.paths} == {"(2/2)(yhat1 − y1)", "(2/2)(yhat2 − y2)"}


def test_mse_formula_counts_the_outputs_not_a_hidden_layer():
    layers = random_layers(3, [1, 3, 2], ["tanh", "linear"])
    result = run(make(layers, "mse"), np.array([[0.5]]), np.array([[0.0, 1.0]]))
    trace = trace_parameter(result, "w211", DEFAULT, 8)
    assert trace.paths[0].factors[0].formula == "(2/2)(yhat1 − y1)"
    node = trace_node(result, "yhat2", notation=DEFAULT, max_paths=8)
    assert node.paths[0].factors[0].formula == "(2/2)(yhat2 − y2)"


def test_shared_bias_paths_and_one_sample_of_a_batch():
    net = Network([Layer(np.array([[0.4], [0.9], [-0.3]]), np.array([0.1, 0.1, 0.1]), activation("tanh"), "shared"),
                   Layer(np.array([[0.7, -0.5, 0.3], [0.2, 0.6, 0.9]]), np.array([0.1, -0.3]), activation("linear"))],
                  LOSSES["mse"])
    result = run(net, np.array([[0.3], [-0.6]]), np.array([[0.2, 0.9], [0.5, 0.5]]))
    trace = trace_parameter(result, "b1", DEFAULT, 1000)
    assert trace.path_count == 3 * 2 * 2 == len(trace.paths)
    assert sum(p.product for p in trace.paths) == pytest.approx(result.gradient("b1"), rel=1e-12)
    assert {p.nodes[-2] for p in trace.paths} == {"z11[1]", "z12[1]", "z13[1]", "z11[2]", "z12[2]", "z13[2]"}
    one = trace_parameter(result, "w111", DEFAULT, 8, sample=2)
    assert len(one.paths) == 2 and one.path_count == 2
    assert sum(p.product for p in one.paths) == pytest.approx(result.per_sample_gradient("w111")[1], rel=1e-12)


def test_grouped_splits_by_factor_and_survives_underflow():
    tiny = Path(["L"], [Factor("p", "1", 1e-200), Factor("q", "1", 1e-200)], 0.0)  # 0 by underflow
    zero_a = Factor("∂a/∂z", "0", 0.0)
    zero_b = Factor("∂L/∂yhat1", "0", 0.0)
    trace = ParameterTrace("w", 0, 0, 0, 0.1, 3, [tiny, Path(["L"], [zero_a], 0.0), Path(["L"], [zero_b], 0.0)], 0.0)
    kept, groups = trace.grouped()
    assert kept == [tiny]
    assert [(g.factor, g.count) for g in groups] == [(zero_a, 1), (zero_b, 1)]


def test_locate_node_in_a_course_s_names_over_padhai():
    *_, result = two_layer_result()
    course = notation("padhai", {"z11": "net1"})
    assert locate_node(result, "net1", course) == ("z", 1, 1)
    assert locate_node(result, "a12", course) == ("z", 1, 2)


def test_a_cancelled_node_says_so():
    layers = [{"activation": "linear", "weights": [[0.5]], "biases": [0.1]},
              {"activation": "linear", "weights": [[0.3], [-(0.1 + 0.2)]], "biases": [0.0, 0.0]}]
    result = run(make(layers, "none"), np.array([[2.0]]), np.array([[1.0, 1.0]]))
    assert trace_node(result, "a11", notation=DEFAULT, max_paths=8).cancelled is True
    assert trace_parameter(result, "w111", DEFAULT, 8).cancelled is True
    assert trace_parameter(result, "w111", DEFAULT, 8, sample=1).cancelled is False  # one sample: not asked


def test_symbols_of_an_output_node_and_formulas_written_with_z():
    layers = [{"activation": "relu", "weights": [[0.5]], "biases": [0.1]},
              {"activation": "linear", "weights": [[2.0]], "biases": [0.0]}]
    result = run(make(layers, "half_squared_error"), np.array([[1.0]]), np.array([[0.0]]))
    out = trace_node(result, "yhat1", notation=DEFAULT, max_paths=4)
    assert out.paths[0].factors[0].symbol == "∂L/∂yhat1" and out.paths[0].factors[0].formula == "yhat1 − y1"
    trace = trace_parameter(result, "w111", DEFAULT, 4)
    assert trace.paths[0].factors[3].formula == "(1 if z11 > 0 else 0)"
