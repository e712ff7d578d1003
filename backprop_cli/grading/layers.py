"""Grading networks of contract section 9's layers (conv and pooling, recurrent, batch norm): the
network written out as scalar steps (core.scalargraph) is graded as an expression is, by the one
rule (grading.rule, grading.judging) over its intervals (grading.expression_reach), with its
quantities named as section 9 names them (dL/dw1_1_1_2_2, a2_1_1_1, h11@2, dL/dwh111@2, yhat1@3,
L@3, mu21, var21, xhat21[2], dL/dgamma21, w1_1_1_1_1_new) and the catalogue of these layers'
mistakes (core.mapslips over the written-out steps, core.slips over the engine) besides the sign.
"""
from __future__ import annotations

import math
import re

from ..core import mapnames, mapslips, slips
from ..core.computation import EXPRESSION
from ..core.graph import ExpressionResult
from ..core.names import Name
from ..core.scalargraph import HIDDEN, MAX_NODES, agrees, write_out
from ..errors import BackpropError, UsageError, quote
from .expression import ExpressionDiagnoser
from .expression_reach import ExpressionReach, ExpressionShape
from .expression_reach import _image as image
from .expression_reach import _mul as multiply
from .expression_reach import _widen as widen
from .interval_arithmetic import as_pair
from .matching import matching
from .optimizer_mistakes import update_mistakes
from .possible import told_apart
from .quantities import Quantity, QuantityError
from .rule import precision_of, same_value
from .stated import digits_of, written

LAYERS = "layers"  # a Computation's kind (core.computation): section 9's layers written out as scalar steps
_SUFFIX = re.compile(r"(?P<base>.+?)(?P<suffix>@[0-9]{1,9}|\[[0-9]{1,9}\])?")


class LayersResult(ExpressionResult):
    """A network of section 9's layers as scalar steps (an ExpressionResult whose output is the
    loss L), with the engine's result and spec it was written from (`engine`, `spec`)."""

    kind = LAYERS

    def __init__(self, spec, engine, limit: int = MAX_NODES):
        graph, at, self.written = write_out(engine, limit)
        super().__init__(graph, at)
        self.spec, self.engine, self.network = spec, engine, engine.network
        why = agrees(self, engine)
        if why:  # a layer written out otherwise than the engine computes it: never graded
            raise UsageError(f"this network's scalar steps disagree with its pass ({why}): it cannot be graded; "
                             "please report it")
        self._flipped = None

    @property
    def parameter_names(self) -> list[str]:
        return [row[0] for row in mapnames.parameters(self.network)]

    @property
    def shown_parameter_names(self) -> list[str]:
        """The parameters as the spec names them (its `names:`), as a key writes them."""
        return [mapnames.shown(self.network, name) for name in self.parameter_names]

    def is_parameter(self, name: str) -> bool:
        i = self.graph.index(name)
        return i is not None and i in self.written.names

    def truth(self, q: Quantity) -> float:
        """The true value of a quantity about this network."""
        name = q.name.kind
        if q.kind == "updated":
            return float(self.engine.updated(name))
        return self.derivative(name) if q.kind == "gradient" else self.value(name)

    def flipped(self) -> ExpressionResult:
        """The same network written out with every kernel flipped (core.mapslips' kernel_flipped)."""
        if self._flipped is None:
            graph, at, _ = write_out(self.engine, len(self.graph.nodes) + 1, flip=True)
            self._flipped = ExpressionResult(graph, at)
        return self._flipped

    def known(self) -> list[str]:
        """Every quantity an answer may name, for 'did you mean'."""
        nodes = [n.name for n in self.graph.nodes if n.constant is None and not n.name.startswith(HIDDEN)]
        return ["loss", *nodes, *(f"dL/d{n}" for n in nodes if n != "L"), *(f"{p}_new" for p in self.parameter_names)]


def graded_result(spec):
    """What a spec is graded on: its result, or for section 9's layers that network written out as
    scalar steps (LayersResult); a sentence saying why not where it cannot be (too large to grade
    answer by answer, or an activation not graded yet)."""
    result = spec.compute()
    if result.kind == EXPRESSION or not result.network.maps:
        return result
    try:
        return LayersResult(spec, result)
    except UsageError as exc:
        return str(exc)


def _canonical(result: LayersResult, name: str) -> str | None:
    """A node's or parameter's name as the graph has it, written in any of section 9's spellings."""
    if not name or name.startswith(HIDDEN):
        return None
    if result.graph.index(name) is not None:
        return name
    m = _SUFFIX.fullmatch(name)
    if m is None:
        return None
    base, suffix = m.group("base"), m.group("suffix") or ""
    try:
        found = mapnames.find(result.network, base)
    except (ValueError, IndexError, KeyError):
        found = None
    if found is None:
        return None
    if found[0] == "p":
        text = mapnames.parameters(result.network)[found[1]][0] + suffix
    elif found[0] in ("z", "a", *mapnames.NORM_NODES) and len(found) == 3:  # mu21 as a spec's names: write it
        text = mapnames.node_name(result.network, *found) + suffix
    elif found[0] in ("z", "a") and len(found) == 4 and not suffix:  # a node of a sequence, at its step
        text = mapnames.node_name(result.network, *found)
    else:
        return None
    return text if result.graph.index(text) is not None else None


def parse_layer_quantity(text, result: LayersResult) -> Quantity:
    """`loss`, a node (`a2_1_1_1`, `h11@2`, `xhat21[2]`), `dL/d<node or parameter>` (`dL/dwh111@2`:
    what step 2 contributes) or `<parameter>_new`; QuantityError when the network has none."""
    raw = str(text).strip()
    if raw in ("loss", "L"):
        return Quantity(raw, "value", Name("L", ()), None)
    own = re.fullmatch(r"(?:loss|L)(?P<suffix>@[0-9]{1,9}|\[[0-9]{1,9}\])", raw)  # loss[2], L@3: a row's own loss
    if own and result.graph.index("L" + own.group("suffix")) is not None:
        return Quantity(raw, "value", Name("L" + own.group("suffix"), ()), None)
    m = re.fullmatch(r"(?:dL/d|∂L/∂)(?P<name>.+)", raw)
    kind, name = ("gradient", m.group("name")) if m else ("updated", raw[:-4]) if raw.endswith("_new") \
        else ("value", raw)
    found = _canonical(result, name.strip())
    if found is None or (kind == "gradient" and found == "L"):
        raise QuantityError(f"the network has no '{quote(raw)}'",
                            "write loss, a node (a2_1_1_1, h11@2, xhat21[2]), dL/d<node or parameter> or "
                            "<parameter>_new")
    if kind == "updated" and not result.is_parameter(found):
        raise QuantityError(f"'{quote(raw)}': only weights and biases have a value after the update",
                            f"write {result.parameter_names[0]}_new")
    return Quantity(raw, kind, Name(found, ()), None)


class LayersReach(ExpressionReach):
    """The intervals of every node as grading.expression_reach works them out, but for the hidden
    steps between named quantities (a product, a partial sum), which nobody writes down and so
    nobody rounds, and a parameter's use at a step; and an updated parameter's interval."""

    def _settle(self, own, kind, i, widen=True):
        node = self.r.graph.nodes[i]
        if node.name.startswith(HIDDEN) or (node.op == "same" and self.r.graph.nodes[node.operands[0]].is_variable):
            widen = False
        return super()._settle(own, kind, i, widen)

    def interval(self, q):
        if q.kind != "updated":
            return super().interval(q)
        name = q.name.kind
        i, engine = self.r.index(name), self.r.engine
        value = self.r.values[i]
        if engine.is_frozen(name):
            return value, value
        # the update from the gradient as the student rounded it, or as the file states it (as a
        # dense network's, grading.intervals); η·g a step of its own, rounded as the answer is
        stated = self.stated.get(("gradient", name))
        low, high = as_pair(stated) if stated is not None else widen(self.derivative_own[i], self.p)
        rate = engine.learning_rate
        if rate != 1:
            low, high = widen((rate * low, rate * high), self.p)
        else:
            low, high = rate * low, rate * high
        return value - high, value - low


STATED = ("kernel_flipped_backward", "shared_weight_one_position", "max_pool_gradient_spread",
          "max_pool_gradient_averaged", "avg_pool_factor_missing", "activation_derivative_missing", "derivative_on_z",
          "factor_2_lost", *mapslips.REREAD)  # the catalogue's backward mistakes, made on a file's stated values too


class MistakenReach(LayersReach):
    """The intervals a student making mistake `code` (one of STATED) reaches on the file's stated
    values: the backward pass with that mistake's local factors (core.mapslips' operations, here
    on intervals), the forward pass the correct one's."""

    def __init__(self, result, precision, stated, code: str):
        self.code = code
        w = result.written
        self.extra = {pooled: (chosen, members) for pooled, members, mode, chosen in w.pools if mode == "max"} \
            if code.startswith("max_pool") else {}
        self.reads = {pooled: chosen for pooled, _, mode, chosen in w.pools if mode == "avg"} \
            if code == "avg_pool_factor_missing" else {}
        self.squares = {square for square, _ in w.squares} if code == "factor_2_lost" else set()
        self.pairs = mapslips.reread(w, code) if code in mapslips.REREAD else {}  # the stride or padding misplaced
        super().__init__(result, precision, stated)

    def factors(self, i: int, edges: list) -> list:
        node, code = self.r.graph.nodes[i], self.code
        if i in self.extra:  # max pooling: every value of the window gets the pooled gradient (or its mean)
            members = self.extra[i][1]
            share = 1.0 if code == "max_pool_gradient_spread" else 1.0 / len(members)
            return [(j, (share, share)) for j in members]
        if i in self.reads:
            return [(j, (1.0, 1.0)) for j, _ in edges]  # average pooling's 1/size² left out
        if i in self.squares:
            return [(j, (local[0] / 2, local[1] / 2)) for j, local in edges]  # ∂(d²)/∂d taken as d
        if node.op in mapslips.ACTIVATIONS and code == "activation_derivative_missing":
            return [(j, (1.0, 1.0)) for j, _ in edges]
        if node.op in ("sigmoid", "tanh") and code == "derivative_on_z":
            on_z = (lambda z: z * (1 - z)) if node.op == "sigmoid" else (lambda z: 1 - z * z)
            return [(j, widen(image(on_z, [self.value_used[j]], [node.op]), self.p)) for j, _ in edges]
        return edges

    def interval(self, q):
        i = self.r.index(q.name.kind)
        if q.kind == "gradient" and self.r.is_parameter(q.name.kind):
            if self.code == "kernel_flipped_backward" and i in self.r.written.flips:
                return self.derivative_own[self.r.written.flips[i]]
            if self.code == "shared_weight_one_position" and q.name.kind in self.r.written.uses:
                # the first position that adds anything, as core.mapslips takes it on the true values
                parts = (multiply(self.derivative_used[product], self.value_used[below])
                         for product, below in self.r.written.uses[q.name.kind])
                return next((part for part in parts if part != (0.0, 0.0)), (0.0, 0.0))
            if i in self.pairs:  # Σ δ·x over the inputs the mistake reads
                parts = [multiply(self.derivative_used[z], self.value_used[x]) for z, x in self.pairs[i]]
                return sum(low for low, _ in parts), sum(high for _, high in parts)
        return super().interval(q)


class LayersShape(ExpressionShape):
    """How the quantities of a network written out as scalar steps are judged together: as an
    expression's, with a parameter's updated value one step after its gradient."""

    ways = ("step", "carried")  # a layer's local derivatives read its stated values, as a dense network's do

    def reach(self, precision, stated=None, base=None, recomputed: bool = False):
        return LayersReach(self.r, precision, stated, base, recomputed)

    def node(self, q):
        return q.kind, self.r.index(q.name.kind)

    def position(self, q) -> tuple:
        if q.kind == "updated":
            return 2, self.r.index(q.name.kind)
        return super().position(q)

    def stated_mistakes(self, judge, answer) -> list:
        """The catalogued mistakes made on the file's own stated values (grading.judging): an
        update's own on the gradient the file states; for a gradient, each of STATED the network
        admits, made in every step of a pass carrying the stated values, where the digits can tell
        it from the correct step on the same values: (middle, sentence, code, (low, high))."""
        q, r = answer.quantity, self.r
        if q.kind == "updated":
            stated = judge.stated.get(("gradient", Name(q.name.kind, ()), None))
            if stated is None or same_value(stated.given, r.engine.gradient(q.name.kind)):
                return []
            return list(update_mistakes(r.engine, _Parameter(q.name.kind), stated.given))
        if q.kind != "gradient" or q.name.kind == "L" or not judge.stated_upstream(answer):
            return []
        precision = precision_of(written(answer))
        carried = judge.reach(precision, "carried")
        right = carried.interval(q)  # the correct method on the same values
        half, found = precision.half_unit, []
        for slip in mapslips.applicable(r.network):
            if slip.code not in STATED:
                continue
            key = (precision.rounding, f"mistake:{slip.code}")  # (as Judge.reach: by how steps are rounded)
            if key not in judge._reaches:
                stated = {k: digits_of(a) for k, a in judge.stated.items()}
                judge._reaches[key] = MistakenReach(r, precision.rounding, stated, slip.code)
            low, high = judge._reaches[key].interval(q)
            if math.isfinite(low) and math.isfinite(high) and told_apart((low, high), right, half):
                found.append(((low + high) / 2, slip.text, slip.code, (low, high)))
        return found

    def inputs(self, result, node) -> list:
        """One step back, as the file's quantities go: through the hidden steps between them (a
        product, a partial sum), so that z1_1_1_1 reads the pixels and weights it is made of."""
        if node[0] == "updated":
            return [("gradient", node[1])]
        if not hasattr(self, "_inputs"):
            self._inputs: dict = {}
            # a value of a max-pooling window: its gradient is the pooled one's, or 0, as the window decides
            self._windows = {("gradient", member): [("gradient", pooled)] for pooled, members, mode, _ in
                             self.r.written.pools if mode == "max" for member in members}
        if node not in self._inputs:
            found, seen, stack = [], {node}, list(super().inputs(result, node)) + self._windows.get(node, [])
            while stack:
                other = stack.pop()
                if other in seen:
                    continue
                seen.add(other)
                if self.r.graph.nodes[other[1]].name.startswith(HIDDEN):
                    stack.extend(super().inputs(result, other))
                else:
                    found.append(other)
            self._inputs[node] = found
        return self._inputs[node]


class _Parameter:
    """A parameter's name, and its new value asked, as grading.optimizer_mistakes.update_mistakes
    reads them from a quantity."""

    kind = "updated"

    def __init__(self, name: str):
        self.name = name


class LayersDiagnoser(ExpressionDiagnoser):
    """Names the mistakes of section 9's layers: the sign, each catalogued mistake of the layers
    the network has (core.mapslips, core.slips), and an update's own."""

    def __init__(self, result: LayersResult):
        super().__init__(result)
        self._graph_mistakes: dict[str, tuple] = {}
        self._engine_mistakes: dict[str, object] = {}

    def candidates(self, q: Quantity, expected: float):
        r, name = self.result, q.name.kind
        if q.kind == "updated":
            yield from update_mistakes(r.engine, _Parameter(name), r.engine.gradient(name))
        else:
            yield -expected, "the sign is flipped", "sign_flipped"
        for slip in mapslips.applicable(r.network):
            value = self._on_graph(slip.code, q)
            if value is not None and not same_value(value, expected):
                yield value, slip.text, slip.code
        for slip in slips.applicable(r.network):
            value = self._on_engine(slip.code, q)
            if value is not None and not same_value(value, expected):
                yield value, slip.text, slip.code

    def diagnosis(self, answer, expected: float, tolerance, reached=None, also=(),
                  only_also: bool = False) -> tuple[str | None, list[dict]]:
        """As an expression's; and where no single mistake gives the answer, a catalogued one of
        these layers with the sign flipped too (`kernel_flipped+sign_flipped`)."""
        found = super().diagnosis(answer, expected, tolerance, reached, also, only_also)
        if found[0] is not None or only_also or answer.quantity.kind != "gradient":
            return found
        layers = {slip.code for slip in mapslips.CATALOGUE + slips.CATALOGUE}
        pairs = [(-value, f"two mistakes at once: {text}; and the sign is flipped", f"{code}+sign_flipped")
                 for value, text, code in self.candidates(answer.quantity, expected) if code in layers]
        return matching(pairs, answer, expected, tolerance, reached)

    def _on_graph(self, code: str, q: Quantity) -> float | None:
        r = self.result
        if code not in self._graph_mistakes:
            flipped = r.flipped() if code == "kernel_flipped" else None
            self._graph_mistakes[code] = mapslips.mistaken(r, r.written, code, flipped)
        values, derivatives = self._graph_mistakes[code]
        i = r.index(q.name.kind)
        if q.kind == "updated":
            return values[i] - r.engine.learning_rate * derivatives[i]
        return derivatives[i] if q.kind == "gradient" else values[i]

    def _on_engine(self, code: str, q: Quantity) -> float | None:
        """The quantity as the engine computes it with a recurrent or batch-norm slip (core.slips);
        None for what that result does not name (μ, σ² and x̂'s gradients: no engine array holds them)."""
        r = self.result
        if code not in self._engine_mistakes:
            try:
                self._engine_mistakes[code] = slips.mistaken(r.spec, code)
            except (BackpropError, ValueError, ArithmeticError):
                self._engine_mistakes[code] = None
        wrong = self._engine_mistakes[code]
        if wrong is None:
            return None
        m = _SUFFIX.fullmatch(q.name.kind)
        base, suffix = m.group("base"), m.group("suffix") or ""
        try:
            if r.is_parameter(q.name.kind):
                if q.kind == "updated":
                    return float(wrong.updated(base))
                return float(wrong.gradient(base)) if q.kind == "gradient" else None
            if q.kind == "gradient" and suffix.startswith("@") and r.is_parameter(base):
                return float(wrong.step_gradient(base)[int(suffix[1:]) - 1])
            if q.kind not in ("value", "gradient"):
                return None
            nodes = wrong.forward if q.kind == "value" else wrong.backward  # (a node's own gradient: by name too)
            found = nodes.get(q.name.kind, nodes.get(base))
            if found is None:
                return None
            return float(found) if q.name.kind in nodes else float(found[int(suffix[1:-1]) - 1])
        except (BackpropError, ValueError, TypeError, IndexError, KeyError):
            return None
