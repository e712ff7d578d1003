"""What the correct method can reach on an expression when a student rounds as they go: the
expression's values forward and its derivatives backward in interval arithmetic, every
intermediate widened by the rounding of the answer judged and the answers file's stated values
put in place of the true ones, as grading.intervals does for a network. And the expression's
steps as dependencies, for carried-forward credit and "follows from".

An operation's interval is its values at the corners of its operands' intervals, and at the
points inside where it turns (0 for |a|, a², relu; the peaks of sin and cos): exact for every
operation here, which is monotone in each operand between those points.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from ..core.operations import OPERATIONS, DomainError
from .interval_arithmetic import as_pair
from .rule import Precision

Pair = tuple  # (low, high) floats
WHOLE = (-math.inf, math.inf)
# the longest expression worked through in intervals: a classroom formula has a few dozen steps; over
# thousands the pure-Python passes cost seconds each and interval arithmetic grows too wide to judge
MAX_NODES = 200  # nothing known: the rule then judges on the truth's own digits


def _turns(shape: str, low: float, high: float) -> list[float]:
    """Points inside [low, high] where a function of this argument may turn: 0 for every one (|a|,
    a², relu, 1 − a²), and by `shape` the peaks of sin or cos, or a(1 − a)'s at ½."""
    points = [0.0] if low < 0.0 < high else []
    if shape == "sigmoid" and low < 0.5 < high:
        points.append(0.5)
    if shape in ("sin", "cos"):  # at most 4 points: a peak and a trough, wherever the box holds both
        offset = math.pi / 2 if shape == "sin" else 0.0  # sin peaks at π/2 + kπ, cos at kπ
        if math.isfinite(low):
            k = math.ceil((low - offset) / math.pi)
            while offset + k * math.pi <= high and len(points) < 4:
                points.append(offset + k * math.pi)
                k += 1
        else:  # unbounded below: the two turns below its top (or any two, unbounded both ways)
            k = math.floor((high - offset) / math.pi) if math.isfinite(high) else 0
            points += [offset + k * math.pi, offset + (k - 1) * math.pi]
    return points


# the shape of each operation's local derivative in its operand (∂sin a/∂a = cos a, ...) and in its
# own value (σ′ = σ(1 − σ) turns at ½), for _turns
PARTIAL_SHAPE = {"sin": "cos", "cos": "sin"}
OUT_SHAPE = {"sigmoid": "sigmoid"}


def _image(function, boxes: list[Pair], shapes=()) -> Pair:
    """The least and greatest value of `function` over the box (one interval per argument, each
    with its shape for _turns)."""
    shapes = list(shapes) + [""] * (len(boxes) - len(shapes))
    choices = [sorted({low, high, *_turns(shape, low, high)}) for (low, high), shape in zip(boxes, shapes)]
    found = []
    for args in itertools.product(*choices):
        try:
            with np.errstate(all="ignore"):  # (an activation's numpy float past float64: inf, never warned of)
                value = float(function(*args))
        except (DomainError, ValueError, ZeroDivisionError, OverflowError):
            continue  # a corner outside the operation's domain: the student's value cannot be there
        if not math.isnan(value):
            found.append(value)
    return (min(found), max(found)) if found else WHOLE


def _unbounded(op: str, boxes: list[Pair]) -> bool:
    """A division by an interval holding 0: its value and both its derivatives are unbounded."""
    return op == "div" and boxes[1][0] <= 0.0 <= boxes[1][1]


def _mul(a: Pair, b: Pair) -> Pair:
    corners = [x * y for x in a for y in b if not (math.isinf(x) and y == 0 or math.isinf(y) and x == 0)]
    return (min(corners), max(corners)) if corners else (0.0, 0.0)


_EXACT: dict = {}  # (value, precision) -> an exact value's widening: a network's constant factors (1, a weight) recur
MAX_EXACT = 50_000


def _widen(pair: Pair, precision: Precision) -> Pair:
    if pair[0] == pair[1]:  # worked out once for each exact value and precision (rule.rounded, as below)
        key = (pair[0], precision)
        if key not in _EXACT:
            if len(_EXACT) >= MAX_EXACT:
                _EXACT.clear()
            _EXACT[key] = precision.rounded_pair(pair[0], pair[1])
        return _EXACT[key]
    return precision.rounded_pair(pair[0], pair[1])


class ExpressionReach:
    """The intervals of every node's value and derivative, at one precision, on some stated values
    (as grading.intervals.Reach: `base` is the pass on true values, for the step alone).
    `recomputed`: a local derivative that reads its step's own value (∂h/∂x = e^x is h) reads it
    worked out again from the step's inputs, not as the file states it: the trace writes e^x, and
    a student whose h slipped may well take e^x anew from x (another right method)."""

    def __init__(self, result, precision: Precision, stated: dict | None = None, base: ExpressionReach | None = None,
                 recomputed: bool = False):
        self.r, self.p, self.base, self.recomputed = result, precision, base, recomputed
        self.stated = {(kind, name.kind): given for (kind, name, _), given in (stated or {}).items()}
        nodes = result.graph.nodes
        self.value_own: list[Pair] = []
        self.value_used: list[Pair] = []
        for i, node in enumerate(nodes):
            if node.op is None:  # an input from `at:` or a constant: exact
                own = (result.values[i], result.values[i])
            else:
                op = OPERATIONS[node.op]
                boxes = [self.value_used[j] for j in node.operands]
                own = WHOLE if _unbounded(node.op, boxes) else _image(op.value, boxes, [node.op] * op.arity)
            self.value_own.append(own)
            self.value_used.append(self._settle(own, "value", i, widen=node.op is not None))
        self._backward()

    def _settle(self, own: Pair, kind: str, i: int, widen: bool = True) -> Pair:
        """A node as the next step uses it: stated as written, else rounded as the answer is (or as
        the base pass has it)."""
        name = self.r.graph.nodes[i].name
        if (kind, name) in self.stated:
            return as_pair(self.stated[kind, name])
        if self.base is not None:
            return (self.base.value_used if kind == "value" else self.base.derivative_used)[i]
        return _widen(own, self.p) if widen else own

    def _backward(self) -> None:
        nodes, out = self.r.graph.nodes, self.r.graph.output
        n = len(nodes)
        sums = [[0.0, 0.0] for _ in range(n)]
        self._users = [0] * n  # the steps that read each node: its derivative sums one term from each
        for node in nodes:
            for j in set(node.operands):
                self._users[j] += 1
        self.derivative_own: list[Pair] = [(0.0, 0.0)] * n
        self.derivative_used: list[Pair] = [(0.0, 0.0)] * n
        for i in range(n - 1, -1, -1):  # every user of a node comes after it
            own = (1.0, 1.0) if i == out else (sums[i][0], sums[i][1])
            self.derivative_own[i] = own
            self.derivative_used[i] = used = self._settle(own, "gradient", i, widen=i != out)
            node = nodes[i]
            if node.op is None:
                continue
            op = OPERATIONS[node.op]
            out = _widen(self.value_own[i], self.p) if self.recomputed else self.value_used[i]
            boxes = [self.value_used[j] for j in node.operands] + [out]
            shapes = [PARTIAL_SHAPE.get(node.op, "")] * op.arity + [OUT_SHAPE.get(node.op, "")]
            edges = []
            for slot, j in enumerate(node.operands):
                if nodes[j].constant is not None:
                    continue
                local = WHOLE if _unbounded(node.op, boxes) else \
                    _widen(_image(op.partials[slot], boxes, shapes), self.p)  # a local factor, written down rounded
                edges.append((j, local))
            # a term of a sum over several paths is written down too (7·e^x = 19.0 before 19.0 − 10.3),
            # unless it is its local factor itself (times an exact ±1), written down already
            term = used[0] != used[1] or abs(used[0]) != 1.0
            for j, local in self.factors(i, edges):
                low, high = _widen(_mul(used, local), self.p) if term and self._users[j] > 1 else _mul(used, local)
                sums[j][0] += low
                sums[j][1] += high

    def factors(self, _i: int, edges: list) -> list:
        """The (operand, local factor) of node i's edges down as the pass takes them: as they are
        (a mistaken pass, grading.layers, changes them)."""
        return edges

    def interval(self, q) -> Pair:
        """The quantity's own interval (before its own rounding, which is the answer's)."""
        i = self.r.index(q.name.kind)
        return (self.derivative_own if q.kind == "gradient" else self.value_own)[i]


class TruthOnly:
    """An expression too long to work through in intervals (MAX_NODES): every quantity at its
    true value, so an answer is right to its own digits and nothing is carried forward."""

    def __init__(self, result):
        self.r = result

    def interval(self, q) -> Pair:
        i = self.r.index(q.name.kind)
        value = self.r.derivatives[i] if q.kind == "gradient" else self.r.values[i]
        return value, value


class ExpressionShape:
    """How an expression's quantities are judged together (grading.judging): their passes, their
    dependency nodes and the order they are judged in."""

    # the passes on the file's stated values a step may be right on (grading.judging): its step alone,
    # the values carried through, and carried with each local derivative worked out from its inputs
    ways = ("step", "carried", "recomputed")

    def __init__(self, result):
        self.r = result
        self.users: list[list[int]] = [[] for _ in result.graph.nodes]
        for i, node in enumerate(result.graph.nodes):
            for j in node.operands:
                self.users[j].append(i)

    def reach(self, precision: Precision, stated: dict | None = None, base=None, recomputed: bool = False):
        if len(self.r.graph.nodes) > MAX_NODES:
            return TruthOnly(self.r)
        return ExpressionReach(self.r, precision, stated, base, recomputed)

    def node(self, q):
        return q.kind, self.r.index(q.name.kind)

    def stated_mistakes(self, _judge, _answer) -> list:
        """The mistakes made on the file's own stated values (grading.judging): none catalogued."""
        return []

    def position(self, q) -> tuple:
        """Values in evaluation order, then derivatives from the output down."""
        index = self.r.index(q.name.kind)
        return (0, index) if q.kind == "value" else (1, -index)

    def step_reads(self, result, node) -> list:
        """What a value's step, as its author wrote it on one line, reads: its operands, and through an
        operation inside the line (z*y of p1 = z*y + 3), that operation's (a derivative: inputs)."""
        kind, i = node
        nodes, named = self.r.graph.nodes, self.r.graph.steps
        if kind != "value" or not named:
            return self.inputs(result, node)
        found = []
        for j in nodes[i].operands:
            inside = nodes[j].op is not None and nodes[j].name not in named
            found.extend(self.step_reads(result, ("value", j)) if inside else
                         [("value", j)] if nodes[j].constant is None else [])
        return found

    def inputs(self, _result, node) -> list:
        """What a node's value or derivative is computed from, one step back: a value from its
        operands; a derivative from each user's derivative and the values its local factor reads."""
        kind, i = node
        nodes = self.r.graph.nodes
        if kind == "value":
            return [("value", j) for j in nodes[i].operands if nodes[j].constant is None]
        found = []
        for user in self.users[i]:
            found.append(("gradient", user))
            found.extend(("value", j) for j in (*nodes[user].operands, user) if nodes[j].constant is None)
        return found
