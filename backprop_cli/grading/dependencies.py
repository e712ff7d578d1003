"""What each quantity of a network is computed from (CONTRACT section 5's steps), so that a wrong
answer is said to follow from an earlier one only along a real dependency: z from the a before
it; a from its z (a softmax layer's from all its z); ∂L/∂ŷ from ŷ; ∂L/∂a from the ∂L/∂z after it;
∂L/∂z from its ∂L/∂a and z, and a where the slope is read from it (σ′ = a(1 − a); softmax: the
layer's); ∂L/∂w from ∂L/∂z and the a it multiplies; ∂L/∂b from ∂L/∂z; w_new from ∂L/∂w; the loss
from ŷ. And how a network's quantities are judged together (NetworkShape)."""
from __future__ import annotations

from ..core.computation import EXPRESSION, NETWORK
from .intervals import Reach
from .quantities import Quantity, QuantityError, chain_position, input_read, local_slope, node_at
from .rule import Precision
from .training_quantities import is_more

# a node: ("value" | "gradient", "z" | "a", layer, neuron, sample); ("w" | "b" | "new" | "delta" |
# "state:m" ..., layer, j, k) (a parameter's gradient, its updated value, the change the update makes,
# the optimiser's state after it); ("w" | "b", layer, j, k, sample) (one sample's own gradient);
# ("slope", layer, neuron, sample) (a unit's ∂a/∂z); ("input", layer, j, k, sample) (∂z_j/∂w_jk, which
# is a_k of the layer below); ("L", sample) (one sample's loss); or ("L",)
Node = tuple


def node_of(result, q: Quantity, notation) -> Node | None:
    """The dependency node of an answer's quantity (None where it has none, e.g. ∂L/∂L). A node
    quantity is one sample's (0-based; the first when the answer names none)."""
    if (q.kind == "delta" or q.kind.startswith("state:")) and q.is_parameter:  # an update's own steps
        kind, layer, j, k = result.parameter_index(str(q.name))
        return (q.kind, layer, j, k)
    slope = local_slope(result, notation, q.kind, q.name)  # a unit's ∂a/∂z (σ′): a step of its own
    if slope is not None:
        return ("slope", *slope, (q.sample or 1) - 1)
    read = input_read(result, notation, q.kind, q.name)  # ∂z_j/∂w_jk: the a_k it is, read from the file
    if read is not None:
        return ("input", *read, (q.sample or 1) - 1)
    if is_more(q.kind):  # judged on its value alone: no step of its own to follow from
        return None
    if q.name.kind == "L":  # the loss; loss[s], one sample's own
        return None if q.kind != "value" else ("L",) if q.sample is None else ("L", q.sample - 1)
    if q.is_parameter:
        kind, layer, j, k = result.parameter_index(str(q.name))
        if q.sample is not None:  # dL/dw212[s]: one sample's own gradient, which the batch's sums
            return (kind, layer, j, k, q.sample - 1)
        return ("new" if q.kind == "updated" else kind, layer, j, k)
    try:
        what, layer, neuron = node_at(result, q.name, notation)
    except QuantityError:
        return None
    return q.kind, what, layer, neuron, (q.sample or 1) - 1


def step_inputs(result, node: Node):
    """The nodes `node` is computed from, one step back: within its sample, except the loss and a
    parameter's gradient, which sum over every sample of a batch."""
    sizes, depth, layers = result.sizes, len(result.sizes) - 1, result.network.layers
    samples = range(result.samples)
    if node[0] == "L":  # a batch's from each sample's loss, a sample's from its ŷ
        if len(node) == 1 and len(samples) > 1:
            return [("L", s) for s in samples]
        return [("value", "a", depth, i, node[-1] if len(node) > 1 else 0) for i in range(sizes[depth])]
    if node[0] == "input":  # ∂z_j/∂w_jk is a_k of the layer below
        _, layer, _, k, s = node
        return [("value", "a", layer - 1, k - 1, s)]
    if node[0] == "slope":  # σ′ = a(1 − a), tanh′ = 1 − a² from a; relu′ from z
        _, layer, neuron, s = node
        return [("value", "a" if layers[layer - 1].activation.name in A_SLOPES else "z", layer, neuron, s)]
    if node[0] in ("new", "delta") or node[0].startswith("state:"):  # from the gradient; Δw and the new
        # value from the optimiser's state too, and the new value from Δw (w + Δw)
        gradient = ("w" if node[3] is not None else "b", *node[1:])
        if node[0].startswith("state:"):
            return [gradient]
        states = [(f"state:{key}", *node[1:]) for key in result.network.optimizer.state_names]
        return [gradient, *states] + ([("delta", *node[1:])] if node[0] == "new" else [])
    if node[0] in ("w", "b"):  # a batch's from each sample's own (w, layer, j, k, s), a sample's from δ and a
        if len(node) == 4 and len(samples) > 1:
            return [(*node, s) for s in samples]
        _, layer, j, k, *sample = node
        samples = sample or samples
        neurons = range(sizes[layer]) if j is None else [j - 1]
        found = [("gradient", "z", layer, n, s) for s in samples for n in neurons]
        return found + ([("value", "a", layer - 1, k - 1, s) for s in samples] if node[0] == "w" else [])
    kind, what, layer, neuron, s = node
    softmax = layer >= 1 and not layers[layer - 1].activation.elementwise
    if kind == "value":
        if what == "z":
            return [("value", "a", layer - 1, k, s) for k in range(sizes[layer - 1])] if layer >= 1 else []
        if layer == 0:
            return []
        return [("value", "z", layer, m, s) for m in (range(sizes[layer]) if softmax else [neuron])]
    if what == "a":
        if layer == depth:  # ∂L/∂ŷi from ŷi alone: every loss is a sum over the outputs
            return [("value", "a", depth, neuron, s)]
        return [("gradient", "z", layer + 1, m, s) for m in range(sizes[layer + 1])]
    neurons = range(sizes[layer]) if softmax else [neuron]
    found = [("gradient", "a", layer, i, s) for i in neurons] + [("value", "z", layer, i, s) for i in neurons]
    if not softmax:  # δ = ∂L/∂a · ∂a/∂z: the unit's slope, a step a file may state (σ′ = 0.2395)
        found.append(("slope", layer, neuron, s))
    if layers[layer - 1].activation.name in A_SLOPES:  # σ′ = a(1 − a), tanh′ = 1 − a², softmax's ai(δim − am)
        found += [("value", "a", layer, i, s) for i in neurons]
    return found


A_SLOPES = ("sigmoid", "tanh", "softmax")  # activations whose slope is read from a, as students work it out
MAX_VISITED = 200_000  # nodes a search may visit: a classroom network has far fewer


def ancestors(result, node: Node, wanted: set, stops: set = frozenset(), inputs=None) -> set:
    """The nodes of `wanted` that `node` depends on, directly or through other quantities, but not
    through those in `stops` (answers given right: a step built on them is built on right values).
    `inputs(result, node)` is a node's one step back (default: a network's, above)."""
    return below(result, [node], wanted, stops, inputs)[node]


def below(result, roots, wanted: set, stops: set = frozenset(), inputs=None) -> dict:
    """For each node of `roots`, the nodes of `wanted` it depends on as ancestors() says, worked out
    for all of them in one pass over the graph: each node's set is made once from its inputs' (a
    node in `stops` is found but not looked past), so a file of many answers over a long chain
    costs the chain once, not once an answer. At most MAX_VISITED nodes are looked past."""
    inputs = inputs or step_inputs
    memo, steps_back, visited = {}, {}, 0
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in memo:
                continue
            if not expanded:
                visited += 1
                sources = steps_back[node] = list(inputs(result, node)) if visited < MAX_VISITED else []
                stack.append((node, True))
                stack.extend((source, False) for source in sources if source not in stops and source not in memo)
                continue
            found = set()
            for source in steps_back.pop(node):
                if source in wanted:
                    found.add(source)
                if source not in stops:
                    found |= memo[source]
            memo[node] = found
    return {root: memo[root] for root in roots}


def stated_ancestors(result, shape, answers: list) -> dict:
    """id(answer) -> the file's other answers its quantity is computed from, directly or through
    quantities the file does not state, in the file's order (a node is never its own ancestor; of
    two answers stating one node, the later speaks for it)."""
    nodes = {id(a): shape.node(a.quantity) for a in answers}
    answer_at = {nodes[id(a)]: a for a in answers if nodes[id(a)] is not None}
    stated = set(answer_at)
    found = below(result, list(stated), stated, stated, shape.inputs)
    return {id(a): sorted((answer_at[n] for n in found[nodes[id(a)]]), key=lambda b: (b.line, b.column))
            if nodes[id(a)] is not None else [] for a in answers}


def computed_from(result, shape, quantities: dict) -> dict:
    """key -> the keys of the other `quantities` (key -> Quantity) its quantity is computed from,
    directly or through any others: what a value may be a copy of (a right w234_new that rounds like
    w222_new, which it never reads, is no copy of it). Judged answers and a key's rows ask alike."""
    nodes = {k: shape.node(q) for k, q in quantities.items()}
    wanted = set(nodes.values()) - {None}
    found = below(result, list(wanted), wanted, frozenset(), shape.inputs)
    return {k: {other for other, n in nodes.items() if n in found[node]} if node is not None else set()
            for k, node in nodes.items()}


def _updates(q) -> int:
    """How many updates a quantity is after: K of after:K, else 0 (the first pass, and its update)."""
    return int(q.kind.removeprefix("after:")) if q.kind.startswith("after:") else 0


def _updates_read(earlier, after) -> bool:
    """Whether a value after K updates (`after`) reads `earlier`: any quantity of the first pass or
    its update, a parameter after fewer updates, and for the loss after K the parameters after K
    too (a loss after updates feeds nothing)."""
    if _updates(earlier) == 0:
        return True
    return earlier.is_parameter and _updates(earlier) < _updates(after) + (not after.is_parameter)


def first_causes(shape, wrong: list, right=()) -> list[int | None]:
    """For each wrong answer's quantity (in the order of the pass), the index of the earliest wrong
    one it follows from along a real dependency (`shape`'s steps: NetworkShape below, or
    grading.expression_reach.ExpressionShape), through quantities not stated: a right answer on the
    way cuts the chain."""
    nodes = [shape.node(q) for q in wrong]
    stops = {shape.node(q) for q in right} - {None}
    known = [n for n in nodes if n is not None]
    above = below(shape.r, known, set(known), stops, shape.inputs)  # a search looks past what it wants
    causes, earlier = [], {}  # earlier: each node of the answers before this one, at its last index
    for i, node in enumerate(nodes):
        if node is None and wrong[i].kind.startswith("after:"):
            # a value after K updates reads the whole first pass and every update before it: it
            # follows from the earliest wrong answer of those
            read = [j for j in range(len(wrong)) if j != i and _updates_read(wrong[j], wrong[i])]
            causes.append(min(read, key=lambda j: (_updates(wrong[j]), shape.position(wrong[j])), default=None))
        elif node is None or not earlier:
            causes.append(None)
        else:
            causes.append(min((earlier[n] for n in above[node] if n in earlier), default=None))
        if node is not None:
            earlier[node] = i
    return causes


class NetworkShape:
    """How a network's quantities are judged together: their interval passes (grading.intervals),
    their dependency nodes (grading.dependencies) and the order they are judged in, earlier steps
    first. (grading.expression_reach.ExpressionShape is an expression's.)"""

    def __init__(self, result, notation):
        self.r, self.n = result, notation

    ways = ("step", "carried")  # its local derivatives are steps of their own (grading.judging)

    def reach(self, precision: Precision, stated: dict | None = None, base=None) -> Reach:
        return Reach(self.r, self.n, precision, stated, base)

    def node(self, q):
        return node_of(self.r, q, self.n)

    def position(self, q) -> tuple:
        return chain_position(q, self.n, len(self.r.sizes) - 1)

    inputs = staticmethod(step_inputs)
    step_reads = staticmethod(step_inputs)  # a network's step is one layer's z or a: its inputs


def shape_of(result, notation):
    """The shape of a network's or an expression's quantities."""
    if result.kind == EXPRESSION:
        from .expression_reach import ExpressionShape

        return ExpressionShape(result)
    if result.kind not in (NETWORK, EXPRESSION):  # grading.layers: section 9's layers written out as scalar steps
        from .layers import LayersShape

        return LayersShape(result)
    return NetworkShape(result, notation)
