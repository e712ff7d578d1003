"""Chain-rule paths from the loss to a parameter: exact counts and the k largest |product|.

A path runs L → ŷi → z(L)m → a(L−1)k → z(L−1)k' → … → z(l)j → w(l)jk, one factor per edge:
∂L/∂ŷi, ∂a/∂z (every pair (i, m) for softmax, i = m otherwise), ∂z/∂a = the weight, and finally
∂z/∂w = the activation the weight multiplies (1 for a bias). Counts are Python ints (never
enumerated); the k best paths come from a per-level k-best search, exact because |product| only
grows by multiplication and each level keeps the k best partial paths into every node.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .cancel import node_cancelled, omitted_sum, parameter_cancelled
from .computation import html_view
from .names import Notation, canonical_name, format_name, parse_name
from .update import updated

# `result` below is a core.result.Result, which calls into this module (so this one never imports it)


@dataclass(frozen=True)
class Factor:
    """One local derivative on a path: symbol = formula = value."""

    symbol: str
    formula: str
    value: float


@dataclass
class Path:
    """One path from L to a parameter, its factors and their product."""

    nodes: list[str]
    factors: list[Factor]
    product: float
    sample: int | None = None  # 1-based, for a batch

    kind = "path"  # how a notebook shows it (core.computation's viewers)

    def __repr__(self) -> str:
        return f"<Path {' → '.join(self.nodes)}: {len(self.factors)} factors, product {self.product:.6g}>"

    def _repr_html_(self) -> str | None:
        return html_view(self)


@dataclass
class ParameterTrace:
    """Everything `trace` shows for one parameter."""

    name: str
    value: float
    gradient: float
    updated: float
    learning_rate: float
    path_count: int
    paths: list[Path]
    omitted_sum: float
    per_sample: list[tuple[int, float]] = field(default_factory=list)  # (sample, ∂L_i/∂p) for a batch
    frozen: bool = False  # the spec's `frozen:` keeps it: updated == value
    cancelled: bool = False  # the gradient is 0 because its paths cancel (core.cancel)
    layer: int = 0  # the layer it belongs to (0: the inputs), for ordering
    node: bool = False  # a node quantity (trace --node): no update
    # a shared weight (convolution): per position where it is used, (z it feeds, what it multiplies
    # there, how many paths, their sum); empty for a dense layer's parameter
    positions: list[tuple[str, str, int, float]] = field(default_factory=list)
    grouped_by: str = "position"  # or "step" (a recurrent weight, time step by time step) or "sample" (batch norm)
    optimizer: object = None  # core.update.Optimizer of the update (None: plain gradient descent)
    state: tuple = ()  # (t, its state before, after): what the optimiser's worked lines plug in
    of: str = ""  # a partial derivative ∂X/∂name (trace --node dX/dY): X; "" for ∂L/∂name

    kind = "trace"  # how a notebook shows it (core.computation's viewers)

    def __repr__(self) -> str:
        shown = f"{len(self.paths)} shown" if len(self.paths) < self.path_count else "all shown"
        return (f"<ParameterTrace {self.name}: gradient {self.gradient:.6g}, {self.path_count:,} "
                f"path{'s' if self.path_count != 1 else ''} ({shown})>")

    def _repr_html_(self) -> str | None:
        return html_view(self)

    def grouped(self) -> tuple[list[Path], list[ZeroGroup]]:
        """The paths with a product other than 0, and those with product 0 grouped by the first
        factor that is 0 (text, Markdown and LaTeX print each group as one line)."""
        kept, groups = [], {}
        for path in self.paths:
            zero = next((f for f in path.factors if f.value == 0), None) if path.product == 0 else None
            if zero is None:
                kept.append(path)
            else:
                key = (zero.symbol.split("[")[0], zero.formula)
                groups.setdefault(key, ZeroGroup(zero, 0)).count += 1
        return kept, list(groups.values())


@dataclass
class ZeroGroup:
    """Paths whose product is 0 because they share a factor that is 0."""

    factor: Factor  # the first of them with that factor (a batch's sample suffix included)
    count: int


def _node_names(result, notation: Notation, sample: int | None):
    """Name makers for pre-activations and activations, with a [s] suffix for a batch sample."""
    depth = len(result.network.layers)
    suffix = "" if sample is None else f"[{sample}]"

    def pre(layer: int, neuron: int) -> str:
        return notation.pre_name(layer, neuron) + suffix

    def post(layer: int, neuron: int) -> str:
        return notation.post_name(layer, neuron, depth) + suffix

    return pre, post


def split_sample(name: str, sample: int | None) -> tuple[str, int]:
    """`x1[2]` -> ('x1', 2); a name without [s] is of `sample` (default 1)."""
    m = re.fullmatch(r"(.+)\[(\d+)\]", name.strip())
    return (m.group(1), int(m.group(2))) if m else (name, sample or 1)


def count_paths(sizes: list[int], softmax_layers: set[int], layer: int, neuron: int) -> int:
    """Exact number of paths from L to z(layer)neuron (and so to each of its weights)."""
    depth = len(sizes) - 1
    to_a = [1] * sizes[depth]  # paths from L to each output ŷi
    for p in range(depth, layer - 1, -1):
        to_z = [sum(to_a)] * sizes[p] if p in softmax_layers else list(to_a)
        if p == layer:
            return to_z[neuron - 1]
        to_a = [sum(to_z)] * sizes[p - 1]  # every z(p)m depends on every a(p−1)k
    raise AssertionError("unreachable")  # pragma: no cover


def magnitudes(values: np.ndarray) -> np.ndarray:
    """|values| rounded to 40 bits of mantissa (about 12 digits), by which paths are ranked: paths
    whose products are equal but for rounding (a symmetric network's) rank alike and keep their
    order, the same in numpy and in the explorer's page (explore_page/engine.js does the same to
    the same bits); not finite values are left as they are."""
    size = np.abs(np.asarray(values, dtype=np.float64))
    bits = (size.view(np.uint64) + np.uint64(2048)) & np.uint64(~4095 & 0xFFFFFFFFFFFFFFFF)
    return np.where(np.isfinite(size), bits.view(np.float64), size)


def magnitude(value: float) -> float:
    """magnitudes() of one number."""
    return float(magnitudes(np.array([value]))[0])


def _k_best_step(prod: np.ndarray, valid: np.ndarray, edge: np.ndarray, exists: np.ndarray, k: int):
    """Extend the k best partial paths into each `from` node along every edge to each `to` node."""
    n_to = edge.shape[0]
    cand = (edge[:, :, None] * prod[None, :, :]).reshape(n_to, -1)
    ok = (exists[:, :, None] & valid[None, :, :]).reshape(n_to, -1)
    score = np.where(ok, magnitudes(cand), -1.0)
    keep = min(k, score.shape[1])
    # a stable sort: equal |products| keep the order of their (from node, rank), so that which of
    # them are kept, and in which order, is defined (argpartition's is not), as the explorer's
    # page reproduces it (report/explore_page/engine.js)
    top = np.argsort(-score, axis=1, kind="stable")[:, :keep]
    return (np.take_along_axis(cand, top, axis=1), np.take_along_axis(score, top, axis=1) >= 0,
            top // prod.shape[1], top % prod.shape[1])


def jacobians(result, sample: int) -> dict[int, np.ndarray]:
    """∂a/∂z of every layer for one sample, as Activation.jacobian keeps it (computed once per trace)."""
    return {p: layer.activation.jacobian(result.z[p][sample], result.a[p][sample])
            for p, layer in enumerate(result.network.layers, start=1)}


def _local(jacobian: np.ndarray, i: int, m: int) -> float:
    """∂ai/∂zm from what jacobians() keeps (a vector means the layer is elementwise: i == m)."""
    return float(jacobian[i] if jacobian.ndim == 1 else jacobian[i, m])


def best_paths(result, layer: int, neuron: int, k: int, sample: int,
               jacobian: dict[int, np.ndarray], stop: str = "z", top: tuple | None = None
               ) -> list[tuple[float, list[int], list[int]]]:
    """The k largest-|product| paths from L to z(layer)neuron (or a(layer)neuron, stop="a") for
    one sample (0-based): (product, activation index per level, pre-activation index per level),
    top level first. With `top` = ("z" | "a", layer, 1-based neuron), the paths start at that node
    instead of L (a partial derivative ∂X/∂Y), its own factor 1; a top z has no activation index."""
    depth = len(result.network.layers)
    k = max(k, 1)
    start, first = depth, result.grad_a[depth][sample]
    if top is not None:
        start, first = top[1], np.zeros(result.sizes[top[1]])
        first[top[2] - 1] = 1.0
    prod = np.zeros((len(first), k))
    valid = np.zeros((len(first), k), dtype=bool)
    prod[:, 0] = first
    valid[:, 0] = True if top is None else first != 0  # from X: the paths of its own neuron alone
    back = []  # per step: (from-node index, from-rank) arrays
    for p in range(start, layer, -1) if stop == "a" else range(start, layer - 1, -1):
        n, local = len(jacobian[p]), jacobian[p]
        if top is not None and top[0] == "z" and p == start:
            pass  # the paths start below this layer's activation
        elif local.ndim == 1:  # elementwise: each z(p)m is reached from a(p)m alone, ranks unchanged
            prod = prod * local[:, None]
            node, rank = np.repeat(np.arange(n)[:, None], prod.shape[1], 1), np.tile(np.arange(prod.shape[1]), (n, 1))
        else:
            exists = np.ones((n, n), dtype=bool)
            prod, valid, node, rank = _k_best_step(prod, valid, local.T, exists, k)  # edges [to m, from i]
        if not (top is not None and top[0] == "z" and p == start):
            back.append((node, rank))
        if p == layer:  # stop == "z"
            break
        weights = result.network.layers[p - 1].weights  # edge[k, m] = ∂z(p)m/∂a(p−1)k = w(p)mk
        prod, valid, node, rank = _k_best_step(prod, valid, weights.T, np.ones(weights.T.shape, dtype=bool), k)
        back.append((node, rank))
    found = []
    for r in range(prod.shape[1]):
        if not valid[neuron - 1, r]:
            continue
        idx, rk, chain = neuron - 1, r, []
        for node, rank in reversed(back):
            chain.append(idx)
            idx, rk = int(node[idx, rk]), int(rank[idx, rk])
        chain.append(idx)
        chain.reverse()  # [ŷ index, z(L) index, a(L−1) index, z(L−1) index, ..., z(layer) index]
        found.append((float(prod[neuron - 1, r]), chain[0::2], chain[1::2]))
    return found


def activation_factor(net, pre, post, jacobian: dict[int, np.ndarray], p: int, i: int, m: int) -> Factor:
    """∂a(p)i/∂z(p)m, with its formula (softmax's cross pair where i ≠ m); 0-based i, m."""
    act, a_name, z_name = net.layers[p - 1].activation, post(p, i + 1), pre(p, m + 1)
    formula = act.derivative_formula.format(z=z_name, a=a_name) if i == m else \
        act.cross_formula.format(ai=a_name, am=post(p, m + 1))
    return Factor(f"∂{a_name}/∂{z_name}", formula, _local(jacobian[p], i, m))


def weight_factor(net, notation: Notation, pre, post, p: int, j: int, i: int) -> Factor:
    """∂z(p)j/∂a(p−1)i: the weight between them (0-based j, i)."""
    return Factor(f"∂{pre(p, j + 1)}/∂{post(p - 1, i + 1)}", notation.parameter("w", p, j + 1, i + 1),
                  float(net.layers[p - 1].weights[j, i]))


def parameter_factor(result, pre, post, param: str, kind: str, layer: int, j: int, k: int | None,
                     sample: int) -> Factor:
    """A path's last factor: ∂z/∂w is the activation w multiplies, ∂z/∂b is 1 (1-based j, k)."""
    if kind == "w":
        return Factor(f"∂{pre(layer, j)}/∂{param}", post(layer - 1, k), float(result.a[layer - 1][sample, k - 1]))
    return Factor(f"∂{pre(layer, j)}/∂{param}", "1", 1.0)


def _describe(result, notation: Notation, param: str | None, kind: str, layer: int, j: int, k: int | None,
              acts: list[int], pres: list[int], sample: int, batch: bool, jacobian: dict[int, np.ndarray]) -> Path:
    """Turn one found path into nodes and factors with symbols, formulas and values (`param` is the
    parameter's printed name, `j` the neuron whose pre-activation it feeds; None for a path that
    ends at a node)."""
    net = result.network
    depth = len(net.layers)
    pre, post = _node_names(result, notation, sample + 1 if batch else None)
    loss = notation.loss
    nodes, factors = [loss], []
    if batch:
        weight = result.scale
        nodes.append(f"{loss}[{sample + 1}]")
        factors.append(Factor(f"∂{loss}/∂{loss}[{sample + 1}]", "1/n" if weight != 1 else "1", weight))
    p = depth
    if len(acts) > len(pres) and not pres:  # a path to an output ŷi: its one factor
        a_name = post(depth, acts[0] + 1)
        formula = net.loss.derivative_formula.format(yhat=a_name, y=notation.show(format_name(net.loss.target,
                                                     acts[0] + 1)), n=result.sizes[-1])
        factors.append(Factor(f"∂{loss}/∂{a_name}", formula, float(result.grad_a[depth][sample, acts[0]])))
        nodes.append(a_name)
    for level, (i, m) in enumerate(zip(acts, pres)):
        p = depth - level
        a_name, z_name = post(p, i + 1), pre(p, m + 1)
        if level == 0:
            # in a batch this is sample s's own loss L[s] and target y[s]; the 1/n is the factor before
            s_mark = f"[{sample + 1}]" if batch else ""
            y_name = notation.show(format_name(net.loss.target, i + 1)) + s_mark
            formula = net.loss.derivative_formula.format(yhat=a_name, y=y_name, n=result.sizes[-1])
            factors.append(Factor(f"∂{loss}{s_mark}/∂{a_name}", formula, float(result.grad_a[depth][sample, i])))
            nodes.append(a_name)
        else:
            factors.append(weight_factor(net, notation, pre, post, p + 1, pres[level - 1], i))
            nodes.append(a_name)
        factors.append(activation_factor(net, pre, post, jacobian, p, i, m))
        nodes.append(z_name)
    if pres and len(acts) > len(pres):  # ends at an activation (or input) below the last z
        p, i, m = depth - len(pres), acts[-1], pres[-1]
        factors.append(weight_factor(net, notation, pre, post, p + 1, m, i))
        nodes.append(post(p, i + 1))
    if param is not None:
        factors.append(parameter_factor(result, pre, post, param, kind, layer, j, k, sample))
        nodes.append(param)
    product = 1.0
    for factor in factors:
        product *= factor.value
    return Path(nodes, factors, product, sample + 1 if batch else None)


def trace_parameter(result, name: str, notation: Notation, max_paths: int,
                    sample: int | None = None) -> ParameterTrace:
    """Paths, their products and the gradient of one parameter (`sample` 1-based, or the batch).
    A layer's shared bias has the paths of every neuron of its layer."""
    value = result.value(name)  # validates the name
    kind, layer, j, k = result.parameter_index(name)
    shown_name = notation.parameter(kind, layer, j, k)
    neurons = range(1, result.sizes[layer] + 1) if j is None else [j]
    per_sample_count = sum(count_paths(result.sizes, result.network.softmax_layers, layer, n) for n in neurons)
    per_sample = result.per_sample_gradient(name)
    batch = result.samples > 1 and sample is None
    samples = range(result.samples) if sample is None else [sample - 1]
    candidates = []
    for s in samples:
        jacobian = jacobians(result, s)
        for n in neurons:
            for _, acts, pres in best_paths(result, layer, n, max_paths, s, jacobian):
                candidates.append(_describe(result, notation, shown_name, kind, layer, n, k, acts, pres, s, batch,
                                            jacobian))
    direct = kind == "w" and sample is None and bool(result.network.l2)
    if direct:  # the L2 term's own path, L → w: ∂/∂w of (λ/2)·Σw² is λ·w
        candidates.append(Path([notation.loss, shown_name], [Factor(f"∂{notation.loss}/∂{shown_name}",
                               f"λ·{shown_name}", result.network.l2 * value)], result.network.l2 * value))
    candidates.sort(key=lambda path: -magnitude(path.product))
    shown = candidates[:max_paths]
    if sample is None:
        gradient = result.gradient(name)
        total = per_sample_count * result.samples + direct
    else:
        gradient = float(per_sample[sample - 1])
        total = per_sample_count
    omitted = omitted_sum(gradient, shown, total)
    rows = [(s + 1, float(per_sample[s])) for s in range(result.samples)] if batch else []
    frozen = result.is_frozen(name)
    # the optimiser's update of the batch's gradient; a sample's own gradient: the plain step it gives
    after = value if frozen else result.updated(name) if sample is None else updated(value, gradient,
                                                                                      result.learning_rate)
    cancelled = sample is None and parameter_cancelled(result, kind, layer, j, k)
    optimizer = result.network.optimizer if sample is None else None  # a sample alone: its plain step
    state = result.parameter_state(name) if optimizer is not None and optimizer.state_names else ()
    return ParameterTrace(shown_name, value, gradient, after, result.learning_rate, total, shown, omitted, rows, frozen,
                          cancelled, layer, optimizer=optimizer, state=state)


def locate_node(result, name: str, notation: Notation) -> tuple[str, int, int]:
    """("z" | "a", layer, 1-based neuron) of a node quantity written in `notation` or in the spec's
    own names (x1 is a(0)1, yhat1 the output's a); ValueError with a hint when there is none."""
    canonical = canonical_name(notation.course, name)
    letters = ("z", "a") if canonical != name.strip() else (notation.pre, notation.post)
    parsed = parse_name(canonical)
    sizes, depth = result.sizes, len(result.sizes) - 1
    if parsed is None or parsed.kind not in ("x", "yhat", *letters):
        raise ValueError(f"'{name}' is not a node of the network: write x{{k}}, {letters[0]}{{layer}}{{neuron}}, "
                         f"{letters[1]}{{layer}}{{neuron}} or yhat{{j}} ({notation.name} notation)")
    if parsed.kind in ("x", "yhat"):
        what, layer, neuron = "a", 0 if parsed.kind == "x" else depth, parsed.indices[0]
    else:
        what, (layer, neuron) = ("z" if parsed.kind == letters[0] else "a"), parsed.indices
    if not (0 <= layer <= depth and 1 <= neuron <= sizes[layer]) or (what == "z" and layer == 0):
        raise ValueError(f"the network has no {name}: " + ", ".join(
            f"layer {l}{' (input)' if l == 0 else ''}: {n} neuron{'s' if n != 1 else ''}" for l, n in enumerate(sizes)))
    return what, layer, neuron


def trace_node(result, name: str, sample: int = 1, *, notation: Notation, max_paths: int) -> ParameterTrace:
    """Every path from L to a node quantity (z13, a12, x1) of one sample (1-based), as a trace
    without an update: value, ∂L/∂node (the sample's share of L) and the paths."""
    what, layer, neuron = locate_node(result, name, notation)
    s = sample - 1
    depth = len(result.network.layers)
    if what == "z":
        shown, value, per = notation.pre_name(layer, neuron), result.z[layer][s, neuron - 1], result.deltas[layer]
    else:
        shown, value = notation.post_name(layer, neuron, depth), result.a[layer][s, neuron - 1]
        per = result.input_gradient() if layer == 0 else result.grad_a[layer]
    batch = result.samples > 1
    jacobian = jacobians(result, s)
    found = best_paths(result, layer, neuron, max_paths, s, jacobian, stop=what)
    paths = [_describe(result, notation, None, "", layer, neuron, None, acts, pres, s, batch, jacobian)
             for _, acts, pres in found]
    total = _count_node_paths(result, what, layer, neuron)
    gradient = float(result.scale * per[s, neuron - 1])
    shown_paths = paths[:max_paths]
    omitted = omitted_sum(gradient, shown_paths, total)
    return ParameterTrace(shown + (f"[{sample}]" if batch else ""), float(value), gradient, float(value),
                          result.learning_rate, total, shown_paths, omitted, layer=layer, node=True,
                          cancelled=node_cancelled(result, what, layer, s, neuron))


def _count_node_paths(result, what: str, layer: int, neuron: int) -> int:
    sizes, softmax = result.sizes, result.network.softmax_layers
    depth = len(sizes) - 1
    if what == "z":
        return count_paths(sizes, softmax, layer, neuron)
    if layer == depth:
        return 1
    return sum(count_paths(sizes, softmax, layer + 1, m) for m in range(1, sizes[layer + 1] + 1))

