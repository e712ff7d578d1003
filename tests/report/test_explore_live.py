"""report.explore_live: what the live page recomputes from. (That the page's engine recomputes
what Python prints, number by number, is tests/test_explore_live.py's, in the browser.)"""
import json

from backprop_cli.api import computing as C
from backprop_cli.core.names import notation
from backprop_cli.report.explore_live import asset, expression_model, network_model


def test_a_network_model_holds_its_values_names_and_formulas():
    spec = C.load_example("mazur-2-2-2")
    result = spec.compute()
    chosen = notation("default", result.network.names)
    model = network_model(result, chosen, ["w111", "w211"], 8, 6, spec)
    json.dumps(model, allow_nan=False)  # plain JSON
    assert [p["name"] for p in model["traced"]] == ["w5", "w1"]  # the output layer first, course names
    assert model["layers"][0]["weights"] == result.network.layers[0].weights.tolist()
    assert model["names"]["pre"][1] == ["net_h1", "net_h2"] and model["names"]["loss"] == "E_total"
    assert model["lossFormula"] == result.network.loss.derivative_formula and model["lr"] == 0.5
    assert [p["canonical"] for p in model["parameters"]] == result.network.parameter_names()
    assert model["courseNames"]["w111"] == "w1" and model["title"] == "Mazur 2-2-2"


def test_an_expression_model_holds_its_graph_and_point():
    spec = C.load_example("cs231n-circuit")
    result = spec.compute()
    model = expression_model(result, 8, 6, spec)
    assert model["at"] == {"x": -2.0, "y": 5.0, "z": -4.0} and model["traced"] == ["x", "y", "z"]
    assert [n["op"] for n in model["nodes"]] == [None, None, "add", None, "mul"]
    assert {e["symbol"] for e in model["edges"]} == {"∂q/∂x", "∂q/∂y", "∂f/∂q", "∂f/∂z (local)"}
    assert model["text"] == spec.text


def test_the_page_assets_are_package_data():
    assert "var BackpropEngine" in asset("engine.js") and ".backprop-explore" in asset("page.css")
    assert "</script" not in asset("engine.js") + asset("page.js")  # inlined into a <script> element
