"""Forward and backward passes over a batch, in float64 (no YAML, files or printing here).

Notation follows the tutorials: z = W a_prev + b, a = f(z), ŷ = a of the last layer,
delta = ∂L/∂z. Loops run over layers only; samples and neurons are vectorised.
"""
from __future__ import annotations

import numpy as np

from .cancel import RELATIVE, snap_product, snap_softmax
from .functions import log_softmax, softplus
from .network import Layer, Network
from .result import Result


def output_delta(network: Network, z: np.ndarray, yhat: np.ndarray, y: np.ndarray,
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
    return loss.value(yhat, y), act.backward(z, yhat, grad_yhat)  # callers ignore overflow: inf is checked


def forward(network: Network, inputs: np.ndarray) -> tuple[list, list]:
    """Pre-activations z and activations a of every layer (index 0 is the input)."""
    z: list[np.ndarray | None] = [None]
    a: list[np.ndarray] = [inputs]
    for layer in network.layers:
        # swapaxes, not .T: a stack of networks (rates side by side, core.training) transposes each
        pre = a[-1] @ layer.weights.swapaxes(-1, -2)
        pre += layer.biases  # in place: one pass less over the largest arrays
        z.append(pre)
        a.append(layer.activation.forward(pre))
    return z, a


def batch_loss(network: Network, inputs: np.ndarray, targets: np.ndarray) -> tuple[float, list]:
    """The loss of a batch by a forward pass alone (for finite differences), and the z values."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        z, a = forward(network, inputs)
        per_sample, _ = output_delta(network, z[-1], a[-1], targets, np.zeros_like(a[-1]))
    scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
    return float(per_sample.sum() * scale) + network.l2_term, z


def add_l2(network: Network, weight_grads: list) -> None:
    """The L2 term's own path, L → w directly: λ·w added to every weight's gradient (in place)."""
    if network.l2:
        for l, layer in enumerate(network.layers, start=1):
            weight_grads[l] += network.l2 * layer.weights


def run(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rate: float = 0.1, *,
        checked: bool = True, exact_zeros: bool = True) -> Result:
    """Forward and backward pass over a batch (samples × inputs); every value kept for reports.
    With `exact_zeros`, sums that are zero up to rounding are made exactly 0 as the recursion forms
    them (core.cancel), so that a cancelled gradient is 0 along every path below it: what reports
    and grading need; without, the arithmetic alone (the hot path of a large network). `checked=False`
    skips refusing values that are not finite: for a pass that models a mistake, only compared."""
    # overflow shows up as inf/nan, which check_finite reports with its place; no numpy warnings
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _run(network, inputs, targets, learning_rate, checked, exact_zeros)


def _run(network: Network, inputs: np.ndarray, targets: np.ndarray, learning_rate: float, checked: bool,
         exact_zeros: bool) -> Result:
    z, a = forward(network, inputs)
    return backward_from(network, z, a, targets, learning_rate, checked=checked, exact_zeros=exact_zeros)


def backward_from(network: Network, z: list, a: list, targets: np.ndarray, learning_rate: float, *,
                  checked: bool = True, exact_zeros: bool = True) -> Result:
    """run() from its forward pass's z and a on: a network that computes its forward pass as the one
    that gave them did (a mistake in the backward pass alone) needs no forward pass of its own."""
    inputs, yhat = a[0], a[-1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grad_yhat = network.loss.gradient(yhat, targets)
    per_sample_loss, delta_out = output_delta(network, z[-1], yhat, targets, grad_yhat)
    if exact_zeros:
        snap_output_delta(network, delta_out, grad_yhat, yhat, targets)

    scale = 1.0 / inputs.shape[0] if network.reduction == "mean" else 1.0
    grad_a, deltas, weight_grads, bias_grads = backward(network.layers, z, a, grad_yhat, delta_out, scale,
                                                        snap=exact_zeros)
    add_l2(network, weight_grads)
    result = Result(network, z, a, targets, per_sample_loss, grad_a, deltas, weight_grads, bias_grads,
                    learning_rate, scale)
    if checked:
        result.check_finite()
    return result


def snap_output_delta(network: Network, delta_out: np.ndarray, grad_yhat: np.ndarray, yhat: np.ndarray,
                      targets: np.ndarray) -> None:
    """An output softmax's δ is a sum too: its zeros up to rounding made exactly 0, in place."""
    if network.layers[-1].activation.elementwise:
        return
    if network.loss.name == "cross_entropy":  # fused: δm = ŷm·Σy − ym, two terms
        terms = np.maximum(np.abs(yhat * targets.sum(axis=-1, keepdims=True)), np.abs(targets))
        delta_out[np.abs(delta_out) <= RELATIVE * terms] = 0.0
    else:
        for d, g, a in _each_network(delta_out, grad_yhat, yhat):
            snap_softmax(d, g, a)


def _each_network(*arrays) -> list[tuple]:
    """The arrays of each network: themselves, or row by row for a stack of networks (core.training's
    rates side by side, where every array has a leading row axis: the first, per sample, is 3-D)."""
    return [arrays] if arrays[0].ndim == 2 else list(zip(*arrays))


def backward(layers: list[Layer], z: list, a: list, grad_yhat: np.ndarray, delta_out: np.ndarray,
             scale: float, snap: bool = True) -> tuple[list, list, list, list]:
    """The backward recursion ("Backpropagation Explained") from the output's δ down: per-sample
    ∂L/∂a and δ = ∂L/∂z, and the parameter gradients reduced over the batch (× `scale`).
    `layers` supplies the weights the recursion multiplies by (and so can differ from the forward
    pass's, to model a mistake). `snap`: zeros up to rounding made exact as each sum is formed."""
    depth = len(layers)
    deltas: list[np.ndarray | None] = [None] * (depth + 1)
    grad_a: list[np.ndarray | None] = [None] * (depth + 1)
    grad_a[depth], deltas[depth] = grad_yhat, delta_out
    weight_grads: list[np.ndarray | None] = [None] * (depth + 1)
    bias_grads: list[np.ndarray | None] = [None] * (depth + 1)
    samples = a[0].shape[-2]
    for l in range(depth, 0, -1):
        weight_grads[l] = deltas[l].swapaxes(-1, -2) @ a[l - 1]  # (a stack of networks: each its own)
        bias_grads[l] = deltas[l].sum(axis=-2)
        if snap and samples > 1:  # sums over the batch: zero up to rounding is 0 (core.cancel)
            for d, x, w_grad, b_grad in _each_network(deltas[l], a[l - 1], weight_grads[l], bias_grads[l]):
                snap_product(w_grad, d.T, x)
                snap_product(b_grad[None, :], np.ones((1, samples)), d)
        if scale != 1.0:
            weight_grads[l] *= scale
            bias_grads[l] *= scale
        if l > 1:
            weights = layers[l - 1].weights
            grad_a[l - 1] = deltas[l] @ weights
            if snap:
                for d, w, g in _each_network(deltas[l], weights, grad_a[l - 1]):
                    snap_product(g, d, w)
            activation = layers[l - 2].activation
            deltas[l - 1] = activation.backward(z[l - 1], a[l - 1], grad_a[l - 1])
            if snap and not activation.elementwise:  # softmax's δ is a sum over the layer too
                for d, g, x in _each_network(deltas[l - 1], grad_a[l - 1], a[l - 1]):
                    snap_softmax(d, g, x)
    return grad_a, deltas, weight_grads, bias_grads
