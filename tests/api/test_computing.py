"""api.computing: the functions behind grad, trace, gradcheck, draw, explore and examples, called
directly and checked against the plain-Python oracle."""
import json
import math

import numpy as np
import pytest
from conftest import ALL_EXAMPLES, EXAMPLES, SPECS, oracle_problem, random_layers
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import batch_loss, finite_difference

from backprop_cli.api import computing as C
from backprop_cli.core.reports import ExpressionTrace, Gradients
from backprop_cli.errors import SpecError, UsageError


def spec_text(layers, inputs, targets, loss="half_squared_error"):
    lines = [f"inputs: {json.dumps(inputs)}", f"targets: {json.dumps(targets)}", f"loss: {loss}", "layers:"]
    for layer in layers:
        lines += [f"  - activation: {layer['activation']}", f"    weights: {json.dumps(layer['weights'])}",
                  f"    biases: {json.dumps(layer['biases'])}"]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["sigmoid", "tanh", "linear"]), st.integers(1, 3))
def test_grad_matches_finite_differences(seed, hidden, samples):
    rng = np.random.default_rng(seed)
    layers = random_layers(rng, [2, 3, 2], hidden, "sigmoid")
    inputs = rng.uniform(-1, 1, (samples, 2)).tolist()
    targets = rng.uniform(0, 1, (samples, 2)).tolist()
    spec = C.load_spec(text=spec_text(layers, inputs, targets))
    gradients = C.grad(spec)
    assert isinstance(gradients, Gradients) and gradients.kind == "network" and gradients.inputs is None
    expected = finite_difference(layers, inputs, targets, "half_squared_error")
    by_name = {name: (value, grad, after) for name, value, grad, after in gradients.rows}
    assert len(by_name) == len(expected)
    for (kind, l, j, k), fd in expected.items():
        name = f"{kind}{l}{j}" + ("" if k is None else str(k))
        value, grad, after = by_name[name]
        assert math.isclose(grad, fd, rel_tol=1e-5, abs_tol=1e-8)
        assert after == value - 0.1 * grad
    assert math.isclose(gradients.computation.loss, batch_loss(layers, inputs, targets, "half_squared_error"),
                        rel_tol=1e-12)


def test_grad_named_weights_and_inputs():
    spec = C.load_example("mazur-2-2-2")
    gradients = C.grad(spec, ["w5", "w1_1_1"], inputs=True)
    assert gradients.names == ["w211", "w111"]
    assert [row[0] for row in gradients.rows] == ["w1", "w5"]  # shown in the course's names, canonical order
    assert round(gradients.rows[1][2], 9) == 0.082167041 and round(gradients.rows[1][3], 8) == 0.35891648
    assert [row[0] for row in gradients.inputs] == ["i1", "i2"]
    with pytest.raises(UsageError, match="^'w9' is not a parameter name"):
        C.grad(spec, ["w9"])


def test_grad_learning_rate_override():
    spec = C.load_example("mazur-2-2-2")
    row = C.grad(spec, ["w5"], learning_rate=1.0).rows[0]
    assert row[3] == row[1] - 1.0 * row[2]


def test_grad_of_an_expression():
    gradients = C.grad(C.load_example("cs231n-circuit"))
    assert gradients.kind == "expression" and gradients.names is None and gradients.rows == []
    result = gradients.computation
    assert (result.output, result.derivative("x"), result.derivative("z")) == (-12.0, -4.0, 3.0)


def test_trace_paths_sum_to_the_gradient():
    spec = C.load_example("padhai-4-4-2")
    traced = C.trace(spec, max_paths=1000)
    for p in traced.ordered("backward"):
        assert math.isclose(sum(path.product for path in p.paths), p.gradient, rel_tol=1e-9, abs_tol=1e-15)
        assert p.path_count == len(p.paths)


def test_trace_mazur_w5_is_one_path():
    p = C.trace(C.load_example("mazur-2-2-2"), ["w5"]).ordered("backward")[0]
    assert p.paths[0].nodes == ["E_total", "out_o1", "net_o1", "w5"] and len(p.paths) == 1
    assert p.paths[0].product == p.gradient


@pytest.mark.parametrize("call, message", [
    (lambda s: C.trace(s, sample=2), "--sample 2: the spec has 1 sample(s)"),
    (lambda s: C.trace(s, nodes=["q1"]), "--node: 'q1' is not a node of the network"),
    (lambda s: C.trace(s, nodes=["x1[3]"]), "--node: x1[3]: the spec has 1 sample(s)"),
    (lambda s: C.load_expression(None, ["x=1"], s), "--at gives values to an expression's names"),
    (lambda s: C.load_expression("x*y", ["x"]), "--at: 'x' is not NAME=VALUE (e.g. --at x=0.5)"),
    (lambda s: C.draw(s, "a.gif"), "-o a.gif: the file must end in .png or .svg"),
])
def test_usage_errors(call, message):
    with pytest.raises(UsageError) as info:
        call(C.load_example("mazur-2-2-2"))
    assert str(info.value).startswith(message)


def test_trace_too_many(monkeypatch):
    monkeypatch.setattr(C, "MAX_TRACED", 3)
    with pytest.raises(UsageError, match=r"^10 parameters: too many to trace at once \(at most 3\)"):
        C.trace(C.load_example("mazur-2-2-2"))


def test_trace_an_expression():
    spec = C.load_example("cs231n-circuit")
    traced = C.trace(spec)
    assert isinstance(traced, ExpressionTrace)
    assert [(t.name, t.gradient) for t in traced.traces] == [("x", -4.0), ("y", -4.0), ("z", 3.0)]
    assert [t.name for t in C.trace(spec, nodes=["q"]).traces] == ["q"]
    with pytest.raises(UsageError, match=r"^--node: the expression has no 'nope' \(its names: x, y, q, z, f\)"):
        C.trace(spec, nodes=["nope"])


def test_gradcheck():
    check = C.gradcheck(C.load_example("mazur-2-2-2"))
    assert not check.failed and check.title == "Mazur 2-2-2" and len(check.checks) == 10
    for c in check.checks:
        assert c.status == "ok" and abs(c.backprop - c.numeric) <= 1e-6 * max(abs(c.backprop), 1e-3)
    with pytest.raises(UsageError, match="`gradcheck` needs a network"):
        C.gradcheck(C.load_example("cs231n-circuit"))


def test_load_expression_and_point():
    expression = C.load_expression("x*y", ["x=2,y=3"])
    assert expression.compute().output == 6.0
    moved = C.load_expression(None, ["x=1"], C.load_example("cs231n-circuit"))
    assert moved.compute().output == (1 + 5) * -4


def test_examples_and_texts():
    rows = C.examples().rows
    assert [row["name"] for row in rows] == ALL_EXAMPLES
    assert all(("sizes" in row) != ("expression" in row) and row["description"] for row in rows)
    assert C.example_text("mazur-2-2-2") == (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")
    assert C.load_example("mazur-2-2-2").file == "mazur-2-2-2.yaml"
    with pytest.raises(UsageError, match="did you mean 'mazur-2-2-2'"):
        C.load_example("mazur")


@pytest.mark.parametrize("name", EXAMPLES)
def test_compute_matches_oracle_loss(name):
    layers, inputs, targets, loss, reduction, _ = oracle_problem(SPECS / f"{name}.yaml")
    result = C.compute(C.load_example(name))
    assert math.isclose(result.loss, batch_loss(layers, inputs, targets, loss, reduction), rel_tol=1e-12)


def test_load_spec_text_errors():
    with pytest.raises(SpecError, match=r"^<text>:1:1: the file is empty"):
        C.load_spec(text="")


def test_parameter_names():
    result = C.compute(C.load_example("mazur-2-2-2"))
    assert C.parameter_names(result, ["w5", "b1", "w2_1_2"]) == ["w211", "b1", "w212"]


@pytest.mark.slow
def test_draw_network_and_expression(tmp_path):
    spec = C.load_example("mazur-2-2-2")
    picture = C.draw(spec, str(tmp_path / "n.svg"), "w5", gradients=True)
    text = (tmp_path / "n.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert picture.neurons == 2 + 2 + 2 + 1 and picture.summarised_layers == []  # and the loss
    assert picture.highlighted_edges == 1  # w5's own edge: the only path from E_total to w5
    assert text.count('id="path-edge-') == picture.highlighted_edges
    C.draw(C.load_example("cs231n-circuit"), str(tmp_path / "e.svg"), "x")
    assert "<svg" in (tmp_path / "e.svg").read_text()
    with pytest.raises(UsageError, match="^--weight: "):
        C.draw(C.load_example("cs231n-circuit"), str(tmp_path / "e2.svg"), "nope")


def test_explore_html():
    page = C.explore_html(C.load_example("mazur-2-2-2"), ["w5"])
    assert page.lstrip().lower().startswith("<!doctype html>") and "Mazur 2-2-2" in page
    fragment = C.explore_html(C.load_example("cs231n-circuit"), fragment=True)
    assert "<html" not in fragment.lower() and "<svg" in fragment


@pytest.mark.parametrize("path, example, expression, page", [
    ("a/b.yaml", None, False, "b.html"), (None, "ex", False, "ex.html"), ("-", None, True, "expression.html"),
    (None, None, False, "net.html"), ("-", None, False, "net.html"),
])
def test_default_page_name(path, example, expression, page):
    assert C.default_page_name(path, example, expression) == page
