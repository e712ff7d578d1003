"""Chain-rule paths through a network over feature maps (core.mapnet): exact path counts (Python
integers, never enumerated), the k largest |product| paths, and a shared weight's gradient as the
sum over every position where it is used, grouped by position.

The path structure comes from each layer's own edges (core.maps, core.mapnet): a ↦ z through the
activation (every pair for softmax), z ↦ the layer below through a kernel weight or a dense
weight, and a pooled value ↦ each value of its window (1 or 0 for max, 1/size² for the mean). The
k best paths are exact for the reason core.paths gives: |product| only grows by multiplication, so
each node keeps the k best partial paths into it.
"""
from __future__ import annotations

import numpy as np

from ..errors import UsageError
from . import mapnames
from .names import Notation
from .paths import Factor, ParameterTrace, Path
from .update import updated

MAX_EDGES = 3_000_000  # about 100 MB of edge arrays, and a second or so to search


class _Step:
    """One set of edges between two levels: upper node index -> lower node index, and a tag (the
    flat weight index of a conv or dense edge, the window offset of a pooling edge)."""

    def __init__(self, kind: str, layer: int, upper: tuple, lower: tuple, up, low, tag=None):
        self.kind, self.layer, self.upper, self.lower = kind, layer, upper, lower
        self.up, self.low, self.tag = up, low, tag


def steps(result) -> list[_Step]:
    """Every level's edges, from the output down to the input (worked out once a result)."""
    if "steps" in result._cache:
        return result._cache["steps"]
    edges = sum(layer.outputs * (layer.weights[0].size if layer.has_z else layer.size ** layer.dims)
                for layer in result.network.layers)
    if edges > MAX_EDGES:  # the path structure is kept as arrays of edges: bounded before it is built
        raise UsageError(f"this network has {edges:,} edges: too many to trace path by path (at most "
                         f"{MAX_EDGES:,}); `backprop grad` gives every gradient")
    found = []
    for l in range(len(result.network.layers), 0, -1):
        layer = result.network.layers[l - 1]
        if layer.has_z:
            n = layer.outputs
            if layer.activation.elementwise:
                up = low = np.arange(n)
            else:  # softmax: ∂ai/∂zm for every pair
                up, low = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
            found.append(_Step("activation", l, ("a", l), ("z", l), up, low))
            z_index, below, weight = layer.edges()
            found.append(_Step("weight", l, ("z", l), ("a", l - 1), z_index, below, weight))
        else:
            pooled, below, offset = layer.edges()
            found.append(_Step("pool", l, ("a", l), ("a", l - 1), pooled, below, offset))
    result._cache["steps"] = found
    return found


def _local(result, step: _Step, sample: int) -> np.ndarray:
    """∂upper/∂lower along every edge of `step`, for one sample (0-based)."""
    layer = result.network.layers[step.layer - 1]
    if step.kind == "weight":
        return layer.weights.reshape(-1)[step.tag]
    if step.kind == "pool":
        local = layer.local(result.a[step.layer - 1][sample:sample + 1])
        return local.reshape(layer.outputs, -1)[step.up, step.tag]
    jacobian = layer.activation.jacobian(result.z[step.layer][sample], result.a[step.layer][sample])
    return jacobian[step.up] if jacobian.ndim == 1 else jacobian[step.up, step.low]


def counts(result) -> dict[tuple, np.ndarray]:
    """How many paths lead from L to every node, per sample (object arrays of Python integers)."""
    if "counts" not in result._cache:
        depth = len(result.network.layers)
        found = {("a", depth): np.ones(result.sizes[-1], dtype=object)}
        for step in steps(result):
            below = np.zeros(result.sizes[step.lower[1]], dtype=object)
            np.add.at(below, step.low, found[step.upper][step.up])
            found[step.lower] = below
        result._cache["counts"] = found
    return result._cache["counts"]


MAX_CANDIDATES = 8 * MAX_EDGES  # partial paths weighed in a k-best search: the default k on the largest network


def _widths(result, k: int) -> dict[tuple, int]:
    """How many best partial paths each level keeps per node: k, or fewer where no node of the level
    has k paths from L (a pooled map's values have one each). UsageError when the search would weigh
    more than MAX_CANDIDATES of them (--max-paths too large for the network): bounded before it runs."""
    found = counts(result)
    widths = {level: int(min(k, max(found[level].max(), 1))) for level in found}
    weighed = sum(len(step.up) * widths[step.upper] for step in steps(result))
    if weighed > MAX_CANDIDATES:
        raise UsageError(f"keeping the {k:,} best paths into every value of this network weighs {weighed:,} partial "
                         f"paths (at most {MAX_CANDIDATES:,}): ask for fewer with --max-paths")
    return widths


def _best(result, sample: int, k: int) -> dict:
    """The k best partial paths from L into every node of one sample: level -> (products (n, k),
    valid (n, k), step, edge (n, k), rank (n, k)) that each came by."""
    key = ("best", sample, k)
    if key in result._cache:
        return result._cache[key]
    depth = len(result.network.layers)
    widths = _widths(result, k)
    top = result.grad_a[depth][sample]
    prod, valid = np.zeros((len(top), 1)), np.ones((len(top), 1), dtype=bool)
    prod[:, 0] = top
    levels = {("a", depth): (prod, valid, None, None, None)}
    for step in steps(result):
        local = _local(result, step, sample)
        wide, k = prod.shape[1], widths[step.lower]
        cand = (prod[step.up] * local[:, None]).ravel()
        ok = valid[step.up].ravel()
        edge = np.repeat(np.arange(len(step.up)), wide)[ok]
        rank = np.tile(np.arange(wide), len(step.up))[ok]
        cand, node = cand[ok], step.low[edge]
        order = np.lexsort((-np.abs(cand), node))
        node, cand, edge, rank = node[order], cand[order], edge[order], rank[order]
        first = np.searchsorted(node, node, side="left")
        place = np.arange(len(node)) - first
        keep = place < k
        n = result.sizes[step.lower[1]]
        prod, valid = np.zeros((n, k)), np.zeros((n, k), dtype=bool)
        edges, ranks = np.zeros((n, k), dtype=np.int64), np.zeros((n, k), dtype=np.int64)
        at = (node[keep], place[keep])
        prod[at], valid[at], edges[at], ranks[at] = cand[keep], True, edge[keep], rank[keep]
        levels[step.lower] = (prod, valid, step, edges, ranks)
    result._cache[key] = levels
    return levels


class _Namer:
    """Node and factor names as a trace prints them (the spec's names, the notation, [s] in a batch)."""

    def __init__(self, result, notation: Notation, sample: int | None):
        self.result, self.network, self.notation = result, result.network, notation
        self.suffix = "" if sample is None else f"[{sample}]"

    def node(self, what: str, layer: int, index: int) -> str:
        return mapnames.shown(self.network, mapnames.node_name(self.network, what, layer, index),
                              self.notation) + self.suffix

    def parameter(self, layer: int, flat: int, kind: str = "w") -> str:
        for name, l, k, index in mapnames.parameters(self.network):
            if l == layer and k == kind and index == flat:
                return mapnames.shown(self.network, name)
        raise KeyError((layer, flat))  # pragma: no cover


def _chain(levels: dict, level: tuple, node: int, rank: int) -> list[tuple]:
    """The edges (step, edge index) of one kept partial path, from the top down."""
    chain = []
    while True:
        _, _, step, edges, ranks = levels[level]
        if step is None:
            return chain[::-1]
        edge, rank = int(edges[node, rank]), int(ranks[node, rank])
        chain.append((step, edge))
        level, node = step.upper, int(step.up[edge])


def _describe(result, namer: _Namer, sample: int, batch: bool, start: int, chain: list) -> tuple[list, list]:
    """Nodes and factors of a path from L down the edges of `chain` (from the output ŷ `start`)."""
    net = result.network
    depth = len(net.layers)
    loss = namer.notation.loss
    nodes, factors = [loss], []
    mark = f"[{sample + 1}]" if batch else ""
    if batch:
        nodes.append(f"{loss}{mark}")
        factors.append(Factor(f"∂{loss}/∂{loss}{mark}", "1/n" if result.scale != 1 else "1", result.scale))
    yhat = namer.node("a", depth, start)
    target = namer.notation.show(f"{net.loss.target}{start + 1}") + mark
    factors.append(Factor(f"∂{loss}{mark}/∂{yhat}", net.loss.derivative_formula.format(
        yhat=yhat, y=target, n=result.sizes[-1]), float(result.grad_a[depth][sample, start])))
    nodes.append(yhat)
    for step, edge in chain:
        u, v = int(step.up[edge]), int(step.low[edge])
        upper, lower = namer.node(*step.upper, u), namer.node(*step.lower, v)
        layer = net.layers[step.layer - 1]
        value = float(_local(result, step, sample)[edge])
        if step.kind == "activation":
            act = layer.activation
            formula = (act.derivative_formula.format(z=lower, a=upper) if u == v else
                       act.cross_formula.format(ai=upper, am=namer.node("a", step.layer, v)))
        elif step.kind == "weight":
            formula = namer.parameter(step.layer, int(step.tag[edge]))
        else:
            formula = layer.factor_formula(value)
        factors.append(Factor(f"∂{upper}/∂{lower}", formula, value))
        nodes.append(lower)
    return nodes, factors


def _product(factors) -> float:
    product = 1.0
    for factor in factors:
        product *= factor.value
    return product


def _omitted(gradient: float, paths: list, total: int) -> float:
    """The sum of the paths not shown: the gradient less those shown, 0 when that is rounding alone
    (within 1e-12 of the terms, as core.cancel judges a dense layer's sums)."""
    if len(paths) == total:
        return 0.0
    rest = gradient - sum(p.product for p in paths)
    scale = max([abs(gradient)] + [abs(p.product) for p in paths])
    return 0.0 if abs(rest) <= 1e-12 * scale else rest


def trace_parameter(result, name: str, notation: Notation, max_paths: int, sample: int | None = None):
    """Paths, their products and the gradient of one parameter, grouped by the positions where
    it is used (`sample` 1-based, or the batch)."""
    canonical, layer, kind, index = result.parameter_row(name)
    shown = mapnames.shown(result.network, canonical)
    spec_layer = result.network.layers[layer - 1]
    uses = result.parameter_uses(name)  # a bias: every z of its channel (a shared bias: of its layer)
    count_z = counts(result)[("z", layer)]
    batch = result.samples > 1 and sample is None
    samples = range(result.samples) if sample is None else [sample - 1]
    namer = _Namer(result, notation, None)
    candidates, positions = [], []
    for z_index, below in uses:
        z_name = namer.node("z", layer, z_index)
        source = ("1" if below is None else "0 (padding)" if below < 0 else namer.node("a", layer - 1, below))
        total = 0.0
        for s in samples:
            factor = 1.0 if below is None else 0.0 if below < 0 else float(result.a[layer - 1][s, below])
            total += float(result.deltas[layer][s, z_index]) * factor * (result.scale if sample is None else 1.0)
        positions.append((z_name, source, int(count_z[z_index]) * len(samples), total))
    for s in samples:
        levels = _best(result, s, max(max_paths, 1))
        prod, valid = levels[("z", layer)][:2]
        for z_index, below in uses:
            for r in range(prod.shape[1]):
                if valid[z_index, r]:
                    candidates.append((abs(prod[z_index, r]), s, z_index, r, below))
    candidates.sort(key=lambda c: -c[0])
    paths = []
    for _, s, z_index, r, below in candidates[:max_paths]:
        levels = _best(result, s, max(max_paths, 1))
        chain = _chain(levels, ("z", layer), z_index, r)
        sample_namer = _Namer(result, notation, s + 1 if batch else None)
        nodes, factors = _describe(result, sample_namer, s, batch, int(chain[0][0].up[chain[0][1]]), chain)
        z_name = sample_namer.node("z", layer, z_index)
        if below is None:
            factors.append(Factor(f"∂{z_name}/∂{shown}", "1", 1.0))
        elif below < 0:
            factors.append(Factor(f"∂{z_name}/∂{shown}", "0 (padding)", 0.0))
        else:
            factors.append(Factor(f"∂{z_name}/∂{shown}", sample_namer.node("a", layer - 1, below),
                                  float(result.a[layer - 1][s, below])))
        nodes.append(shown)
        paths.append(Path(nodes, factors, _product(factors), s + 1 if batch else None))
    paths.sort(key=lambda p: -abs(p.product))
    total = sum(p[2] for p in positions)
    per_sample = result.per_sample_gradient(name)
    gradient = result.gradient(name) if sample is None else float(per_sample[sample - 1])
    omitted = _omitted(gradient, paths, total)
    frozen = result.is_frozen(name)
    value = result.value(name)
    after = value if frozen else updated(value, gradient, result.learning_rate)
    rows = [(s + 1, float(per_sample[s])) for s in range(result.samples)] if batch else []
    cancelled = sample is None and result.cancelled(name)
    return ParameterTrace(shown, value, gradient, after, result.learning_rate, total, paths, omitted, rows, frozen,
                          cancelled, layer, positions=positions if spec_layer.kind != "dense" else [])


def trace_node(result, name: str, sample: int = 1, *, notation: Notation, max_paths: int) -> ParameterTrace:
    """Every path from L to a node quantity (z1_1_2_2, a2_1_1_1, x_1_2) of one sample (1-based)."""
    what, layer, index = locate_node(result, name, notation)
    s = sample - 1
    batch = result.samples > 1
    levels = _best(result, s, max(max_paths, 1))
    prod, valid = levels[(what, layer)][:2]
    namer = _Namer(result, notation, sample if batch else None)
    paths = []
    for r in range(prod.shape[1]):
        if not valid[index, r]:
            continue
        chain = _chain(levels, (what, layer), index, r)
        start = int(chain[0][0].up[chain[0][1]]) if chain else index
        nodes, factors = _describe(result, namer, s, batch, start, chain)
        paths.append(Path(nodes, factors, _product(factors), sample if batch else None))
    paths = sorted(paths, key=lambda p: -abs(p.product))[:max_paths]
    values = result.z if what == "z" else result.a
    per = result.deltas[layer] if what == "z" else result.input_gradient() if layer == 0 else result.grad_a[layer]
    gradient = float(result.scale * per[s, index])
    total = int(counts(result)[(what, layer)][index])
    omitted = _omitted(gradient, paths, total)
    value = float(values[layer][s, index])
    return ParameterTrace(namer.node(what, layer, index), value, gradient, value, result.learning_rate, total, paths,
                          omitted, layer=layer, node=True)


def build_trace(result, notation: Notation, names: list[str] | None, max_paths: int, sample: int | None = None,
                title: str = "", description: str = "", nodes=()):
    """What `trace` reports of a network over maps (core.tracing's Trace): every value of the
    forward pass by name, the backward pass, and each parameter's (or node's) paths."""
    from .tracing import NeuronRow, Trace

    net = result.network
    depth = len(net.layers)
    steps(result)  # a network too large to trace is refused before its every value is named
    shown = list(range(result.samples)) if sample is None else [sample - 1]
    namer = _Namer(result, notation, None)

    def column(array, index):
        return [] if array is None else [float(array[s, index]) for s in shown]

    inputs = [(namer.node("a", 0, k), column(result.a[0], k)) for k in range(result.sizes[0])]
    rows = []
    for l, layer in enumerate(net.layers, start=1):
        for j in range(result.sizes[l]):
            rows.append(NeuronRow(l, namer.node("z", l, j) if layer.has_z else "", namer.node("a", l, j),
                                  column(result.z[l], j), column(result.a[l], j),
                                  column(result.targets, j) if l == depth else None,
                                  column(result.grad_a[l], j), column(result.deltas[l], j)))
    wanted = result.traced_names() if names is None else names
    traced = [trace_parameter(result, name, notation, max_paths, sample) for name in wanted]
    for node in nodes:
        from .paths import split_sample

        traced.append(trace_node(result, *split_sample(node, sample), notation=notation, max_paths=max_paths))
    loss = result.loss if sample is None else float(result.per_sample_loss[sample - 1])
    labels = [layer.kind if not layer.has_z else f"{layer.kind} {layer.activation.label}" if layer.kind != "dense"
              else layer.activation.label for layer in net.layers]
    return Trace(title, description, result.sizes, labels, net.loss.name, net.loss.formula, loss,
                 [float(result.per_sample_loss[s]) for s in shown], result.learning_rate, net.reduction,
                 [s + 1 for s in shown], inputs, rows, traced, notation.name, result.samples, notation.loss,
                 net.loss.target)


def locate_node(result, name: str, notation: Notation) -> tuple[str, int, int]:
    """("z" | "a", layer, flat index) of a node quantity of a network over maps, written in `notation`
    (padhai: a for z, h for a) or canonically; ValueError otherwise."""
    found = mapnames.find(result.network, name)
    text = name.strip()
    if notation.name != "default" and text[:1] in (notation.pre, notation.post) and text[1:2].isdigit():
        found = mapnames.find(result.network, ("z" if text[0] == notation.pre else "a") + text[1:])
    if found is None or found[0] == "p":
        raise ValueError(f"'{name}' is not a node of the network: write x_{{row}}_{{col}}, z{{layer}}_{{channel}}_"
                         "{row}_{col}, a..., or yhat{j} (section 9's names)")
    return found
