"""An expression as a graph (a DAG: a name used twice is one node): values forward, every node's
derivative by one reverse sweep, exact path counts, and the k largest paths from the output to
any node. Nothing here is recursive, so a chain of thousands of steps is fine.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from ..errors import NumericalError, UsageError, quote
from .cancel import RELATIVE
from .computation import EXPRESSION, html_view
from .numbers import number
from .operations import OPERATIONS, DomainError
from .paths import Factor, ParameterTrace, Path, magnitude, omitted_sum

MAX_SEARCH = 4_000_000  # edges × paths a k-best search may touch (about a second)


@dataclass
class Node:
    """A variable (op None, no operands), a constant (op None, `constant` set) or an operation."""

    name: str  # x, h1, y; a constant's printed number
    op: str | None = None
    operands: tuple[int, ...] = ()
    constant: float | None = None
    line: int = 1  # where its step is written, for messages
    column: int = 1

    @property
    def is_variable(self) -> bool:
        """A name whose value comes from `at:`."""
        return self.op is None and self.constant is None


@dataclass
class Graph:
    """Nodes in evaluation order (every operand comes before its user); the last is the output."""

    nodes: list[Node] = field(default_factory=list)
    # the steps the expression's author named, one a line (p1 = z*y + 3); an operation inside a line
    # (z*y, shown as h1) is a step of the tool's, part of its line's. Empty: every step is one of its own
    steps: frozenset = frozenset()

    def add(self, node: Node) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    @property
    def output(self) -> int:
        return len(self.nodes) - 1

    def index(self, name: str) -> int | None:
        """The node called `name` (a variable or a step), or None. (Built once: call it only after
        the graph is complete.)"""
        if "_by_name" not in self.__dict__:
            self.__dict__["_by_name"] = {n.name: i for i, n in enumerate(self.nodes) if n.constant is None}
        return self.__dict__["_by_name"].get(name)

    def variables(self) -> list[int]:
        return [i for i, n in enumerate(self.nodes) if n.is_variable]

    def shown(self, i: int) -> str:
        """How node i is printed as an operand: its name, a constant's number, π for pi."""
        node = self.nodes[i]
        return {"pi": "π"}.get(node.name, node.name)

    def step(self, i: int) -> str:
        """Node i's step as printed: h1 = x^2."""
        node = self.nodes[i]
        names = [self.shown(j) for j in node.operands] + ["", ""]
        return f"{node.name} = " + OPERATIONS[node.op].shown.format(a=names[0], b=names[1])


@dataclass
class Edge:
    """∂user/∂operand along one operand slot: the local factor of every path through it."""

    user: int
    operand: int
    value: float
    formula: str
    slot: int = 0  # which operand of the user it is


class ExpressionResult:
    """The values of every node at a point, ∂output/∂node for every node, and the paths."""

    kind = EXPRESSION  # core.computation's protocol

    def __init__(self, graph: Graph, at: dict[str, float], title: str = "", description: str = ""):
        self.graph, self.title, self.description = graph, title, description
        self.values = _evaluate(graph, at)
        self.edges, self.kinks = _edges(graph, self.values)
        self.derivatives, self.cancelled = _reverse_sweep(graph, self.edges)

    def _repr_html_(self) -> str | None:
        """Jupyter's rich display: the explorer's view of this expression (None: plain repr)."""
        return html_view(self)

    def __repr__(self) -> str:
        steps = sum(1 for n in self.graph.nodes if n.op is not None)
        return (f"<ExpressionResult {self.title + ' ' if self.title else ''}{steps} step{'s' if steps != 1 else ''}: "
                f"{self.output_name} = {self.output:.6g}, {len(self.graph.variables())} inputs>")

    @property
    def output_symbol(self) -> str:
        """What is differentiated: the output's name (core.computation's protocol)."""
        return self.output_name

    def edge_symbol(self, edge: Edge) -> str:
        """∂user/∂operand of one edge as trace prints it (local_symbol), for a reporter."""
        return local_symbol(self.graph, edge)

    def traced_names(self) -> list[str]:
        """Every input, in order of first use (what `trace` covers when nothing is named)."""
        return [self.graph.nodes[i].name for i in self.graph.variables()]

    @property
    def output_name(self) -> str:
        return self.graph.nodes[self.graph.output].name

    @property
    def output(self) -> float:
        return self.values[self.graph.output]

    def index(self, name: str) -> int:
        """A node by name; KeyError with the known names when there is none."""
        i = self.graph.index(name.strip())
        if i is None:
            names = [n.name for n in self.graph.nodes if n.constant is None]
            known = ", ".join(names[:20]) + (f", … ({len(names):,} in all)" if len(names) > 20 else "")
            raise KeyError(f"the expression has no '{quote(name)}' (its names: {known})")
        return i

    def value(self, name: str) -> float:
        return self.values[self.index(name)]

    def derivative(self, name: str) -> float:
        """∂output/∂name."""
        return self.derivatives[self.index(name)]

    def input_rows(self) -> list[tuple[str, float, float]]:
        """(name, value, ∂output/∂name) of every variable, in order of first use."""
        return [(self.graph.nodes[i].name, self.values[i], self.derivatives[i]) for i in self.graph.variables()]

    def steps(self) -> list[tuple[str, str, float, float]]:
        """(name, step as printed, value, ∂output/∂node) of every operation node, in order."""
        return [(n.name, self.graph.step(i), self.values[i], self.derivatives[i])
                for i, n in enumerate(self.graph.nodes) if n.op is not None]

    def path_count(self, target: int) -> int:
        """Exact number of paths from the output to node `target` (a Python int)."""
        counts = [0] * len(self.graph.nodes)
        counts[self.graph.output] = 1
        for edge in reversed(self.edges):  # edges in reverse evaluation order of their users
            counts[edge.operand] += counts[edge.user]
        return counts[target]

    def trace(self, name: str, max_paths: int = 8) -> ParameterTrace:
        """Every path from the output to node `name` (the `max_paths` largest |product| shown)."""
        target = self.index(name)
        total = self.path_count(target)
        paths = _best_paths(self, target, max(max_paths, 1))[:max_paths]
        gradient = self.derivatives[target]
        omitted = omitted_sum(gradient, paths, total)
        value = self.values[target]
        return ParameterTrace(name.strip(), value, gradient, value, 0.0, total, paths, omitted,
                              cancelled=bool(self.cancelled[target]), node=True)


def _evaluate(graph: Graph, at: dict[str, float]) -> list[float]:
    values = []
    for node in graph.nodes:
        if node.constant is not None:
            values.append(node.constant)
        elif node.op is None:
            values.append(float(at[node.name]))
        else:
            operation = OPERATIONS[node.op]
            args = [values[j] for j in node.operands]
            try:
                value = float(operation.value(*args))
            except DomainError as exc:
                raise _where(graph, node, args, str(exc)) from None
            except OverflowError:
                value = math.inf
            if not math.isfinite(value):  # + − · and neg overflow silently: say where
                raise _where(graph, node, args, "the result overflows float64 (beyond 1.8e308)")
            values.append(value)
    return values


class UndefinedStep(NumericalError):
    """A step undefined at the point (log of a negative number, ...), with where its text is."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.line, self.column = line, column


def _where(graph: Graph, node: Node, args: list[float], why: str) -> UndefinedStep:
    operands = ", ".join(f"{graph.shown(j)} = {number(v, 6)}" for j, v in zip(node.operands, args)
                         if graph.nodes[j].constant is None)
    step = graph.step(graph.nodes.index(node))
    return UndefinedStep(f"{step}{f' at {operands}' if operands else ''}: {why}", node.line, node.column)


def _formula(graph: Graph, i: int, slot: int) -> str:
    node = graph.nodes[i]
    names = [graph.shown(j) for j in node.operands] + [""]
    if node.op == "pow" and slot == 0 and graph.nodes[node.operands[1]].constant is not None:
        c = graph.nodes[node.operands[1]].constant  # x^2 -> 2·x, x^3 -> 3·x^2
        less = number(c - 1, 12)
        return f"{names[1]}·{names[0]}" + ("" if less == "1" else f"^{less}" if c - 1 >= 0 else f"^({less})")
    return OPERATIONS[node.op].formulas[slot].format(a=names[0], b=names[1], out=node.name)


def _edges(graph: Graph, values: list[float]) -> tuple[list[Edge], list[str]]:
    """Every operand slot's local derivative at the point, in evaluation order; and the kinks met."""
    edges, kinks = [], []
    for i, node in enumerate(graph.nodes):
        if node.op is None:
            continue
        operation = OPERATIONS[node.op]
        args = [values[j] for j in node.operands]
        note = operation.kink(*args)
        if note:
            kinks.append(f"{graph.step(i)}: {note}")
        for slot, j in enumerate(node.operands):
            if graph.nodes[j].constant is not None:
                continue  # no path ends at a constant
            try:
                local = float(operation.partials[slot](*args, values[i]))
            except (DomainError, ValueError, ZeroDivisionError, OverflowError) as exc:
                why = str(exc) if isinstance(exc, DomainError) else "its derivative is infinite or undefined here"
                raise _where(graph, node, args, why) from None
            if not math.isfinite(local):
                raise _where(graph, node, args, "its derivative overflows float64")
            edges.append(Edge(i, j, local, _formula(graph, i, slot), slot))
    return edges, kinks


def _reverse_sweep(graph: Graph, edges: list[Edge]) -> tuple[list[float], list[bool]]:
    """∂output/∂node for every node: each node's sum over its users, zero up to rounding made 0
    (|sum| ≤ 1e-12 × its largest term, as core.cancel does for networks); and which of them are
    0 because their paths cancel (0, though some path's product is not)."""
    n = len(graph.nodes)
    adjoint, term, path = [0.0] * n, [0.0] * n, [0.0] * n
    adjoint[graph.output] = path[graph.output] = 1.0
    done = [False] * n

    def settle(i: int) -> None:  # every term of node i's sum is in
        if not done[i]:
            if math.isfinite(adjoint[i]) and abs(adjoint[i]) <= RELATIVE * term[i]:  # inf ≤ inf is no zero
                adjoint[i] = 0.0
            done[i] = True

    done[graph.output] = True
    for edge in reversed(edges):
        settle(edge.user)
        contribution = adjoint[edge.user] * edge.value
        adjoint[edge.operand] += contribution
        term[edge.operand] = max(term[edge.operand], abs(contribution))
        path[edge.operand] = max(path[edge.operand], path[edge.user] * abs(edge.value))
    for i in range(n):
        settle(i)
        if not math.isfinite(adjoint[i]):
            node = graph.nodes[i]
            raise UndefinedStep(f"∂{graph.nodes[graph.output].name}/∂{node.name} overflows float64 (beyond 1.8e308): "
                                "the chain of derivatives grows too fast", node.line, node.column)
    return adjoint, [a == 0 and p > 0 for a, p in zip(adjoint, path)]


def _best_paths(result: ExpressionResult, target: int, k: int) -> list[Path]:
    """The k largest-|product| paths from the output to `target`: per node, the k best partial
    paths from the output, extended edge by edge in reverse evaluation order (exact, since
    |product| only grows by multiplication along a path). Each entry points back to the entry it
    extends, so memory stays k per node however long the chain."""
    graph = result.graph
    reaches = [False] * len(graph.nodes)  # going down from a node, the target can be reached
    reaches[target] = True
    for i, node in enumerate(graph.nodes):
        reaches[i] = reaches[i] or any(reaches[j] for j in node.operands)
    relevant = [p for p, edge in enumerate(result.edges) if reaches[edge.operand]]
    if len(relevant) * k > MAX_SEARCH:
        raise UsageError(f"finding the {k} largest of the paths to {graph.nodes[target].name} would take "
                         f"{len(relevant):,} edges × {k} paths; ask for fewer with --max-paths (at most "
                         f"{MAX_SEARCH // max(len(relevant), 1):,} here)")
    # node -> [(product, edge position, rank of the entry extended in the edge's user's list)]
    best: dict[int, list[tuple[float, int, int]]] = {graph.output: [(1.0, -1, -1)]}
    final: set[int] = set()

    def finish(node: int) -> None:  # every path into `node` is in: fix its order, which ranks refer to
        if node not in final:
            best[node] = heapq.nlargest(k, best[node], key=lambda item: magnitude(item[0]))
            final.add(node)

    for position in reversed(relevant):
        edge = result.edges[position]
        if edge.user not in best:
            continue
        finish(edge.user)
        merged = best.setdefault(edge.operand, [])
        merged.extend((product * edge.value, position, rank) for rank, (product, _, _) in enumerate(best[edge.user]))
        if len(merged) > 4 * k:  # trim now and then; finish() keeps the k best
            best[edge.operand] = heapq.nlargest(k, merged, key=lambda item: magnitude(item[0]))
    if target in best:
        finish(target)
    output = graph.nodes[graph.output].name
    paths = []
    for product, position, rank in best.get(target, []):
        factors, nodes = [], []
        while position >= 0:  # walk back up to the output
            edge = result.edges[position]
            factors.append(Factor(local_symbol(graph, edge), edge.formula, edge.value))
            operand = graph.nodes[edge.operand].name
            nodes.append(operand)
            _, position, rank = best[edge.user][rank]
        if not math.isfinite(product):
            raise NumericalError(f"a path's product from {output} to {graph.nodes[target].name} overflows float64 "
                                 "(beyond 1.8e308), though the derivative itself does not")
        paths.append(Path([output, *reversed(nodes)], list(reversed(factors)), product))
    return paths


def local_symbol(graph: Graph, edge: Edge) -> str:
    """∂user/∂operand of one edge: marked local where the output's own total derivative (printed as
    the sum) would read the same, and by operand where an operation uses a name twice (x·x)."""
    user, operand = graph.nodes[edge.user], graph.nodes[edge.operand]
    symbol = f"∂{user.name}/∂{operand.name}"
    slots = [i for i, j in enumerate(user.operands) if j == edge.operand]
    if len(slots) > 1:
        return symbol + f" (operand {slots.index(edge.slot) + 1})"
    if edge.user == graph.output and operand.is_variable:
        return symbol + " (local)"
    return symbol
