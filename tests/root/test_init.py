"""The Python API (backprop_cli): every command's work as a function, the protocol every kind of
computation answers, the one registry of formats, and how results show in a notebook or a shell."""
import json
import math

import pytest
from conftest import SPECS

import backprop_cli as bp
from backprop_cli.core.computation import KINDS, Computation
from backprop_cli.report.formats import RENDERERS, render


def test_every_kind_answers_the_protocol():
    network = bp.compute(bp.load_example("padhai-4-4-2"))
    expression = bp.compute(bp.load_example("chain-rule-exp-exp"))
    for computation in (network, expression):
        assert isinstance(computation, Computation) and computation.kind in KINDS
        assert computation.traced_names()
        assert computation.input_rows()
    assert network.output_symbol == "L" and network.traced_names()[0] == "w111"
    assert expression.traced_names() == ["x"]


def test_grad_and_trace_are_plain_objects_that_any_format_renders():
    spec = bp.load_example("padhai-4-4-2")
    grads = bp.grad(spec, ["w212"], inputs=True)
    assert [row[0] for row in grads.rows] == ["w212"] and len(grads.inputs) == 4
    as_json = json.loads(render(grads, "json").text)
    assert as_json["parameters"][0]["gradient"] == pytest.approx(bp.compute(spec).gradient("w212"), abs=0)
    traced = bp.trace(spec, ["w131"], max_paths=3)
    assert traced.parameters[0].path_count == 4 and len(traced.parameters[0].paths) == 3
    assert "w131" in render(traced, "markdown").text and "\\partial" in render(traced, "latex").text
    assert render(traced, "text").renderable is not None


def test_every_report_and_format_has_one_renderer():
    formats = {}
    for name, fmt in RENDERERS:
        formats.setdefault(name, set()).add(fmt)
    assert formats["Trace"] == formats["ExpressionTrace"] == {"text", "json", "markdown", "latex"}
    assert all({"text", "json"} <= f for f in formats.values())


def test_an_expression_through_the_same_functions():
    spec = bp.load_example("chain-rule-exp-exp")
    traced = bp.trace(spec)
    x = spec.at["x"]
    # d/dx e^(e^(x²)) = e^(e^(x²)) · e^(x²) · 2x
    assert traced.traces[0].gradient == pytest.approx(math.exp(math.exp(x * x)) * math.exp(x * x) * 2 * x, rel=1e-12)
    assert json.loads(render(bp.grad(spec), "json").text)["inputs"][0]["name"] == "x"
    with pytest.raises(bp.UsageError):
        bp.compute(spec, 0.1)  # an expression has no learning rate


def test_a_network_refuses_a_rate_that_is_not_a_finite_positive_number():
    spec = bp.load_example("mazur-2-2-2")
    for rate in (0, -1, math.inf, math.nan, True):
        with pytest.raises(bp.UsageError):
            bp.compute(spec, rate)


def test_results_show_themselves_in_a_notebook_and_a_shell():
    result = bp.compute(bp.load_example("mazur-2-2-2"))
    html = result._repr_html_()
    assert 'data-param="w5"' in html and "<html" not in html.lower()[:20]  # the view alone, not a page
    text = repr(result)
    assert text.startswith("<Result") and "2-2-2" in text and "\n" not in text and len(text) < 200
    expression = bp.compute(bp.load_example("cs231n-circuit"))
    assert 'data-param="x"' in expression._repr_html_() and repr(expression).startswith("<ExpressionResult")


def test_result_trace_takes_parameters_and_nodes():
    result = bp.compute(bp.load_example("padhai-4-4-2"))
    assert result.trace("w212").gradient == result.gradient("w212")
    node = result.trace("z13")
    assert node.node and node.path_count == 4  # z13 → a13 → z21, z22 → ŷ1, ŷ2 (softmax couples) → L


def test_a_key_passes_its_own_check(tmp_path):
    spec_path = tmp_path / "net.yaml"
    spec_path.write_text((SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    key = bp.key(bp.load_spec(spec_path), ["loss", "dE_total/dw5", "w5_new"], decimals=6, spec_path="net.yaml")
    (tmp_path / "answers.yaml").write_text(key, encoding="utf-8")
    run = bp.check([str(tmp_path / "answers.yaml")])
    assert not run.invalid and not run.failed and len(run.files[0].outcomes) == 3


def test_examples_lists_and_prints_them():
    listed = bp.examples().rows
    assert {row["name"] for row in listed} == {p.stem for p in SPECS.glob("*.yaml")}
    assert bp.example_text("mazur-2-2-2") == (SPECS / "mazur-2-2-2.yaml").read_text(encoding="utf-8")


def test_gradcheck_and_training():
    spec = bp.load_example("mazur-2-2-2")
    assert not bp.gradcheck(spec).failed
    training = bp.train(spec, 3, learning_rates=[0.5, 1.0])
    assert [run.epochs for run in training.runs] == [3, 3] and training.runs[0].losses[0] == bp.compute(spec).loss
    stepped = bp.step(spec)
    again = bp.compute(bp.load_spec(text=stepped.text))
    assert again.loss == pytest.approx(training.runs[0].losses[1], rel=1e-12)
