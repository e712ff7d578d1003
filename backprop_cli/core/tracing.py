"""The plain object `trace` reports: the network at a glance, the forward pass, the loss,
the per-neuron deltas and each parameter's paths. Reporters only present it."""
from __future__ import annotations

from dataclasses import dataclass, field

from .names import Notation, parameter_names
from .partialpaths import trace_partial
from .paths import ParameterTrace, split_sample, trace_node, trace_parameter
from .result import Result


@dataclass
class NeuronRow:
    """One neuron of one layer: names and per-sample values."""

    layer: int
    pre_name: str
    post_name: str
    z: list[float]
    a: list[float]
    target: list[float] | None = None  # output layer only
    grad_a: list[float] = field(default_factory=list)  # ∂L_i/∂a per sample
    delta: list[float] = field(default_factory=list)  # ∂L_i/∂z per sample


L2_FORMULA = " + (λ/2)·Σw²"  # the loss's L2 term, after the loss's own formula (spec `l2:`)


@dataclass
class Trace:
    """Everything `trace` prints, as plain values."""

    kind = "network"  # the family of reports that presents it (core.computation)

    title: str
    description: str
    sizes: list[int]
    activations: list[str]
    loss_name: str
    loss_formula: str
    loss: float
    per_sample_loss: list[float]
    learning_rate: float
    reduction: str
    samples: list[int]  # 1-based samples shown
    inputs: list[tuple[str, list[float]]]
    neurons: list[NeuronRow]
    parameters: list[ParameterTrace]
    notation: str  # the name of the notation the node names are written in
    batch_size: int = 1  # samples in the spec (more than shown when one sample is traced alone)
    loss_symbol: str = "L"  # f for a circuit without loss, or the course's own name (E_total)
    target_letter: str = "y"  # g: a circuit's upstream gradient
    l2: float = 0.0  # λ of the loss's L2 term (λ/2)·Σw² (0: none)
    l2_term: float = 0.0  # its value, a term of `loss`
    updates: list = field(default_factory=list)  # values after K updates, update by update (core.updatesteps)
    # named values outside the neuron table, after their layer: (layer, name, value: a number, or a
    # list over the samples shown): batch norm's mu21, var21, xhat21; a sequence's step losses L@t
    extra: list = field(default_factory=list)

    def layer_rows(self, layer: int) -> list[NeuronRow]:
        """The neurons of one layer (1-based), in order: grouped once, since a report asks for every
        layer of a network over maps hundreds of layers deep."""
        grouped = self.__dict__.get("_by_layer")
        if grouped is None:
            grouped = {}
            for row in self.neurons:
                grouped.setdefault(row.layer, []).append(row)
            self.__dict__["_by_layer"] = grouped
        return grouped.get(layer, [])

    def ordered(self, order: str = "backward") -> list[ParameterTrace]:
        """The traced quantities output layer first, as textbooks derive them (`backward`), or
        input layer first (`forward`); canonical order within a layer."""
        if order == "forward":
            return sorted(self.parameters, key=lambda p: p.layer)
        return sorted(self.parameters, key=lambda p: -p.layer)

    @property
    def batch(self) -> bool:
        """Whether more than one sample is shown."""
        return len(self.samples) > 1


def build_trace(result: Result, notation: Notation, names: list[str] | None, max_paths: int,
                sample: int | None = None, title: str = "", description: str = "", nodes=(), partials=(),
                updates=()) -> Trace:
    """Trace every parameter of `result` (or those named; [] for none), the node quantities named
    in `nodes` and the partial derivatives (X, Y) in `partials`; `sample` (1-based) narrows a batch
    to one (nodes and partials: of that sample, else 1); `updates` the values after K updates,
    worked out already (core.updatesteps)."""
    net = result.network
    depth = len(net.layers)
    shown = list(range(result.samples)) if sample is None else [sample - 1]

    def column(array, index):
        return [float(array[s, index]) for s in shown]

    inputs = [(notation.post_name(0, k + 1, depth), column(result.a[0], k)) for k in range(result.sizes[0])]
    neurons = []
    for l in range(1, depth + 1):
        for j in range(result.sizes[l]):
            neurons.append(NeuronRow(
                l, notation.pre_name(l, j + 1), notation.post_name(l, j + 1, depth),
                column(result.z[l], j), column(result.a[l], j),
                column(result.targets, j) if l == depth else None,
                column(result.grad_a[l], j), column(result.deltas[l], j)))
    wanted = parameter_names(result.sizes, net.bias_styles) if names is None else names
    parameters = [trace_parameter(result, name, notation, max_paths, sample) for name in wanted]
    parameters += [trace_node(result, *split_sample(name, sample), notation=notation, max_paths=max_paths)
                   for name in nodes]
    parameters += [trace_partial(result, of, wrt, sample or 1, notation=notation, max_paths=max_paths)
                   for of, wrt in partials]
    loss = result.loss if sample is None else float(result.per_sample_loss[sample - 1])
    l2 = net.l2 if sample is None else 0.0  # a sample's own loss is its data term alone
    formula = net.loss.formula + (L2_FORMULA if l2 else "")
    return Trace(title, description, result.sizes, [layer.activation.label for layer in net.layers],
                 net.loss.name, formula, loss, [float(result.per_sample_loss[s]) for s in shown],
                 result.learning_rate, net.reduction, [s + 1 for s in shown], inputs, neurons, parameters,
                 notation.name, result.samples, notation.loss, net.loss.target, l2, net.l2_term if l2 else 0.0,
                 list(updates))
