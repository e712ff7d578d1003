"""A network of contract section 9's layers (conv and pooling, recurrent, batch norm, and the dense
layers among them) written out as one expression: a graph of scalar operations (core.graph), one
node per named quantity (x_1_2, z1_1_1_1, a2_1_1_1, h11@2, mu21, xhat21[2], yhat1@3, L@3, L) and
hidden nodes for the products and partial sums between them. What grading needs of such a
network (values, ∂L/∂ of every node, a step recomputed from stated values, intervals) is then
what it already does for expressions.

The graph is built from the engine's layers and values alone (each layer's own path structure,
`edges()`, and max pooling's routing `first()`), and `agrees` holds it to the engine's forward
values and gradients, so a layer written out wrong is refused, never graded.

Over a sequence every parameter is used at each step through a node of its own, `wh111@2` (the
same value), whose derivative is the part of the gradient that step contributes (dL/dwh111@2).
A shared weight's uses inside a step are kept as (product node, input node) pairs in `uses`, so
that a gradient summed over one position only can be worked out.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import UsageError
from . import mapnames
from .graph import ExpressionResult, Graph, Node
from .operations import OPERATIONS
from .sequence import SequenceNetwork

MAX_NODES = 5_000  # scalar nodes graded by interval arithmetic in pure Python: a few passes of a second
ELEMENTWISE = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu"}
HIDDEN = "·"  # the first character of a hidden node's name (a product, a partial sum)


class Builder:
    """Nodes added one by one (every operand before its user); the variables' values in `at`."""

    def __init__(self, limit: int):
        self.graph, self.at, self.limit = Graph(), {}, limit
        self.values: list[float] = []  # every node's value as it is added (max pooling routes by them)
        self._constants: dict[float, int] = {}

    def _add(self, node: Node, value: float) -> int:
        if len(self.graph.nodes) >= self.limit:
            raise UsageError(f"this network written out as scalar steps has more than {self.limit:,} nodes: too many "
                             "to grade answer by answer (grade a smaller network; `backprop grad` gives every value)")
        self.values.append(value)
        return self.graph.add(node)

    def variable(self, name: str, value: float) -> int:
        self.at[name] = float(value)
        return self._add(Node(name), float(value))

    def constant(self, value: float) -> int:
        value = float(value)
        if value not in self._constants:
            self._constants[value] = self._add(Node(repr(value), constant=value), value)
        return self._constants[value]

    def op(self, op: str, *operands: int, name: str = "") -> int:
        try:
            value = float(OPERATIONS[op].value(*(self.values[i] for i in operands)))
        except (ArithmeticError, ValueError):  # the engine's pass says what is undefined: agrees() tells
            value = math.nan
        return self._add(Node(name or f"{HIDDEN}{len(self.graph.nodes)}", op, tuple(operands)), value)

    def total(self, terms: list[int], name: str = "") -> int:
        """Σ terms (a `same` step for one term, so that the sum can carry a name)."""
        if not terms:
            terms = [self.constant(0.0)]
        node = terms[0]
        for i, term in enumerate(terms[1:], start=2):
            node = self.op("add", node, term, name=name if i == len(terms) else "")
        return node if len(terms) > 1 else self.op("same", node, name=name)


class Written:
    """What building a network's graph records beside the graph: the parameters' variables and
    every use of a shared weight as (product node, input node)."""

    def __init__(self):
        self.parameters: dict[tuple, int] = {}  # (layer, "w" | "b", flat index or None) -> variable
        self.names: dict[int, str] = {}  # variable -> parameter name
        self.uses: dict[str, list[tuple[int, int]]] = {}  # parameter name -> [(product, input)]
        self.flips: dict[int, int] = {}  # a conv weight's variable -> the variable at the flipped kernel position
        self.pools: list[tuple[int, list[int], str, int]] = []  # (pooled, window, mode, the node it reads)
        self.squares: list[tuple[int, int]] = []  # (d², d) of a squared error's every term
        self.convs: list[tuple] = []  # (layer, its number, inputs, z, a) of a conv layer at each row


def write_out(result, limit: int = MAX_NODES, flip: bool = False) -> tuple[Graph, dict, Written]:
    """The graph of `result`'s network at its values, its variables' values, and what it records;
    with `flip`, every kernel flipped (convolution instead of cross-correlation, a catalogued slip)."""
    net = result.network
    sequence = isinstance(net, SequenceNetwork)  # rows are time steps (@t), else samples ([s])
    b, w = Builder(limit), Written()
    rows = int(result.a[0].shape[0])
    for name, layer, kind, flat in mapnames.parameters(net):
        value = _parameter_value(net.layers[layer - 1], kind, flat)
        w.parameters[layer, kind, flat] = b.variable(name, value)
        w.names[w.parameters[layer, kind, flat]] = name

    def name_of(what: str, layer: int, index: int, row: int) -> str:
        if sequence:
            return mapnames.node_name(net, what, layer, index, row + 1)
        return mapnames.node_name(net, what, layer, index) + ("" if row is None or rows == 1 else f"[{row + 1}]")

    def parameter(layer: int, kind: str, flat, row: int) -> int:
        node = w.parameters[layer, kind, flat]
        if not sequence:
            return node
        key = (layer, kind, flat, row)  # its use at this step, named for dL/dwh111@2
        if key not in w.parameters:
            w.parameters[key] = b.op("same", node, name=f"{w.names[node]}@{row + 1}")
        return w.parameters[key]

    below = [[b.variable(name_of("a", 0, k, s), result.a[0][s, k]) for k in range(result.a[0].shape[1])]
             for s in range(rows)]
    states: dict[int, list[int]] = {}
    for l, layer in enumerate(net.layers, start=1):
        if layer.kind == "batchnorm":
            below = _batchnorm(b, layer, l, below, name_of, parameter)
            continue
        outputs = []
        for s in range(rows):
            if layer.kind == "recurrent":
                previous = states.get(l) or [b.constant(v) for v in layer.initial_state]
                z = _recurrent(b, layer, l, below[s], previous, s, name_of, parameter)
            elif layer.has_z:
                z = _weighted(b, w, layer, l, below[s], s, name_of, parameter, flip)
            else:
                outputs.append(_pool(b, w, layer, l, below[s], s, name_of))
                continue
            a = _activate(b, layer.activation, z, [name_of("a", l, j, s) for j in range(len(z))])
            if layer.kind.startswith("conv"):
                w.convs.append((layer, l, below[s], z, a))
            if layer.kind == "recurrent":
                states[l] = a
            outputs.append(a)
        below = outputs
    losses = []
    for s in range(rows):
        if not sequence or net.mask(rows)[s, 0]:
            losses.append(_loss(b, w, net.loss.name, below[s], result.targets[s], _loss_name(sequence, rows, s)))
        else:  # a step whose output the loss does not read: its loss is 0
            b.op("same", b.constant(0.0), name=_loss_name(sequence, rows, s))
    scale = 1.0 / rows if not sequence and net.reduction == "mean" else 1.0
    total = b.total(losses, name="" if scale != 1.0 else "L")
    if scale != 1.0:
        b.op("mul", total, b.constant(scale), name="L")
    return b.graph, b.at, w


def _loss_name(sequence: bool, rows: int, s: int) -> str:
    return f"L@{s + 1}" if sequence else f"L[{s + 1}]" if rows > 1 else ""


def _parameter_value(layer, kind: str, flat) -> float:
    if kind == "w":
        return float(np.asarray(layer.weights).reshape(-1)[flat])
    return float(np.asarray(layer.biases).reshape(-1)[flat or 0])


def _bias(layer, l: int, j: int, row: int, parameter, per: int = 1):
    if layer.bias_style == "none":
        return None
    return parameter(l, "b", None if layer.bias_style == "shared" else j // per, row)


def _weighted(b: Builder, w: Written, layer, l: int, inputs: list[int], row: int, name_of, parameter,
              flip: bool) -> list[int]:
    """z of a dense or convolution layer: Σ weight·input along the layer's own edges, + bias."""
    z_index, a_index, w_index = layer.edges()
    terms: dict[int, list[int]] = {}
    outputs = layer.outputs
    flipped = _flipped_index(layer) if layer.kind.startswith("conv") else None
    for zi, ai, wi in zip(z_index.tolist(), a_index.tolist(), w_index.tolist()):
        weight = parameter(l, "w", flipped[wi] if flip and flipped is not None else wi, row)
        product = b.op("mul", weight, inputs[ai])
        terms.setdefault(zi, []).append(product)
        w.uses.setdefault(w.names[w.parameters[l, "w", wi]], []).append((product, inputs[ai]))
        if flipped is not None:
            w.flips[w.parameters[l, "w", wi]] = w.parameters[l, "w", int(flipped[wi])]
    per = outputs // len(np.asarray(layer.biases).reshape(-1)) if layer.kind.startswith("conv") else 1
    z = []
    for j in range(outputs):
        bias = _bias(layer, l, j, row, parameter, per)
        parts = terms.get(j, []) + ([bias] if bias is not None else [])
        z.append(b.total(parts, name=name_of("z", l, j, row)))
    return z


def _flipped_index(layer) -> np.ndarray:
    """Each flat weight index of a kernel -> the index of its entry with the kernel flipped."""
    shape = layer.weights.shape
    index = np.arange(int(np.prod(shape))).reshape(shape)
    return index[:, :, ::-1, ::-1].reshape(-1) if len(shape) == 4 else index[:, :, ::-1].reshape(-1)


def _recurrent(b: Builder, layer, l: int, x: list[int], previous: list[int], row: int, name_of, parameter):
    """z@t of an Elman cell: W_x x@t + W_h h@t−1 + b, its weights one matrix [W_x | W_h]."""
    units, width = layer.weights.shape
    z = []
    for j in range(units):
        terms = [b.op("mul", parameter(l, "w", j * width + k, row), x[k]) for k in range(layer.inputs)]
        terms += [b.op("mul", parameter(l, "w", j * width + layer.inputs + k, row), previous[k])
                  for k in range(units)]
        bias = _bias(layer, l, j, row, parameter)
        z.append(b.total(terms + ([bias] if bias is not None else []), name=name_of("z", l, j, row)))
    return z


def _pool(b: Builder, w: Written, layer, l: int, inputs: list[int], row: int, name_of) -> list[int]:
    """A pooling layer's a: the window's first maximum (a step that only renames it), or its mean."""
    values = [b.values[node] for node in inputs]
    pooled, below, _ = layer.edges()
    windows: dict[int, list[int]] = {}
    for p, k in zip(pooled.tolist(), below.tolist()):
        windows.setdefault(p, []).append(k)
    out = []
    for p in range(layer.outputs):
        name = name_of("a", l, p, row)
        members = windows[p]
        if layer.mode == "max":
            best = members[0]
            for k in members[1:]:
                if values[k] > values[best]:  # a later one wins only when strictly larger: the first maximum
                    best = k
            out.append(b.op("same", inputs[best], name=name))
            read = inputs[best]
        else:
            read = b.total([inputs[k] for k in members])
            out.append(b.op("mul", read, b.constant(1.0 / len(members)), name=name))
        w.pools.append((out[-1], [inputs[k] for k in members], layer.mode, read))
    return out


def _activate(b: Builder, act, z: list[int], names: list[str]) -> list[int]:
    activation = act.name
    if activation == "leaky_relu":  # (1 − α)·relu(z) + α·z: slope 1 above 0, α at and below it (as PyTorch)
        keep, slope = b.constant(1.0 - act.alpha), b.constant(act.alpha)
        return [b.op("add", b.op("mul", b.op("relu", node), keep), b.op("mul", slope, node), name=name)
                for node, name in zip(z, names)]
    if activation == "linear":
        return [b.op("same", node, name=name) for node, name in zip(z, names)]
    if activation in ELEMENTWISE:
        return [b.op(ELEMENTWISE[activation], node, name=name) for node, name in zip(z, names)]
    if activation == "softmax":
        exps = [b.op("exp", node) for node in z]
        total = b.total(exps)
        return [b.op("div", e, total, name=name) for e, name in zip(exps, names)]
    raise UsageError(f"the activation {activation} is not graded on these layers yet (sigmoid, tanh, relu, "
                     "leaky_relu, linear and softmax are)")


def _batchnorm(b: Builder, layer, l: int, below: list[list[int]], name_of, parameter) -> list[list[int]]:
    """Batch norm over the rows: μ, the biased σ², x̂ = (x − μ)/√(σ² + eps), z = γ·x̂ + β, a."""
    rows = len(below)
    out = [[0] * layer.outputs for _ in range(rows)]
    for j in range(layer.outputs):
        mu = b.op("mul", b.total([below[s][j] for s in range(rows)]), b.constant(1.0 / rows),
                  name=name_of("mu", l, j, None))
        centred = [b.op("sub", below[s][j], mu) for s in range(rows)]
        squares = b.total([b.op("mul", c, c) for c in centred])
        var = b.op("mul", squares, b.constant(1.0 / rows), name=name_of("var", l, j, None))
        root = b.op("sqrt", b.op("add", var, b.constant(layer.eps)))
        for s in range(rows):
            xhat = b.op("div", centred[s], root, name=name_of("xhat", l, j, s))
            z = b.op("add", b.op("mul", parameter(l, "w", j, s), xhat), parameter(l, "b", j, s),
                     name=name_of("z", l, j, s))
            out[s][j] = _activate(b, layer.activation, [z], [name_of("a", l, j, s)])[0]
    return out


def _loss(b: Builder, w: Written, loss: str, yhat: list[int], target: np.ndarray, name: str) -> int:
    """One row's loss, summed over its outputs, as core.functions defines it."""
    terms = []
    for node, y in zip(yhat, np.asarray(target, dtype=float).tolist()):
        if loss in ("squared_error", "half_squared_error", "mse"):
            d = b.op("sub", node, b.constant(y))
            terms.append(b.op("mul", d, d))
            w.squares.append((terms[-1], d))
        elif loss == "cross_entropy":
            if y != 0:
                terms.append(b.op("mul", b.constant(-y), b.op("log", node)))
        elif loss == "binary_cross_entropy":
            if y != 0:
                terms.append(b.op("mul", b.constant(-y), b.op("log", node)))
            if y != 1:
                terms.append(b.op("mul", b.constant(y - 1.0), b.op("log", b.op("sub", b.constant(1.0), node))))
        elif loss == "none":
            terms.append(b.op("mul", b.constant(y), node))
        else:  # pragma: no cover - every loss of core.functions is above
            raise UsageError(f"the loss {loss} is not graded on these layers yet")
    factor = {"half_squared_error": 0.5, "mse": 1.0 / max(len(yhat), 1)}.get(loss)
    if factor is None:
        return b.total(terms, name=name)
    return b.op("mul", b.total(terms), b.constant(factor), name=name)


def agrees(graph_result: ExpressionResult, result) -> str:
    """'' when the graph's values and gradients are the engine's; else the first that is not."""
    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))

    index = graph_result.graph.index
    for name, value in result.forward.items():
        values = np.atleast_1d(np.asarray(value, dtype=float))
        for s, v in enumerate(values.tolist()):
            node = index(name + (f"[{s + 1}]" if len(values) > 1 and "@" not in name and name != "L" else ""))
            if node is None:
                return f"{name} has no node"
            if not close(graph_result.values[node], v):
                return f"{name}: {graph_result.values[node]!r} ≠ {v!r}"
    for name, *_ in mapnames.parameters(result.network):
        got = graph_result.derivatives[index(name)]
        if not close(got, result.gradient(name)):
            return f"dL/d{name}: {got!r} ≠ {result.gradient(name)!r}"
    return ""
