"""report.explore_pages: the pages of a network and of an expression: what they embed is what
`trace` derives and what `trace --format json` prints."""
import json
import re

from backprop_cli.api import computing as C
from backprop_cli.core.names import notation, parameter_names
from backprop_cli.core.reports import ExpressionTrace
from backprop_cli.core.tracing import build_trace
from backprop_cli.report.derivation import derivation_text
from backprop_cli.report.explore_pages import drawn_parameters, expression_page, network_page
from backprop_cli.report.json import expression_trace_object, trace_object


def embedded(text: str, ident: str):
    return json.loads(re.search(rf'<script type="application/json" id="{ident}">(.*?)</script>', text, re.S).group(1))


def test_network_page():
    spec = C.load_example("mazur-2-2-2")
    result = spec.compute()
    chosen = notation("default", result.network.names)
    traced = build_trace(result, chosen, ["w211", "w111"], 8, None, spec.name, spec.description)
    text = network_page(result, chosen, traced, 6)
    view = embedded(text, "view")
    for p in traced.ordered("backward"):
        assert view["derivations"][p.name] == derivation_text(p, 6, traced.loss_symbol)
    assert sorted(view["lit"]) == ["w1", "w5"]
    assert embedded(text, "trace-data") == json.loads(json.dumps(trace_object(traced)))
    assert "<h1>Mazur 2-2-2</h1>" in text
    assert ('network 2-2-2 · E_total = <span id="loss" data-role="loss">0.298371</span> · η = '
            '<span data-show="lr">0.5</span></div>') in text


def test_drawn_parameters_of_a_wide_layer():
    rows = ", ".join(["[0.1]"] * 12)
    spec = C.load_spec(text=f"input: [1]\ntarget: [1]\nloss: mse\nlayers:\n  - activation: tanh\n"
                            f"    weights: [{rows}]\n  - activation: linear\n"
                            f"    weights: [[{', '.join(['0.1'] * 12)}]]\n")
    result = spec.compute()
    names = drawn_parameters(result, notation("default"))
    assert "w111" in names and "w1_12_1" in names and "w161" not in names  # the middle neurons are not drawn
    every = parameter_names(result.sizes, result.network.bias_styles)
    assert names == [n for n in every if n in names]  # canonical order
    assert 0 < len(names) < 12 * 2 + 12 + 1 + 12


def test_expression_page():
    spec = C.load_example("cs231n-circuit")
    result = spec.compute()
    traces = [result.trace(n) for n in result.traced_names()]
    text = expression_page(ExpressionTrace(result, traces), 6, "circuit")
    view = embedded(text, "view")
    assert view["derivations"] == {t.name: derivation_text(t, 6, "f") for t in traces}
    assert embedded(text, "trace-data") == json.loads(json.dumps(expression_trace_object(result, traces)))
    assert '2 steps · f = <span id="loss" data-role="loss">-12</span></div>' in text and "<h1>circuit</h1>" in text
    assert expression_page(ExpressionTrace(result, traces), 6, "circuit", fragment=True).startswith(
        '<div class="backprop-explore">')
