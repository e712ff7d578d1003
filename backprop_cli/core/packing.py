"""Every parameter of a network as one flat vector, in canonical order (names.parameter_names):
per layer its weights row by row, then its biases (one for a shared bias, none for `none`).
Optimisers and training work on this vector, so that an update is a handful of array operations
whatever the network's size."""
from __future__ import annotations

import numpy as np

from .cancel import snapped_sum
from .names import parameter_name, parameter_names
from .network import Layer, Network

_BIASES = {"each": None, "shared": 1, "none": 0}  # how many biases a layer's style keeps (None: one a neuron)


class Packing:
    """Where each layer's weights and biases sit in the flat vector."""

    def __init__(self, network: Network):
        self.slices: list[tuple[slice, slice, str, tuple[int, int]]] = []
        offset = 0
        for layer in network.layers:
            shape = layer.weights.shape
            weights = slice(offset, offset + layer.weights.size)
            count = _BIASES[layer.bias_style]
            biases = slice(weights.stop, weights.stop + (shape[0] if count is None else count))
            self.slices.append((weights, biases, layer.bias_style, shape))
            offset = biases.stop
        self.size = offset
        self.names = parameter_names(network.sizes, network.bias_styles)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.frozen = np.array(sorted(self.index[n] for n in network.frozen), dtype=np.intp)
        self.frozen_set = frozenset(self.frozen.tolist())
        self.weights = np.zeros(self.size, dtype=bool)  # which entries are weights (for L2)
        for weights, *_ in self.slices:
            self.weights[weights] = True

    def position(self, kind: str, layer: int, j: int | None, k: int | None) -> int:
        """Where parameter (kind, layer, j, k) sits (j None: a layer's shared bias)."""
        return self.index[parameter_name(kind, layer, j, k)]

    def values(self, layers: list[Layer]) -> np.ndarray:
        """The parameters of `layers` as one vector."""
        flat = np.empty(self.size)
        for (weights, biases, style, _), layer in zip(self.slices, layers):
            flat[weights] = layer.weights.ravel()
            if style != "none":
                flat[biases] = layer.biases[:biases.stop - biases.start]
        return flat

    def gradients(self, weight_grads: list, bias_grads: list, out: np.ndarray | None = None) -> np.ndarray:
        """The gradients (lists indexed by layer, 1-based) as one vector; a shared bias's is the
        sum over its layer, zero up to rounding made 0 (as Result.gradient gives it)."""
        flat = np.empty(self.size) if out is None else out
        if flat.ndim == 2:  # a stack of networks (core.training's rates side by side): row by row
            for r in range(flat.shape[0]):
                self.gradients([g if g is None else g[r] for g in weight_grads],
                               [g if g is None else g[r] for g in bias_grads], flat[r])
            return flat
        for l, (weights, biases, style, _) in enumerate(self.slices, start=1):
            flat[weights] = weight_grads[l].ravel()
            if style == "each":
                flat[biases] = bias_grads[l]
            elif style == "shared":  # frozen too: the update leaves it, the log still shows it
                flat[biases.start] = snapped_sum(bias_grads[l])
        return flat

    def arrays(self, flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(weights, biases) of every layer, as views of `flat` where they can be (a shared bias
        broadcast over its layer: read-only; no biases: zeros)."""
        out = []
        for weights, biases, style, shape in self.slices:
            if style == "each":
                bias = flat[biases]
            elif style == "shared":
                bias = np.broadcast_to(flat[biases], (shape[0],))
            else:
                bias = np.zeros(shape[0])
            out.append((flat[weights].reshape(shape), bias))
        return out

    def stacked_arrays(self, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """arrays() of a stack of parameter vectors (one row each, a learning rate of training's
        side by side): weights (rows, neurons, inputs) and biases (rows, 1, neurons), views of `rows`."""
        count, out = rows.shape[0], []
        for weights, biases, style, shape in self.slices:
            if style == "each":
                bias = rows[:, biases].reshape(count, 1, shape[0])
            elif style == "shared":
                bias = np.broadcast_to(rows[:, biases][:, :, None].reshape(count, 1, 1), (count, 1, shape[0]))
            else:
                bias = np.zeros((count, 1, shape[0]))
            out.append((rows[:, weights].reshape(count, *shape), bias))
        return out

    def layers(self, network: Network, flat: np.ndarray) -> list[Layer]:
        """`network`'s layers holding the parameters of `flat` (copies: they outlive it)."""
        return [layer.replace(weights=weights.copy(), biases=np.array(biases))
                for layer, (weights, biases) in zip(network.layers, self.arrays(flat))]
