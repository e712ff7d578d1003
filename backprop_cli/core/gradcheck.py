"""Backprop's gradients against central finite differences, as torch.autograd.gradcheck does.

A finite difference across a kink (relu or leaky_relu at z = 0) is no derivative at all; such
parameters are reported as kinks, not failures.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import batch_loss
from .network import Network
from .result import Result

KINKED = ("relu", "leaky_relu")
LOSS_ULPS = 16  # how many units in the last place a loss worked out through a network may be off
# gradcheck over maps makes four passes a parameter, each its multiply-adds (core.mapnet.work) plus
# about as much again in numpy's overhead as this many: bounded to some seconds
PASS_OVERHEAD = 50_000
MAX_MAP_CHECK = 5_000_000_000


@dataclass(frozen=True)
class Check:
    """One parameter's two gradients and how far apart they are."""

    name: str
    backprop: float
    numeric: float
    error: float  # |a − b| / max(|a|, |b|, floor)
    status: str  # "ok", "fail" or "kink"


def _kink_signs(network: Network, z: list) -> list[np.ndarray]:
    return [np.sign(z[l]) for l, layer in enumerate(network.layers, start=1) if layer.activation.name in KINKED]


def gradcheck(result: Result, eps: float = 1e-6, tol: float = 1e-6) -> list[Check]:
    """Compare every parameter's gradient with (L(p + eps) − L(p − eps)) / 2eps.

    The relative error's denominator is floored at 1e-3 × the largest |gradient| (or 1e-12), so a
    gradient that is zero up to rounding is judged against the network's gradient scale, not 0; and
    at what the difference itself can resolve, LOSS_ULPS of L's rounding over 2·eps, divided by `tol`
    (a gradient of 4e-5 beside a loss of 0.4 differs from its finite difference by 4e-11 of noise).
    """
    network, inputs, targets = result.network, result.a[0], result.targets
    rows = result.parameters()
    resolution = LOSS_ULPS * np.finfo(float).eps * abs(float(result.loss)) / (2 * eps)
    floor = max(1e-3 * max((abs(g) for _, _, g, _ in rows), default=0.0), resolution / tol, 1e-12)
    checks = []
    for name, _, gradient, _ in rows:
        kind, l, j, k = result.parameter_index(name)
        array = network.layers[l - 1].weights if kind == "w" else network.layers[l - 1].biases
        # a shared bias is every neuron's bias of its layer, moved together
        index = (j - 1, k - 1) if kind == "w" else (j - 1,) if j is not None else (slice(None),)
        original = array[index].copy() if j is None else array[index]
        try:
            array[index] = original + eps
            up, z_up = batch_loss(network, inputs, targets)
            array[index] = original - eps
            down, z_down = batch_loss(network, inputs, targets)
        finally:
            array[index] = original
        numeric = (up - down) / (2 * eps)
        error = abs(gradient - numeric) / max(abs(gradient), abs(numeric), floor)
        crossed = any(np.any(a != b) for a, b in zip(_kink_signs(network, z_up), _kink_signs(network, z_down)))
        status = "kink" if crossed else ("ok" if error <= tol else "fail")
        checks.append(Check(name, gradient, numeric, error, status))
    return checks


def gradcheck_maps(result, eps: float = 1e-6, tol: float = 1e-6) -> list[Check]:
    """gradcheck over a network of feature maps (core.mapnet): each parameter nudged in place, and a
    nudge that moves a relu across 0 or another value to the top of a max-pooling window is a kink."""
    from ..errors import UsageError
    from .mapnet import batch_loss as map_loss
    from .mapnet import forward, work

    network, inputs, targets = result.network, result.a[0], result.targets
    if getattr(network, "sequence", False):  # over time steps: its own pass (core.sequence)
        from .sequence import forward, work
        from .sequence import sequence_loss as map_loss
    rows = result.parameters()
    rows_of_a_pass = result.steps if getattr(network, "sequence", False) else result.samples
    cost = 4 * len(rows) * (work(network.layers, rows_of_a_pass) + PASS_OVERHEAD)
    if cost > MAX_MAP_CHECK:  # four passes a parameter: bounded before the first
        raise UsageError(f"checking {len(rows):,} parameters one by one takes {4 * len(rows):,} passes through the "
                         f"network, {cost:,} units of work (at most {MAX_MAP_CHECK:,}): too many for gradcheck; "
                         "`backprop grad` gives every gradient, and a smaller network ("
                         + ("a shorter sequence, fewer recurrent layers" if getattr(network, "sequence", False)
                            else "fewer samples, smaller maps or kernels") + ") can be checked")
    floor = max(1e-3 * max((abs(g) for _, _, g, _ in rows), default=0.0), 1e-12)

    def shape_of_pass() -> list:
        z, a = forward(network, inputs)
        return [np.sign(z[l]) if layer.activation.name in KINKED else
                layer.first(a[l - 1]) if not layer.has_z and layer.mode == "max" else None
                for l, layer in enumerate(network.layers, start=1)]

    checks = []
    for name, _, gradient, _ in rows:
        _, l, kind, index = result.parameter_row(name)
        layer = network.layers[l - 1]
        array = (layer.weights if kind == "w" else layer.biases).reshape(-1)  # a view: nudged in place
        where = slice(None) if index is None else index  # a shared bias: every neuron's entry
        original = array[where].copy()
        try:
            array[where] = original + eps
            up, shape_up = map_loss(network, inputs, targets), shape_of_pass()
            array[where] = original - eps
            down, shape_down = map_loss(network, inputs, targets), shape_of_pass()
        finally:
            array[where] = original
        numeric = (up - down) / (2 * eps)
        error = abs(gradient - numeric) / max(abs(gradient), abs(numeric), floor)
        crossed = any(a is not None and np.any(a != b) for a, b in zip(shape_up, shape_down))
        checks.append(Check(name, gradient, numeric, error, "kink" if crossed else ("ok" if error <= tol else "fail")))
    return checks
