"""core.graph: an expression's values, derivatives by reverse sweep, path counts and k-best paths,
against finite differences and brute-force enumeration of the DAG's paths."""
import math

import pytest

from backprop_cli.core import computation
from backprop_cli.core.graph import MAX_SEARCH, ExpressionResult, Graph, Node, UndefinedStep
from backprop_cli.errors import NumericalError, UsageError


def build(steps, variables):
    """steps: [(name, op, [operand names or floats])]; constants become nodes named by their number."""
    graph, index = Graph(), {}
    for v in variables:
        index[v] = graph.add(Node(v))
    for line, (name, op, operands) in enumerate(steps, start=1):
        ids = []
        for o in operands:
            if isinstance(o, str):
                ids.append(index[o])
            else:
                ids.append(graph.add(Node("pi" if o == math.pi else f"{o:g}", constant=float(o))))
        index[name] = graph.add(Node(name, op, tuple(ids), line=line, column=3))
    return graph


# f(x, y) = (x·y + sin x)·(x·y) − exp(y)/x, with h1 = x·y used twice
STEPS = [("h1", "mul", ["x", "y"]), ("h2", "sin", ["x"]), ("h3", "add", ["h1", "h2"]), ("h4", "mul", ["h3", "h1"]),
         ("h5", "exp", ["y"]), ("h6", "div", ["h5", "x"]), ("f", "sub", ["h4", "h6"])]


def f_ref(x, y):
    return (x * y + math.sin(x)) * (x * y) - math.exp(y) / x


def brute_paths(graph, values_edges, target):
    """Every path from the output down to `target` by recursion over the edges: list of products."""
    edges = values_edges
    found = []

    def down(node, product):
        if node == target:
            found.append(product)
            return
        for e in edges:
            if e.user == node:
                down(e.operand, product * e.value)
    down(graph.output, 1.0)
    return found


def test_values_and_derivatives_against_finite_differences():
    at = {"x": 0.7, "y": -1.3}
    result = ExpressionResult(build(STEPS, ["x", "y"]), at, "demo")
    assert result.output == pytest.approx(f_ref(0.7, -1.3), rel=1e-15)
    assert result.value("h1") == 0.7 * -1.3 and result.output_name == "f" and result.output_symbol == "f"
    eps = 1e-6
    assert result.derivative("x") == pytest.approx((f_ref(0.7 + eps, -1.3) - f_ref(0.7 - eps, -1.3)) / (2 * eps),
                                                   rel=1e-8)
    assert result.derivative("y") == pytest.approx((f_ref(0.7, -1.3 + eps) - f_ref(0.7, -1.3 - eps)) / (2 * eps),
                                                   rel=1e-8)
    assert result.derivative("f") == 1.0
    assert result.derivative("h1") == pytest.approx(result.value("h3") + result.value("h1"))
    assert result.input_rows() == [("x", 0.7, result.derivative("x")), ("y", -1.3, result.derivative("y"))]
    assert result.traced_names() == ["x", "y"]
    steps = result.steps()
    assert [s[1] for s in steps] == ["h1 = x·y", "h2 = sin(x)", "h3 = h1 + h2", "h4 = h3·h1", "h5 = exp(y)",
                                     "h6 = h5/x", "f = h4 − h6"]
    assert steps[0][2] == result.value("h1") and steps[0][3] == result.derivative("h1")
    assert not any(result.cancelled) and result.kinks == []


def test_path_counts_and_every_path_against_brute_force():
    result = ExpressionResult(build(STEPS, ["x", "y"]), {"x": 0.7, "y": -1.3})
    graph = result.graph
    for name in ("x", "y", "h1", "h3", "h5"):
        target = result.index(name)
        brute = brute_paths(graph, result.edges, target)
        assert result.path_count(target) == len(brute)
        trace = result.trace(name, max_paths=100)
        assert trace.path_count == len(brute) == len(trace.paths)
        assert [p.product for p in trace.paths] == pytest.approx(sorted(brute, key=lambda v: -abs(v)), rel=1e-12)
        assert trace.gradient == pytest.approx(sum(brute), rel=1e-12) and trace.omitted_sum == 0.0
        assert trace.node and trace.value == trace.updated == result.value(name) and trace.name == name
        for path in trace.paths:
            assert path.nodes[0] == "f" and path.nodes[-1] == name
            product = 1.0
            for factor in path.factors:
                product *= factor.value
            assert product == pytest.approx(path.product, rel=1e-14)
        top = result.trace(name, max_paths=1)
        assert len(top.paths) == min(1, len(brute))
        if len(brute) > 1:
            assert top.omitted_sum == pytest.approx(trace.gradient - top.paths[0].product)
    assert result.path_count(result.index("x")) == 4


def test_path_factors_are_spelt_out():
    result = ExpressionResult(build(STEPS, ["x", "y"]), {"x": 0.7, "y": -1.3})
    paths = {tuple(p.nodes): p for p in result.trace("x", 10).paths}
    path = paths[("f", "h6", "x")]
    assert [(f.symbol, f.formula) for f in path.factors] == [("∂f/∂h6", "−1"), ("∂h6/∂x", "−h5/x²")]
    path = paths[("f", "h4", "h1", "x")]
    assert [(f.symbol, f.formula) for f in path.factors] == [("∂f/∂h4", "1"), ("∂h4/∂h1", "h3"), ("∂h1/∂x", "y")]
    # a name used twice by one step: per operand; the output's own local factor of a variable is marked
    square = ExpressionResult(build([("f", "mul", ["x", "x"])], ["x"]), {"x": 3.0})
    assert square.derivative("x") == 6.0
    symbols = sorted(f.symbol for p in square.trace("x").paths for f in p.factors)
    assert symbols == ["∂f/∂x (operand 1)", "∂f/∂x (operand 2)"]
    local = ExpressionResult(build([("h", "exp", ["x"]), ("f", "add", ["h", "x"])], ["x"]), {"x": 0.0})
    assert {f.symbol for p in local.trace("x").paths for f in p.factors} == {"∂f/∂x (local)", "∂f/∂h", "∂h/∂x"}


def test_power_formulas_with_constant_exponents():
    cases = [(2.0, "2·x"), (3.0, "3·x^2"), (0.5, "0.5·x^(-0.5)"), (-1.0, "-1·x^(-2)"), (1.0, "1·x^0")]
    for c, formula in cases:
        result = ExpressionResult(build([("f", "pow", ["x", c])], ["x"]), {"x": 2.0})
        assert result.edges[0].formula == formula, c
        assert result.derivative("x") == pytest.approx(c * 2.0 ** (c - 1))
    both = ExpressionResult(build([("f", "pow", ["x", "y"])], ["x", "y"]), {"x": 2.0, "y": 3.0})
    assert [e.formula for e in both.edges] == ["y·x^(y − 1)", "f·log(x)"]
    assert both.derivative("y") == pytest.approx(8 * math.log(2))


def test_constants_have_no_edges_and_pi_prints_as_pi():
    result = ExpressionResult(build([("f", "mul", [math.pi, "x"])], ["x"]), {"x": 2.0})
    assert len(result.edges) == 1 and result.edges[0].slot == 1
    assert result.graph.step(result.graph.output) == "f = π·x"
    assert result.derivative("x") == pytest.approx(math.pi)
    with pytest.raises(KeyError, match=r"the expression has no 'pi' \(its names: x, f\)"):
        result.index("pi")
    assert result.index(" x ") == 0


def test_a_derivative_that_cancels_is_zero_and_cancelled():
    # f = (0.1·x + 0.2·x) − 0.3·x: its paths' products 0.1, 0.2 and −0.3 do not sum to 0 in floats
    steps = [("h1", "mul", [0.1, "x"]), ("h2", "mul", [0.2, "x"]), ("h3", "add", ["h1", "h2"]),
             ("h4", "mul", [0.3, "x"]), ("f", "sub", ["h3", "h4"])]
    result = ExpressionResult(build(steps, ["x"]), {"x": 1.7})
    assert math.fsum(brute_paths(result.graph, result.edges, result.index("x"))) != 0.0
    assert result.derivative("x") == 0.0 and result.cancelled[result.index("x")]
    assert result.trace("x").cancelled
    assert not result.cancelled[result.index("h1")]
    # a tiny derivative that is a product, not a sum, is kept
    tiny = ExpressionResult(build([("f", "mul", [1e-30, "x"])], ["x"]), {"x": 2.0})
    assert tiny.derivative("x") == 1e-30 and not any(tiny.cancelled)
    # a zero that is a zero factor is not a cancellation
    zero = ExpressionResult(build([("f", "mul", ["x", "y"])], ["x", "y"]), {"x": 2.0, "y": 0.0})
    assert zero.derivative("x") == 0.0 and not zero.cancelled[zero.index("x")]
    # just above the threshold: kept
    near = ExpressionResult(build([("h", "mul", [1.0 + 3e-12, "x"]), ("f", "sub", ["h", "x"])], ["x"]), {"x": 1.0})
    assert near.derivative("x") == pytest.approx(3e-12, rel=1e-3)


def test_kinks_are_noted():
    result = ExpressionResult(build([("h", "relu", ["x"]), ("f", "max", ["h", "y"])], ["x", "y"]),
                              {"x": 0.0, "y": 0.0})
    assert result.kinks == ["h = relu(x): relu's kink at 0: PyTorch's one-sided 0",
                            "f = max(h, y): a tie: PyTorch gives each operand half the gradient"]
    assert result.derivative("y") == 0.5 and result.derivative("x") == 0.0


def test_undefined_steps_say_where():
    with pytest.raises(UndefinedStep, match=r"^h = log\(x\) at x = -1: log needs a positive number$") as info:
        ExpressionResult(build([("h", "log", ["x"]), ("f", "add", ["h", "x"])], ["x"]), {"x": -1.0})
    assert (info.value.line, info.value.column) == (1, 3)
    assert isinstance(info.value, NumericalError)
    with pytest.raises(UndefinedStep, match=r"^f = x·2 at x = 1e\+308: the result overflows float64"):
        ExpressionResult(build([("f", "mul", ["x", 2.0])], ["x"]), {"x": 1e308})
    with pytest.raises(UndefinedStep, match=r"^f = sqrt\(x\) at x = 0: the derivative of sqrt at 0"):
        ExpressionResult(build([("f", "sqrt", ["x"])], ["x"]), {"x": 0.0})
    with pytest.raises(UndefinedStep, match=r"^f = x\^y at x = -1, y = 3: a power whose exponent varies"):
        ExpressionResult(build([("f", "pow", ["x", "y"])], ["x", "y"]), {"x": -1.0, "y": 3.0})
    with pytest.raises(UndefinedStep, match=r"^f = x/y at x = 1, y = 1e-160: its derivative overflows float64"):
        ExpressionResult(build([("f", "div", ["x", "y"])], ["x", "y"]), {"x": 1.0, "y": 1e-160})
    with pytest.raises(UndefinedStep, match="its derivative is infinite or undefined here"):
        ExpressionResult(build([("f", "div", ["x", "y"])], ["x", "y"]), {"x": 1.0, "y": 1e-170})
    with pytest.raises(UndefinedStep, match=r"^f = x/0 at x = 1: division by 0$"):
        ExpressionResult(build([("f", "div", ["x", 0.0])], ["x"]), {"x": 1.0})


def test_a_derivative_whose_sum_overflows():
    # each path's product is 1e308; their sum is not finite
    steps = [("h1", "mul", ["x", 1e308]), ("h2", "mul", ["x", 1e308]), ("f", "add", ["h1", "h2"])]
    with pytest.raises(UndefinedStep, match=r"^∂f/∂x overflows float64 \(beyond 1.8e308\): the chain of derivatives "
                                            "grows too fast$") as info:
        ExpressionResult(build(steps, ["x"]), {"x": 1e-300})
    assert info.value.line == 1 and info.value.column == 1  # x's own place


def test_a_derivative_that_overflows_along_one_path():
    # f = 1e200·(1e200·x) at x = 1e-300: f = 1e100 is finite, ∂f/∂x = 1e400 is not
    steps = [("h1", "mul", ["x", 1e200]), ("f", "mul", ["h1", 1e200])]
    with pytest.raises(UndefinedStep, match=r"^∂f/∂x overflows float64"):
        ExpressionResult(build(steps, ["x"]), {"x": 1e-300})


def test_the_search_is_bounded():
    steps = [("h0", "mul", ["x", 1.0])] + [(f"h{i}", "add", [f"h{i - 1}", f"h{i - 1}"]) for i in range(1, 30)]
    result = ExpressionResult(build(steps, ["x"]), {"x": 1.0})
    assert result.path_count(result.index("x")) == 2 ** 29
    assert result.derivative("x") == 2.0 ** 29
    trace = result.trace("x", 3)
    assert len(trace.paths) == 3 and trace.path_count == 2 ** 29
    assert trace.omitted_sum == pytest.approx(2.0 ** 29 - 3)
    with pytest.raises(UsageError, match="finding the 100000 largest of the paths to x would take 59 edges × 100000 "
                                         r"paths; ask for fewer with --max-paths \(at most 67,796 here\)"):
        result.trace("x", 100_000)
    assert MAX_SEARCH == 4_000_000


def test_repr_and_html(monkeypatch):
    result = ExpressionResult(build(STEPS, ["x", "y"]), {"x": 0.7, "y": -1.3}, "demo")
    assert repr(result) == f"<ExpressionResult demo 7 steps: f = {result.output:.6g}, 2 inputs>"
    one = ExpressionResult(build([("f", "neg", ["x"])], ["x"]), {"x": 1.0})
    assert repr(one) == "<ExpressionResult 1 step: f = -1, 1 inputs>"
    monkeypatch.setitem(computation.VIEWERS, "expression", lambda c: "<i>e</i>")
    assert one._repr_html_() == "<i>e</i>" and one.kind == "expression"


def test_graph_helpers():
    graph = build([("f", "add", ["x", 2.0])], ["x"])
    assert graph.output == 2 and graph.variables() == [0] and graph.index("f") == 2 and graph.index("2") is None
    assert graph.index("q") is None and graph.shown(1) == "2" and graph.nodes[0].is_variable
    assert not graph.nodes[1].is_variable and not graph.nodes[2].is_variable
    names = [f"v{i}" for i in range(25)]
    big = ExpressionResult(build([("f", "add", ["v0", "v1"])], names), dict.fromkeys(names, 1.0))
    with pytest.raises(KeyError, match=r"its names: v0, v1, .*v19, … \(26 in all\)"):
        big.index("nope")


def test_trace_defaults_and_fields():
    steps = [("h1", "mul", [0.1, "x"]), ("h2", "mul", [0.2, "x"]), ("h3", "add", ["h1", "h2"]),
             ("h4", "mul", [0.3, "x"]), ("f", "sub", ["h3", "h4"])]
    result = ExpressionResult(build(steps, ["x"]), {"x": 1.7})
    trace = result.trace("x")
    assert trace.omitted_sum == 0.0 and trace.gradient == 0.0 and trace.learning_rate == 0.0
    assert result.description == "" and result.title == ""
    names = [f"v{i}" for i in range(10)]
    steps = [(f"h{i}", "add", [names[i], names[i]]) for i in range(10)] + \
        [("f", "add", ["h0", "h1"])] + [(f"g{i}", "add", ["f" if i == 0 else f"g{i - 1}", f"h{i}"]) for i in range(10)]
    wide = ExpressionResult(build(steps, names), dict.fromkeys(names, 1.0))
    assert wide.path_count(wide.index("v0")) == 4 and len(wide.trace("v0").paths) == 4
    chain = [("h0", "add", ["x", "x"])] + [(f"h{i}", "add", [f"h{i - 1}", f"h{i - 1}"]) for i in range(1, 4)]
    many = ExpressionResult(build(chain, ["x"]), {"x": 1.0})
    assert many.path_count(0) == 16 and len(many.trace("x").paths) == 8


@pytest.mark.parametrize("count,ending", [(20, "v17, v18, f)"), (21, "v18, v19, … (21 in all))")])
def test_the_list_of_names_is_cut_after_twenty(count, ending):
    names = [f"v{i}" for i in range(count - 1)]  # and f: `count` names in all
    result = ExpressionResult(build([("f", "add", ["v0", "v1"])], names), dict.fromkeys(names, 1.0))
    with pytest.raises(KeyError) as info:
        result.index("nope")
    assert info.value.args[0].startswith("the expression has no 'nope' (its names: v0, v1, v2,")
    assert info.value.args[0].endswith(ending)


def test_messages_are_exact():
    with pytest.raises(UndefinedStep, match=r"^f = log\(-1\): log needs a positive number$"):
        ExpressionResult(build([("f", "log", [-1.0])], []), {})
    with pytest.raises(UndefinedStep, match=r"^h = log\(x\) at x = -1.23457: log needs a positive number$"):
        ExpressionResult(build([("h", "log", ["x"]), ("f", "add", ["h", "x"])], ["x"]), {"x": -1.2345678})
    with pytest.raises(UndefinedStep, match=r"^f = x/y at x = 1, y = 1e-170: its derivative is infinite or undefined "
                                            r"here$"):
        ExpressionResult(build([("f", "div", ["x", "y"])], ["x", "y"]), {"x": 1.0, "y": 1e-170})
    third = ExpressionResult(build([("f", "pow", ["x", 1 / 3])], ["x"]), {"x": 2.0})
    # the constant as written, the exponent to 12 digits
    assert third.edges[0].formula == "0.333333·x^(-0.666666666667)"


def test_a_path_product_that_overflows():
    steps = [("h", "log", ["x"]), ("h1", "mul", [1e10, "h"]), ("h2", "mul", [1e10, "h"]), ("y", "sub", ["h1", "h2"])]
    result = ExpressionResult(build(steps, ["x"]), {"x": 1e-300})
    assert result.derivative("x") == 0.0
    with pytest.raises(NumericalError, match=r"^a path's product from y to x overflows float64 \(beyond 1.8e308\), "
                                             r"though the derivative itself does not$"):
        result.trace("x")


def test_the_search_bound_is_exact_and_its_hint():
    chain = [("h1", "neg", ["x"])] + [(f"h{i}", "neg", [f"h{i - 1}"]) for i in range(2, 41)]
    result = ExpressionResult(build(chain, ["x"]), {"x": 1.0})
    assert len(result.edges) == 40
    assert len(result.trace("x", MAX_SEARCH // 40).paths) == 1  # 40 edges × 100,000: allowed
    one = ExpressionResult(build([("f", "neg", ["x"])], ["x"]), {"x": 1.0})
    with pytest.raises(UsageError, match=r"\(at most 4,000,000 here\)$"):
        one.trace("x", MAX_SEARCH + 1)


def test_dead_steps_do_not_stop_the_search():
    # d uses x but not the output; it comes after h1 in evaluation order
    steps = [("h1", "mul", ["x", 3.0]), ("d", "mul", ["x", "y"]), ("f", "add", ["h1", "z"])]
    result = ExpressionResult(build(steps, ["x", "y", "z"]), {"x": 1.0, "y": 2.0, "z": 0.5})
    trace = result.trace("x")
    assert trace.path_count == 1 and [p.product for p in trace.paths] == [3.0]
    assert result.path_count(result.index("y")) == 0 and result.trace("y").paths == []
    assert result.derivative("y") == 0.0 and not result.cancelled[result.index("y")]


def test_the_largest_path_survives_trimming():
    # x feeds six steps whose factors are 1, 2, −10, 3, 4 and 5: the best single path is −10, met while
    # the search trims x's list (after five entries, for k = 1)
    factors = [1.0, 2.0, -10.0, 3.0, 4.0, 5.0]
    steps = [(f"h{i}", "mul", ["x", c]) for i, c in enumerate(factors)]
    steps += [("s1", "add", ["h0", "h1"])] + [(f"s{i}", "add", [f"s{i - 1}", f"h{i}"]) for i in range(2, 6)]
    result = ExpressionResult(build(steps, ["x"]), {"x": 1.0})
    assert [p.product for p in result.trace("x", 1).paths] == [-10.0]
    assert [p.product for p in result.trace("x", 2).paths] == [-10.0, 5.0]
