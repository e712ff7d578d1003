"""Zero up to rounding over feature maps (CONTRACT section 3, as core.cancel for dense layers): a
parameter's or an input's gradient whose paths cancel is 0, not 5.6e-17.

A gradient is the sum of its paths' products; it is zero up to rounding when |gradient| ≤ 1e-12 ×
the largest |product| (core.cancel.RELATIVE). One sweep of the backward pass over absolute values
gives every gradient's Σ|product| (a bound on the largest, and > 0 exactly when some path is not
0); the few gradients under that bound get their largest product from the best-path search
(core.mappaths), and are made exactly 0 when the rule holds.
"""
from __future__ import annotations

import numpy as np

from .cancel import RELATIVE


def path_sums(result, inputs: bool = False) -> tuple[list, list, np.ndarray | None]:
    """Σ over paths of |product| of every weight's and bias's gradient (per layer, as the gradients
    are kept: reduced over the batch) and, with `inputs`, of every input's (per sample, the sample's
    share; else None: a first convolution's input gradient costs as much as its weights')."""
    key = "path_sums_inputs" if inputs else "path_sums"
    if key in result._cache:
        return result._cache[key]
    if not inputs and "path_sums_inputs" in result._cache:
        return result._cache["path_sums_inputs"]
    net, a, z = result.network, result.a, result.z
    depth = len(net.layers)
    weights: list = [None] * (depth + 1)
    biases: list = [None] * (depth + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        upstream = np.abs(result.grad_a[depth])
        for l in range(depth, 0, -1):
            layer = net.layers[l - 1]
            if not layer.has_z:  # pooling: its local derivatives are 1, 0 or 1/size², never negative
                upstream = layer.backward(upstream, a[l - 1])
                continue
            if layer.activation.elementwise:
                delta = upstream * np.abs(layer.activation.derivative(z[l], a[l]))
            else:  # softmax: Σi |∂L/∂ai|·|∂ai/∂zm|, every sample's at once
                delta = np.matmul(upstream[:, None, :], _softmax_jacobians(a[l]))[:, 0, :]
            absolute = layer.replace(weights=np.abs(layer.weights))
            upstream, weights[l], biases[l] = absolute.backward(delta, np.abs(a[l - 1]), below=inputs or l > 1)
            weights[l], biases[l] = weights[l] * result.scale, biases[l] * result.scale
    result._cache[key] = (weights, biases, upstream)
    return result._cache[key]


def _softmax_jacobians(a: np.ndarray) -> np.ndarray:
    """|∂ai/∂zm| of softmax for a batch (samples, i, m), as core.functions.Activation.jacobian
    gives each sample's: ai·am off the diagonal, am·Σ_{j≠m} aj on it (summed without subtracting)."""
    jacobians = a[:, :, None] * a[:, None, :]
    totals = np.cumsum(a, axis=-1)
    before = np.concatenate((np.zeros((len(a), 1)), totals[:, :-1]), axis=-1)
    after = np.concatenate((np.cumsum(a[:, ::-1], axis=-1)[:, ::-1][:, 1:], np.zeros((len(a), 1))), axis=-1)
    diagonal = np.arange(a.shape[1])
    jacobians[:, diagonal, diagonal] = a * (before + after)
    return jacobians


def _tops(result, level: tuple) -> np.ndarray:
    """The largest |product| of the paths into every node of `level`, per sample (samples, nodes)."""
    from .mappaths import _best

    return np.abs(np.stack([_best(result, s, 1)[level][0][:, 0] for s in range(result.samples)]))


def _largest(result, layer: int, uses: list, tops: np.ndarray) -> float:
    """The largest |product| of the paths to a parameter used at `uses` (z, value below, −1 on
    padding; None for a bias), over the batch, with the batch's 1/n."""
    z = np.array([u[0] for u in uses])
    below = np.array([-2 if u[1] is None else u[1] for u in uses])
    values = result.a[layer - 1][:, np.maximum(below, 0)]
    factors = np.where(below == -2, 1.0, np.where(below == -1, 0.0, np.abs(values)))
    return float((tops[:, z] * factors).max(initial=0.0)) * result.scale


def snap(result) -> None:
    """Every parameter gradient of `result` that is zero up to rounding made exactly 0, in place
    (before any update is worked out from them). A network too large to search for its paths
    (core.mappaths.MAX_EDGES) keeps its gradients as the arithmetic gives them."""
    from ..errors import UsageError

    weights, biases, _ = path_sums(result)
    names, tops = None, {}
    for l, (grads, sums) in enumerate(zip(result.weight_grads, weights)):
        for kind, values, bound in (("w", grads, sums), ("b", result.bias_grads[l], biases[l])):
            if values is None:
                continue
            flat, bound = values.reshape(-1), bound.reshape(-1)
            size = np.abs(flat)
            candidates = np.nonzero((size > 0) & (size <= RELATIVE * bound) & np.isfinite(bound))[0]
            if not len(candidates):
                continue
            if names is None:
                from . import mapnames

                names = {(row[1], row[2], row[3]): row[0] for row in mapnames.parameters(result.network)}
            try:
                tops.setdefault(l, _tops(result, ("z", l)))
            except UsageError:
                return
            shared = kind == "b" and result.network.layers[l - 1].bias_style == "shared"
            for index in candidates.tolist():
                name = names[(l, kind, None if shared else index)]
                if size[index] <= RELATIVE * _largest(result, l, result.parameter_uses(name), tops[l]):
                    flat[slice(None) if shared else index] = 0.0  # a shared bias: every neuron's entry
    result._cache.pop("stepped", None)


def snap_inputs(result, gradient: np.ndarray) -> np.ndarray:
    """The inputs' gradients (per sample) with their zeros up to rounding made exactly 0, in place."""
    from ..errors import UsageError

    bound = path_sums(result, inputs=True)[2]
    size = np.abs(gradient)
    candidates = (size > 0) & (size <= RELATIVE * bound) & np.isfinite(bound)
    if candidates.any():
        try:
            largest = _tops(result, ("a", 0))
        except UsageError:  # too large to search: as the arithmetic gives them
            return gradient
        gradient[candidates & (size <= RELATIVE * largest)] = 0.0
    return gradient


def cancelled(result, layer: int, kind: str, index: int | None) -> bool:
    """Whether a parameter's gradient is 0 because its paths cancel (some path's product is not 0)."""
    weights, biases, _ = path_sums(result)
    sums = (weights if kind == "w" else biases)[layer].reshape(-1)
    return bool(sums[index or 0] > 0)
