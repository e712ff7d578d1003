"""Paths between two nodes (trace --node dX/dY): every path from a node X down to a node or a
parameter Y, each factor as trace prints it, exact counts, and ∂X/∂Y as their sum (core.partials
gives the value, whatever the paths shown)."""
from __future__ import annotations

from .cancel import omitted_sum
from .names import Notation
from .paths import (
    ParameterTrace,
    Path,
    _node_names,
    activation_factor,
    best_paths,
    jacobians,
    locate_node,
    magnitude,
    parameter_factor,
    weight_factor,
)


def count_between(sizes: list[int], softmax_layers: set[int], top: tuple, what: str, layer: int, neuron: int) -> int:
    """Exact number of paths from node `top` (("z" | "a", layer, 1-based neuron)) down to
    z or a (`what`) of `layer`, neuron `neuron`: 0 when it is not below."""
    kind, p, j = top
    counts = [0] * sizes[p]
    counts[j - 1] = 1
    while True:
        if (kind, p) == (what, layer):
            return counts[neuron - 1]
        if kind == "a":  # a(p) → z(p): a softmax layer's every z reaches every a
            if p == 0:
                return 0
            counts = [sum(counts)] * sizes[p] if p in softmax_layers else counts
            kind = "z"
        else:  # z(p) → a(p − 1): every z reaches every a below it
            counts, kind, p = [sum(counts)] * sizes[p - 1], "a", p - 1


def trace_partial(result, of: str, wrt: str, sample: int = 1, *, notation: Notation, max_paths: int) -> ParameterTrace:
    """Every path from a node X (`of`: z13, yhat1, ... in `notation`) down to Y (`wrt`: a node, or a
    parameter, whose last factor is ∂z/∂w or ∂z/∂b) of one sample (1-based): ∂X/∂Y as the sum of
    their products, each factor as trace prints it. No path when Y is not below X: ∂X/∂Y = 0."""
    from .partials import partial, pass_position

    top = locate_node(result, of, notation)
    net, s = result.network, sample - 1
    batch = result.samples > 1
    pre, post = _node_names(result, notation, sample if batch else None)
    jacobian = jacobians(result, s)
    parameter = None
    try:
        what, layer, bottom = locate_node(result, wrt, notation)
        ends = [(what, layer, bottom)]
        value, shown = (result.z if what == "z" else result.a)[layer][s, bottom - 1], \
            (pre(layer, bottom) if what == "z" else post(layer, bottom))
        wrt_index = (what, layer, bottom - 1)
    except ValueError:
        parameter = result.parameter_index(wrt)  # (UsageError naming the valid names when neither)
        kind, layer, j, k = parameter
        ends = [("z", layer, n) for n in (range(1, result.sizes[layer] + 1) if j is None else [j])]
        value, shown = result.value(wrt), notation.parameter(kind, layer, j, k)
        wrt_index = parameter
    candidates, total = [], 0
    for what, layer, bottom in ends:
        total += count_between(result.sizes, net.softmax_layers, top, what, layer, bottom)
        if pass_position(top[0], top[1]) < pass_position(what, layer):
            continue
        for _, first, second in best_paths(result, layer, bottom, max_paths, s, jacobian, stop=what, top=top):
            chain = [x for pair in zip(first, second) for x in pair] + first[len(second):]
            path = _path_between(result, notation, top, chain, pre, post, jacobian)
            if parameter is not None:
                factor = parameter_factor(result, pre, post, shown, parameter[0], layer, bottom, parameter[3], s)
                path = Path(path.nodes + [shown], path.factors + [factor], path.product * factor.value, path.sample)
            candidates.append(path)
    candidates.sort(key=lambda path: -magnitude(path.product))  # as trace ranks a parameter's paths
    paths = candidates[:max_paths]
    gradient = partial(result, (top[0], top[1], top[2] - 1), wrt_index, s)
    omitted = omitted_sum(gradient, paths, total)
    of_shown = (pre if top[0] == "z" else post)(top[1], top[2])
    cancelled = gradient == 0 and any(p.product != 0 for p in paths)  # partial() made a sum within rounding 0
    return ParameterTrace(shown, float(value), gradient, float(value), result.learning_rate, total, paths,
                          0.0 if cancelled else omitted, layer=ends[0][1], node=True, of=of_shown, cancelled=cancelled)


def _path_between(result, notation: Notation, top: tuple, chain: list[int], pre, post, jacobian) -> Path:
    """One path from `top` down the node indices `chain` (0-based, alternately a and z or z and a
    as `top` is), its nodes and factors named as trace names them."""
    net = result.network
    kind, p, _ = top
    i = chain[0]
    nodes, factors, product = [post(p, i + 1) if kind == "a" else pre(p, i + 1)], [], 1.0
    for m in chain[1:]:
        if kind == "a":  # a(p)i from z(p)m: the activation's local derivative
            factor = activation_factor(net, pre, post, jacobian, p, i, m)
            nodes.append(pre(p, m + 1))
            kind = "z"
        else:  # z(p)i from a(p − 1)m: the weight between them
            factor = weight_factor(net, notation, pre, post, p, i, m)
            nodes.append(post(p - 1, m + 1))
            kind, p = "a", p - 1
        factors.append(factor)
        product *= factor.value
        i = m
    return Path(nodes, factors, product, None)
