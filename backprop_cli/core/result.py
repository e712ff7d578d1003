"""The Result of one forward and backward pass: arrays by layer, and answers about them by name.

It keeps arrays and lookups only: how zeros up to rounding are told apart lives in core.cancel,
the update in core.update, the paths in core.paths, and how a notebook shows it in the viewer
the API registers (core.computation)."""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..errors import NumericalError, UsageError
from . import cancel
from .computation import NETWORK, all_paths, html_view
from .names import (
    canonical_key,
    canonical_name,
    describe_parameters,
    format_name,
    layer_parameter_counts,
    parameter_name,
    parameter_names,
    parse_name,
)
from .names import (
    notation as make_notation,
)
from .network import Network
from .record import Record
from .update import OPTIMIZERS, State, optimizer_step


def _magnitude(values: np.ndarray) -> float:
    """The largest |value| (without a temporary array of the absolute values)."""
    return max(float(values.max(initial=0.0)), -float(values.min(initial=0.0)))


class Result(Record):
    """Everything one pass computed; lists are indexed by layer (0 = input). `replace` copies it
    with fields changed, its cache and title left behind."""

    FIELDS = ("network", "z", "a", "targets", "per_sample_loss", "grad_a", "deltas", "weight_grads", "bias_grads",
              "learning_rate", "scale")

    network: Network
    z: list
    a: list
    targets: np.ndarray
    per_sample_loss: np.ndarray
    grad_a: list  # per sample ∂L_i/∂a (grad_a[L] = ∂L/∂ŷ)
    deltas: list  # per sample ∂L_i/∂z
    weight_grads: list  # reduced over the batch
    bias_grads: list
    learning_rate: float
    scale: float  # 1/samples for a mean, 1 for a sum
    _cache: dict  # values worked out on first use
    title: str  # the spec's name, set by the spec that ran it
    kind: ClassVar[str] = NETWORK  # core.computation's protocol

    def __init__(self, network, z, a, targets, per_sample_loss, grad_a, deltas, weight_grads, bias_grads,
                 learning_rate, scale):
        self.network, self.z, self.a, self.targets = network, z, a, targets
        self.per_sample_loss, self.grad_a, self.deltas = per_sample_loss, grad_a, deltas
        self.weight_grads, self.bias_grads = weight_grads, bias_grads
        self.learning_rate, self.scale = learning_rate, scale
        self._cache, self.title = {}, ""

    def _repr_html_(self) -> str | None:
        """Jupyter's rich display: the explorer's view of this result (None: plain repr)."""
        return html_view(self)

    def __repr__(self) -> str:
        shape = "-".join(map(str, self.sizes))
        batch = f", {self.samples} samples" if self.samples > 1 else ""
        return (f"<Result {self.title + ' ' if self.title else ''}network {shape}{batch}: "
                f"{self.loss_symbol} = {self.loss:.6g}, {len(self.parameters())} parameters>")

    @property
    def output_symbol(self) -> str:
        """What is differentiated: the loss's symbol (core.computation's protocol)."""
        return self.loss_symbol

    def traced_names(self) -> list[str]:
        """Every parameter, canonical order (what `trace` covers when nothing is named)."""
        return parameter_names(self.sizes, self.network.bias_styles)

    @property
    def loss(self) -> float:
        """The loss of the batch: the mean (or sum) of the per-sample losses, plus the L2 term."""
        return float(self.per_sample_loss.sum() * self.scale) + self.l2_term

    @property
    def l2_term(self) -> float:
        """(λ/2)·Σw² over every weight (0 without `l2:`)."""
        return self.network.l2_term

    @property
    def samples(self) -> int:
        """How many samples the batch holds."""
        return self.a[0].shape[0]

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input layer first."""
        return self.network.sizes

    def check_finite(self) -> None:
        """Refuse a pass whose loss or gradients are inf or nan, saying where."""
        if not np.all(np.isfinite(self.per_sample_loss)):
            sample = int(np.argmin(np.isfinite(self.per_sample_loss)))
            raise NumericalError(
                f"the loss of sample {sample + 1} is {self.per_sample_loss[sample]}: "
                f"an output overflowed or reached a value where {self.network.loss.name} is undefined "
                f"(ŷ = {np.array2string(self.a[-1][sample], precision=6)})")
        with np.errstate(over="ignore", invalid="ignore"):  # each sample's loss is finite; their sum and L2 may not be
            l2_term, total = self.l2_term, float(self.per_sample_loss.sum() * self.scale)
        if not np.isfinite(l2_term):
            raise NumericalError(f"the loss's L2 term (λ/2)·Σw² overflows (λ = {self.network.l2:g}): "
                                 "it is beyond float64; use a smaller l2")
        if not np.isfinite(total + l2_term):
            raise NumericalError(f"the loss of the batch overflows: the {self.samples} samples' losses "
                                 f"({self.network.reduction}) and the L2 term add up beyond float64")
        for l in range(1, len(self.weight_grads)):
            if not (np.all(np.isfinite(self.weight_grads[l])) and np.all(np.isfinite(self.bias_grads[l]))):
                raise NumericalError(f"a gradient of layer {l} is not finite (it overflowed)")
        if self.network.optimizer.name != "sgd":  # the optimiser's own arithmetic: look at what it gives
            after, state = self._stepped()
            bad = ~np.isfinite(after)
            for array in state.arrays.values():
                bad |= ~np.isfinite(array)
            if bad.any():
                index, optimizer = int(np.argmax(bad)), self.network.optimizer
                name = self.packing().names[index]
                if optimizer.settings.get("eps") == 0 and state.arrays["v"][index] == 0:
                    shown = self.network.names.get(name, name)
                    raise NumericalError(f"the {optimizer.name} update of {shown} divides by √v + eps = 0 (0/0): "
                                         "its gradient is 0, and so are v and eps; give eps above 0 "
                                         f"(the default is {OPTIMIZERS[optimizer.name]['eps']:g})")
                raise NumericalError(f"the {self.network.optimizer.name} update of "
                                     f"{self.network.names.get(name, name)} overflows (its value or its state is "
                                     "beyond float64); use a smaller learning rate")
            return
        largest = max(max(_magnitude(layer.weights), _magnitude(layer.biases)) for layer in self.network.layers)
        steepest = max(max(_magnitude(w), _magnitude(b)) for w, b in zip(self.weight_grads[1:], self.bias_grads[1:]))
        if largest + self.learning_rate * steepest < 1e300:  # no update can overflow: nothing to find
            return
        for l, (layer, (weights, biases)) in enumerate(zip(self.network.layers, self.stepped_arrays()), start=1):
            for kind, before, grads, after in (("w", layer.weights, self.weight_grads[l], weights),
                                               ("b", layer.biases, self.bias_grads[l], biases)):
                if np.isfinite(after).all():  # the usual case: nothing to find
                    continue
                bad = np.argwhere(~np.isfinite(after))
                if len(bad):
                    index = tuple(int(i) for i in bad[0])
                    shared = kind == "b" and layer.bias_style == "shared"
                    raise NumericalError(
                        f"the update of {format_name(kind, l, *(() if shared else (i + 1 for i in index)))} overflows: "
                        f"{float(before[index]):g} − {self.learning_rate:g} × ({float(grads[index]):g}) is beyond "
                        "float64; use a smaller learning rate")

    def cancelled(self, name: str) -> bool:
        """Whether parameter `name`'s gradient is 0 because its paths cancel (core.cancel)."""
        return cancel.parameter_cancelled(self, *self.parameter_index(name))

    def _shared_bias_gradient(self, layer: int) -> float:
        """A shared bias's gradient: the sum over its layer, zero up to rounding made 0."""
        return cancel.snapped_sum(self.bias_grads[layer])

    def packing(self):
        """Where each parameter sits in the flat vector updates work on (core.packing)."""
        if "packing" not in self._cache:
            from .packing import Packing

            self._cache["packing"] = Packing(self.network)
        return self._cache["packing"]

    def _stepped(self) -> tuple[np.ndarray, object]:
        """The parameter vector and the optimiser's state after one update (core.update), worked
        out once: check_finite, step, training and the parameter rows all read them."""
        if "stepped" not in self._cache:
            packing, network = self.packing(), self.network
            state = network.state or State.start(network.optimizer, packing.size)
            gradients = packing.gradients(self.weight_grads, self.bias_grads)
            self._cache["stepped"] = optimizer_step(network.optimizer, packing.values(network.layers), gradients,
                                                    state, self.learning_rate, packing.frozen)
        return self._cache["stepped"]

    def stepped_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(weights, biases) of every layer after one update; values that overflow come out inf."""
        return self.packing().arrays(self._stepped()[0])

    def stepped_state(self):
        """The optimiser's state after one update (core.update.State)."""
        return self._stepped()[1]

    def parameter_state(self, name: str) -> tuple[int, dict, dict]:
        """Parameter `name`'s optimiser state before and after the update, and which update it
        is (t, 1-based): what the update's worked lines plug in."""
        i = self.packing().position(*self.parameter_index(name))
        after = self.stepped_state()
        before = self.network.state
        kept = self.network.optimizer.state_names
        return (after.step, {k: float(before.arrays[k][i]) if before else 0.0 for k in kept},
                {k: float(after.arrays[k][i]) for k in kept})

    # -- parameters by name ---------------------------------------------------------------
    def parameter_index(self, name: str) -> tuple[str, int, int | None, int | None]:
        """(kind, layer, j, k) of parameter `name` (canonical, or the spec's own name); j is None
        for a layer's shared bias. UsageError with the valid names when it is not one. (Worked out
        once a name: grading asks it thousands of times a class.)"""
        key = ("parameter", name)
        if key not in self._cache:
            self._cache[key] = self._parameter_index(name)
        return self._cache[key]

    def _parameter_index(self, name: str) -> tuple[str, int, int | None, int | None]:
        parsed = parse_name(canonical_name(self.network.names, name))
        sizes, styles = self.sizes, self.network.bias_styles
        if parsed is None or parsed.kind not in ("w", "b"):
            raise UsageError(f"'{name}' is not a parameter name; write w{{layer}}{{to}}{{from}} "
                             f"or b{{layer}}{{neuron}}, e.g. w212 or w2_1_2 ({describe_parameters(sizes, styles)})")
        layer = parsed.indices[0]
        j = parsed.indices[1] if len(parsed.indices) > 1 else None
        k = parsed.indices[2] if parsed.kind == "w" else None
        exists = 1 <= layer < len(sizes) and (j is None or j <= sizes[layer]) and (k is None or k <= sizes[layer - 1])
        if exists and parsed.kind == "b":
            exists = styles[layer - 1] == ("shared" if j is None else "each")
        if not exists:
            raise UsageError(f"the network has no parameter {name} ({describe_parameters(sizes, styles)})")
        return parsed.kind, layer, j, k

    def canonical(self, name: str) -> str:
        """The canonical name of a parameter as a user wrote it (w2_1_2 -> w212); UsageError when none."""
        return parameter_name(*self.parameter_index(name))

    def layer_parameter_counts(self) -> list[int]:
        """How many parameters each layer has, in canonical order."""
        return layer_parameter_counts(self.sizes, self.network.bias_styles)

    def value(self, name: str) -> float:
        """The current value of parameter `name`."""
        kind, layer, j, k = self.parameter_index(name)
        spec_layer = self.network.layers[layer - 1]
        return float(spec_layer.weights[j - 1, k - 1] if kind == "w" else spec_layer.biases[(j or 1) - 1])

    def gradient(self, name: str) -> float:
        """∂L/∂name for a parameter, reduced over the batch (a shared bias: summed over its layer)."""
        kind, layer, j, k = self.parameter_index(name)
        if kind == "w":
            return float(self.weight_grads[layer][j - 1, k - 1])
        return self._shared_bias_gradient(layer) if j is None else float(self.bias_grads[layer][j - 1])

    def is_frozen(self, name: str) -> bool:
        """Whether an update leaves parameter `name` as it is (the spec's `frozen:`)."""
        return parameter_name(*self.parameter_index(name)) in self.network.frozen

    def updated(self, name: str) -> float:
        """The parameter after one update by the network's optimiser (w itself when frozen)."""
        return float(self._stepped()[0][self.packing().position(*self.parameter_index(name))])

    def per_sample_gradient(self, name: str) -> np.ndarray:
        """∂L_i/∂name for each sample i of the batch (unreduced)."""
        kind, layer, j, k = self.parameter_index(name)
        if kind == "w":
            return self.deltas[layer][:, j - 1] * self.a[layer - 1][:, k - 1]
        if j is None:  # a shared bias: each sample's sum over the layer, zero up to rounding made 0
            return np.array([cancel.snapped_sum(row) for row in self.deltas[layer]])
        return self.deltas[layer][:, j - 1].copy()

    def shown_name(self, name: str) -> str:
        """A parameter's name as reports print it: the spec's own name, else the canonical one."""
        canonical = parameter_name(*self.parameter_index(name))
        return self.network.names.get(canonical, canonical)

    def parameters(self, names=None) -> list[tuple[str, float, float, float]]:
        """(name, value, gradient, updated) of every parameter (or those in `names`), in canonical
        order, each named as reports print it (the spec's own names where it has them)."""
        if names:  # a few: look each up rather than list them all
            def canonical(name: str) -> tuple:
                return canonical_key(*self.parameter_index(name))

            return [(self.shown_name(n), self.value(n), self.gradient(n), self.updated(n))
                    for n in sorted(set(names), key=canonical)]
        layers, styles = self.network.layers, self.network.bias_styles

        def biases(vector: np.ndarray, style: str, layer: int = 0) -> np.ndarray:
            if style == "shared":
                return vector[:1] if not layer else np.array([self._shared_bias_gradient(layer)])
            return vector if style == "each" else vector[:0]

        # the order of names.parameter_names: per layer, the weights row by row, then the biases
        values = np.concatenate([np.concatenate([l.weights.ravel(), biases(l.biases, l.bias_style)]) for l in layers])
        gradients = np.concatenate([np.concatenate([self.weight_grads[i].ravel(),
                                                    biases(self.bias_grads[i], styles[i - 1], i)])
                                    for i in range(1, len(layers) + 1)])
        after = self._stepped()[0]
        names = parameter_names(self.sizes, styles)
        if self.network.names:
            names = [self.network.names.get(n, n) for n in names]
        return list(zip(names, values.tolist(), gradients.tolist(), after.tolist()))

    @property
    def forward(self) -> dict:
        """Forward values by name (x1, z21, a12, yhat1, L), default notation: a float for one
        sample, an array over the samples of a batch."""
        if "forward" not in self._cache:
            depth = len(self.network.layers)
            one = self.samples == 1
            values = {}
            for l in range(depth + 1):
                for j in range(self.sizes[l]):
                    if l == 0:
                        names = [(format_name("x", j + 1), self.a[0])]
                    else:
                        names = [(format_name("z", l, j + 1), self.z[l]),
                                 (format_name("yhat" if l == depth else "a", *((j + 1,) if l == depth else (l, j + 1))),
                                  self.a[l])]
                    for name, array in names:
                        values[name] = float(array[0, j]) if one else array[:, j].copy()
            values["L"] = self.loss
            self._cache["forward"] = values
        return self._cache["forward"]

    def paths(self, name: str, max_paths: int | None = None, notation: str = "default") -> list:
        """The chain-rule paths from L to parameter `name`, largest |product| first (all of them,
        unless there are more than 100,000: then say how many with max_paths)."""
        from .paths import count_paths, trace_parameter  # only on this path: start-up is a feature

        chosen = make_notation(notation, self.network.names)
        if max_paths is None:
            kind, layer, j, _ = self.parameter_index(name)
            neurons = range(1, self.sizes[layer] + 1) if j is None else [j]
            max_paths = all_paths(name, sum(count_paths(self.sizes, self.network.softmax_layers, layer, n)
                                            for n in neurons) * self.samples)
        return trace_parameter(self, name, chosen, max_paths).paths

    def trace(self, name: str, max_paths: int = 8, notation: str = "default", sample: int | None = None):
        """Everything `trace` shows for a parameter or a node quantity (z13, x1[2]): value,
        gradient, the `max_paths` largest paths, the update (core.computation's protocol)."""
        from .paths import split_sample, trace_node, trace_parameter

        chosen = make_notation(notation, self.network.names)
        try:
            self.parameter_index(name)
        except UsageError:
            return trace_node(self, *split_sample(name, sample), notation=chosen, max_paths=max_paths)
        return trace_parameter(self, name, chosen, max_paths, sample)

    @property
    def loss_symbol(self) -> str:
        """What reports call the loss: L, f for a circuit without one, or the spec's own name."""
        return self.network.names.get("L", "L")

    def input_rows(self) -> list[tuple[str, float, float]]:
        """(name, value, ∂L/∂x) of every input; in a batch, of every sample's (x1[2]: the sample's
        share of L, 1/n of a mean)."""
        gradient = self.input_gradient() * self.scale
        one = self.samples == 1
        rows = []
        for s in range(self.samples):
            for k in range(self.sizes[0]):
                name = self.network.names.get(format_name("x", k + 1), format_name("x", k + 1))
                rows.append((name if one else f"{name}[{s + 1}]", float(self.a[0][s, k]), float(gradient[s, k])))
        return rows

    def input_gradient(self) -> np.ndarray:
        """Per sample ∂L_i/∂x, computed only when asked (training never needs it)."""
        if "x" not in self._cache:
            with np.errstate(over="ignore", invalid="ignore"):
                gradient = self.deltas[1] @ self.network.layers[0].weights
            if not np.all(np.isfinite(gradient)):
                raise NumericalError("a gradient of the inputs is not finite (it overflowed)")
            cancel.snap_product(gradient, self.deltas[1], self.network.layers[0].weights)
            self._cache["x"] = gradient
        return self._cache["x"]
