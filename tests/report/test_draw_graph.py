"""report.draw_graph: an expression's graph layered by depth, the paths to a name lit."""
import re

import pytest

from backprop_cli.api import computing as C
from backprop_cli.report.draw_graph import MAX_DRAWN, depths, draw_graph, lit_edges
from backprop_cli.spec.expression import expression_from_text


def test_depths_of_cs231n_circuit():
    graph = C.compute(C.load_example("cs231n-circuit")).graph
    assert dict(zip((n.name for n in graph.nodes), depths(graph))) == {"x": 0, "y": 0, "q": 1, "z": 0, "f": 2}


def test_constants_do_not_deepen():
    graph = expression_from_text("f = 2 * x", {"x": 1.0}).graph
    assert depths(graph)[-1] == 1


def test_lit_edges_are_the_paths_to_the_target():
    result = C.compute(C.load_example("cs231n-circuit"))
    index = {n.name: i for i, n in enumerate(result.graph.nodes)}
    assert lit_edges(result, index["x"]) == {(index["f"], index["q"]), (index["q"], index["x"])}
    assert lit_edges(result, index["z"]) == {(index["f"], index["z"])}
    assert lit_edges(result, index["f"]) == set()


def test_lit_edges_of_a_diamond():
    result = expression_from_text("a = x*x\nb = exp(x)\nf = a + b", {"x": 0.5}).compute()
    index = {n.name: i for i, n in enumerate(result.graph.nodes)}
    edges = lit_edges(result, index["x"])
    assert {(index["f"], index["a"]), (index["f"], index["b"]), (index["b"], index["x"])} <= edges
    assert all(user > operand for user, operand in edges)


@pytest.mark.slow
def test_draw_graph_svg(tmp_path):
    result = C.compute(C.load_example("cs231n-circuit"))
    picture = draw_graph(result, str(tmp_path / "g.svg"), "x", "circuit", 4)
    text = (tmp_path / "g.svg").read_text()
    assert picture.neurons == 5 and picture.highlighted_edges == 2
    assert len(set(re.findall(r'id="path-edge-(\d+)"', text))) == 2
    assert set(re.findall(r'id="node-([^"]+)"', text)) >= {"x", "y", "z", "q", "f"}
    assert draw_graph(result, str(tmp_path / "n.svg"), None, "", 4).highlighted_edges == 0
    assert MAX_DRAWN == 200
