"""An independent oracle: the forward pass in plain Python (math, lists), no numpy, no engine code.

Central finite differences on it give every gradient; brute-force path enumeration lives in the
trace tests. Nothing here imports backprop_cli.
"""
from __future__ import annotations

import math


def activate(name: str, zs: list[float], alpha: float = 0.01) -> list[float]:
    if name == "linear":
        return list(zs)
    if name == "sigmoid":
        return [1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)) for z in zs]
    if name == "tanh":
        return [math.tanh(z) for z in zs]
    if name == "relu":
        return [max(0.0, z) for z in zs]
    if name == "leaky_relu":
        return [z if z > 0 else alpha * z for z in zs]
    if name == "softmax":
        top = max(zs)
        exps = [math.exp(z - top) for z in zs]
        total = sum(exps)
        return [e / total for e in exps]
    raise ValueError(name)


def sample_loss(name: str, yhat: list[float], y: list[float]) -> float:
    if name == "squared_error":
        return sum((p - t) ** 2 for p, t in zip(yhat, y))
    if name == "half_squared_error":
        return 0.5 * sum((p - t) ** 2 for p, t in zip(yhat, y))
    if name == "mse":
        return sum((p - t) ** 2 for p, t in zip(yhat, y)) / len(y)
    if name == "cross_entropy":
        return -sum(t * math.log(p) for p, t in zip(yhat, y) if t != 0)
    if name == "binary_cross_entropy":
        return -sum((t * math.log(p) if t else 0) + ((1 - t) * math.log(1 - p) if t != 1 else 0)
                    for p, t in zip(yhat, y))
    if name == "none":  # a circuit's output f = Σ g·ŷ, y holding the upstream gradient g
        return sum(p * g for p, g in zip(yhat, y))
    raise ValueError(name)


def forward(layers: list[dict], x: list[float]) -> tuple[list[list[float]], list[list[float]]]:
    """layers: [{'activation': name, 'alpha': a, 'weights': [[...]], 'biases': [...]}]; returns zs, activations."""
    zs, acts = [], [list(x)]
    for layer in layers:
        prev = acts[-1]
        z = [sum(w * a for w, a in zip(row, prev)) + b for row, b in zip(layer["weights"], layer["biases"])]
        zs.append(z)
        acts.append(activate(layer["activation"], z, layer.get("alpha", 0.01)))
    return zs, acts


def batch_loss(layers, inputs, targets, loss, reduction="mean") -> float:
    total = sum(sample_loss(loss, forward(layers, x)[1][-1], y) for x, y in zip(inputs, targets))
    return total / len(inputs) if reduction == "mean" else total


def finite_difference(layers, inputs, targets, loss, reduction="mean", eps=1e-6):
    """Central differences for every parameter: {(kind, layer, j, k): dL/dp} with 1-based indices."""
    grads = {}
    for l, layer in enumerate(layers, start=1):
        for j, row in enumerate(layer["weights"]):
            for k in range(len(row)):
                grads[("w", l, j + 1, k + 1)] = _nudge(layers, inputs, targets, loss, reduction, eps, row, k)
        style = layer.get("bias_style", "each")
        if style == "shared":  # one parameter b{l}: every neuron's bias moves with it
            grads[("b", l, None, None)] = _nudge_all(layers, inputs, targets, loss, reduction, eps, layer["biases"])
        elif style == "each":
            for j in range(len(layer["biases"])):
                grads[("b", l, j + 1, None)] = _nudge(layers, inputs, targets, loss, reduction, eps,
                                                       layer["biases"], j)
    return grads


def _nudge_all(layers, inputs, targets, loss, reduction, eps, container):
    original = list(container)
    container[:] = [v + eps for v in original]
    up = batch_loss(layers, inputs, targets, loss, reduction)
    container[:] = [v - eps for v in original]
    down = batch_loss(layers, inputs, targets, loss, reduction)
    container[:] = original
    return (up - down) / (2 * eps)


def _nudge(layers, inputs, targets, loss, reduction, eps, container, index):
    original = container[index]
    container[index] = original + eps
    up = batch_loss(layers, inputs, targets, loss, reduction)
    container[index] = original - eps
    down = batch_loss(layers, inputs, targets, loss, reduction)
    container[index] = original
    return (up - down) / (2 * eps)


def local_derivative(name: str, zs: list[float], acts: list[float], i: int, m: int,
                     alpha: float = 0.01) -> float | None:
    """∂a_i/∂z_m, or None where no edge exists (elementwise activations, i ≠ m)."""
    if name == "softmax":
        return acts[i] * ((1.0 if i == m else 0.0) - acts[m])
    if i != m:
        return None
    z, a = zs[i], acts[i]
    return {"linear": 1.0, "sigmoid": a * (1 - a), "tanh": 1 - a * a, "relu": 1.0 if z > 0 else 0.0,
            "leaky_relu": 1.0 if z > 0 else alpha}[name]


def loss_derivative(name: str, yhat: list[float], y: list[float], i: int) -> float:
    p, t = yhat[i], y[i]
    if name == "squared_error":
        return 2 * (p - t)
    if name == "half_squared_error":
        return p - t
    if name == "mse":
        return 2 * (p - t) / len(y)
    if name == "cross_entropy":
        return -t / p if t else 0.0
    if name == "binary_cross_entropy":
        return (p - t) / (p * (1 - p))
    if name == "none":
        return t
    raise ValueError(name)


def enumerate_paths(layers, x, y, loss, layer, j, k=None):
    """Every path from L to w(layer)jk (or b(layer)j when k is None), by brute-force recursion:
    a list of (products, node tuple) for one sample."""
    zs, acts = forward(layers, x)
    depth = len(layers)
    found = []

    def down_from_a(p, i, product, nodes):
        # at activation i of layer p; step to every z(p)m it depends on
        for m in range(len(zs[p - 1])):
            layer_p = layers[p - 1]
            d = local_derivative(layer_p["activation"], zs[p - 1], acts[p], i, m, layer_p.get("alpha", 0.01))
            if d is None:
                continue
            if p == layer:
                if m == j - 1:
                    last = acts[layer - 1][k - 1] if k is not None else 1.0
                    found.append((product * d * last, nodes + (("z", p, m + 1),)))
                continue
            for q in range(len(acts[p - 1])):
                down_from_a(p - 1, q, product * d * layers[p - 1]["weights"][m][q],
                            nodes + (("z", p, m + 1), ("a", p - 1, q + 1)))

    for i in range(len(acts[depth])):
        down_from_a(depth, i, loss_derivative(loss, acts[depth], y, i), (("a", depth, i + 1),))
    return found
