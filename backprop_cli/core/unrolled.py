"""The layers that couple rows (contract section 9) drawn as a graph of named scalar nodes: a
recurrent network unrolled in time, and batch normalisation, whose samples meet in μ and σ².

Nodes are named as reports print them (h11@3, xhat21[2], mu21, wh112); each edge carries its local
derivative's value and printed formula, built from one pass's arrays. On the graph: exact path
counts (Python integers, summed node by node, never enumerated), ∂L/∂node as the sum over paths,
and the k largest |product| paths into every node (exact for core.paths' reason: each node keeps
the k best partial paths into it, since multiplying by one edge's |factor| keeps their order).
core.unrolledtrace turns them into what `trace` reports.

A recurrent unit goes from h to h in one factor, as courses write BPTT:
∂h11@3/∂h12@2 = wh112 · (1 − h11@3²) (its z is named inside the formula, not as a node).
"""
from __future__ import annotations

from ..errors import UsageError

MAX_EDGES = 300_000  # a scalar graph in Python: a second or so to build and search
MAX_CANDIDATES = 3_000_000  # partial paths weighed by a k-best search: a few seconds in Python


class Graph:
    """Named scalar nodes (0 is the loss) and, per node, its edges down: (node, value, formula)."""

    def __init__(self, loss_name: str):
        self.names: list[str] = [loss_name]
        self.edges: list[list[tuple[int, float, str]]] = [[]]
        self.ids: dict[str, int] = {loss_name: 0}
        self.size = 0
        self._order: list[int] | None = None
        self._counts: list[int] | None = None
        self._adjoints: list[float] | None = None
        self._best: dict[int, list] = {}  # k -> the k-best search, asked once for every trace
        self._parents: dict[int, list] | None = None

    def node(self, name: str) -> int:
        found = self.ids.get(name)
        if found is None:
            found = self.ids[name] = len(self.names)
            self.names.append(name)
            self.edges.append([])
        return found

    def edge(self, upper: str, lower: str, value: float, formula: str) -> None:
        self.edges[self.node(upper)].append((self.node(lower), float(value), formula))
        self.size += 1
        if self.size > MAX_EDGES:
            raise UsageError(f"this network unrolls into more than {MAX_EDGES:,} local derivatives: too many to "
                             "trace path by path; `backprop grad` gives every gradient")

    def parents(self) -> dict[int, list[tuple[int, float, str]]]:
        """Every node's edges up: node -> [(upper node, value, formula)] (where a parameter is used)."""
        if self._parents is None:
            found: dict[int, list] = {}
            for upper, edges in enumerate(self.edges):
                for child, value, formula in edges:
                    found.setdefault(child, []).append((upper, value, formula))
            self._parents = found
        return self._parents

    def order(self) -> list[int]:
        """Every node reached from the loss, each after every node above it (a topological order)."""
        if self._order is None:
            seen, post = set(), []
            stack = [(0, iter(self.edges[0]))]
            seen.add(0)
            while stack:
                node, children = stack[-1]
                for child, _, _ in children:
                    if child not in seen:
                        seen.add(child)
                        stack.append((child, iter(self.edges[child])))
                        break
                else:
                    stack.pop()
                    post.append(node)
            self._order = post[::-1]
        return self._order

    def counts(self) -> list[int]:
        """How many paths lead from the loss to each node: Python integers, summed, not enumerated."""
        if self._counts is None:
            counts = [0] * len(self.names)
            counts[0] = 1
            for node in self.order():
                for child, _, _ in self.edges[node]:
                    counts[child] += counts[node]
            self._counts = counts
        return self._counts

    def adjoints(self) -> list[float]:
        """∂L/∂node as the sum over its paths, accumulated node by node (what the engine computes)."""
        if self._adjoints is None:
            adjoint = [0.0] * len(self.names)
            adjoint[0] = 1.0
            for node in self.order():
                for child, value, _ in self.edges[node]:
                    adjoint[child] += adjoint[node] * value
            self._adjoints = adjoint
        return self._adjoints

    def best(self, k: int) -> list[list[tuple[float, int, int, int]]]:
        """The k largest |product| partial paths from the loss into every node: (product, upper
        node, edge index, rank there), largest first. UsageError when the search would weigh more
        than MAX_CANDIDATES partial paths (--max-paths too large for the unrolling): bounded first."""
        if k in self._best:
            return self._best[k]
        counts = self.counts()
        weighed = sum(len(self.edges[node]) * min(k, counts[node]) for node in self.order())
        if weighed > MAX_CANDIDATES:
            raise UsageError(f"keeping the {k:,} best paths into every node of this unrolling weighs {weighed:,} "
                             f"partial paths (at most {MAX_CANDIDATES:,}): ask for fewer with --max-paths")
        best: list[list] = [[] for _ in self.names]
        best[0] = [(1.0, -1, -1, -1)]
        for node in self.order():
            kept = best[node] = sorted(best[node], key=lambda c: -abs(c[0]))[:k]
            for e, (child, value, _) in enumerate(self.edges[node]):
                best[child].extend((p * value, node, e, r) for r, (p, _, _, _) in enumerate(kept))
        self._best[k] = best  # every parameter's and node's trace reads the same search
        return best

    def enumerate(self, target: int, limit: int = 1_000_000) -> list[list[int]]:
        """Every path from the loss to `target` as its nodes, listed one by one (for tests: brute force)."""
        found: list[list[int]] = []

        def walk(node: int, trail: list[int]) -> None:
            if len(found) > limit:
                raise ValueError("too many paths to list")
            if node == target:
                found.append(trail)
                return
            for child, _, _ in self.edges[node]:
                walk(child, trail + [child])

        walk(0, [0])
        return found


def edge_count(result) -> int:
    """How many local derivatives the graph of `result` holds (at most; softmax counted whole), worked
    out from the shapes alone: a hostile spec is refused before any edge is built."""
    net = result.network
    rows = result.steps if getattr(net, "sequence", False) else result.samples
    edges = rows * 2 * result.sizes[-1]  # each row's loss to its outputs, and the batch's 1/n or the step's 1
    for layer in net.layers:
        n = layer.outputs
        act = n * n if not layer.activation.elementwise else n
        if layer.kind == "batchnorm":
            edges += rows * (act + 9 * n)  # z → x̂, γ, β; x̂ → x, μ, σ²; σ² → x, μ → x; σ² → μ once
        else:
            edges += rows * (act + 2 * layer.weights.size + n)
    return edges


def graph_of(result) -> Graph:
    """The scalar graph of a result over a sequence or through batch norm, built once."""
    if "graph" not in result._cache:
        if edge_count(result) > MAX_EDGES:
            raise UsageError(f"this network unrolls into {edge_count(result):,} local derivatives: too many to "
                             f"trace path by path (at most {MAX_EDGES:,}); `backprop grad` gives every gradient")
        result._cache["graph"] = (_sequence_graph if getattr(result.network, "sequence", False) else
                                  _norm_graph)(result)
    return result._cache["graph"]


def shown_name(network, canonical: str) -> str:
    """A canonical name as reports print it: the spec's own name, else itself."""
    return network.names.get(canonical, canonical)


def _activation_edge(graph, act, upper: str, lower: str, value: float) -> None:
    graph.edge(upper, lower, value, act.derivative_formula.format(z=lower, a=upper))


def _output(graph, result, yhat, target, row: int, upper: str) -> None:
    """Edges from a row's loss `upper` to its outputs (`yhat(j)` names them, `target(j)` their targets)."""
    net = result.network
    depth = len(net.layers)
    for j in range(result.sizes[-1]):
        graph.edge(upper, yhat(j), result.grad_a[depth][row, j], net.loss.derivative_formula.format(
            yhat=yhat(j), y=target(j), n=result.sizes[-1]))


def _sequence_graph(result) -> Graph:
    """The network unrolled in time: L → L@t (targets every step) → yhat@t → ... → h@t → h@t−1 ..."""
    from . import seqnames

    net = result.network
    depth, steps = len(net.layers), result.steps
    names = net.names
    graph = Graph(shown_name(net, "L"))

    def node(what: str, layer: int, j: int, t: int) -> str:
        return shown_name(net, seqnames.node_name(net, what, layer, j, t))

    params = {(l, k, i): shown_name(net, n) for n, l, k, i in seqnames.parameters(net)}
    read = range(steps) if net.every_step else [steps - 1]
    target = net.loss.target
    for t in read:
        upper = graph.names[0]
        if net.every_step:
            upper = shown_name(net, f"L@{t + 1}")
            graph.edge(graph.names[0], upper, 1.0, "1")
        _output(graph, result, lambda j, t=t: node("a", depth, j, t + 1),
                lambda j, t=t: names.get(f"{target}{j + 1}@{t + 1}", f"{target}{j + 1}@{t + 1}"), t, upper)
    for t in range(steps - 1, -1, -1):
        for l in range(depth, 0, -1):
            layer = net.layers[l - 1]
            z, a = result.z[l][t], result.a[l][t]
            rows, cols = layer.weights.shape
            act = layer.activation
            if layer.kind == "recurrent":
                local = act.derivative(z, a)
                for j in range(rows):
                    h, zname = node("a", l, j, t + 1), node("z", l, j, t + 1)
                    prime = act.derivative_formula.format(z=zname, a=h)
                    for k in range(cols):
                        weight = params[(l, "w", j * cols + k)]
                        w = float(layer.weights[j, k])
                        if k < layer.inputs:  # from the layer below (an input) at this step
                            below = node("a", l - 1, k, t + 1)
                            source = float(result.a[l - 1][t, k])
                        else:  # from a unit's own state at the step before
                            below = node("a", l, k - layer.inputs, t) if t else None
                            source = float(result.a[l][t - 1, k - layer.inputs] if t else
                                           layer.initial_state[k - layer.inputs])
                            if below is None:
                                source_name = node("a", l, k - layer.inputs, 0)
                        if below is not None:
                            graph.edge(h, below, w * local[j], f"{weight} · ({prime})")
                        what = below if below is not None else source_name
                        graph.edge(h, weight, source * local[j], f"{what} · ({prime})")
                    if layer.bias_style != "none":
                        graph.edge(h, params[(l, "b", j)], local[j], prime)
                continue
            jac = act.jacobian(z, a)
            for j in range(rows):
                upper = node("a", l, j, t + 1)
                if jac.ndim == 1:
                    _activation_edge(graph, act, upper, node("z", l, j, t + 1), jac[j])
                else:
                    for m in range(rows):
                        graph.edge(upper, node("z", l, m, t + 1), jac[j, m],
                                   act.derivative_formula.format(z=node("z", l, m, t + 1), a=upper) if j == m else
                                   act.cross_formula.format(ai=upper, am=node("a", l, m, t + 1)))
            for j in range(rows):
                zname = node("z", l, j, t + 1)
                for k in range(cols):
                    below = node("a", l - 1, k, t + 1)
                    graph.edge(zname, below, layer.weights[j, k], params[(l, "w", j * cols + k)])
                    graph.edge(zname, params[(l, "w", j * cols + k)], result.a[l - 1][t, k], below)
                if layer.bias_style == "shared":
                    graph.edge(zname, params[(l, "b", None)], 1.0, "1")
                elif layer.bias_style == "each":
                    graph.edge(zname, params[(l, "b", j)], 1.0, "1")
    return graph


def _norm_graph(result) -> Graph:
    """A batch through dense and batch-norm layers: L → L[s] → yhat[s] → ... → xhat[s] → (x[s], μ, σ²)
    → every sample's x: the samples meet in μ and σ²."""
    from . import mapnames

    net = result.network
    depth, n = len(net.layers), result.samples
    graph = Graph(shown_name(net, "L"))
    params = {(l, k, i): shown_name(net, name) for name, l, k, i in mapnames.parameters(net)}

    def node(what: str, layer: int, j: int, s: int | None) -> str:
        base = shown_name(net, mapnames.node_name(net, what, layer, j))
        return base if s is None else f"{base}[{s + 1}]"

    loss = graph.names[0]
    target = net.loss.target
    for s in range(n):
        upper = f"{loss}[{s + 1}]"
        graph.edge(loss, upper, result.scale, "1/n" if result.scale != 1 else "1")
        _output(graph, result, lambda j, s=s: node("a", depth, j, s),
                lambda j, s=s: f"{target}{j + 1}[{s + 1}]", s, upper)
    for l in range(depth, 0, -1):
        layer = net.layers[l - 1]
        act = layer.activation
        rows = layer.outputs
        for s in range(n):
            z, a = result.z[l][s], result.a[l][s]
            jac = act.jacobian(z, a)
            for j in range(rows):
                upper = node("a", l, j, s)
                if jac.ndim == 1:
                    _activation_edge(graph, act, upper, node("z", l, j, s), jac[j])
                else:
                    for m in range(rows):
                        graph.edge(upper, node("z", l, m, s), jac[j, m],
                                   act.derivative_formula.format(z=node("z", l, m, s), a=upper) if j == m else
                                   act.cross_formula.format(ai=upper, am=node("a", l, m, s)))
        if layer.kind == "batchnorm":
            _norm_edges(graph, result, l, layer, node, params)
            continue
        cols = layer.weights.shape[1]
        for s in range(n):
            for j in range(rows):
                zname = node("z", l, j, s)
                for k in range(cols):
                    below = node("a", l - 1, k, s)
                    graph.edge(zname, below, layer.weights[j, k], params[(l, "w", j * cols + k)])
                    graph.edge(zname, params[(l, "w", j * cols + k)], result.a[l - 1][s, k], below)
                if layer.bias_style == "shared":
                    graph.edge(zname, params[(l, "b", None)], 1.0, "1")
                elif layer.bias_style == "each":
                    graph.edge(zname, params[(l, "b", j)], 1.0, "1")
    return graph


def _norm_edges(graph, result, l: int, layer, node, params) -> None:
    """Batch norm's local derivatives, as the staged graph of CS231n and makemore writes them:
    z = γ·x̂ + β; x̂[s] = (x[s] − μ)/√(σ² + eps); σ² = (1/n)·Σ(x[s] − μ)²; μ = (1/n)·Σ x[s]."""
    x = result.a[l - 1]
    n = x.shape[0]
    mu, var, xhat = layer.statistics(x)
    inv = 1.0 / (var + layer.eps) ** 0.5
    for j in range(layer.outputs):
        m, v = node("mu", l, j, None), node("var", l, j, None)
        root = f"√({v} + eps)"
        for s in range(n):
            zname, xh, below = node("z", l, j, s), node("xhat", l, j, s), node("a", l - 1, j, s)
            graph.edge(zname, xh, layer.weights[j], params[(l, "w", j)])
            graph.edge(zname, params[(l, "w", j)], xhat[s, j], xh)
            graph.edge(zname, params[(l, "b", j)], 1.0, "1")
            graph.edge(xh, below, inv[j], f"1/{root}")
            graph.edge(xh, m, -inv[j], f"−1/{root}")
            graph.edge(xh, v, -0.5 * (x[s, j] - mu[j]) * inv[j] ** 3, f"−½·({below} − {m})·({v} + eps)^(−3/2)")
        # σ²'s own dependence on μ: −(2/n)·Σ(x[s] − μ), zero for the batch mean (a path whose product is 0)
        graph.edge(v, m, 0.0, f"−(2/n)·Σs({node('a', l - 1, j, None)}[s] − {m}) = 0")
        for s in range(n):
            below = node("a", l - 1, j, s)
            graph.edge(v, below, 2.0 * (x[s, j] - mu[j]) / n, f"2·({below} − {m})/n")
            graph.edge(m, below, 1.0 / n, "1/n")
