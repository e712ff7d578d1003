"""What the explorer's live page recomputes from: the values of a dense network or an expression,
and every name and formula template the derivations print, as plain JSON for the page's engine
(explore_page/engine.js), which recomputes what `trace` prints whenever a value is edited. Also
the page's own script and styles, read from explore_page/ to be inlined (nothing is fetched)."""
from __future__ import annotations

from functools import cache
from importlib import resources

from ..core.names import format_name, parameter_indices, parameter_name


@cache
def asset(name: str) -> str:
    """A file of explore_page/ (engine.js, page.js, page.css), as text."""
    return resources.files(__package__).joinpath("explore_page", name).read_text(encoding="utf-8")


def network_model(result, notation, names: list[str], max_paths: int, precision: int, spec=None) -> dict:
    """A dense network's values and names; `names` the parameters whose derivations the page shows."""
    net = result.network
    depth, sizes = len(net.layers), result.sizes
    layers = []
    for layer in net.layers:
        act = layer.activation
        layers.append({"act": act.name, "alpha": act.alpha, "bias": layer.bias_style,
                       "weights": layer.weights.tolist(), "biases": [float(b) for b in layer.biases],
                       "derivativeFormula": act.derivative_formula, "crossFormula": act.cross_formula})
    shown = {
        "loss": notation.loss,
        "pre": [[]] + [[notation.pre_name(l, j + 1) for j in range(sizes[l])] for l in range(1, depth + 1)],
        "post": [[notation.post_name(l, j + 1, depth) for j in range(sizes[l])] for l in range(depth + 1)],
        "target": [notation.show(format_name(net.loss.target, i + 1)) for i in range(sizes[-1])],
        "w": [[]] + [[[notation.parameter("w", l, j + 1, k + 1) for k in range(sizes[l - 1])]
                      for j in range(sizes[l])] for l in range(1, depth + 1)],
        "b": [[]] + [[notation.parameter("b", l, j + 1) for j in range(sizes[l])] if style == "each" else
                     [notation.parameter("b", l, None)] if style == "shared" else []
                     for l, style in enumerate(net.bias_styles, start=1)],
    }
    traced = []
    for name in names:
        kind, layer, j, k = result.parameter_index(name)
        traced.append({"name": notation.parameter(kind, layer, j, k), "canonical": parameter_name(kind, layer, j, k),
                       "kind": kind, "layer": layer, "j": j, "k": k})
    traced.sort(key=lambda p: -p["layer"])  # as trace derives them: the output layer first
    every = [{"name": notation.parameter(*index), "canonical": parameter_name(*index), "kind": index[0],
              "layer": index[1], "j": index[2], "k": index[3]} for index in parameter_indices(sizes, net.bias_styles)]
    return {
        "kind": "network", "sizes": sizes, "layers": layers, "loss": net.loss.name, "reduction": net.reduction,
        "lossFormula": net.loss.derivative_formula, "targetLetter": net.loss.target,
        "softmax": {str(l): True for l in net.softmax_layers},
        "inputs": result.a[0].tolist(), "targets": result.targets.tolist(), "lr": float(result.learning_rate),
        "frozen": dict.fromkeys(net.frozen, True), "names": shown, "traced": traced, "parameters": every,
        "maxPaths": max_paths, "precision": precision, "courseNames": dict(net.names),
        "title": getattr(spec, "name", "") or "", "description": getattr(spec, "description", "") or "",
    }


def expression_model(result, max_paths: int, precision: int, spec=None) -> dict:
    """An expression's graph (its nodes, each edge's printed symbol and formula) and the point."""
    graph = result.graph
    nodes = [{"name": n.name, "op": n.op, "operands": list(n.operands), "constant": n.constant,
              "shown": graph.shown(i), "step": graph.step(i) if n.op else ""} for i, n in enumerate(graph.nodes)]
    # each edge's symbol is trace's own (ExpressionResult.edge_symbol): the page's cannot drift from it
    edges = [{"user": e.user, "operand": e.operand, "slot": e.slot, "formula": e.formula,
              "symbol": result.edge_symbol(e)} for e in result.edges]
    variables = graph.variables()
    return {
        "kind": "expression", "nodes": nodes, "edges": edges, "traced": result.traced_names(),
        "index": {graph.nodes[i].name: i for i, n in enumerate(graph.nodes) if n.constant is None},
        "at": {graph.nodes[i].name: float(result.values[i]) for i in variables},
        "maxPaths": max_paths, "precision": precision, "names": {"loss": result.output_name},
        "text": getattr(spec, "text", "") or "", "title": getattr(spec, "name", "") or "",
        "description": getattr(spec, "description", "") or "",
    }
