"""The result of one pass through a network over feature maps: the arrays by layer (flattened per
sample, as core.mapnet keeps them) and answers about them by name, as core.result answers for a
dense network (the same methods, so grad, step, train and gradcheck ask both alike)."""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..errors import NumericalError, UsageError
from . import mapnames
from .computation import NETWORK, all_paths, html_view
from .record import Record
from .update import updated


class MapResult(Record):
    """Everything one pass computed; lists are indexed by layer (0 = input); z[l] is None for a
    pooling layer, and so are its gradients."""

    FIELDS = ("network", "z", "a", "targets", "per_sample_loss", "grad_a", "deltas", "weight_grads", "bias_grads",
              "learning_rate", "scale")
    kind: ClassVar[str] = NETWORK

    def __init__(self, network, z, a, targets, per_sample_loss, grad_a, deltas, weight_grads, bias_grads,
                 learning_rate, scale):
        self.network, self.z, self.a, self.targets = network, z, a, targets
        self.per_sample_loss, self.grad_a, self.deltas = per_sample_loss, grad_a, deltas
        self.weight_grads, self.bias_grads = weight_grads, bias_grads
        self.learning_rate, self.scale = learning_rate, scale
        self._cache, self.title = {}, ""
        self.exact_zeros = True  # zeros up to rounding made exact (core.mapcancel); False: the arithmetic alone

    def _repr_html_(self) -> str | None:
        """Jupyter's rich display: the explorer's view (as `trace` shows it); None, the plain repr,
        for a network too large to show."""
        try:
            return html_view(self)
        except UsageError:
            return None

    def __repr__(self) -> str:
        kinds = "-".join(layer.kind for layer in self.network.layers)
        return f"<MapResult {self.title + ' ' if self.title else ''}{kinds}: {self.loss_symbol} = {self.loss:.6g}>"

    @property
    def output_symbol(self) -> str:
        return self.loss_symbol

    @property
    def loss_symbol(self) -> str:
        """What reports call the loss: L, or the spec's own name."""
        return self.network.names.get("L", "L")

    @property
    def loss(self) -> float:
        """The loss of the batch: the mean (or sum) of the per-sample losses."""
        return float(self.per_sample_loss.sum() * self.scale)

    @property
    def l2_term(self) -> float:
        """No L2 term over maps (spec.maps refuses `l2:`)."""
        return 0.0

    @property
    def samples(self) -> int:
        return self.a[0].shape[0]

    @property
    def sizes(self) -> list[int]:
        """Values per layer (flattened maps), the input first."""
        return self.network.sizes

    def traced_names(self) -> list[str]:
        """Every parameter, canonical order."""
        return self.network.parameter_names()

    def layer_parameter_counts(self) -> list[int]:
        """How many parameters each layer has."""
        return mapnames.counts(self.network)

    row_word = "sample"  # what a row of the arrays is, as messages name it

    def check_finite(self) -> None:
        """Refuse a pass whose loss or gradients are inf or nan, saying where."""
        if not np.all(np.isfinite(self.per_sample_loss)):
            sample = int(np.argmin(np.isfinite(self.per_sample_loss)))
            raise NumericalError(f"the loss of {self.row_word} {sample + 1} is {self.per_sample_loss[sample]}: an "
                                 f"output overflowed or reached a value where {self.network.loss.name} is undefined")
        for l, (w, b) in enumerate(zip(self.weight_grads, self.bias_grads)):
            if w is not None and not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
                raise NumericalError(f"a gradient of layer {l} is not finite (it overflowed)")
        for l, (w, b) in enumerate(self.stepped_arrays(), start=1):
            if w is not None and not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
                raise NumericalError(f"the update of layer {l} overflows float64; use a smaller learning rate")

    # -- parameters by name ---------------------------------------------------------------
    def parameter_row(self, name: str) -> tuple[str, int, str, int | None]:
        """(canonical name, layer, "w" | "b", flat index) of parameter `name`; UsageError otherwise."""
        found = mapnames.find(self.network, name)
        if found is None or found[0] != "p":
            raise UsageError(f"the network has no parameter {name} ({mapnames.describe(self.network)})")
        return mapnames.parameters(self.network)[found[1]]

    def canonical(self, name: str) -> str:
        """The canonical name of a parameter as a user wrote it."""
        return self.parameter_row(name)[0]

    def _arrays(self, layer: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
        spec_layer = self.network.layers[layer - 1]
        if kind == "w":
            return spec_layer.weights.reshape(-1), self.weight_grads[layer].reshape(-1)
        return spec_layer.biases, self.bias_grads[layer]

    def value(self, name: str) -> float:
        _, layer, kind, index = self.parameter_row(name)
        return float(self._arrays(layer, kind)[0][index or 0])

    def gradient(self, name: str) -> float:
        """∂L/∂name, summed over every position the weight is used at, reduced over the batch."""
        _, layer, kind, index = self.parameter_row(name)
        return float(self._arrays(layer, kind)[1][index or 0])

    def is_frozen(self, name: str) -> bool:
        return self.canonical(name) in self.network.frozen

    def cancelled(self, name: str) -> bool:
        """Whether parameter `name`'s gradient is 0 because its paths cancel (core.mapcancel)."""
        from .mapcancel import cancelled

        _, layer, kind, index = self.parameter_row(name)
        return self.gradient(name) == 0 and cancelled(self, layer, kind, index)

    def updated(self, name: str) -> float:
        if self.is_frozen(name):
            return self.value(name)
        return updated(self.value(name), self.gradient(name), self.learning_rate)

    def per_sample_gradient(self, name: str) -> np.ndarray:
        """∂L_i/∂name for each sample i of the batch (unreduced): Σ over positions of δ × input."""
        _, layer, kind, index = self.parameter_row(name)
        spec_layer = self.network.layers[layer - 1]
        delta = self.deltas[layer]
        if kind == "b":
            if index is None:
                return delta.sum(axis=1)
            if spec_layer.kind == "dense":
                return delta[:, index].copy()
            return delta.reshape((self.samples,) + spec_layer.out_shape)[:, index].sum(axis=(1, 2))
        total = np.zeros(self.samples)
        for z_index, a_index in self.uses(layer, index):
            if a_index >= 0:
                total += delta[:, z_index] * self.a[layer - 1][:, a_index]
        return total

    def parameter_uses(self, name: str) -> list[tuple[int, int | None]]:
        """Every use of parameter `name`, position by position: (the z it feeds, the value below it
        multiplies, −1 on padding; None for a bias, whose ∂z/∂b is 1)."""
        _, layer, kind, index = self.parameter_row(name)
        if kind == "w":
            return self.uses(layer, index)
        spec_layer = self.network.layers[layer - 1]
        per = self.sizes[layer] // len(spec_layer.biases) if spec_layer.kind != "dense" else 1
        first = 0 if index is None else index * per  # a shared bias: every neuron of its layer
        return [(z, None) for z in range(first, self.sizes[layer] if index is None else first + per)]

    def receptive_field(self, name: str) -> set[tuple[int, int]]:
        """(layer, flat index) of every value parameter `name` touches: those it multiplies, at every
        position, and the z it feeds (what pictures light)."""
        layer = self.parameter_row(name)[1]
        uses = self.parameter_uses(name)
        return {(layer, z) for z, _ in uses} | {(layer - 1, a) for _, a in uses if a is not None and a >= 0}

    def uses(self, layer: int, index: int) -> list[tuple[int, int]]:
        """Every use of weight `index` (flat) of `layer`: (z index, input index, −1 on padding)."""
        spec_layer = self.network.layers[layer - 1]
        if spec_layer.kind == "dense":
            cols = spec_layer.weights.shape[1]
            return [(index // cols, index % cols)]
        return spec_layer.uses(*np.unravel_index(index, spec_layer.weights.shape))

    def shown_name(self, name: str) -> str:
        canonical = self.canonical(name)
        return self.network.names.get(canonical, canonical)

    def stepped_arrays(self) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """(weights, biases) of every layer after one update (None for a pooling layer)."""
        if "stepped" not in self._cache:
            stepped = []
            with np.errstate(over="ignore", invalid="ignore"):
                for l, layer in enumerate(self.network.layers, start=1):
                    if self.weight_grads[l] is None:
                        stepped.append((None, None))
                        continue
                    biases = layer.biases if layer.bias_style == "none" else updated(
                        layer.biases, self.bias_grads[l], self.learning_rate)
                    stepped.append((updated(layer.weights, self.weight_grads[l], self.learning_rate), biases))
            for name in self.network.frozen:
                _, l, kind, index = self.parameter_row(name)
                weights, biases = stepped[l - 1]
                target, before = (weights, self.network.layers[l - 1].weights) if kind == "w" else (
                    biases, self.network.layers[l - 1].biases)
                if index is None:  # a shared bias: every neuron's entry
                    target[...] = before
                else:
                    target.reshape(-1)[index] = before.reshape(-1)[index]
            self._cache["stepped"] = stepped
        return self._cache["stepped"]

    def stepped_state(self) -> None:
        """Plain gradient descent keeps no optimiser state."""
        return None

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """Every parameter's value and gradient as two vectors, canonical order (what a training
        log's row holds, as core.packing gives a dense network's)."""
        values, gradients, starts, offset = [], [], {}, 0
        for l, layer in enumerate(self.network.layers, start=1):
            if self.weight_grads[l] is None:  # pooling: no parameters
                continue
            starts[l] = (offset, offset + layer.weights.size)
            values += [layer.weights.reshape(-1), layer.biases]
            gradients += [self.weight_grads[l].reshape(-1), self.bias_grads[l]]
            offset += layer.weights.size + len(layer.biases)
        rows = mapnames.parameters(self.network)
        where = np.array([starts[l][kind == "b"] + (index or 0) for _, l, kind, index in rows], dtype=np.intp)
        return np.concatenate(values)[where], np.concatenate(gradients)[where]

    def parameters(self, names=None) -> list[tuple[str, float, float, float]]:
        """(name, value, gradient, updated) of every parameter (or those in `names`), canonical order,
        each named as reports print it."""
        table = mapnames.parameters(self.network)
        if names:
            order = {row[0]: i for i, row in enumerate(table)}
            wanted = sorted({self.canonical(n) for n in names}, key=order.__getitem__)
            return [(self.network.names.get(n, n), self.value(n), self.gradient(n), self.updated(n)) for n in wanted]
        # every row read from its layer's arrays, with no name looked up (millions of them over maps)
        rows, own, frozen, rate = [], self.network.names, self.network.frozen, self.learning_rate
        arrays = {}
        for name, layer, kind, index in table:
            if (layer, kind) not in arrays:
                values, gradients = self._arrays(layer, kind)
                arrays[layer, kind] = (values.tolist(), gradients.tolist())
            values, gradients = arrays[layer, kind]
            value, gradient = values[index or 0], gradients[index or 0]
            rows.append((own.get(name, name), value, gradient,
                         value if name in frozen else updated(value, gradient, rate)))
        return rows

    # -- node quantities ------------------------------------------------------------------
    @property
    def forward(self) -> dict:
        """Forward values by name (x_1_2, z1_1_2_2, a2_1_1_1, yhat1, L): a float for one sample,
        an array over the samples of a batch."""
        if "forward" not in self._cache:
            self._cache["forward"] = {**self._by_name(self.z, self.a), "L": self.loss}
        return self._cache["forward"]

    @property
    def backward(self) -> dict:
        """∂L/∂ each node by the names `forward` gives them, each sample's share of L (a float for one
        sample, an array over a batch's): what a pass with a catalogued slip (core.slips) gives them."""
        if "backward" not in self._cache:
            def scaled(arrays):
                return [None if array is None else array * self.scale for array in arrays]

            deltas = [None if z is None else delta for z, delta in zip(self.z, self.deltas)]  # (nodes forward names)
            self._cache["backward"] = self._by_name(scaled(deltas), scaled([self.input_gradient(), *self.grad_a[1:]]))
        return self._cache["backward"]

    def _by_name(self, z: list, a: list) -> dict:
        """Each node's entry of the per-layer arrays `z` and `a` (None where a layer has none), by the
        name `forward` gives the node: a float for one sample, an array over a batch's."""
        one, values = self.samples == 1, {}
        for l in range(len(self.network.layers) + 1):
            for what, arrays in (("z", z), ("a", a)):
                if arrays[l] is None:
                    continue
                for f in range(arrays[l].shape[1]):
                    values[mapnames.node_name(self.network, what, l, f)] = (
                        float(arrays[l][0, f]) if one else arrays[l][:, f].copy())
        return values

    def paths(self, name: str, max_paths: int | None = None, notation: str = "default") -> list:
        """The chain-rule paths from L to parameter `name`, largest |product| first (all of them,
        unless there are more than 100,000: then say how many with max_paths)."""
        from .mappaths import trace_parameter
        from .names import notation as make_notation

        chosen = make_notation(notation, self.network.names)
        if max_paths is None:
            max_paths = all_paths(name, trace_parameter(self, name, chosen, 1).path_count)
        return trace_parameter(self, name, chosen, max_paths).paths

    def trace(self, name: str, max_paths: int = 8, notation: str = "default", sample: int | None = None):
        """Everything `trace` shows for a parameter or a node quantity (z1_1_2_2, x_1_2[2])."""
        from .mappaths import trace_node, trace_parameter
        from .names import notation as make_notation
        from .paths import split_sample

        chosen = make_notation(notation, self.network.names)
        found = mapnames.find(self.network, split_sample(name, sample)[0])
        if found is not None and found[0] != "p":
            return trace_node(self, *split_sample(name, sample), notation=chosen, max_paths=max_paths)
        return trace_parameter(self, name, chosen, max_paths, sample)

    def input_gradient(self) -> np.ndarray:
        """Per sample ∂L_i/∂x, worked out when first asked (a pass leaves it out: training never needs it)."""
        if "x" not in self._cache:
            from .mapcancel import snap_inputs

            if self.grad_a[0] is None:  # (a pooling layer first passed it down already)
                self.grad_a[0] = self.network.layers[0].backward(self.deltas[1], self.a[0])[0]
            with np.errstate(over="ignore", invalid="ignore"):
                self._cache["x"] = snap_inputs(self, self.grad_a[0]) if self.exact_zeros else self.grad_a[0]
        return self._cache["x"]

    def input_rows(self) -> list[tuple[str, float, float]]:
        """(name, value, ∂L/∂x) of every input pixel; in a batch, of every sample's (x_1_2[2])."""
        gradient = self.input_gradient() * self.scale
        one = self.samples == 1
        rows = []
        for s in range(self.samples):
            for k in range(self.sizes[0]):
                name = mapnames.shown(self.network, mapnames.node_name(self.network, "a", 0, k))
                rows.append((name if one else f"{name}[{s + 1}]", float(self.a[0][s, k]), float(gradient[s, k])))
        return rows
