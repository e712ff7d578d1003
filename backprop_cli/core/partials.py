"""Any partial derivative ∂X/∂Y of one sample's computation (CONTRACT section 5's dX/dY): X a node
(x, z, a, ŷ), Y a node below it or a parameter; the sum over every path from X down to Y of the
product of the local derivatives, carried as one vector up the layers from Y (forward mode), so
that a local one (∂ŷ1/∂z21 = σ′, ∂z21/∂a12 = w212) and a long one (∂ŷ1/∂z11) are the same sum."""
from __future__ import annotations

import numpy as np

from .cancel import RELATIVE


def pass_position(what: str, layer: int) -> int:
    """Where a node sits in the pass: x = a0, z1, a1, z2, a2, ..."""
    return 2 * layer - (what == "z")


def partial(result, of: tuple[str, int, int], wrt: tuple, sample: int) -> float:
    """∂X/∂Y at sample `sample` (0-based): `of` = ('z' | 'a', layer, 0-based neuron); `wrt` the same
    for a node, or a parameter's index ('w' | 'b', layer, j, k) (j None: a shared bias). 0 where Y
    is not below X, 1 where they are the same node."""
    net, s = result.network, sample
    if wrt[0] in ("w", "b"):
        kind, layer, j, k = wrt
        tangent = np.zeros(result.sizes[layer])
        neurons = slice(None) if j is None else j - 1
        tangent[neurons] = result.a[layer - 1][s, k - 1] if kind == "w" else 1.0  # ∂z/∂w = a, ∂z/∂b = 1
        what = "z"
    else:
        what, layer, neuron = wrt
        tangent = np.zeros(result.sizes[layer])
        tangent[neuron] = 1.0
    target = pass_position(of[0], of[1])
    if pass_position(what, layer) > target:
        return 0.0
    while pass_position(what, layer) < target:
        if what == "z":  # z → a through the activation's Jacobian (a vector when elementwise)
            jacobian = net.layers[layer - 1].activation.jacobian(result.z[layer][s], result.a[layer][s])
            tangent = jacobian * tangent if jacobian.ndim == 1 else _summed(jacobian, tangent)
            what = "a"
        else:  # a of layer l → z of layer l + 1 through the weights
            layer += 1
            tangent = _summed(net.layers[layer - 1].weights, tangent)
            what = "z"
    return float(tangent[of[2]])


def _summed(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector, each sum that is zero up to rounding (core.cancel's rule: within 1e-12 of
    its largest term) made exactly 0, as the backward pass makes its own: paths that cancel give 0
    (∂ŷ1/∂z11 through a softmax whose two weights from a11 are equal), not 1.4e-19."""
    values = matrix @ vector
    largest = np.abs(matrix * vector).max(axis=1, initial=0.0)
    values[np.abs(values) <= RELATIVE * largest] = 0.0
    return values
