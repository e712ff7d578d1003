"""A network over a sequence (contract section 9): a recurrent layer (core.recurrent) and dense
layers, the dense ones applied at every time step with the same weights; the loss on the last
step (`target:`) or summed over every step (`targets:`). Arrays are (steps, values) per layer,
float64, every step at once wherever the steps do not depend on each other.
"""
from __future__ import annotations

import numpy as np

from .engine import output_delta
from .mapnet import MapNetwork
from .mapresult import MapResult


class SequenceNetwork(MapNetwork):
    """Layers over a sequence of input vectors; `every_step`: a target at every step (their losses
    summed), else on the last step only."""

    FIELDS = ("layers", "loss", "input_shape", "dims", "reduction", "frozen", "names", "every_step")
    sequence = True
    coupled = True

    def __init__(self, layers, loss, input_shape, dims=0, reduction="sum", frozen=frozenset(), names=None,
                 every_step=False):
        from .names import NO_NAMES

        super().__init__(layers, loss, input_shape, dims, reduction, frozen, NO_NAMES if names is None else names)
        self.every_step = every_step

    def __repr__(self) -> str:
        return f"SequenceNetwork({[layer.kind for layer in self.layers]}, {self.loss.name})"

    @property
    def sizes(self) -> list[int]:
        """Values per layer at one step, the input first."""
        return [int(self.input_shape[0])] + [layer.outputs for layer in self.layers]

    @property
    def naming(self):
        """Names carry their time step (core.seqnames), wherever core.mapnames is asked."""
        from . import seqnames

        return seqnames

    @property
    def steps(self) -> int:
        """The sequence's length T."""
        return int(self.input_shape[1])

    def mask(self, steps: int) -> np.ndarray:
        """1 at the steps whose output the loss reads, 0 elsewhere, as a column."""
        mask = np.ones((steps, 1)) if self.every_step else np.zeros((steps, 1))
        mask[-1] = 1.0
        return mask


STEP_OVERHEAD = 5_000  # a recurrent layer's step is a Python-level loop of numpy calls: microseconds each


def work(layers, steps: int) -> int:
    """Multiply-adds of one forward pass over `steps` steps (gradcheck's bound, as core.mapnet.work),
    and each recurrent layer's loop over the steps counted as this much again a step."""
    loops = sum(layer.kind == "recurrent" for layer in layers)
    return steps * (sum(layer.weights.size for layer in layers) + loops * STEP_OVERHEAD)


def forward(network: SequenceNetwork, x: np.ndarray) -> tuple[list, list]:
    """z and a of every layer, (steps, values); index 0 is the input."""
    z: list = [None]
    a = [x]
    for layer in network.layers:
        if layer.kind == "recurrent":
            pre, post = layer.run(a[-1])
        else:
            pre = a[-1] @ layer.weights.T + layer.biases
            post = layer.activation.forward(pre)
        z.append(pre)
        a.append(post)
    return z, a


def _losses(network, z, a, targets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(each step's loss, ∂L/∂ŷ, ∂L/∂z of the output) with the steps the loss does not read at 0."""
    mask = network.mask(a[0].shape[0])
    yhat = a[-1]
    grad_yhat = network.loss.gradient(yhat, targets) * mask
    per_step, delta = output_delta(network, z[-1], yhat, targets, grad_yhat)
    return per_step * mask[:, 0], grad_yhat, delta * mask


def sequence_loss(network: SequenceNetwork, x: np.ndarray, targets: np.ndarray) -> float:
    """The loss by a forward pass alone (for finite differences)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        z, a = forward(network, x)
        return float(_losses(network, z, a, targets)[0].sum())


def run(network: SequenceNetwork, x: np.ndarray, targets: np.ndarray, learning_rate: float = 0.1,
        checked: bool = True):
    """Forward pass and backpropagation through time; every value kept (SequenceResult)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        z, a = forward(network, x)
        per_step, grad_yhat, delta_out = _losses(network, z, a, targets)
        depth = len(network.layers)
        grad_a: list = [None] * (depth + 1)
        deltas: list = [None] * (depth + 1)
        weight_grads: list = [None] * (depth + 1)
        bias_grads: list = [None] * (depth + 1)
        grad_a[depth] = grad_yhat
        for l in range(depth, 0, -1):
            layer = network.layers[l - 1]
            if layer.kind == "recurrent":  # ∂L/∂h from above at each step, then through time
                below, weight_grads[l], bias_grads[l], deltas[l], grad_a[l] = layer.backward(
                    grad_a[l], z[l], a[l], a[l - 1])
            else:
                deltas[l] = delta_out if l == depth else layer.activation.backward(z[l], a[l], grad_a[l])
                below, weight_grads[l], bias_grads[l] = deltas[l] @ layer.weights, deltas[l].T @ a[l - 1], \
                    deltas[l].sum(axis=0)
            grad_a[l - 1] = below
    result = SequenceResult(network, z, a, targets, per_step, grad_a, deltas, weight_grads, bias_grads,
                            learning_rate, 1.0)
    result.exact_zeros = False
    if checked:
        result.check_finite()
    return result


class SequenceResult(MapResult):
    """One pass over a sequence: rows of every array are time steps; one sample."""

    row_word = "time step"

    @property
    def steps(self) -> int:
        return self.a[0].shape[0]

    @property
    def samples(self) -> int:
        return 1

    def cancelled(self, name: str) -> bool:  # noqa: ARG002 - MapResult's signature
        return False

    def per_sample_gradient(self, name: str) -> np.ndarray:
        return np.array([self.gradient(name)])

    def step_gradient(self, name: str) -> np.ndarray:
        """Each step's part of ∂L/∂name (`dL/dwh111@2` is step 2's): δ@t times what it multiplies."""
        _, l, kind, index = self.parameter_row(name)
        layer = self.network.layers[l - 1]
        delta = self.deltas[l]
        if kind == "b":
            return delta[:, index].copy()
        cols = layer.weights.shape[1]
        j, k = divmod(index, cols)
        source = self.a[l - 1] if layer.kind != "recurrent" else np.hstack([self.a[l - 1], layer.states(self.a[l])])
        return delta[:, j] * source[:, k]

    @property
    def forward(self) -> dict:
        """Forward values by name (x1@2, z11@2, h11@2, yhat1@3, L@3, L)."""
        if "forward" not in self._cache:
            values = self._by_name(self.z, self.a)
            for t in range(self.steps):
                values[f"L@{t + 1}"] = float(self.per_sample_loss[t])
            values["L"] = self.loss
            self._cache["forward"] = values
        return self._cache["forward"]

    @property
    def backward(self) -> dict:
        """∂L/∂ each node by the names `forward` gives them (z11@2, h11@2, x1@2): ∂L/∂h@t in total, as
        the step before it reads it; what a pass with a catalogued slip (core.slips) gives them."""
        if "backward" not in self._cache:
            deltas = [None if z is None else delta for z, delta in zip(self.z, self.deltas)]  # (nodes forward names)
            self._cache["backward"] = self._by_name(deltas, self.grad_a)
        return self._cache["backward"]

    def _by_name(self, z: list, a: list) -> dict:
        """Each node's entry of the per-layer arrays `z` and `a` (rows are steps; None where a layer
        has none), by the name `forward` gives the node at its step."""
        from .seqnames import node_name

        values = {}
        for l in range(len(self.network.layers) + 1):
            for what, arrays in (("z", z), ("a", a)):
                if arrays[l] is None:
                    continue
                for t in range(self.steps):
                    for f in range(arrays[l].shape[1]):
                        values[node_name(self.network, what, l, f, t + 1)] = float(arrays[l][t, f])
        return values

    def input_gradient(self) -> np.ndarray:
        return self.grad_a[0]

    def input_rows(self) -> list[tuple[str, float, float]]:
        """(name, value, ∂L/∂x) of every input at every step (x1@2)."""
        from .seqnames import node_name, shown

        rows = []
        for t in range(self.steps):
            for k in range(self.sizes[0]):
                rows.append((shown(self.network, node_name(self.network, "a", 0, k, t + 1)),
                             float(self.a[0][t, k]), float(self.grad_a[0][t, k])))
        return rows

    def unrolled(self):
        """The pass as core.unrolled's graph of named scalar nodes (what draw and explore show)."""
        from .unrolled import graph_of

        return graph_of(self)

    def trace(self, name: str, max_paths: int = 8, notation: str = "default", sample: int | None = None):  # noqa: ARG002
        """Every path from L to a parameter (grouped by step) or to a node quantity (h11@2)."""
        from . import seqnames
        from .unrolledtrace import trace

        found = seqnames.find(self.network, name)
        return trace(self, name, max_paths, node=found is not None and found[0] != "p")

    def paths(self, name: str, max_paths: int | None = None, notation: str = "default") -> list:  # noqa: ARG002
        from .computation import all_paths
        from .unrolledtrace import trace

        if max_paths is None:
            max_paths = all_paths(name, trace(self, name, 1).path_count)
        return trace(self, name, max_paths).paths
