"""The gradient-descent update w ← w − η·∂L/∂w: the one place it is computed and spelt."""
from __future__ import annotations

import numpy as np

from .cancel import snapped_sum

RULE = "{p} ← {p} − η·∂{loss}/∂{p}"  # `p` a parameter's name, `loss` the loss's symbol (L)
WORKED = "{rule} = {value} − {rate} × ({gradient}) = {after}"  # the rule with its numbers


def updated(value, gradient, learning_rate: float):
    """A parameter (or an array of them) after one step against its gradient."""
    return value - learning_rate * gradient


def rule(name: str, loss: str = "L") -> str:
    """The update rule for one parameter: w212 ← w212 − η·∂L/∂w212."""
    return RULE.format(p=name, loss=loss)


def worked(name: str, value: float, learning_rate: float, gradient: float, after: float, show,
           strong=lambda text: text, loss: str = "L") -> str:
    """The update written out with its numbers, each shown by `show` (and the result by `strong`):
    w212 ← w212 − η·∂L/∂w212 = 0.8 − 1 × (-0.130377) = 0.930377."""
    return WORKED.format(rule=rule(name, loss), value=show(value), rate=show(learning_rate),
                         gradient=show(gradient), after=strong(show(after)))


def stepped_layers(network, weight_grads: list, bias_grads: list, learning_rate: float,
                   frozen: list[tuple]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weights, biases) of every layer after one update. A shared bias moves by η times the sum
    of its neurons' gradients; absent biases stay 0; the `frozen` parameters, as (kind, layer, j,
    k), stay as they are. Values that overflow come out inf, for the caller to report."""
    stepped = []
    with np.errstate(over="ignore", invalid="ignore"):
        for l, layer in enumerate(network.layers, start=1):
            biases = layer.biases
            if layer.bias_style == "each":
                biases = updated(layer.biases, bias_grads[l], learning_rate)
            elif layer.bias_style == "shared":
                biases = np.full_like(layer.biases, updated(layer.biases[0], snapped_sum(bias_grads[l]),
                                                            learning_rate))
            stepped.append((updated(layer.weights, weight_grads[l], learning_rate), biases))
    for kind, layer, j, k in frozen:
        weights, biases = stepped[layer - 1]
        before = network.layers[layer - 1]
        if kind == "w":
            weights[j - 1, k - 1] = before.weights[j - 1, k - 1]
        elif j is None:  # the layer's shared bias
            biases[...] = before.biases
        else:
            biases[j - 1] = before.biases[j - 1]
    return stepped
