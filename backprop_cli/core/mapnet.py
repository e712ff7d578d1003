"""A network over feature maps (contract section 9): conv and pooling layers (core.maps) and dense
layers in any order, with the forward and backward pass over a batch, float64, vectorised.

Every layer answers one protocol (forward, backward, edges, has_z, activation, outputs), so the
engine, the names and the paths loop over layers without asking what kind each is. A map enters
a dense layer flattened in PyTorch's order (channel, row, column).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .engine import output_delta
from .functions import Loss
from .names import NO_NAMES
from .network import Layer
from .record import Record
from .update import SGD


class Dense(Layer):
    """A dense layer (core.network.Layer) reading the flattened output of the layer below."""

    has_z = True
    kind = "dense"
    dims = 0

    def __repr__(self) -> str:
        return f"Dense({self.weights.shape})"

    def forward(self, flat: np.ndarray) -> np.ndarray:
        """z = W a + b for a batch."""
        return flat @ self.weights.T + self.biases

    def backward(self, delta: np.ndarray, flat: np.ndarray, below: bool = True) -> tuple:
        """(∂L/∂a below per sample, or None without `below`; ∂L/∂W and ∂L/∂b summed over the batch) from δ."""
        bias_grad = delta.sum(axis=0)
        if self.bias_style == "shared":  # one parameter: the sum over the layer, every neuron's entry
            bias_grad = np.full_like(bias_grad, bias_grad.sum())
        return (delta @ self.weights if below else None), delta.T @ flat, bias_grad

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every z(l)j reads every a(l−1)k through w(l)jk: (z index, a index, flat weight index)."""
        rows, cols = self.weights.shape
        j, k = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        return j.ravel(), k.ravel(), (j * cols + k).ravel()


class MapNetwork(Record):
    """Layers over maps and vectors, the input's shape (channels, rows, cols), a loss."""

    FIELDS = ("layers", "loss", "input_shape", "dims", "reduction", "frozen", "names")
    maps = True  # not core.network's dense Network: the commands that draw or grade dense layers only refuse it
    # plain gradient descent only (spec.maps refuses `optimizer:`, `optimizer_state:` and `l2:`): what
    # the commands that print a dense network's optimiser or L2 term read
    optimizer = SGD
    state = None
    l2 = 0.0
    l2_term = 0.0

    def __init__(self, layers, loss: Loss, input_shape, dims: int, reduction="mean", frozen=frozenset(),
                 names: Mapping[str, str] = NO_NAMES):
        self.layers, self.loss, self.input_shape, self.dims = layers, loss, tuple(input_shape), dims
        self.reduction, self.frozen, self.names = reduction, frozen, names

    @property
    def coupled(self) -> bool:
        """Whether a layer couples the samples of a batch (batch norm: core.coupled)."""
        return any(getattr(layer, "coupled", False) for layer in self.layers)

    def __repr__(self) -> str:
        return f"MapNetwork({[layer.kind for layer in self.layers]}, {self.loss.name})"

    @property
    def sizes(self) -> list[int]:
        """Values per layer (a map's channels × rows × cols), the input first."""
        channels, rows, cols = self.input_shape
        return [int(channels) * int(rows) * int(cols)] + [layer.outputs for layer in self.layers]

    @property
    def bias_styles(self) -> tuple[str, ...]:
        """Each layer's bias style (a pooling layer's: none)."""
        return tuple(layer.bias_style for layer in self.layers)

    def parameter_names(self) -> list[str]:
        """Every parameter's canonical name (section 9's), in canonical order."""
        from .mapnames import parameters

        return [row[0] for row in parameters(self)]

    @property
    def softmax_layers(self) -> set[int]:
        """The layers (1-based) whose activation couples all their values."""
        return {p for p, layer in enumerate(self.layers, start=1) if not layer.activation.elementwise}


def work(layers, samples: int) -> int:
    """Multiply-adds of one forward pass over a batch: every output reads one kernel (all its input
    channels), one row of weights or one pooling window (each value a comparison or an addition)."""
    return samples * sum(layer.outputs * (layer.weights[0].size if layer.has_z else layer.size ** layer.dims)
                         for layer in layers)


def forward(network: MapNetwork, inputs: np.ndarray) -> tuple[list, list]:
    """z (None for a pooling layer) and a of every layer, flattened per sample; index 0 is the input."""
    z: list[np.ndarray | None] = [None]
    a = [inputs.reshape(inputs.shape[0], -1)]
    for layer in network.layers:
        out = layer.forward(a[-1])
        if layer.has_z:
            z.append(out)
            a.append(layer.activation.forward(out))
        else:
            z.append(None)
            a.append(out)
    return z, a


def batch_loss(network: MapNetwork, inputs: np.ndarray, targets: np.ndarray) -> float:
    """The loss of a batch by a forward pass alone (for finite differences)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        z, a = forward(network, inputs)
        last = z[-1] if z[-1] is not None else a[-1]
        per_sample, _ = output_delta(network, last, a[-1], targets, np.zeros_like(a[-1]))
    scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
    return float(per_sample.sum() * scale)


def run(network: MapNetwork, inputs: np.ndarray, targets: np.ndarray, learning_rate: float = 0.1,
        checked: bool = True, exact_zeros: bool = True):
    """Forward and backward pass over a batch of maps; every value kept for reports (core.mapresult).
    With `exact_zeros`, gradients that are zero up to rounding are made exactly 0 (core.mapcancel);
    without, the arithmetic alone."""
    from .mapresult import MapResult

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        z, a = forward(network, inputs)
        yhat = a[-1]
        grad_yhat = network.loss.gradient(yhat, targets)
        last = z[-1] if z[-1] is not None else yhat
        per_sample_loss, delta_out = output_delta(network, last, yhat, targets, grad_yhat)
        scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
        depth = len(network.layers)
        grad_a: list = [None] * (depth + 1)
        deltas: list = [None] * (depth + 1)
        weight_grads: list = [None] * (depth + 1)
        bias_grads: list = [None] * (depth + 1)
        grad_a[depth] = grad_yhat
        for l in range(depth, 0, -1):
            layer = network.layers[l - 1]
            if not layer.has_z:  # pooling: no parameters, ∂L/∂a passes through its windows
                below = layer.backward(grad_a[l] if l < depth else delta_out, a[l - 1])
            else:
                deltas[l] = delta_out if l == depth else layer.activation.backward(z[l], a[l], grad_a[l])
                # the input's gradient only when asked (MapResult.input_gradient): training never needs it
                below, weight_grads[l], bias_grads[l] = layer.backward(deltas[l], a[l - 1], below=l > 1)
                weight_grads[l] = weight_grads[l] * scale
                bias_grads[l] = bias_grads[l] * scale
            grad_a[l - 1] = below
    if network.coupled:  # batch norm: its paths join the samples (core.normresult)
        from .normresult import NormResult as MapResult
    result = MapResult(network, z, a, targets, per_sample_loss, grad_a, deltas, weight_grads, bias_grads,
                       learning_rate, scale)
    result.exact_zeros = exact_zeros
    if exact_zeros and np.isfinite(per_sample_loss).all():
        from .mapcancel import snap

        if network.coupled:  # batch norm: its paths join the samples (core.normresult)
            from .normresult import snap

        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            snap(result)
    if checked:
        result.check_finite()
    return result
