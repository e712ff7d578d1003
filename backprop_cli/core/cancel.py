"""Zero up to rounding: a gradient whose paths cancel is 0, not -1.4e-18.

A sum is zero up to rounding when |sum| ≤ 1e-12 × the largest |term| summed to make it (CONTRACT
section 3). The backward recursion applies the rule to each sum it forms (∂L/∂a = Σm δm·wmk, a
softmax's δ, a batch's gradients), so a 0 found there stays exactly 0 along every path below it.
Which gradients are 0 because their paths cancel (rather than because every path is 0) is found
afterwards: their largest |path product| is not 0.
"""
from __future__ import annotations

import numpy as np

RELATIVE = 1e-12
_BROADCAST = 4_000_000  # elements of a (rows, m, columns) array built at once; beyond, loop over m


def largest_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """max over m of |left[s, m]|·|right[m, k]|: the largest term of (left @ right)[s, k]."""
    left, right = np.abs(left), np.abs(right)
    s, m = left.shape
    k = right.shape[1]
    if s * m * k <= _BROADCAST:
        return (left[:, :, None] * right[None, :, :]).max(axis=1, initial=0.0)
    out = np.zeros((s, k))
    for i in range(m):
        np.maximum(out, left[:, i:i + 1] * right[i:i + 1, :], out=out)
    return out


def snap(values: np.ndarray, largest_term: np.ndarray) -> np.ndarray:
    """`values` (a sum) with every entry that is zero up to rounding made exactly 0, in place."""
    values[np.abs(values) <= RELATIVE * largest_term] = 0.0
    return values


def largest_paths(result) -> tuple[list, list]:
    """Per layer, the largest |path product| into each ∂L/∂a and δ (per sample): the backward
    recursion with max in place of the sum and |·| on every factor."""
    layers, depth = result.network.layers, len(result.network.layers)
    top_a: list = [None] * (depth + 1)
    top_z: list = [None] * (depth + 1)
    top_a[depth] = np.abs(result.grad_a[depth])
    for l in range(depth, 0, -1):
        layer = layers[l - 1]
        if layer.activation.elementwise:
            top_z[l] = np.abs(layer.activation.derivative(result.z[l], result.a[l])) * top_a[l]
        else:
            top_z[l] = np.stack([(np.abs(layer.activation.jacobian(z, a)) * upper[:, None]).max(axis=0)
                                 for z, a, upper in zip(result.z[l], result.a[l], top_a[l])])
        top_a[l - 1] = largest_product(top_z[l], layer.weights)
    return top_a, top_z
