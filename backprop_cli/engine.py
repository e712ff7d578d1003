"""Forward and backward passes over a batch, in float64 (no YAML, files or printing here).

Notation follows the seeds: z = W a_prev + b, a = f(z), ŷ = a of the last layer,
delta = ∂L/∂z. Loops run over layers only; samples and neurons are vectorised.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import NumericalError, UsageError
from .functions import Activation, Loss, log_softmax, softplus
from .names import describe_parameters, format_name, parse_name


@dataclass
class Layer:
    """One layer of weights: row j holds the weights into neuron j."""

    weights: np.ndarray  # (neurons, neurons of the previous layer)
    biases: np.ndarray  # (neurons,)
    activation: Activation


@dataclass
class Network:
    """Layers, a loss and how a batch is reduced; what the engine needs and nothing more."""

    layers: list[Layer]
    loss: Loss
    reduction: str = "mean"  # or "sum" over the samples of a batch

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input layer first."""
        return [self.layers[0].weights.shape[1]] + [layer.weights.shape[0] for layer in self.layers]


def _output_delta(network: Network, z: np.ndarray, yhat: np.ndarray, y: np.ndarray,
                  grad_yhat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample loss and ∂L/∂z of the output layer, fused where that is exact and stabler."""
    act, loss = network.layers[-1].activation, network.loss
    if act.name == "softmax" and loss.name == "cross_entropy":
        # L = −Σ y log softmax(z): exact where ŷ underflows; ∂L/∂zm = ŷm Σi yi − ym
        per_sample = -np.where(y != 0, y * log_softmax(z), 0.0).sum(axis=-1)
        return per_sample, yhat * y.sum(axis=-1, keepdims=True) - y
    if act.name == "sigmoid" and loss.name == "binary_cross_entropy":
        # log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z); ∂L/∂z = ŷ − y
        per_sample = (y * softplus(-z) + (1.0 - y) * softplus(z)).sum(axis=-1)
        return per_sample, yhat - y
    with np.errstate(over="ignore", invalid="ignore"):
        return loss.value(yhat, y), act.backward(z, yhat, grad_yhat)


def forward(network: Network, inputs: np.ndarray) -> tuple[list, list]:
    """Pre-activations z and activations a of every layer (index 0 is the input)."""
    z: list[np.ndarray | None] = [None]
    a: list[np.ndarray] = [inputs]
    for layer in network.layers:
        pre = a[-1] @ layer.weights.T
        pre += layer.biases  # in place: one pass less over the largest arrays
        z.append(pre)
        a.append(layer.activation.forward(pre))
    return z, a


def batch_loss(network: Network, inputs: np.ndarray, targets: np.ndarray) -> tuple[float, list]:
    """The loss of a batch by a forward pass alone (for finite differences), and the z values."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        z, a = forward(network, inputs)
        per_sample, _ = _output_delta(network, z[-1], a[-1], targets, np.zeros_like(a[-1]))
    scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
    return float(per_sample.sum() * scale), z


def run(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rate: float = 0.1) -> "Result":
    """Forward and backward pass over a batch (samples × inputs); every value kept for reports."""
    # overflow shows up as inf/nan, which check_finite reports with its place; no numpy warnings
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _run(network, inputs, targets, learning_rate)


def _run(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rate: float) -> "Result":
    z, a = forward(network, inputs)
    yhat = a[-1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grad_yhat = network.loss.gradient(yhat, targets)
    per_sample_loss, delta_out = _output_delta(network, z[-1], yhat, targets, grad_yhat)

    scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
    grad_a, deltas, weight_grads, bias_grads = backward(network.layers, z, a, grad_yhat, delta_out, scale)
    result = Result(network, z, a, targets, per_sample_loss, grad_a, deltas, weight_grads, bias_grads,
                    learning_rate, scale)
    result.check_finite()
    return result


def backward(layers: list[Layer], z: list, a: list, grad_yhat: np.ndarray, delta_out: np.ndarray,
             scale: float) -> tuple[list, list, list, list]:
    """Seed 003's recursion from the output's δ down: per-sample ∂L/∂a and δ = ∂L/∂z, and the
    parameter gradients reduced over the batch (× `scale`). `layers` supplies the weights the
    recursion multiplies by (and so can differ from the forward pass's, to model a mistake)."""
    depth = len(layers)
    deltas: list[np.ndarray | None] = [None] * (depth + 1)
    grad_a: list[np.ndarray | None] = [None] * (depth + 1)
    grad_a[depth], deltas[depth] = grad_yhat, delta_out
    weight_grads: list[np.ndarray | None] = [None] * (depth + 1)
    bias_grads: list[np.ndarray | None] = [None] * (depth + 1)
    for l in range(depth, 0, -1):
        weight_grads[l] = deltas[l].T @ a[l - 1]
        bias_grads[l] = deltas[l].sum(axis=0)
        if scale != 1.0:
            weight_grads[l] *= scale
            bias_grads[l] *= scale
        if l > 1:
            grad_a[l - 1] = deltas[l] @ layers[l - 1].weights
            deltas[l - 1] = layers[l - 2].activation.backward(z[l - 1], a[l - 1], grad_a[l - 1])
    return grad_a, deltas, weight_grads, bias_grads


@dataclass
class Result:
    """Everything one pass computed; lists are indexed by layer (0 = input)."""

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
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def loss(self) -> float:
        """The loss of the batch: the mean (or sum) of the per-sample losses."""
        return float(self.per_sample_loss.sum() * self.scale)

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
                f"an output reached a value where {self.network.loss.name} is undefined "
                f"(ŷ = {np.array2string(self.a[-1][sample], precision=6)})")
        for l in range(1, len(self.weight_grads)):
            if not (np.all(np.isfinite(self.weight_grads[l])) and np.all(np.isfinite(self.bias_grads[l]))):
                raise NumericalError(f"a gradient of layer {l} is not finite (it overflowed)")

    # -- parameters by name ---------------------------------------------------------------
    def parameter_index(self, name: str) -> tuple[str, int, int, int | None]:
        """(kind, layer, j, k) of parameter `name`; UsageError with the valid range when it is not one."""
        parsed = parse_name(name)
        sizes = self.sizes
        if parsed is None or parsed.kind not in ("w", "b"):
            raise UsageError(f"'{name}' is not a parameter name; write w{{layer}}{{to}}{{from}} "
                             f"or b{{layer}}{{neuron}}, e.g. w212 or w2_1_2 ({describe_parameters(sizes)})")
        layer, j = parsed.indices[0], parsed.indices[1]
        k = parsed.indices[2] if parsed.kind == "w" else None
        if not (1 <= layer < len(sizes) and j <= sizes[layer] and (k is None or k <= sizes[layer - 1])):
            raise UsageError(f"the network has no parameter {name} ({describe_parameters(sizes)})")
        return parsed.kind, layer, j, k

    def value(self, name: str) -> float:
        """The current value of parameter `name`."""
        kind, layer, j, k = self.parameter_index(name)
        spec_layer = self.network.layers[layer - 1]
        return float(spec_layer.weights[j - 1, k - 1] if kind == "w" else spec_layer.biases[j - 1])

    def gradient(self, name: str) -> float:
        """∂L/∂name for a parameter, reduced over the batch."""
        kind, layer, j, k = self.parameter_index(name)
        return float(self.weight_grads[layer][j - 1, k - 1] if kind == "w" else self.bias_grads[layer][j - 1])

    def updated(self, name: str) -> float:
        """The parameter after one gradient-descent step: w − η·∂L/∂w."""
        return self.value(name) - self.learning_rate * self.gradient(name)

    def per_sample_gradient(self, name: str) -> np.ndarray:
        """∂L_i/∂name for each sample i of the batch (unreduced)."""
        kind, layer, j, k = self.parameter_index(name)
        delta = self.deltas[layer][:, j - 1]
        return delta * self.a[layer - 1][:, k - 1] if kind == "w" else delta.copy()

    def parameters(self, names=None) -> list[tuple[str, float, float, float]]:
        """(name, value, gradient, updated) of every parameter (or those in `names`, canonical
        compact names), in canonical order."""
        rows = []
        eta = self.learning_rate
        for l, layer in enumerate(self.network.layers, start=1):
            n_out, n_in = layer.weights.shape
            for j in range(n_out):
                for k in range(n_in):
                    w, g = float(layer.weights[j, k]), float(self.weight_grads[l][j, k])
                    rows.append((format_name("w", l, j + 1, k + 1), w, g, w - eta * g))
            for j in range(n_out):
                b, g = float(layer.biases[j]), float(self.bias_grads[l][j])
                rows.append((format_name("b", l, j + 1), b, g, b - eta * g))
        if names:
            wanted = set(names)
            rows = [row for row in rows if row[0] in wanted]
        return rows

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
        from .names import notation as make_notation
        from .paths import count_paths, softmax_layers, trace_parameter

        if max_paths is None:
            kind, layer, j, _ = self.parameter_index(name)
            total = count_paths(self.sizes, softmax_layers(self.network), layer, j) * self.samples
            if total > 100_000:
                raise ValueError(f"{name} has {total} paths; ask for the largest few with max_paths=")
            max_paths = total
        return trace_parameter(self, name, make_notation(notation), max_paths).paths

    def input_gradient(self) -> np.ndarray:
        """Per sample ∂L_i/∂x, computed only when asked (training never needs it)."""
        if "x" not in self._cache:
            self._cache["x"] = self.deltas[1] @ self.network.layers[0].weights
        return self._cache["x"]
