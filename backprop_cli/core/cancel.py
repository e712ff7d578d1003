"""Zero up to rounding: a gradient whose paths cancel is 0, not -1.4e-18.

A sum is zero up to rounding when |sum| ≤ 1e-12 × the largest |term| summed to make it. The terms
of a gradient are its paths' products, and the largest |product| into every node comes from the
backward recursion with max in place of the sum and |·| on every factor (no path is enumerated).
"""
from __future__ import annotations

import numpy as np

RELATIVE = 1e-12  # CONTRACT section 3
_BROADCAST = 4_000_000  # elements of a (samples, to, from) array built at once; beyond, loop


def _max_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """max over m of left[s, m]·right[m, k], for non-negative arrays: (s, k)."""
    s, m = left.shape
    k = right.shape[1]
    if s * m * k <= _BROADCAST:
        return (left[:, :, None] * right[None, :, :]).max(axis=1, initial=0.0)
    out = np.zeros((s, k))
    for i in range(m):
        np.maximum(out, left[:, i:i + 1] * right[i:i + 1, :], out=out)
    return out


def _through_activation(layer, z: np.ndarray, a: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Largest |product| into each z from the largest into each a, through ∂a/∂z."""
    if layer.activation.elementwise:
        return np.abs(layer.activation.derivative(z, a)) * upper
    out = np.empty_like(upper)
    for s in range(len(upper)):
        jac = np.abs(layer.activation.jacobian(z[s], a[s]))  # [i, m]
        out[s] = (jac * upper[s][:, None]).max(axis=0)
    return out


def largest_terms(result) -> tuple[list, list, list, list, np.ndarray]:
    """Per layer, the largest |path product| of ∂L/∂a and δ (per sample), of the weight and bias
    gradients (reduced), and of ∂L/∂x (per sample)."""
    layers, depth = result.network.layers, len(result.network.layers)
    top_a: list = [None] * (depth + 1)
    top_z: list = [None] * (depth + 1)
    top_w: list = [None] * (depth + 1)
    top_b: list = [None] * (depth + 1)
    top_a[depth] = np.abs(result.grad_a[depth])
    for l in range(depth, 0, -1):
        top_z[l] = _through_activation(layers[l - 1], result.z[l], result.a[l], top_a[l])
        scale = abs(result.scale)
        top_w[l] = _max_product(top_z[l].T, np.abs(result.a[l - 1])) * scale  # max over samples
        top_b[l] = top_z[l].max(axis=0) * scale
        top_a[l - 1] = _max_product(top_z[l], np.abs(layers[l - 1].weights))
    return top_a, top_z, top_w, top_b, top_a[0]


def snap(values: np.ndarray, largest: np.ndarray) -> np.ndarray:
    """Where `values` is zero up to rounding, make it 0 (in place); the mask of where it was not
    exactly 0 already (the paths cancelled)."""
    cancelled = (np.abs(values) <= RELATIVE * largest) & (values != 0)
    values[cancelled] = 0.0
    return cancelled
